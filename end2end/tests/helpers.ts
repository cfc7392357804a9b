import { APIRequestContext, Browser, expect, Page, TestInfo } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';

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

/** A member made for one test by the development seeding route. */
export type Member = {
  member_id: number;
  member_number: string;
  name: string;
  user_id: string;
  email: string;
  password: string;
  contract_number: string | null;
  /** The `mypage_device` cookie of a browser the member already confirmed. */
  device: string | null;
  /** `1985-04-01`. */
  birth_date: string;
  /** The letter's code, for a member seeded without an account. */
  registration_code: string | null;
};

/**
 * A fresh member of this test's own, so no test trips another's lockout, code
 * limit or mailbox. `contract`: 総合保障型2型 with 先進医療特約;
 * `knownBrowser`: a confirmed browser, so a login needs no code.
 */
export async function seedMember(
  request: APIRequestContext,
  opts: { contract?: boolean; money?: boolean; knownBrowser?: boolean; withoutAccount?: boolean; registrationCode?: boolean; undeliverable?: boolean; unpaid?: boolean; server?: string } = {},
): Promise<Member> {
  const form: Record<string, string> = {};
  if (opts.withoutAccount) form.without_account = 'true';
  if (opts.contract) form.contract = 'true';
  if (opts.money) form.money = 'true';
  if (opts.knownBrowser) form.known_browser = 'true';
  if (opts.registrationCode) form.registration_code = 'true';
  if (opts.undeliverable) form.undeliverable = 'true';
  if (opts.unpaid) form.unpaid = 'true';
  const res = await request.post(`${opts.server ?? ''}/dev/seed/member`, { form });
  if (!res.ok()) throw new Error(`seeding a member: ${res.status()} ${await res.text()}`);
  return res.json();
}

/** Lets this browser skip the login code for `member` (seeded with `knownBrowser`). */
export async function useKnownBrowser(page: Page, member: Member, server = MAIN_SERVER) {
  if (!member.device) throw new Error('seed the member with knownBrowser: true');
  await page.context().addCookies([
    { name: 'mypage_device', value: member.device, domain: new URL(server).hostname, path: '/' },
  ]);
}

/** Logs a member in through the API (no pages): for tests that are not about logging in. */
export async function apiLogin(page: Page, who: Member | string, opts: { server?: string; goto?: string } = {}) {
  const server = opts.server ?? '';
  const domain = new URL(server || MAIN_SERVER).hostname;
  const identifier = typeof who === 'string' ? who : who.user_id;
  const password = typeof who === 'string' ? PASSWORD : who.password;
  let device = typeof who === 'string' ? null : who.device;
  if (!device) {
    const res = await page.request.post(`${server}/dev/seed/browser`, { form: { user_id: identifier } });
    if (!res.ok()) throw new Error(`confirming a browser for ${identifier}: ${res.status()} ${await res.text()}`);
    device = (await res.json()).device as string;
  }
  await page.context().addCookies([{ name: 'mypage_device', value: device, domain, path: '/' }]);
  const res = await page.request.post(`${server}/api/login`, {
    form: { identifier, password },
    maxRedirects: 0,
  });
  const cookies = await page.context().cookies();
  if (!cookies.some((c) => c.domain === domain && c.name === 'mypage_session' && c.value)) {
    throw new Error(`API login of ${identifier} failed: ${res.status()} ${await res.text()}`);
  }
  if (opts.goto !== undefined) await page.goto(`${server}${opts.goto}`);
}

/** A staff account made for one test by the development seeding route. */
export type Staff = {
  staff_id: number;
  login_id: string;
  name: string;
  email: string;
  password: string;
  /** Base32, when seeded with its second factor enrolled. */
  totp_secret: string | null;
};

/** A fresh staff account of this test's own (second factor enrolled unless asked otherwise). */
export async function seedStaff(
  request: APIRequestContext,
  opts: { role?: 'admin' | 'operator'; enrolled?: boolean; server?: string } = {},
): Promise<Staff> {
  const form: Record<string, string> = { role: opts.role ?? 'operator' };
  if (opts.enrolled ?? true) form.enrolled = 'true';
  const res = await request.post(`${opts.server ?? ''}/dev/seed/staff`, { form });
  if (!res.ok()) throw new Error(`seeding staff: ${res.status()} ${await res.text()}`);
  return res.json();
}

function base32(s: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((b) => parseInt(b, 2)));
}

/** What an authenticator app shows for `secret` at `atMs` (RFC 6238: SHA-1, 6 digits, 30 s). */
export function totp(secret: string, atMs: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / 30)));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** The server's "now" (ms), which the clock tests move. */
export async function serverNow(page: Page, server = ''): Promise<number> {
  const res = await page.request.get(`${server}/dev/clock`);
  if (!res.ok()) throw new Error(`server clock: ${res.status()}`);
  return Number(await res.text());
}

/**
 * Logs a staff member in at `server`'s back office as a person does: login
 * ID and password, then the code of their authenticator app (computed from
 * the seeded secret at the server's time).
 */
