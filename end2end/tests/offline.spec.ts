import { expect, test, type Locator } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { apiLogin, hydrated, seedMember, seedStaff, snap, staffLogin } from './helpers';

/** What the QR code on screen says, read from a screenshot as a camera would. */
async function decode(qr: Locator): Promise<string> {
  const png = PNG.sync.read(await qr.screenshot());
  const found = jsQR(Uint8ClampedArray.from(png.data), png.width, png.height);
  expect(found, 'a readable QR code').not.toBeNull();
  return found!.data;
}

test('the card is installable, works offline, and its QR code read from the screen verifies at the counter', async ({ page, context, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/card' });
  await hydrated(page);

  // Installable: a manifest that opens the card, standalone, with icons.
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await page.request.get(manifestHref!)).json();
  expect(manifest).toMatchObject({ start_url: '/mypage/card', display: 'standalone', lang: 'ja' });
  for (const icon of manifest.icons) expect((await page.request.get(icon.src)).status()).toBe(200);

  // Online: the QR code on screen is the signed, short-lived token.
  const onScreen = page.getByRole('img', { name: '確認用QRコード' });
  const online = await decode(onScreen);
  expect(online).toBe(await onScreen.getAttribute('data-token'));
  expect(online).toMatch(/^c1\./);

  // The service worker keeps the offline card once the member has been online.
  await expect
    .poll(() => page.evaluate(async () => !!(await caches.match('/mypage/card/offline'))), { timeout: 20_000 })
    .toBe(true);

  // Offline: the card still opens, says when it was saved, with a day-long token.
  await context.setOffline(true);
  await page.goto('/mypage/card');
  await expect(page.getByRole('note')).toContainText('通信できないため');
  const card = page.getByRole('region', { name: `${me.name} 様` });
  await expect(card).toContainText(me.member_number);
  await expect(card).toContainText('保存(オフライン表示)');
  // Styled offline too: the worker kept the stylesheet (by its hashed name)
  // that the copy links.
  await expect(card).toHaveCSS('background-color', 'rgb(11, 74, 58)');
  await snap(page, testInfo, 'card-offline');
  const offline = await decode(page.getByRole('img', { name: '確認用QRコード' }));
  expect(offline).toMatch(new RegExp(`^o1\\.`));
  await context.setOffline(false);

  // Staff check what the camera read: valid, and marked as the offline card.
  const staff = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staff, await seedStaff(staff.request));
  await staff.goto('/staff/verify');
  await hydrated(staff);
  for (const [token, note] of [
    [online, '有効'],
    [offline, '通信できない場所で表示された組合員証です'],
  ]) {
    await staff.getByLabel('QRコードの内容').fill(token);
    await staff.getByRole('button', { name: '確認する' }).click();
    const verdict = staff.getByRole('status').filter({ hasText: note });
    await expect(verdict).toContainText(me.member_number);
  }
  await staff.context().close();

  // A session that ended (here: its cookie gone) takes the copy with it at
  // the next My Page load.
  await context.clearCookies({ name: 'mypage_session' });
  await page.goto('/mypage');
  await expect(page).toHaveURL(/\?next=/);
  await expect
    .poll(() => page.evaluate(async () => !!(await caches.match('/mypage/card/offline'))))
    .toBe(false);

  // Logged in again, the copy comes back; logging out forgets it.
  await apiLogin(page, me, { goto: '/mypage/card' });
  await expect
    .poll(() => page.evaluate(async () => !!(await caches.match('/mypage/card/offline'))), { timeout: 20_000 })
    .toBe(true);
  await page.goto('/mypage');
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(page).toHaveURL(/logged_out=1/);
  expect(await page.evaluate(async () => (await caches.keys()).length)).toBe(0);
});
