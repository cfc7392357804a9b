import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, seedMember, seedStaff, snap, staffLogin } from './helpers';

test('a member shows the デジタル組合員証; staff verify its QR content at the counter', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage' });
  await page.getByRole('navigation', { name: 'マイページ' }).getByRole('link', { name: '組合員証' }).click();
  await expect(page).toHaveURL(/\/mypage\/card$/);
  const card = page.getByRole('region', { name: `${me.name} 様` });
  await expect(card).toContainText(me.member_number);
  await expect(card).toContainText('利用中');
  const qr = card.getByRole('img', { name: '確認用QRコード' });
  await expect(qr.locator('svg')).toBeVisible();
  const token = await qr.getAttribute('data-token');
  expect(token).toMatch(/^c1\.\d+\.\d+\.[0-9a-f]{8}\./);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, testInfo, 'card');
  if (testInfo.project.name === 'phone') {
    // The smallest phones still in use: nothing runs off the side.
    await page.setViewportSize({ width: 320, height: 640 });
    await expect(qr.locator('svg')).toBeVisible();
    const narrow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(narrow).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 375, height: 812 });
  }

  const staffPage = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staffPage, await seedStaff(staffPage.request));
  await staffPage.goto('/staff/verify');
  await hydrated(staffPage);
  await staffPage.getByLabel('QRコードの内容').fill(token!);
  await staffPage.getByRole('button', { name: '確認する' }).click();
  const verdict = staffPage.getByRole('status').filter({ hasText: '有効' });
  await expect(verdict).toContainText(me.member_number);
  await expect(verdict).toContainText(`${me.name} 様`);
  // One character of the signature changed (never the same character again).
  const at = token!.length - 10;
  const altered = token!.slice(0, at) + (token![at] === 'A' ? 'B' : 'A') + token!.slice(at + 1);
  await staffPage.getByLabel('QRコードの内容').fill(altered);
  await staffPage.getByRole('button', { name: '確認する' }).click();
  await expect(staffPage.getByRole('status').filter({ hasText: '当組合の組合員証ではありません' })).toBeVisible();
  await staffPage.context().close();
});

// Where the browser reads QR codes itself (BarcodeDetector: Chrome on
// Android, ChromeOS, macOS), staff scan with the camera. Debian's Chromium
// has no detector, so the test gives the page one and a blank camera; what
// is under test is the page's wiring from a detected code to the check.
test('staff scan a card with the camera where the browser can read QR codes', async ({ browser, baseURL, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  const memberContext = await browser.newContext({ baseURL });
  const memberPage = await memberContext.newPage();
  await apiLogin(memberPage, me, { goto: '/mypage/card' });
  const token = await memberPage.getByRole('img', { name: '確認用QRコード' }).getAttribute('data-token');
  await memberContext.close();

  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    (window as any).BarcodeDetector = class {
      async detect() {
        const t = (window as any).__cardOnCamera;
        return t ? [{ rawValue: t, format: 'qr_code' }] : [];
      }
    };
    navigator.mediaDevices.getUserMedia = async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 64;
      canvas.getContext('2d')!.fillRect(0, 0, 64, 64);
      return canvas.captureStream();
    };
  });
  const staff = await context.newPage();
  await staffLogin(staff, await seedStaff(staff.request));
  await staff.goto('/staff/verify');
  await hydrated(staff);
  await staff.getByRole('button', { name: 'カメラで読み取る' }).click();
  await expect(staff.getByText('QRコードをカメラに向けてください。')).toBeVisible();
  await staff.evaluate((t) => ((window as any).__cardOnCamera = t), token);
  const verdict = staff.getByRole('status').filter({ hasText: '有効' });
  await expect(verdict).toContainText(me.member_number);
  await expect(staff.getByLabel('QRコードの内容')).toHaveValue(token!);
  await context.close();
});
