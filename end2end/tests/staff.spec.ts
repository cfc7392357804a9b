import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, seedMember, snap, STAFF_PASSWORD, staffLogin, watchConsole } from './helpers';

test('the back office needs a staff login, and a wrong one gets one answer', async ({ page }) => {
  await page.goto('/staff/audit');
  await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff%2Faudit/);
  await hydrated(page);
  await page.getByLabel('ログインID').fill('operator');
  await page.getByLabel('パスワード').fill('wrong-password');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.getByRole('alert')).toHaveText('ログインIDまたはパスワードが正しくありません。');
  await page.getByLabel('パスワード').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/staff\/audit$/);
  await expect(page.getByRole('heading', { name: '監査ログ' })).toBeVisible();
  // Operators do not manage staff.
  await expect(page.getByRole('link', { name: '職員アカウント' })).toHaveCount(0);
  await page.goto('/staff/accounts');
  await expect(page.getByRole('alert')).toHaveText('この操作を行う権限がありません。');
});

test('a member session does not open the back office', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage' });
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login/);
});

test('staff find a member by kana and see contracts and procedures', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await staffLogin(page);
  await page.getByRole('link', { name: '組合員検索' }).click();
  await hydrated(page);
  await page.getByLabel('組合員番号・氏名・フリガナ').fill('キョウサイ');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page.getByRole('row')).toHaveCount(3);
  await page.getByRole('link', { name: '共済太郎' }).click();
  await expect(page.getByRole('heading', { name: '共済太郎様' })).toBeVisible();
  await expect(page.getByRole('region', { name: '契約番号 K-2019-000101' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'がん特約(月額掛金 1,000円)' })).toBeVisible();
  await snap(page, testInfo, 'staff-member');
  await page.goto('/staff');
  await snap(page, testInfo, 'staff-queue');
  expect(errors).toEqual([]);
});

test('the audit log filters by actor, action and member', async ({ page, browser, baseURL, request }, testInfo) => {
  // A member files a document request: one audited action of theirs.
  const me = await seedMember(request, { knownBrowser: true });
  const member = await browser.newPage({ baseURL });
  await apiLogin(member, me);
  const filed = await member.request.post('/api/apply', {
    form: { kind: 'document_request', documents: 'pamphlet' },
    maxRedirects: 0,
  });
  expect(filed.status(), await filed.text()).toBeLessThan(400);
  await member.context().close();

  await staffLogin(page, '', 'admin');
  await page.getByRole('link', { name: '監査ログ' }).click();
  await hydrated(page);
  await page.getByLabel('操作者').selectOption('member');
  await page.getByLabel('操作', { exact: true }).selectOption('procedure_filed');
  await page.getByLabel('組合員番号').fill(me.member_number);
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page).toHaveURL(/actor=member&action=procedure_filed&member=/);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.locator('td').nth(1)).toHaveText(new RegExp(`^組合員 ${me.member_number}`));
  await expect(rows.locator('td').nth(2)).toContainText(me.member_number);
  await expect(rows.locator('td').nth(3)).toHaveText('お手続きの受付');
  await expect(rows.locator('td').nth(5)).toContainText('コース・特約のパンフレット');
  await snap(page, testInfo, 'staff-audit');

  // The same member, but done by staff: nothing.
  await page.getByLabel('操作者').selectOption('staff');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page.getByText('該当する記録はありません。')).toBeVisible();
  await expect(rows).toHaveCount(0);

  // A malformed member number is told, not searched.
  await page.getByLabel('組合員番号').fill('12-34');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page.getByRole('alert')).not.toBeEmpty();

  // Without filters every actor shows again.
  await page.getByLabel('組合員番号').fill('');
  await page.getByLabel('操作者').selectOption('');
  await page.getByLabel('操作', { exact: true }).selectOption('');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(rows.first()).toBeVisible();
  const actors = new Set((await rows.locator('td:nth-child(2)').allInnerTexts()).map((a) => a.split(' ')[0]));
  expect(actors.has('組合員'), [...actors].join(',')).toBeTruthy();
});

test('an admin adds a staff account, who can then log in', async ({ page, browser, baseURL }, testInfo) => {
  await staffLogin(page, '', 'admin');
  await page.getByRole('link', { name: '職員アカウント' }).click();
  await hydrated(page);
  const loginId = `staff-${Date.now().toString(36)}`;
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('氏名').fill('田中花');
  await page.getByLabel('初期パスワード', { exact: true }).fill('short');
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.locator('#password-error')).not.toBeEmpty();
  await page.getByLabel('初期パスワード', { exact: true }).fill('harukaze-no-kuni-2026');
  await page.getByLabel('初期パスワード(確認)').fill('harukaze-no-kuni-2026');
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.getByText('職員アカウントを追加しました。')).toBeVisible();
  await expect(page.getByRole('cell', { name: loginId, exact: true })).toBeVisible();
  await snap(page, testInfo, 'staff-accounts');

  const other = await (await browser.newContext({ baseURL })).newPage();
  await staffLogin(other, '', loginId, 'harukaze-no-kuni-2026');
  await expect(other.getByRole('heading', { name: '手続き一覧' })).toBeVisible();
  await other.context().close();
});
