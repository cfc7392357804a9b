import { expect, test } from '@playwright/test';
import { apiLogin, seedMember, snap } from './helpers';

// Phones get a bar of the most used entries at the bottom and the rest behind
// メニュー; PCs keep the full menu. Both work without JavaScript.
test('the member menu: a bottom bar on phones, the full menu on PCs, with or without JavaScript', { tag: '@layout' }, async ({ browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  const phone = testInfo.project.name === 'phone';
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({
      ...testInfo.project.use,
      baseURL,
      javaScriptEnabled,
    });
    const page = await context.newPage();
    await apiLogin(page, me, { goto: '/mypage' });
    const nav = page.getByRole('navigation', { name: 'マイページ' });
    await expect(nav).toHaveCount(1);
    if (phone) {
      for (const entry of ['トップ', '組合員証', 'ご契約内容', '手続き照会']) {
        await expect(nav.getByRole('link', { name: entry })).toBeVisible();
      }
      await expect(nav.getByRole('link', { name: 'ログイン履歴' })).toBeHidden();
      // The bar sits at the bottom of the screen and covers no content.
      const box = (await nav.boundingBox())!;
      expect(box.y + box.height).toBeGreaterThanOrEqual(812 - 1);
      await nav.getByText('メニュー').click();
      await expect(nav.getByRole('link', { name: 'ログイン履歴' })).toBeVisible();
      if (javaScriptEnabled) await snap(page, testInfo, 'menu-open');
      await nav.getByRole('link', { name: '登録内容の変更' }).click();
      await expect(page.getByRole('heading', { level: 1, name: '登録内容の確認・変更' })).toBeVisible();
      // The menu closes on arrival; the bar stays.
      await expect(nav.getByRole('link', { name: 'ログイン履歴' })).toBeHidden();
      await expect(nav.getByRole('link', { name: '組合員証' })).toBeVisible();
    } else {
      for (const entry of ['マイページトップ', '組合員証', 'ご契約内容', '各種お手続き', '手続き照会', '登録内容の変更', 'ログイン情報の変更', 'ログイン履歴']) {
        await expect(nav.getByRole('link', { name: entry })).toBeVisible();
      }
      await nav.getByRole('link', { name: 'ログイン履歴' }).click();
      await expect(page).toHaveURL(/\/mypage\/security$/);
    }
    await context.close();
  }
});
