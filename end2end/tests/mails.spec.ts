import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, seedMember, snap, staffPage, watchConsole } from './helpers';

test('a mail that cannot be delivered: the member is told, staff see it on the record and resend or cancel it', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  // The development mailbox refuses `.invalid` addresses for good.
  const me = await seedMember(request, { knownBrowser: true, undeliverable: true });
  const errors = watchConsole(page);
  const subject = '登録内容変更(電話番号)完了のお知らせ';

  // A change that sends the member a mail.
  await apiLogin(page, me, { goto: '/mypage/profile/phone' });
  await hydrated(page);
  await page.getByLabel('電話番号', { exact: true }).fill('048-111-2222');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await page.getByRole('button', { name: 'この内容で変更する' }).click();
  await expect(page).toHaveURL(/done=phone$/);

  // The mail worker (every 2 s) gives up on it at once; the home says so.
  const told = page.getByRole('note').filter({ hasText: 'メールをお届けできませんでした' });
  await expect(async () => {
    await page.goto('/mypage');
    await expect(told).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(told).toContainText(me.email);
  await expect(told.getByRole('link', { name: 'メールアドレスの変更' })).toHaveAttribute('href', '/mypage/account');
  await snap(page, testInfo, 'home-mail-undeliverable');

  // Staff see it on the member's record, and follow it to the mail list.
  const staff = await staffPage(browser, baseURL);
  await staff.goto(`/staff/members/${me.member_id}`);
  await expect(staff.getByText(/このメールアドレスへのメール \d+ 件を送信できませんでした。/)).toBeVisible();
  await hydrated(staff);
  await staff.getByRole('link', { name: 'メールの送信状況を見る' }).click();
  await expect(staff.getByRole('heading', { name: 'メールの送信状況' })).toBeVisible();
  await expect(staff.getByText(`宛先 ${me.email} のメール`)).toBeVisible();
  const row = staff.getByRole('table', { name: 'メールの一覧' }).getByRole('row').filter({ hasText: subject });
  await expect(row).toContainText('送信失敗');
  await expect(row).toContainText('550');
  await expect(row).toContainText(`${me.member_number} ${me.name}`);
  // Never the text of the mail.
  await expect(staff.getByText('マイページからご登録の電話番号を変更しました')).toHaveCount(0);
  await snap(staff, testInfo, 'staff-mails');

  // Resend: it is queued again (and refused again by the same address);
  // cancel: it leaves the unsent list and shows under 取消済み.
  await row.getByRole('button', { name: '再送する' }).click();
  await expect(staff.getByRole('status').filter({ hasText: '再送を登録しました。' })).toBeVisible();
  // The worker tries it within seconds and is refused again.
  await expect(async () => {
    await staff.reload();
    await expect(row).toContainText('断念', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await hydrated(staff);
  await row.getByRole('button', { name: '取り消す' }).click();
  await expect(staff.getByRole('status').filter({ hasText: '送信を取り消しました' })).toBeVisible();
  await expect(row).toHaveCount(0);
  await staff.getByLabel('状態').selectOption({ label: '取消済み' });
  await staff.getByRole('button', { name: '絞り込む' }).click();
  await expect(staff).toHaveURL(new RegExp(`show=cancelled&member=${me.member_id}(&|$)`));
  await expect(row).toContainText('取消済み');
  await staff.context().close();

  // Cancelling did not make the address reachable: the member is still told.
  await page.goto('/mypage');
  await expect(told).toBeVisible();
  expect(errors).toEqual([]);
});
