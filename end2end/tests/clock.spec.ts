import { expect, test } from '@playwright/test';
import { clockServer, hydrated, latestMail, linkIn, login } from './helpers';

// These tests move the clock of their own server forward, so they run one
// after the other: a jump would end the sessions of a test running beside.
test.describe.configure({ mode: 'serial' });

test('a reset link older than 30 minutes is refused', async ({ page, request, baseURL }) => {
  const server = clockServer(baseURL);
  await page.goto(`${server}/password/forgot`);
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill('kyosai.taro');
  await page.getByRole('button', { name: '再設定のメールを送る' }).click();
  await expect(page.getByRole('status')).toContainText('お送りしました');
  const link = linkIn(await latestMail(page, 'taro@example.jp', 'パスワード再設定のご案内'));

  const moved = await request.post(`${server}/dev/clock`, { form: { advance: '31m' } });
  expect(moved.ok()).toBeTruthy();
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('このURLは無効か、有効期限が切れています。');
  await expect(page.getByLabel('新しいパスワード', { exact: true })).toHaveCount(0);
});

test('a rider applied for shows from its coverage start date', async ({ page, request, baseURL }) => {
  const server = clockServer(baseURL);
  await page.goto(`${server}/`);
  await login(page, 'kyosai.taro');
  await page.getByRole('link', { name: 'ご契約内容' }).click();
  const contract = page.getByRole('region', { name: '契約番号 K-2019-000101' });
  await expect(contract.getByText('総合保障型2型')).toBeVisible();
  await expect(contract.getByText(/お申し込みの特約「がん特約」は、保障開始日の\d{4}\/\d{1,2}\/1から表示されます。/)).toBeVisible();
  await expect(contract.locator('.riders__name')).toHaveText(['先進医療特約']);
  await expect(contract.getByText('2,200円')).toBeVisible();

  // Past the first of next month the rider is in force and counted.
  const moved = await request.post(`${server}/dev/clock`, { form: { advance: '40d' } });
  expect(moved.ok()).toBeTruthy();
  await page.goto(`${server}/mypage/contracts`);
  // Forty idle days ended the session; logging in again brings the page back.
  await expect(page).toHaveURL(/reason=timeout/);
  await login(page, 'kyosai.taro');
  await expect(page).toHaveURL(`${server}/mypage/contracts`);
  await expect(contract.locator('.riders__name')).toHaveText(['先進医療特約', 'がん特約']);
  await expect(contract.getByText('3,200円')).toBeVisible();
  await expect(contract.getByText('お申し込みの特約')).toHaveCount(0);
});
