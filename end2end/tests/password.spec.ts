import { expect, test } from '@playwright/test';
import { hydrated, latestMail, linkIn, login, seedMember, snap } from './helpers';

const NEW_PASSWORD = 'うみ-そら-やま-2026';

test('a forgotten password is reset through the mailed link, once', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const me = await seedMember(request);
  await page.goto('/');
  await page.getByRole('link', { name: 'パスワードを忘れた方はこちら' }).click();
  await expect(page).toHaveURL(/\/password\/forgot$/);
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(me.user_id);
  await page.getByRole('button', { name: '再設定のメールを送る' }).click();
  await expect(page.getByRole('status')).toContainText('パスワード再設定のご案内を、ご登録のメールアドレスにお送りしました。');
  await snap(page, testInfo, 'password-forgot-sent');

  const mail = await latestMail(page, me.email, 'パスワード再設定のご案内');
  expect(mail).toContain(`${me.name}様`);
  expect(mail).toContain('30分間');
  const link = linkIn(mail);

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'パスワードの再設定' })).toBeVisible();
  await expect(page.getByText('12文字以上128文字以内で入力してください。')).toBeVisible();
  await hydrated(page);
  // The rules are checked on the server and told next to the field.
  await page.getByLabel('新しいパスワード', { exact: true }).fill('short');
  await page.getByLabel('新しいパスワード(確認)').fill('short');
  await page.getByRole('button', { name: 'パスワードを登録する' }).click();
  await expect(page.locator('#password-error')).toHaveText('パスワードは12文字以上で入力してください。');
  await page.getByLabel('新しいパスワード', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('新しいパスワード(確認)').fill(NEW_PASSWORD + 'x');
  await page.getByRole('button', { name: 'パスワードを登録する' }).click();
  await expect(page.locator('#password_confirm-error')).toHaveText('確認用のパスワードが一致しません。');
  await snap(page, testInfo, 'password-reset-form');
  await page.getByLabel('新しいパスワード(確認)').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'パスワードを登録する' }).click();
  await expect(page).toHaveURL(/\/\?password_reset=1$/);
  await expect(page.getByText('パスワードを再設定しました。')).toBeVisible();

  // The old password no longer works; the new one does.
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toContainText('正しくありません');
  await login(page, me, { password: NEW_PASSWORD });
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();

  // The link was for one use only, and a notice went out.
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('このURLは無効か、有効期限が切れています。');
  expect(await latestMail(page, me.email, 'パスワード変更のお知らせ')).toContain(`${me.name}様`);
});

test('the reset request answers the same for an unknown account', async ({ page }) => {
  await page.goto('/password/forgot');
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill('nobody@example.jp');
  await page.getByRole('button', { name: '再設定のメールを送る' }).click();
  await expect(page.getByRole('status')).toContainText('パスワード再設定のご案内を、ご登録のメールアドレスにお送りしました。');
});

test('a made-up reset link is refused', async ({ page }) => {
  await page.goto('/password/reset?token=made-up');
  await expect(page.getByRole('alert')).toContainText('このURLは無効か、有効期限が切れています。');
  await expect(page.getByRole('link', { name: 'パスワード再設定をやり直す' })).toBeVisible();
});

