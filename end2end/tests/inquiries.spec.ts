import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, latestMail, openFromMenu, seedMember, snap, staffPage, watchConsole } from './helpers';

test('a member writes from the 勤務先 screen, staff reply, the member is mailed and reads the reply', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  const errors = watchConsole(page);
  await apiLogin(page, me, { goto: '/mypage/profile' });
  await page.getByRole('link', { name: '勤務先の変更を連絡する' }).click();
  await expect(page.getByRole('heading', { name: 'お問い合わせを送る' })).toBeVisible();
  await hydrated(page);
  // The 勤務先 screen chose the category.
  await expect(page.getByLabel('お問い合わせの分類')).toHaveValue('workplace');

  // Nothing is sent with an empty subject: the message is next to the field.
  await page.getByLabel('内容').fill('4月から本社勤務になりました。\n電話番号は 03-0000-0000 です。');
  await page.getByRole('button', { name: '送信する' }).click();
  await expect(page.locator('#subject-error')).toHaveText('件名を入力してください。');
  await expect(page.getByLabel('件名')).toHaveAttribute('aria-invalid', 'true');

  const subject = `勤務先の異動 ${me.member_number}`;
  await page.getByLabel('件名').fill(subject);
  await snap(page, testInfo, 'inquiry-new');
  await page.getByRole('button', { name: '送信する' }).click();
  await expect(page.getByRole('status')).toContainText('お問い合わせを受け付けました。');
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  await expect(page.locator('.status')).toHaveText('未対応');
  // Line breaks are kept.
  await expect(page.locator('.message__body').first()).toHaveText('4月から本社勤務になりました。\n電話番号は 03-0000-0000 です。');
  const threadUrl = page.url().replace(/\?.*$/, '');

  // Staff find it at the top of the inbox, note and reply.
  const staff = await staffPage(browser, baseURL);
  await staff.getByRole('navigation', { name: '管理画面' }).getByRole('link', { name: 'お問い合わせ' }).click();
  await expect(staff.getByRole('heading', { name: 'お問い合わせ', exact: true })).toBeVisible();
  await snap(staff, testInfo, 'staff-inquiries');
  await staff.getByRole('link', { name: subject }).click();
  await expect(staff.getByRole('heading', { name: subject })).toBeVisible();
  await hydrated(staff);
  await expect(staff.getByText(me.member_number, { exact: true })).toBeVisible();
  await staff.getByRole('textbox', { name: 'メモの内容' }).fill('人事の記録を確認すること');
  await staff.getByRole('button', { name: 'メモを残す' }).click();
  await expect(staff.getByText('内部メモ(組合員には表示されません)')).toBeVisible();
  await expect(staff.locator('.status').first()).toHaveText('対応中');
  await staff.getByRole('textbox', { name: '回答', exact: true }).fill('ご連絡ありがとうございます。\n勤務先の変更を承りました。');
  await staff.getByLabel('署名(任意)').fill('担当 佐藤');
  await staff.getByRole('button', { name: '回答を送る' }).click();
  await expect(staff.locator('.status').first()).toHaveText('回答済');
  await expect(staff.getByRole('textbox', { name: '回答', exact: true })).toHaveValue('');
  await snap(staff, testInfo, 'staff-inquiry');
  await staff.context().close();

  // The mail says a reply waits and links to the thread, without its text.
  const mail = await latestMail(page, me.email, subject);
  expect(mail).toContain('お問い合わせに回答しました');
  expect(mail).not.toContain('勤務先の変更を承りました');
  expect(mail).toContain(new URL(threadUrl).pathname);

  await page.goto(new URL(threadUrl).pathname);
  await expect(page.locator('.status')).toHaveText('回答済');
  const reply = page.locator('.message--staff');
  await expect(reply).toContainText('当組合の担当者');
  await expect(reply).toContainText('担当 佐藤');
  await expect(reply.locator('.message__body')).toHaveText('ご連絡ありがとうございます。\n勤務先の変更を承りました。');
  // The internal note is not on the member's page.
  await expect(page.getByText('人事の記録')).toHaveCount(0);
  await snap(page, testInfo, 'inquiry-thread');

  // The member thanks and closes it.
  await hydrated(page);
  await page.getByLabel('内容').fill('ありがとうございました。');
  await page.getByRole('button', { name: '返信する' }).click();
  await expect(page.locator('.message').last()).toContainText('ありがとうございました。');
  await expect(page.locator('.status')).toHaveText('未対応');
  await expect(page.getByLabel('内容')).toHaveValue('');
  await page.getByRole('button', { name: '完了にする' }).click();
  await expect(page.locator('.status')).toHaveText('完了');
  await expect(page.getByText('このお問い合わせは完了しています。')).toBeVisible();

  await openFromMenu(page, '連絡・お問い合わせ');
  await expect(page.getByRole('list', { name: 'お問い合わせの一覧' })).toContainText(subject);
  // The refused first try is a 422 the browser logs; nothing else may be.
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
});
