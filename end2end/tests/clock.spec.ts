import { expect, Page, test } from '@playwright/test';
import {
  apiLogin,
  CLOCK_SERVER as server,
  hydrated,
  latestMail,
  linkIn,
  login,
  openFromMenu,
  seedMember,
  seedStaff,
  serverNow,
  snap,
  staffLogin,
  watchConsole,
} from './helpers';

// These tests move the clock of their own server forward, so they run one
// after the other: a jump would end the sessions of a test running beside.
// (Repeat them with --workers=1: repeats in two workers would share the clock.)
test.describe.configure({ mode: 'serial' });

async function advance(page: Page, by: string) {
  const moved = await page.request.post(`${server}/dev/clock`, { form: { advance: by } });
  expect(moved.ok(), await moved.text()).toBeTruthy();
}

test('a reset link older than 30 minutes is refused', async ({ page, request }) => {
  const me = await seedMember(request, { server });
  await page.goto(`${server}/password/forgot`);
  await hydrated(page);
  await page.getByLabel('ユーザーIDまたはメールアドレス').fill(me.user_id);
  await page.getByRole('button', { name: '再設定のメールを送る' }).click();
  await expect(page.getByRole('status')).toContainText('お送りしました');
  const link = linkIn(await latestMail(page, me.email, 'パスワード再設定のご案内'));

  await advance(page, '31m');
  await page.goto(link);
  await expect(page.getByRole('alert')).toContainText('このURLは無効か、有効期限が切れています。');
  await expect(page.getByLabel('新しいパスワード', { exact: true })).toHaveCount(0);
});

test('after the idle time the session is gone and login returns to the page', async ({ page, request }, testInfo) => {
  const me = await seedMember(request, { server, knownBrowser: true });
  await apiLogin(page, me, { server, goto: '/mypage/security' });
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();

  // Twenty idle minutes (the default) end the session on the server.
  await advance(page, '21m');
  await page.reload();
  await expect(page).toHaveURL(`${server}/?next=%2Fmypage%2Fsecurity&reason=timeout`);
  await expect(page.getByText('一定時間操作がなかったため、ログアウトしました。', { exact: false })).toBeVisible();
  await snap(page, testInfo, 'timed-out');

  await login(page, me);
  await expect(page).toHaveURL(`${server}/mypage/security`);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});

test('a form sent after the idle time goes to the login and back to the form', async ({ page, request }) => {
  const me = await seedMember(request, { server, knownBrowser: true });
  await apiLogin(page, me, { server, goto: '/mypage/account' });
  await hydrated(page);
  const card = page.getByRole('region', { name: 'ユーザーIDの変更' });
  await card.getByLabel('新しいユーザーID').fill(`later.${me.user_id}`);
  await card.getByLabel('現在のパスワード').fill(me.password);

  await advance(page, '21m');
  await card.getByRole('button', { name: 'ユーザーIDを変更する' }).click();
  await expect(page).toHaveURL(`${server}/?next=%2Fmypage%2Faccount&reason=timeout`);
  await expect(page.getByText('一定時間操作がなかったため、ログアウトしました。', { exact: false })).toBeVisible();
  await login(page, me);
  await expect(page).toHaveURL(`${server}/mypage/account`);
  await expect(page.getByRole('heading', { name: 'ログイン情報の変更', level: 1 })).toBeVisible();
});

