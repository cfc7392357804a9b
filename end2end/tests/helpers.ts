import { expect, Page, TestInfo } from '@playwright/test';

export const PASSWORD = 'kyosai-demo-2026';

/** Fails the test on any browser console error (CSP violations, hydration panics). */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Waits until the wasm has hydrated the page (the app marks <body> then). */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached();
}

export async function login(page: Page, identifier: string, password = PASSWORD) {
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(identifier);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
}

/** Saves a full-page screenshot as a test artifact, named by viewport. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: `screenshots/${testInfo.project.name}-${name}.png`,
    fullPage: true,
  });
}
