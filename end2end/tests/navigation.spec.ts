import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, openFromMenu, seedMember, snap } from './helpers';

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

// The first download holds only what the login page and the My Page home
// need; every other screen's code comes when the screen is opened (split
// wasm, `cargo leptos build --split`), and a screen opened directly gets its
// chunk listed in the page so hydration does not wait for it.
test('screens other than login and the My Page home load their code on demand', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  const wasm: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) wasm.push(path);
  });
  const split = (screen: string) => wasm.filter((p) => p.includes(`/split___${screen}_view_`));
  await page.goto('/');
  await hydrated(page);
  await apiLogin(page, me, { goto: '/mypage' });
  await hydrated(page);
  expect(wasm.some((p) => /\/mypage\.[^/]+\.wasm$/.test(p))).toBe(true);
  expect(wasm.filter((p) => p.includes('/split___'))).toEqual([]);

  // Client-side navigation fetches the screen's chunk, once.
  await openFromMenu(page, 'ご契約内容');
  await expect(page.getByRole('heading', { level: 1, name: 'ご契約内容' })).toBeVisible();
  await expect.poll(() => split('contracts').length).toBe(1);
  expect(split('staff_queue')).toEqual([]);

  // Opened directly, the page names its chunks for the browser to fetch
  // beside the main wasm once the page is painted (the head as sent;
  // hydration then owns the head).
  const html = await (await page.request.get('/mypage/procedures')).text();
  expect(html).toMatch(/<meta name="mypage-preload" content="[^"]*\/pkg\/split___procedures_view_[^"]+\.wasm/);
  expect(html).not.toMatch(/rel="(module)?preload"/);
  wasm.length = 0;
  await page.goto('/mypage/procedures');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: '手続き照会' })).toBeVisible();
  expect(split('procedures').length).toBeGreaterThan(0);
  // Each file once: the early fetch is the one the loader uses.
  expect(wasm.length).toBe(new Set(wasm).size);
  // The chunks were fetched through the page's preloads, and nothing of the
  // wasm before the first paint (or the start script's 3-second backstop).
  const timing = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Infinity;
    const wasm = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) =>
      new URL(e.name).pathname.endsWith('.wasm'),
    );
    return {
      fcp,
      firstWasm: Math.min(...wasm.map((e) => e.startTime)),
      procedures: wasm.filter((e) => e.name.includes('/split___procedures_view_')).map((e) => e.initiatorType),
    };
  });
  expect(timing.procedures).toEqual(['link']);
  expect(timing.firstWasm).toBeGreaterThanOrEqual(Math.min(timing.fcp, 3000));
});