test('staff approve a rider and a course change; ご契約内容 changes on the start date', async ({ page, browser, request }, testInfo) => {
  // Two people, two applications, four decisions: longer than one screen's test.
  test.setTimeout(90_000);
  const me = await seedMember(request, { server, contract: true, knownBrowser: true });
  await apiLogin(page, me, { server, goto: '/mypage' });

  // The member applies for a rider…
  await openFromMenu(page, '各種お手続き');
  await page.getByRole('link', { name: '特約の追加' }).click();
  await hydrated(page);
  await page.getByLabel(/がん特約/).check();
  await snap(page, testInfo, 'apply-rider');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました。');
  const riderReceipt = (await page.getByRole('status').locator('strong').nth(1).innerText()).trim();

  // …and a course change, seeing the premium difference first.
  await page.goto(`${server}/mypage/apply/course`);
  await hydrated(page);
  const sogo4 = page.locator('.choice', { hasText: '総合保障型4型' });
  await expect(sogo4).toContainText('差額 +2,000円');
  await sogo4.getByRole('radio').check();
  await snap(page, testInfo, 'apply-course');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await expect(page.getByRole('definition').filter({ hasText: '+2,000円' })).toBeVisible();
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました。');
  const courseReceipt = (await page.getByRole('status').locator('strong').nth(1).innerText()).trim();

  // Staff review both and approve them from the first of next month (offered).
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const staff = await staffContext.newPage();
  const staffErrors = watchConsole(staff);
  await staffLogin(staff, await seedStaff(request, { server }), server);
  const move = async (to: string) => {
    await staff.getByLabel(to, { exact: true }).check();
    const [res] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith('/api/staff/procedure/move')),
      staff.getByRole('button', { name: '状況を更新する' }).click(),
    ]);
    expect(res.status(), await res.text()).toBe(200);
    await expect(staff.getByRole('alert')).toHaveCount(0);
    await expect(staff.locator('.status').first()).toHaveText(to);
  };
  for (const receipt of [riderReceipt, courseReceipt]) {
    await staff.goto(`${server}/staff`);
    await hydrated(staff);
    await staff.getByRole('link', { name: receipt }).click();
    await expect(staff.getByRole('heading', { level: 1 })).toContainText(receipt);
    await hydrated(staff);
    await move('審査中');
    await staff.getByLabel('承諾', { exact: true }).check();
    await expect(staff.getByLabel('保障開始日(承諾する場合)')).toHaveValue(/^\d{4}-\d{2}-01$/);
    await snap(staff, testInfo, 'staff-approve');
    await move('承諾');
  }
  expect(staffErrors).toEqual([]);
  await staffContext.close();

  // 承諾 in 手続き照会, but ご契約内容 still shows the old state and says why.
  await page.goto(`${server}/mypage/procedures`);
  for (const receipt of [riderReceipt, courseReceipt]) {
    await expect(page.locator('.procedure', { hasText: receipt }).locator('.status')).toHaveText('承諾');
  }
  await page.getByRole('link', { name: 'ご契約内容' }).click();
  const contract = page.getByRole('region', { name: `契約番号 ${me.contract_number}` });
  await expect(contract.getByRole('definition').filter({ hasText: '総合保障型2型' })).toBeVisible();
  await expect(contract.getByText(/変更後のコース「総合保障型4型」は\d{4}\/\d{1,2}\/1から表示されます。/)).toBeVisible();
  await expect(contract.getByText(/お申し込みの特約「がん特約」は、保障開始日の/)).toBeVisible();
  await expect(contract.locator('.riders__name')).toHaveText(['先進医療特約']);

  // Past the start date the new course and the rider are in force.
  await advance(page, '40d');
  await apiLogin(page, me, { server, goto: '/mypage/contracts' });
  await expect(contract.getByRole('definition').filter({ hasText: '総合保障型4型' })).toBeVisible();
  await expect(contract.locator('.riders__name')).toHaveText(['先進医療特約', 'がん特約']);
  // 4,000円 + 200円 + 1,000円.
  await expect(contract.locator('.contract__total')).toContainText('5,200円');
  await expect(contract.getByText('表示されます')).toHaveCount(0);
});

