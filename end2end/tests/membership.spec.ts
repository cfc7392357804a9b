import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, latestMail, login, seedMember, seedStaff, snap, staffLogin } from './helpers';

test('a member stops the service and then cannot log in; staff re-open it', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/account' });
  await hydrated(page);
  const card = page.getByRole('region', { name: 'マイページの利用停止' });
  await card.getByRole('button', { name: '利用停止の手続きへ' }).click();
  await card.getByLabel('現在のパスワード').fill(me.password);
  await snap(page, testInfo, 'stop-service');
  await card.getByRole('button', { name: '利用を停止する' }).click();
  await expect(page).toHaveURL(/\/\?stopped=1$/);
  await expect(page.getByText('マイページのご利用を停止しました。', { exact: false })).toBeVisible();
  expect(await latestMail(page, me.email, 'ご利用停止のお知らせ')).toContain(`${me.name}様`);

  // The right password is told why, with the phone; nothing opens.
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toContainText('マイページのご利用を停止しています');
  await expect(page.getByRole('alert')).toContainText('0120-123-456');

  // Staff re-open it from the member's page.
  const staffPage = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staffPage, await seedStaff(staffPage.request));
  await staffPage.goto(`/staff/members/${me.member_id}`);
  const standing = staffPage.getByRole('region', { name: 'マイページの利用状況' });
  await expect(standing.getByText('利用停止中')).toBeVisible();
  await hydrated(staffPage);
  await standing.getByRole('button', { name: 'マイページの利用を再開する' }).click();
  await expect(standing.getByText('再開しました。', { exact: false })).toBeVisible();
  await staffPage.context().close();

  // The browser was forgotten at the stop: the mailed code, then in.
  await login(page, me);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});