export async function staffLogin(page: Page, staff: Staff, server = '') {
  await page.goto(`${server}/staff/login`);
  await hydrated(page);
  await page.getByLabel('ログインID').fill(staff.login_id);
  await page.getByLabel('パスワード').fill(staff.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL((url) => url.pathname === '/staff/login/second');
  if (!staff.totp_secret) throw new Error('seed the staff member enrolled to log in directly');
  await hydrated(page);
  await page.getByLabel('確認コード', { exact: true }).fill(totp(staff.totp_secret, await serverNow(page, server)));
  await page.getByRole('button', { name: '確認する' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/staff/login'));
}

/**
 * Logs in as a member would, on the login form of the current page. A browser
 * new to the member gets an authentication code by mail: the code screen
 * shows a 照合記号, and the mail with the same 照合記号 holds the code to type.
 * Unless `expectFailure` is set, a refused login fails the test with the
 * server's answer.
 */
export async function login(
  page: Page,
  who: Member | string,
  opts: { password?: string; expectFailure?: boolean } = {},
) {
  const identifier = typeof who === 'string' ? who : who.user_id;
  const password = opts.password ?? (typeof who === 'string' ? PASSWORD : who.password);
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(identifier);
  await page.getByLabel('パスワード').fill(password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/login' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'ログイン' }).click(),
  ]);
  if (opts.expectFailure) {
    expect(response.ok(), 'the login should have been refused').toBeFalsy();
    return;
  }
  if (!response.ok()) throw new Error(`login of ${identifier} refused: ${response.status()} ${await response.text()}`);
  await page.waitForURL((url) => url.pathname !== '/');
  if (!new URL(page.url()).pathname.startsWith('/login/code')) return;

  const address = typeof who === 'string' ? (identifier.includes('@') ? identifier.toLowerCase() : null) : who.email;
  if (!address) throw new Error(`${identifier} needs a code: log in with a seeded member or by email`);
  const mark = (await page.locator('.mark strong').innerText()).trim();
  const mail = await latestMail(page, address, `照合記号:${mark}`);
  const code = mail.match(/認証コード:(\d{6})/)![1];
  await page.getByLabel('認証コード(6桁)').fill(code);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login/code'));
}

/** Saves a full-page screenshot for the README and reviews, when SNAPSHOTS is set. */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  if (!process.env.SNAPSHOTS) return;
  await page.screenshot({
    path: `screenshots/${testInfo.project.name}-${name}.png`,
    fullPage: true,
  });
}

/** The text of a PDF as `pdftotext` reads it (poppler-utils). */
export function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf-8');
}

/** The server every project's tests use (playwright.config.ts). */
export const MAIN_SERVER = 'http://127.0.0.1:3400';

/** The server whose clock tests may move (`POST /dev/clock`): a host of its own, so cookies never mix. */
export const CLOCK_SERVER = 'http://127.0.0.2:3402';

type DevMail = { id: number; to: string; subject: string; body: string; queued_at: string; sent: boolean };

/**
 * The newest mail to `address` whose subject or text contains `text`, as text
 * (subject, then body), read from the development mailbox's API. Waits for it
 * to be queued.
 */
export async function latestMail(page: Page, address: string, text: string, server?: string): Promise<string> {
  const origin = server ?? (page.url().startsWith('http') ? new URL(page.url()).origin : '');
  let found: DevMail | undefined;
  await expect
    .poll(
      async () => {
        const res = await page.request.post(`${origin}/api/dev_mails`);
        if (!res.ok()) throw new Error(`mailbox: ${res.status()} ${await res.text()}`);
        const mails = (await res.json()) as DevMail[];
        found = mails.find((m) => m.to === address && (m.subject.includes(text) || m.body.includes(text)));
        return !!found;
      },
      { message: `a mail to ${address} with ${text}` },
    )
    .toBe(true);
  return `${found!.subject}\n${found!.body}`;
}

/** The first URL in a mail's text. */
export function linkIn(mailText: string): string {
  const m = mailText.match(/https?:\/\/\S+/);
  if (!m) throw new Error(`no link in mail: ${mailText}`);
  return m[0];
}

/** Follows an entry of the member menu: on phones, most entries are behind メニュー. */
export async function openFromMenu(page: Page, entry: string) {
  const nav = page.getByRole('navigation', { name: 'マイページ' });
  // Decided by the width (as the CSS does), never by what has rendered yet.
  if ((page.viewportSize()?.width ?? 1280) < 768) await nav.getByText('メニュー').click();
  await nav.getByRole('link', { name: entry, exact: true }).click();
}

/** A second browser for the co-op's staff (a new staff member, logged in), beside the member's. */
export async function staffPage(browser: Browser, baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  const page = await context.newPage();
  await staffLogin(page, await seedStaff(page.request));
  await expect(page.getByRole('heading', { name: '手続き一覧' })).toBeVisible();
  return page;
}
