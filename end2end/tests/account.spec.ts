import { expect, Page, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { apiLogin, hydrated, latestMail, login, Member, openFromMenu, seedMember, snap } from './helpers';

const NEW_PASSWORD = 'あおい-みどり-しろ-77';

async function openAccountPage(page: Page, me: Member) {
  await apiLogin(page, me, { goto: '/mypage' });
  await openFromMenu(page, 'ログイン情報の変更');
  await expect(page.getByRole('heading', { name: 'ログイン情報の変更', level: 1 })).toBeVisible();
  await hydrated(page);
}

async function logout(page: Page) {
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);
}

test('a member changes their password with the current one', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await openAccountPage(page, me);
  await snap(page, testInfo, 'account');
  const card = page.getByRole('region', { name: 'パスワードの変更' });
  await card.getByLabel('現在のパスワード').fill('not-my-password');
  await card.getByLabel('新しいパスワード', { exact: true }).fill(NEW_PASSWORD);
  await card.getByLabel('新しいパスワード(確認)').fill(NEW_PASSWORD);
  await card.getByRole('button', { name: 'パスワードを変更する' }).click();
  await expect(card.locator('#current_password-error')).toHaveText('現在のパスワードが正しくありません。');

  await card.getByLabel('現在のパスワード').fill(me.password);
  await card.getByRole('button', { name: 'パスワードを変更する' }).click();
  await expect(card.getByRole('status')).toHaveText('パスワードを変更しました。ほかの端末でのログインは終了しました。');
  expect(await latestMail(page, me.email, 'パスワード変更のお知らせ')).toContain(`${me.name}様`);

  await logout(page);
  await login(page, me, { password: NEW_PASSWORD });
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});

test('a member changes their user ID', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  const other = await seedMember(request);
  await openAccountPage(page, me);
  const card = page.getByRole('region', { name: 'ユーザーIDの変更' });
  await card.getByLabel('新しいユーザーID').fill(other.user_id);
  await card.getByLabel('現在のパスワード').fill(me.password);
  await card.getByRole('button', { name: 'ユーザーIDを変更する' }).click();
  await expect(card.locator('#user_id-error')).toHaveText('このユーザーIDはすでに使われています。別のユーザーIDを入力してください。');
  const newId = `Renamed-${me.user_id}`;
  await card.getByLabel('新しいユーザーID').fill(newId);
  await card.getByRole('button', { name: 'ユーザーIDを変更する' }).click();
  await expect(card.getByRole('status')).toHaveText(`ユーザーIDを「${newId.toLowerCase()}」に変更しました。`);
  expect(await latestMail(page, me.email, 'ユーザーID変更のお知らせ')).toContain(newId.toLowerCase());

  await logout(page);
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toContainText('正しくありません');
  await login(page, { ...me, user_id: newId });
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});

test('a new email address takes effect only with the code sent to it', async ({ page, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  const newAddress = `new.${me.email}`;
  await openAccountPage(page, me);
  const card = page.getByRole('region', { name: 'メールアドレスの変更' });
  await card.getByLabel('新しいメールアドレス').fill(newAddress);
  await card.getByLabel('現在のパスワード').fill(me.password);
  await card.getByRole('button', { name: '認証コードを送る' }).click();
  await expect(card.getByText(`「${newAddress}」に認証コードをお送りしました。`)).toBeVisible();

  const mail = await latestMail(page, newAddress, 'メールアドレス確認の認証コード');
  const code = mail.match(/認証コード:(\d{6})/)![1];
  const wrong = code === '000000' ? '111111' : '000000';
  await card.getByLabel('認証コード(6桁)').fill(wrong);
  await card.getByRole('button', { name: 'メールアドレスを変更する' }).click();
  await expect(card.locator('#code-error')).toHaveText('認証コードが正しくありません(あと4回入力できます)。');
  await snap(page, testInfo, 'account-email-code');
  // The tab reloaded (the member went to the mail app): the code field is
  // there again for the address the code went to.
  await page.reload();
  await hydrated(page);
  await expect(card.getByText(`「${newAddress}」に認証コードをお送りしました。`)).toBeVisible();
  await card.getByLabel('認証コード(6桁)').fill(code);
  await card.getByRole('button', { name: 'メールアドレスを変更する' }).click();
  await expect(card.getByRole('status')).toHaveText(`メールアドレスを「${newAddress}」に変更しました。`);

  // The old address is told, and the new one logs in.
  expect(await latestMail(page, me.email, 'メールアドレス変更のお知らせ')).toContain(newAddress);
  await logout(page);
  await login(page, newAddress);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});

test('a mail change waiting for its code can be dropped for another address', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await openAccountPage(page, me);
  const card = page.getByRole('region', { name: 'メールアドレスの変更' });
  await card.getByLabel('新しいメールアドレス').fill(`typo.${me.email}`);
  await card.getByLabel('現在のパスワード').fill(me.password);
  await card.getByRole('button', { name: '認証コードを送る' }).click();
  await expect(card.getByText('10分以内に入力してください。')).toBeVisible();
  // After a reload the code field says until when the code works.
  await page.reload();
  await hydrated(page);
  await expect(card.getByText(/\d{1,2}:\d{2}まで有効です。/)).toBeVisible();
  await card.getByRole('button', { name: '別のメールアドレスにする' }).click();
  await expect(card.getByLabel('新しいメールアドレス')).toBeVisible();
  // Dropped on the server: a reload does not bring the code field back.
  await page.reload();
  await expect(card.getByLabel('新しいメールアドレス')).toBeVisible();
  await expect(card.getByLabel('認証コード(6桁)')).toHaveCount(0);
});

test('a temporary password allows nothing but choosing a new one', async ({ page, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  // The operator command, on the main server's database.
  execFileSync('../target/debug/server', ['temp-password', me.member_number], {
    env: { ...process.env, DATABASE_URL: 'sqlite://../target/e2e/main.db?mode=rwc', MYPAGE_DEV: 'true', RUST_LOG: 'warn' },
  });
  const mail = await latestMail(page, me.email, '仮パスワードのお知らせ', 'http://127.0.0.1:3400');
  const temporary = mail.match(/仮パスワード:(\S+)/)![1];

  await page.goto('/');
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toContainText('正しくありません');
  await login(page, me, { password: temporary });
  await expect(page).toHaveURL(/\/mypage\/password$/);
  await expect(page.getByText('仮パスワードでログインしています。')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'マイページ' })).toBeHidden();
  await snap(page, testInfo, 'forced-password');

  // Every other page leads back here.
  await page.goto('/mypage');
  await expect(page).toHaveURL(/\/mypage\/password$/);
  await page.goto('/mypage/security');
  await expect(page).toHaveURL(/\/mypage\/password$/);

  await hydrated(page);
  await page.getByLabel('仮パスワード').fill(temporary);
  await page.getByLabel('新しいパスワード', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('新しいパスワード(確認)').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: '新しいパスワードを登録する' }).click();
  await expect(page).toHaveURL(/\/mypage$/);
  await expect(page.getByRole('heading', { name: 'ご登録内容' })).toBeVisible();
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});
