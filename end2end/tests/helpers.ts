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

/** Registered addresses of the demo members, to read their mail. */
const DEMO_EMAILS: Record<string, string> = {
  'kyosai.taro': 'taro@example.jp',
  'kyosai.hanako': 'hanako@example.jp',
  'seikyo.ichiro': 'ichiro@example.jp',
  'yamada.jiro': 'jiro@example.jp',
  'suzuki.kazuko': 'kazuko@example.jp',
  'sato.hanae': 'hanae@example.jp',
  'takahashi.ken': 'ken@example.jp',
  'tanaka.misaki': 'misaki@example.jp',
  'ito.makoto': 'makoto@example.jp',
  'watanabe.sho': 'sho@example.jp',
  'kobayashi.yui': 'yui@example.jp',
  'nakamura.aoi': 'aoi@example.jp',
};

export const STAFF_PASSWORD = 'kyosai-staff-2026';

/** Logs a staff member in at `server`'s back office (a page of its own). */
export async function staffLogin(page: Page, server = '', loginId = 'operator', password = STAFF_PASSWORD) {
  await page.goto(`${server}/staff/login`);
  await hydrated(page);
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/staff/login'));
}

/**
 * Logs in as a member would. A browser new to the member gets an
 * authentication code by mail: the code screen shows a 照合記号, and the mail
 * with the same 照合記号 holds the code to type.
 */
export async function login(page: Page, identifier: string, password = PASSWORD, email?: string) {
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(identifier);
  await page.getByLabel('パスワード').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/login' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'ログイン' }).click(),
  ]);
  if (!response.ok()) return;
  await page.waitForURL((url) => url.pathname !== '/');
  if (!new URL(page.url()).pathname.startsWith('/login/code')) return;

  const address = email ?? (identifier.includes('@') ? identifier.toLowerCase() : DEMO_EMAILS[identifier]);
  if (!address) throw new Error(`no known email for ${identifier}`);
  const mark = (await page.locator('.mark strong').innerText()).trim();
  const mail = await latestMail(page, address, `照合記号:${mark}`);
  const code = mail.match(/認証コード:(\d{6})/)![1];
  await page.getByLabel('認証コード(6桁)').fill(code);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login/code'));
}

/** Saves a full-page screenshot as a test artifact, named by viewport. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  await page.screenshot({
    path: `screenshots/${testInfo.project.name}-${name}.png`,
    fullPage: true,
  });
}

function portPlus(baseURL: string | undefined, n: number): string {
  return (baseURL ?? '').replace(/(\d+)$/, (port) => String(Number(port) + n));
}

/** The server beside `baseURL` whose sessions idle out after 3 seconds. */
export function shortIdle(baseURL: string | undefined): string {
  return portPlus(baseURL, 1);
}

/** The server beside `baseURL` whose clock tests may move (`POST /dev/clock`). */
export function clockServer(baseURL: string | undefined): string {
  return portPlus(baseURL, 2);
}

/** The newest mail to `address` in the development mailbox, as text. */
export async function latestMail(page: Page, address: string, subject: string): Promise<string> {
  const mailbox = await page.context().newPage();
  try {
    // The mailbox of the server this page talks to (the baseURL's before it opened one).
    const here = page.url();
    await mailbox.goto(here.startsWith('http') ? new URL('/dev/mails', here).href : '/dev/mails');
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
