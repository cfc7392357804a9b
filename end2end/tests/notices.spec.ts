import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, seedMember, snap, staffPage, watchConsole } from './helpers';

test('staff publish a 重要 notice; the member sees it first and unread on the home, and reads it', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  const errors = watchConsole(page);
  const token = me.member_number;
  const important = `e2e 重要 システム停止の予定 ${token}`;
  const normal = `e2e 通常 窓口の案内 ${token}`;

  // Staff publish a normal notice, then an important one.
  const staff = await staffPage(browser, baseURL);
  await staff.getByRole('navigation', { name: '管理画面' }).getByRole('link', { name: 'お知らせ' }).click();
  await expect(staff.getByRole('heading', { name: 'お知らせの管理' })).toBeVisible();
  await hydrated(staff);
  // A refused form keeps what was typed, with the message at the field.
  await staff.getByLabel('本文').fill('件名を忘れた本文');
  await staff.getByRole('button', { name: '掲載する' }).click();
  await expect(staff.locator('#title-error')).toHaveText('件名を入力してください。');
  await expect(staff.getByLabel('本文')).toHaveValue('件名を忘れた本文');

  // They end on their own half an hour on, should this test stop early
  // (the main server's members all see notices for everyone).
  const from = await staff.getByLabel('掲載開始日時').inputValue();
  const until = new Date(Date.parse(`${from}:00Z`) + 30 * 60_000).toISOString().slice(0, 16);
  for (const [title, level] of [[normal, '通常'], [important, '重要(一覧の先頭に表示)']]) {
    await staff.getByLabel('掲載終了日時(任意)').fill(until);
    await staff.getByLabel('件名').fill(title);
    await staff.getByLabel('本文').fill(`${title}の本文です。\n二行目です。`);
    await staff.getByLabel(level).check();
    await staff.getByRole('button', { name: '掲載する' }).click();
    await expect(staff.getByRole('table', { name: 'お知らせの一覧' })).toContainText(title);
  }
  await snap(staff, testInfo, 'staff-notices');

  // The member's home lists the important one first, both unread.
  await apiLogin(page, me, { goto: '/mypage' });
  const current = page.getByRole('list', { name: '現在のお知らせ' });
  const mine = current.getByRole('listitem').filter({ hasText: token });
  await expect(mine).toHaveCount(2);
  await expect(mine.first()).toContainText(important);
  await expect(mine.first()).toContainText('重要');
  await expect(mine.first()).toContainText('未読');
  await expect(mine.last()).toContainText(normal);
  await snap(page, testInfo, 'home-notices');

  await hydrated(page);
  await mine.first().getByRole('link').click();
  await expect(page.getByRole('heading', { name: important })).toBeVisible();
  await expect(page.locator('.message__body')).toHaveText(`${important}の本文です。\n二行目です。`);
  await page.getByRole('link', { name: 'お知らせ一覧に戻る' }).click();
  const listed = page.getByRole('list', { name: '現在のお知らせ' }).getByRole('listitem').filter({ hasText: important });
  await expect(listed).not.toContainText('未読');

  // Staff end both; they move to the member's past notices.
  for (const title of [important, normal]) {
    await staff.getByRole('row').filter({ hasText: title }).getByRole('button', { name: '掲載を終える' }).click();
    await expect(staff.getByRole('row').filter({ hasText: title })).toContainText('掲載終了');
  }
  await staff.context().close();
  await page.reload();
  await expect(page.getByRole('list', { name: '過去のお知らせ' })).toContainText(important);
  await expect(page.getByRole('list', { name: '現在のお知らせ' }).getByText(token)).toHaveCount(0);
  expect(errors).toEqual([]);
});
