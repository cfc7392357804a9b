import { expect, test } from '@playwright/test';
import { hydrated, latestMail, login, PASSWORD, shortIdle, snap, watchConsole } from './helpers';

test('a member logs in with user ID, sees their page, and logs out', async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await snap(page, testInfo, 'top');
  await login(page, 'kyosai.taro');

  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText('ようこそ共済太郎様')).toBeVisible();
  await expect(page.getByText('組合員番号:0123-45678')).toBeVisible();
  await expect(page.getByText(/前回ログイン日時:\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'ご登録内容' })).toBeVisible();
  await expect(page.getByText('埼玉県さいたま市浦和区岸町7丁目5番14号')).toBeVisible();
  await expect(page.getByText('taro@example.jp')).toBeVisible();
  await snap(page, testInfo, 'mypage');

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/\/\?logged_out=1$/);
  await expect(page.getByText('ログアウトしました')).toBeVisible();

  // Back shows nothing private: the page is fetched again and needs a login.
  await page.goBack();
  await expect(page.getByText('ようこそ共済太郎様')).toHaveCount(0);
  await expect(page.getByLabel('ユーザーIDまたはメールアドレス')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a member logs in with their email address', async ({ page }) => {
  await page.goto('/');
  await login(page, 'Hanako@Example.jp');
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText('ようこそ共済花子様')).toBeVisible();
  await expect(page.getByText('組合員番号:0123-45679')).toBeVisible();
  // Hanako's first login ever shows so; the other viewport's run may have come first.
  await expect(
    page.getByText(/前回ログイン日時:(今回がはじめてのログインです|\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2})/),
  ).toBeVisible();
});

test('a wrong password and an unknown ID get the same message', async ({ page }) => {
  const message = 'ユーザーID(またはメールアドレス)またはパスワードが正しくありません。';
  await page.goto('/');
  await login(page, 'kyosai.taro', 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText(message);
  await login(page, 'no.such.member', PASSWORD);
  await expect(page.getByRole('alert')).toHaveText(message);
  await expect(page).toHaveURL(/\/$/);
});

test('empty fields are told next to the field', async ({ page }) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('button', { name: 'ログイン' }).click();
  const id = page.getByLabel('ユーザーIDまたはメールアドレス');
  await expect(id).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#identifier-error')).toHaveText('ユーザーIDまたはメールアドレスを入力してください。');
});

test('five failed logins in a row lock the account', async ({ page }, testInfo) => {
  const account = 'seikyo.ichiro';
  await page.goto('/');
  for (let i = 1; i <= 4; i++) {
    await login(page, account, `wrong-${i}`);
    await expect(page.getByRole('alert')).toContainText('正しくありません');
  }
  await login(page, account, 'wrong-5');
  await expect(page.getByRole('alert')).toContainText('一時的にロックされています');
  // The right password is refused the same way while locked.
  await login(page, account, PASSWORD);
  await expect(page.getByRole('alert')).toContainText('一時的にロックされています');
  await expect(page).toHaveURL(/\/$/);
  await snap(page, testInfo, 'locked');
});

test('a private page asks for a login and comes back afterwards', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/mypage');
  await expect(page).toHaveURL(/\/\?next=%2Fmypage$/);
  await expect(page.getByText('この画面をご覧になるには、ログインしてください。')).toBeVisible();
  await login(page, 'kyosai.taro');
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText('ようこそ共済太郎様')).toBeVisible();
  expect(errors).toEqual([]);
});

test('an open redirect through next is refused', async ({ page }) => {
  await page.goto('/?next=https://evil.example/');
  await login(page, 'kyosai.taro');
  await expect(page).toHaveURL(/127\.0\.0\.1:34\d0\/mypage$/);
});

test('two members use one browser one after the other', async ({ page }) => {
  await page.goto('/');
  await login(page, 'kyosai.taro');
  await expect(page.getByText('ようこそ共済太郎様')).toBeVisible();
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);

  await login(page, 'kyosai.hanako');
  await expect(page.getByText('ようこそ共済花子様')).toBeVisible();
  await expect(page.getByText('共済太郎')).toHaveCount(0);
  await expect(page.getByText('hanako@example.jp')).toBeVisible();
});

test('after the idle time the session is gone and login returns to the page', async ({ page, baseURL }, testInfo) => {
  // The server on the next port ends sessions after 3 idle seconds.
  const SHORT_IDLE = shortIdle(baseURL);
  await page.goto(`${SHORT_IDLE}/`);
  await login(page, 'kyosai.taro');
  await expect(page).toHaveURL(`${SHORT_IDLE}/mypage`);
  await expect(page.getByText('ようこそ共済太郎様')).toBeVisible();

  await page.waitForTimeout(4_000);
  await page.reload();
  await expect(page).toHaveURL(`${SHORT_IDLE}/?next=%2Fmypage&reason=timeout`);
  await expect(page.getByText('一定時間操作がなかったため、ログアウトしました。', { exact: false })).toBeVisible();
  await snap(page, testInfo, 'timed-out');

  await login(page, 'kyosai.taro');
  await expect(page).toHaveURL(`${SHORT_IDLE}/mypage`);
  await expect(page.getByText('ようこそ共済太郎様')).toBeVisible();
});

test('a browser new to the member needs the mailed code; then it is known', async ({ page }, testInfo) => {
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill('kyosai.hanako');
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/login\/code\?next=%2Fmypage$/);
  const mark = (await page.locator('.mark strong').innerText()).trim();
  expect(mark).toMatch(/^[0-9A-F]{4}$/);
  await snap(page, testInfo, 'login-code');
  const mail = await latestMail(page, 'hanako@example.jp', `照合記号:${mark}`);
  expect(mail).toContain('共済花子様');
  const code = mail.match(/認証コード:(\d{6})/)![1];

  await page.getByLabel('認証コード(6桁)').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.locator('#code-error')).toHaveText('認証コードが正しくありません(あと4回入力できます)。');
  await page.getByLabel('認証コード(6桁)').fill(code);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText('ようこそ共済花子様')).toBeVisible();

  // The same browser is known now: the password alone logs in.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill('kyosai.hanako');
  await page.getByLabel('パスワード').fill(PASSWORD);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
});
