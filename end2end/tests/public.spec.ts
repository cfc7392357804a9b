import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { apiLogin, pdfText, seedMember, snap } from './helpers';

test('the top page offers login, the FAQ and help for a forgotten ID', { tag: '@layout' }, async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'ログイン' })).toBeVisible();
  await page.getByRole('link', { name: 'メールアドレス・ユーザーIDをお忘れの方' }).click();
  await expect(page).toHaveURL(/\/forgot-id$/);
  await expect(page.getByText('ご本人様確認のうえでご案内いたします', { exact: false })).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: '0120-123-456' })).toHaveAttribute('href', 'tel:0120-123-456');
  await snap(page, testInfo, 'forgot-id');

  await page.goto('/');
  await page.getByRole('navigation', { name: 'サイト' }).getByRole('link', { name: 'よくある質問' }).click();
  await expect(page).toHaveURL(/\/faq$/);
});

test('the 加入申込書 and 脱退届 are printable PDFs with the FAX number and address', { tag: '@layout' }, async ({ page }, testInfo) => {
  await page.goto('/');
  await page.getByRole('link', { name: '加入申込書・脱退届(用紙のダウンロード)' }).click();
  await expect(page).toHaveURL(/\/forms$/);
  const send = page.getByRole('region', { name: '提出先' });
  await expect(send).toContainText('0120-123-457');
  await expect(send).toContainText('東京都千代田区丸の内1-1-1');
  await snap(page, testInfo, 'forms');
  for (const [name, title] of [['加入申込書(PDF)', '加入申込書'], ['脱退届(PDF)', '脱退届']]) {
    const href = await page.getByRole('link', { name }).getAttribute('href');
    const res = await page.request.get(href!);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdf = await res.body();
    if (process.env.SNAPSHOTS) writeFileSync(`screenshots/${testInfo.project.name}-${title}.pdf`, pdf);
    const text = pdfText(pdf);
    expect(text).toContain(title);
    expect(text).toContain('FAX 0120-123-457');
    expect(text).toContain('氏名(自署)');
  }
  await page.goto('/faq');
  await expect(page.getByRole('link', { name: '加入申込書・脱退届' })).toHaveAttribute('href', '/forms');
});

test('no page scrolls sideways', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const sideways = async (path: string) => {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  };
  for (const path of ['/', '/faq', '/forgot-id', '/password/forgot', '/forms', '/register']) await sideways(path);
  const me = await seedMember(request, { contract: true, money: true, knownBrowser: true });
  await apiLogin(page, me);
  for (const path of [
    '/mypage',
    '/mypage/contracts',
    '/mypage/apply',
    '/mypage/apply/rider',
    '/mypage/apply/course',
    '/mypage/apply/documents',
    '/mypage/procedures',
    '/mypage/security',
    '/mypage/account',
    '/mypage/statements',
  ]) {
    await sideways(path);
  }
  // This month's statement (the main server's clock is today's date, JST).
  const today = new Date(Date.now() + 9 * 3600_000);
  await sideways(`/mypage/statements/${today.getUTCFullYear()}-${String(today.getUTCMonth() + 1).padStart(2, '0')}`);
  await expect(page.getByRole('article')).toContainText('請求明細');
  for (const [path, name] of [['/mypage/certificate', 'certificate'], ['/mypage/capital', 'capital']]) {
    await sideways(path);
    await snap(page, testInfo, name);
  }
});

test('logout ends the session and clears storage but keeps the cache', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me);
  const res = await page.request.post('/logout', { maxRedirects: 0 });
  expect(res.status()).toBe(303);
  expect(res.headers()['location']).toBe('/?logged_out=1');
  // Pages are no-store already; dropping the cache would race the next page's wasm.
  expect(res.headers()['clear-site-data']).toBe('"storage"');
  expect(res.headers()['set-cookie']).toMatch(/mypage_session=; .*Max-Age=0/);
  const after = await page.request.get('/mypage', { maxRedirects: 0 });
  expect(after.headers()['location']).toBe('/?next=%2Fmypage');
});

test('unknown pages answer 404 in Japanese', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'ページが見つかりません' })).toBeVisible();
});

test('pages carry the security headers', async ({ request }) => {
  const res = await request.get('/');
  const h = res.headers();
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['referrer-policy']).toBe('same-origin');
  expect(h['cache-control']).toBe('no-store');
});

test('every page, redirected to or not, carries the nonce its scripts use', async ({ request }) => {
  for (const path of ['/', '/?next=%2Fmypage', '/mypage', '/faq', '/no-such-page']) {
    const res = await request.get(path);
    const csp = res.headers()['content-security-policy'];
    const nonce = csp.match(/'nonce-([A-Za-z0-9_-]+)'/)?.[1];
    expect(nonce, path).toBeTruthy();
    const html = await res.text();
    const scripts = [...html.matchAll(/<script[^>]*nonce="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length, path).toBeGreaterThan(0);
    expect(new Set(scripts), path).toEqual(new Set([nonce]));
  }
});

test('server functions refuse other sites and other methods', async ({ request }) => {
  const crossSite = await request.post('/api/login', {
    headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    form: { identifier: 'kyosai.taro', password: 'kyosai-demo-2026' },
  });
  expect(crossSite.status()).toBe(403);
  expect(crossSite.headers()['set-cookie']).toBeUndefined();
  const get = await request.get('/api/profile');
  expect(get.status()).toBe(405);
});