test('a withdrawn member sees the last day, and after it cannot log in', async ({ page, browser, request }) => {
  const me = await seedMember(request, { server, knownBrowser: true, contract: true });
  const staffPage = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staffPage, await seedStaff(staffPage.request, { server }), server);
  await staffPage.goto(`${server}/staff/members/${me.member_id}`);
  await hydrated(staffPage);
  const standing = staffPage.getByRole('region', { name: 'マイページの利用状況' });
  await standing.getByText('脱退を記録する').first().click();
  const today = new Date(Number(await (await staffPage.request.get(`${server}/dev/clock`)).text()) + 9 * 3600_000);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const last = new Date(today.getTime() + 10 * 86400_000);
  await standing.getByLabel('脱退日').fill(iso(today));
  await standing.getByLabel('出資金の返還日(マイページの最終利用日)').fill(iso(last));
  await standing.getByRole('button', { name: '脱退を記録する' }).click();
  await expect(staffPage.getByRole('status').filter({ hasText: '脱退を記録しました' })).toBeVisible();
  await staffPage.context().close();

  await apiLogin(page, me, { server, goto: '/mypage' });
  const shown = `${last.getUTCFullYear()}/${last.getUTCMonth() + 1}/${last.getUTCDate()}`;
  await expect(page.getByRole('note')).toContainText(`マイページは出資金の返還日の${shown}までご利用いただけます`);
  // The same banner on a phone, inside the screen.
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(`${server}/mypage/contracts`);
  await expect(page.getByRole('note')).toContainText(`マイページは出資金の返還日の${shown}までご利用いただけます`);
  // The 出資金 page says when it comes back (seed 001).
  await page.goto(`${server}/mypage/capital`);
  await expect(page.getByRole('region', { name: '出資金' })).toContainText(`は、${shown}に返還します。`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The day after the 脱退日 the coverage has ended; My Page still opens.
  const withdrawn = `${today.getUTCFullYear()}/${today.getUTCMonth() + 1}/${today.getUTCDate()}`;
  await advance(page, '1d');
  await apiLogin(page, me, { server, goto: '/mypage/contracts' });
  await expect(page.getByRole('region', { name: `契約番号 ${me.contract_number}` })).toContainText(`このご契約の保障は${withdrawn}で終了しました。`);

  // Past the last day the door is closed, and the message gives the phone.
  const moved = await page.request.post(`${server}/dev/clock`, { form: { advance: '10d' } });
  expect(moved.ok()).toBeTruthy();
  await page.goto(`${server}/`);
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toContainText('ご利用期間は終了しました');
  await expect(page.getByRole('alert')).toContainText('0120-123-456');
});

// Seed 000's year rules on the screen. Last in the file: it moves this
// server's clock months ahead (to March, May and June of the next spring).
test('the certificate in March, May and June: the paper year, the electronic period, the June choice', async ({ page, request }) => {
  const day = 86400_000;
  const jstNow = async () => new Date((await serverNow(page, server)) + 9 * 3600_000);
  const start = await jstNow();
  const spring = start.getUTCMonth() >= 2 ? start.getUTCFullYear() + 1 : start.getUTCFullYear();
  const moveTo = async (month: number) => {
    const now = await jstNow();
    const target = Date.UTC(spring, month - 1, 10, 12);
    await advance(page, `${Math.ceil((target - now.getTime()) / day)}d`);
  };

  // March: the paper reissue is last year's; the electronic period is open
  // for last year's certificate.
  await moveTo(3);
  const me = await seedMember(request, { server, knownBrowser: true });
  await apiLogin(page, me, { server, goto: '/mypage/certificate' });
  await expect(page.getByText(`対象年:${spring - 1}年分`)).toBeVisible();
  await expect(page.getByRole('button', { name: `${spring - 1}年分をPDFで発行する` })).toBeVisible();

  // May: no electronic issue; the screen says when it opens, and the PDF
  // route refuses.
  await moveTo(5);
  await apiLogin(page, me, { server, goto: '/mypage/certificate' });
  await expect(page.getByText(`${spring}年分の証明書は、${spring}/10/1から発行できます。`)).toBeVisible();
  await expect(page.getByRole('button', { name: /PDFで発行する/ })).toHaveCount(0);
  const refused = await page.request.post(`${server}/mypage/certificate/pdf`);
  expect(refused.status()).toBe(409);

  // June: the member chooses the year.
  await moveTo(6);
  await apiLogin(page, me, { server, goto: '/mypage/certificate' });
  await hydrated(page);
  const year = page.getByRole('group', { name: '証明書の対象年' });
  await expect(year.getByRole('radio')).toHaveCount(2);
  await year.getByLabel(`${spring}年分`).check();
  await page.getByRole('button', { name: '再発行を申し込む' }).click();
  await expect(page).toHaveURL(/\/mypage\/procedures\/\d+\?filed=1$/);
  await expect(page.getByText(`${spring}年分(書面でご登録の住所へお送りします)`)).toBeVisible();
});

