import { expect, test } from '@playwright/test';
import { hydrated, login, openFromMenu, seedMember, snap } from './helpers';

test('login history shows attempts, and other browsers can be logged out', { tag: '@layout' }, async ({ browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request);
  const options = { baseURL, viewport: testInfo.project.use.viewport, locale: 'ja-JP' };
  const other = await browser.newContext(options);
  const mine = await browser.newContext(options);
  try {
    // Another browser: a wrong password first, then a login.
    const a = await other.newPage();
    await a.goto('/');
    await login(a, me, { password: 'wrong-password-1', expectFailure: true });
    await expect(a.getByRole('alert')).toContainText('正しくありません');
    await login(a, me);
    await expect(a).toHaveURL(/\/mypage$/);

    // This browser logs in and looks at the history.
    const b = await mine.newPage();
    await b.goto('/');
    await login(b, me);
    await expect(b).toHaveURL(/\/mypage$/);
    await openFromMenu(b, 'ログイン履歴');
    await expect(b).toHaveURL(/\/mypage\/security$/);
    const logins = b.getByRole('region', { name: '最近のログイン' });
    // Each new browser's right password waited for the mailed code first.
    await expect(logins.getByRole('listitem')).toHaveCount(5);
    await expect(logins.getByText('失敗')).toHaveCount(1);
    await expect(logins.getByText('成功')).toHaveCount(2);
    await expect(logins.getByText('パスワード確認・認証コード送信')).toHaveCount(2);
    await expect(logins.getByText(/Google Chrome\((Windows|Linux|Android|Mac)\)/).first()).toBeVisible();
    const sessions = b.getByRole('region', { name: 'ログイン中の端末' });
    await expect(sessions.getByRole('listitem')).toHaveCount(2);
    await expect(sessions.getByText('この端末')).toHaveCount(1);
    await snap(b, testInfo, 'security');

    await b.getByRole('button', { name: 'ほかの端末をすべてログアウト' }).click();
    await expect(b.getByRole('status')).toHaveText('1台の端末をログアウトしました。');
    await expect(sessions.getByRole('listitem')).toHaveCount(1);

    // The other browser's session is gone; this one still works.
    await a.reload();
    await expect(a).toHaveURL(/\/\?next=%2Fmypage/);
    await b.reload();
    await expect(b.getByText(`ようこそ${me.name}様`)).toBeVisible();

    // Both browsers entered a code; revoking makes every browser ask again.
    const known = b.getByRole('region', { name: '認証済みの端末' });
    await expect(known.getByRole('listitem')).toHaveCount(2);
    await hydrated(b);
    await Promise.all([
      b.waitForResponse((r) => r.url().endsWith('/api/forget_known_browsers')),
      known.getByRole('button', { name: 'すべての端末の認証を解除' }).click(),
    ]);
    await expect(known.getByRole('status')).toContainText('認証を解除しました。');
    await expect(known.getByRole('listitem')).toHaveCount(0);
    await b.getByRole('button', { name: 'ログアウト', exact: true }).click();
    await hydrated(b);
    await b.getByLabel('ユーザーIDまたはメールアドレス').fill(me.user_id);
    await b.getByLabel('パスワード').fill(me.password);
    await b.getByRole('button', { name: 'ログイン' }).click();
    await expect(b).toHaveURL(/\/login\/code/);
  } finally {
    await other.close();
    await mine.close();
  }
});
