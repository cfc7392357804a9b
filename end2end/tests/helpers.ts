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

/** The server beside `baseURL` whose sessions idle out after 3 seconds. */
export function shortIdle(baseURL: string | undefined): string {
  return (baseURL ?? '').replace(/(\d+)$/, (port) => String(Number(port) + 1));
}

/** The newest mail to `address` in the development mailbox, as text. */
export async function latestMail(page: Page, address: string, subject: string): Promise<string> {
  const mailbox = await page.context().newPage();
  try {
    await mailbox.goto('/dev/mails');
    const mail = mailbox.locator(`article.mail[data-to="${address}"]`, { hasText: subject }).first();
    await expect(mail).toBeVisible();
    return await mail.innerText();
  } finally {
    await mailbox.close();
  }
}

/** The first URL in a mail's text. */
export function linkIn(mailText: string): string {
  const m = mailText.match(/https?:\/\/\S+/);
  if (!m) throw new Error(`no link in mail: ${mailText}`);
  return m[0];
}