test('a maintenance window: announced, then members see the maintenance page while staff work, until an admin ends it', async ({ page, browser }, testInfo) => {
  // Three staff logins with their second factor and a member on a phone.
  test.setTimeout(90_000);
  const me = await seedMember(page.request, { server, knownBrowser: true });
  const operator = await seedStaff(page.request, { server, role: 'operator' });
  const admin = await seedStaff(page.request, { server, role: 'admin' });
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  const staff = await staffContext.newPage();
  // An operator schedules it: from an hour from now (the suggested start)
  // for two hours.
  await staffLogin(staff, operator, server);
  await staff.goto(`${server}/staff/maintenance`);
  await hydrated(staff);
  const starts = await staff.getByLabel('開始日時').inputValue();
  const end = new Date(Date.parse(`${starts}:00Z`) + 2 * 3600_000).toISOString().slice(0, 16);
  await staff.getByLabel('終了日時').fill(end);
  await staff.getByRole('button', { name: '予定する' }).click();
  await expect(staff.getByRole('table', { name: 'メンテナンスの一覧' })).toContainText('予定');

  // Members are told in advance on the login page (at 1280 px here) and,
  // on a phone, on the login page and on My Page; the member on the phone
  // starts writing an inquiry.
  await page.goto(`${server}/`);
  await expect(page.getByRole('note').filter({ hasText: 'システムメンテナンスのお知らせ' })).toBeVisible();
  const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'ja-JP' });
  const small = await phone.newPage();
  await small.goto(`${server}/`);
  await expect(small.getByRole('note').filter({ hasText: 'システムメンテナンスのお知らせ' })).toBeVisible();
  await apiLogin(small, me, { server, goto: '/mypage' });
  const notice = small.getByRole('note').filter({ hasText: 'システムメンテナンスのお知らせ' });
  await expect(notice).toContainText('ご利用いただけません');
  expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await snap(small, testInfo, 'maintenance-notice-375');
  await small.goto(`${server}/mypage/inquiries/new`);
  await hydrated(small);
  await small.getByLabel('お問い合わせの分類').selectOption({ label: 'その他' });
  await small.getByLabel('件名').fill('住所変更の書類について');
  await small.getByLabel('内容').fill('書類が届いていません。');

  // Inside the window: every member and public page is the maintenance
  // page (503), at both widths.
  await advance(page, '61m');
  const res = await page.goto(`${server}/mypage/contracts`);
  expect(res?.status()).toBe(503);
  expect(res?.headers()['retry-after']).toBeTruthy();
  await expect(page.getByRole('heading', { name: 'システムメンテナンス中です' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('ごろに再開する予定です');
  await snap(page, testInfo, 'maintenance');
  expect((await page.goto(`${server}/`))?.status()).toBe(503);
  // The inquiry sent now is refused beside the form, which keeps the text.
  await small.getByRole('button', { name: '送信する' }).click();
  await expect(small.getByRole('alert').filter({ hasText: 'システムメンテナンスのため' })).toBeVisible();
  await expect(small.getByLabel('件名')).toHaveValue('住所変更の書類について');
  await expect(small.getByLabel('内容')).toHaveValue('書類が届いていません。');
  const other = await phone.newPage();
  expect((await other.goto(`${server}/mypage`))?.status()).toBe(503);
  await expect(other.getByRole('heading', { name: 'システムメンテナンス中です' })).toBeVisible();
  expect(await other.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await snap(other, testInfo, 'maintenance-375');
  await other.close();

  // The back office works; the operator cannot end it early, the admin can.
  await staffLogin(staff, operator, server);
  await staff.goto(`${server}/staff/maintenance`);
  await hydrated(staff);
  const running = staff.getByRole('row').filter({ hasText: '実施中' });
  await expect(running).toBeVisible();
  await expect(running.getByRole('button')).toHaveCount(0);
  await staffContext.close();
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  const boss = await adminContext.newPage();
  await staffLogin(boss, admin, server);
  await boss.goto(`${server}/staff/maintenance`);
  await hydrated(boss);
  await boss.getByRole('row').filter({ hasText: '実施中' }).getByRole('button', { name: '今すぐ終了する' }).click();
  await expect(boss.getByRole('table', { name: 'メンテナンスの一覧' })).toContainText('早期終了');
  await adminContext.close();

  expect((await page.goto(`${server}/`))?.status()).toBe(200);
  await expect(page.getByRole('heading', { name: '組合員マイページ' })).toBeVisible();
  // The member sends the same inquiry again, as typed, and it arrives (after
  // logging in again: the clock's jump outlasted the session's idle time).
  await apiLogin(small, me, { server });
  await small.getByRole('button', { name: '送信する' }).click();
  await expect(small).toHaveURL(/\/mypage\/inquiries\/\d+/);
  await expect(small.getByRole('list', { name: 'やりとり' })).toContainText('書類が届いていません。');
  await phone.close();
});
