import { expect, test } from '@playwright/test';
import { hydrated, latestMail, login, seedMember, snap, useKnownBrowser, watchConsole } from './helpers';

const WRONG = 'ユーザーID(またはメールアドレス)またはパスワードが正しくありません。';

test('a member logs in with user ID, sees their page, and logs out', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await useKnownBrowser(page, me);
  const errors = watchConsole(page);
  await page.goto('/');
  await snap(page, testInfo, 'top');
  await login(page, me);

  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
  await expect(page.getByText(`組合員番号:${me.member_number}`)).toBeVisible();
  await expect(page.getByText('前回ログイン日時:今回がはじめてのログインです')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'ご登録内容' })).toBeVisible();
  await expect(page.getByText('埼玉県さいたま市浦和区岸町1丁目2番3号')).toBeVisible();
  await expect(page.getByText(me.email)).toBeVisible();
  await snap(page, testInfo, 'mypage');
  await hydrated(page);

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/\/\?logged_out=1$/);
  await expect(page.getByText('ログアウトしました')).toBeVisible();
  // The page left and the page reached both finish loading before going back.
  await hydrated(page);

  // Back shows nothing private: the page is fetched again and needs a login.
  await page.goBack();
  await expect(page.getByText(`ようこそ${me.name}様`)).toHaveCount(0);
  await expect(page.getByLabel('ユーザーIDまたはメールアドレス')).toBeVisible();
  await hydrated(page);
  expect(errors).toEqual([]);
});

test('a member logs in with their email address; the next login shows the previous one', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await useKnownBrowser(page, me);
  await page.goto('/');
  await login(page, me.email.toUpperCase());
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
  await expect(page.getByText('前回ログイン日時:今回がはじめてのログインです')).toBeVisible();

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);
  await login(page, me);
  await expect(page.getByText(/^前回ログイン日時:\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}$/)).toBeVisible();
});

test('a wrong password and an unknown ID get the same message', async ({ page, request }) => {
  const me = await seedMember(request);
  await page.goto('/');
  await login(page, me, { password: 'not-the-password', expectFailure: true });
  await expect(page.getByRole('alert')).toHaveText(WRONG);
  await login(page, 'no.such.member', { expectFailure: true });
  await expect(page.getByRole('alert')).toHaveText(WRONG);
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

test('five failed logins in a row lock the account', async ({ page, request }) => {
  const me = await seedMember(request);
  await page.goto('/');
  for (let i = 1; i <= 4; i++) {
    await login(page, me, { password: `wrong-${i}`, expectFailure: true });
    await expect(page.getByRole('alert')).toContainText('正しくありません');
  }
  await login(page, me, { password: 'wrong-5', expectFailure: true });
  // Locked: answered exactly like a wrong password, even for the right one
  // (nobody learns from the screen that the account exists); the member
  // learns of the lock by mail.
  await expect(page.getByRole('alert')).toHaveText(WRONG);
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toHaveText(WRONG);
  await expect(page).toHaveURL(/\/$/);
  expect(await latestMail(page, me.email, 'アカウントを一時的にロックしました')).toContain(`${me.name}様`);
});

test('a private page asks for a login and comes back afterwards', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await useKnownBrowser(page, me);
  const errors = watchConsole(page);
  await page.goto('/mypage/security');
  await expect(page).toHaveURL(/\/\?next=%2Fmypage%2Fsecurity$/);
  await expect(page.getByText('この画面をご覧になるには、ログインしてください。')).toBeVisible();
  await login(page, me);
  await expect(page).toHaveURL(/\/mypage\/security$/);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
  await hydrated(page);
  expect(errors).toEqual([]);
});

test('an open redirect through next is refused', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await useKnownBrowser(page, me);
  await page.goto('/?next=https://evil.example/');
  await login(page, me);
  await expect(page).toHaveURL('http://127.0.0.1:3400/mypage');
});

test('two members use one browser one after the other', async ({ page, request }) => {
  const first = await seedMember(request);
  const second = await seedMember(request);
  await page.goto('/');
  await login(page, first);
  await expect(page.getByText(`ようこそ${first.name}様`)).toBeVisible();
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);

  await login(page, second);
  await expect(page.getByText(`ようこそ${second.name}様`)).toBeVisible();
  await expect(page.getByText(first.name)).toHaveCount(0);
  await expect(page.getByText(second.email)).toBeVisible();
});

test('a browser new to the member needs the mailed code; then it is known', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const me = await seedMember(request);
  await page.goto('/');
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(me.user_id);
  await page.getByLabel('パスワード').fill(me.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/login\/code\?next=%2Fmypage$/);
  const mark = (await page.locator('.mark strong').innerText()).trim();
  expect(mark).toMatch(/^[0-9A-F]{4}$/);
  await snap(page, testInfo, 'login-code');
  const mail = await latestMail(page, me.email, `照合記号:${mark}`);
  expect(mail).toContain(`${me.name}様`);
  const code = mail.match(/認証コード:(\d{6})/)![1];

  await hydrated(page);
  await page.getByLabel('認証コード(6桁)').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.locator('#code-error')).toHaveText('認証コードが正しくありません(あと4回入力できます)。');
  await page.getByLabel('認証コード(6桁)').fill(code);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();

  // The same browser is known now: the password alone logs in.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(me.user_id);
  await page.getByLabel('パスワード').fill(me.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
});
