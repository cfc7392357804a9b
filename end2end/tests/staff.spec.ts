import { expect, test } from '@playwright/test';
import {
  apiLogin,
  hydrated,
  latestMail,
  linkIn,
  seedMember,
  seedStaff,
  serverNow,
  snap,
  staffLogin,
  totp,
  watchConsole,
} from './helpers';

test('the back office needs a staff login and the second factor; a wrong one gets one answer', async ({ page, request }) => {
  const staff = await seedStaff(request);
  await page.goto('/staff/audit');
  await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff%2Faudit/);
  await hydrated(page);
  await page.getByLabel('ログインID').fill(staff.login_id);
  await page.getByLabel('パスワード').fill('wrong-password');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.getByRole('alert')).toHaveText('ログインIDまたはパスワードが正しくありません。');
  await page.getByLabel('パスワード').fill(staff.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  // The password alone opens nothing but the code step.
  await expect(page).toHaveURL(/\/staff\/login\/second\?next=%2Fstaff%2Faudit$/);
  await page.goto('/staff/audit');
  await expect(page).toHaveURL(/\/staff\/login\/second/);
  await hydrated(page);
  await page.getByLabel('確認コード', { exact: true }).fill('000000' === totp(staff.totp_secret!, await serverNow(page)) ? '111111' : '000000');
  await page.getByRole('button', { name: '確認する' }).click();
  await expect(page.locator('#code-error')).toContainText('確認コードが正しくありません');
  await page.getByLabel('確認コード', { exact: true }).fill(totp(staff.totp_secret!, await serverNow(page)));
  await page.getByRole('button', { name: '確認する' }).click();
  await expect(page).toHaveURL(/\/staff\/audit$/);
  await expect(page.getByRole('heading', { name: '監査ログ' })).toBeVisible();
  // Operators do not manage staff.
  await expect(page.getByRole('link', { name: '職員アカウント' })).toHaveCount(0);
  await page.goto('/staff/accounts');
  await expect(page.getByRole('alert')).toHaveText('この操作を行う権限がありません。');
});

test('a new staff member enrols the authenticator app at the first login', async ({ page, request }, testInfo) => {
  const staff = await seedStaff(request, { enrolled: false });
  await page.goto('/staff/login');
  await hydrated(page);
  await page.getByLabel('ログインID').fill(staff.login_id);
  await page.getByLabel('パスワード').fill(staff.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page.getByRole('heading', { name: '認証アプリの登録(初回のみ)' })).toBeVisible();
  await expect(page.getByRole('img', { name: '二段階認証の登録用QRコード' })).toBeVisible();
  const secret = (await page.locator('code.secret').innerText()).trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await snap(page, testInfo, 'staff-enrol');
  await hydrated(page);
  await page.getByLabel('確認コード(6桁)').fill(totp(secret, await serverNow(page)));
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '二段階認証を登録しました。' })).toBeVisible();
  await expect(page.locator('.recovery-codes li')).toHaveCount(10);
  await snap(page, testInfo, 'staff-recovery-codes');
  await page.getByRole('link', { name: '管理画面へ進む' }).click();
  await expect(page.getByRole('heading', { name: '手続き一覧' })).toBeVisible();
});

test('a member session does not open the back office', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage' });
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login/);
});

test('staff find a member by kana and see contracts and procedures', async ({ page, request }, testInfo) => {
  const errors = watchConsole(page);
  await staffLogin(page, await seedStaff(request));
  await page.getByRole('link', { name: '組合員検索' }).click();
  await hydrated(page);
  await page.getByLabel('組合員番号・氏名・フリガナ').fill('キョウサイ');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page.getByRole('row')).toHaveCount(3);
  await page.getByRole('link', { name: '共済太郎' }).click();
  await expect(page.getByRole('heading', { name: '共済太郎様' })).toBeVisible();
  await expect(page.getByRole('region', { name: '契約番号 K-2019-000101' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'がん特約(月額掛金 1,000円)' })).toBeVisible();
  // Why a member cannot log in: the latest logins, beside the record.
  await expect(page.getByRole('heading', { name: 'ログイン履歴(直近10回)' })).toBeVisible();
  await snap(page, testInfo, 'staff-member');
  await page.goto('/staff');
  await snap(page, testInfo, 'staff-queue');
  expect(errors).toEqual([]);
});

test('the audit log filters by actor, action and member', async ({ page, browser, baseURL, request }, testInfo) => {
  // A member files a document request: one audited action of theirs.
  const me = await seedMember(request, { knownBrowser: true });
  const member = await browser.newPage({ baseURL });
  await apiLogin(member, me);
  const filed = await member.request.post('/api/apply', {
    form: { kind: 'document_request', documents: 'pamphlet' },
    maxRedirects: 0,
  });
  expect(filed.status(), await filed.text()).toBeLessThan(400);
  await member.context().close();

  await staffLogin(page, await seedStaff(request, { role: 'admin' }));
  await page.getByRole('link', { name: '監査ログ' }).click();
  await hydrated(page);
  await page.getByLabel('操作者').selectOption('member');
  await page.getByLabel('操作', { exact: true }).selectOption('procedure_filed');
  await page.getByLabel('組合員番号').fill(me.member_number);
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page).toHaveURL(/actor=member&action=procedure_filed&member=/);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.locator('td').nth(1)).toHaveText(new RegExp(`^組合員 ${me.member_number}`));
  await expect(rows.locator('td').nth(2)).toContainText(me.member_number);
  await expect(rows.locator('td').nth(3)).toHaveText('お手続きの受付');
  await expect(rows.locator('td').nth(5)).toContainText('コース・特約のパンフレット');
  await snap(page, testInfo, 'staff-audit');

  // The same member, but done by staff: nothing.
  await page.getByLabel('操作者').selectOption('staff');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page.getByText('該当する記録はありません。')).toBeVisible();
  await expect(rows).toHaveCount(0);

  // A malformed member number is told, not searched.
  await page.getByLabel('組合員番号').fill('12-34');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page.getByRole('alert')).not.toBeEmpty();

  // Without filters every actor shows again.
  await page.getByLabel('組合員番号').fill('');
  await page.getByLabel('操作者').selectOption('');
  await page.getByLabel('操作', { exact: true }).selectOption('');
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(rows.first()).toBeVisible();
  const actors = new Set((await rows.locator('td:nth-child(2)').allInnerTexts()).map((a) => a.split(' ')[0]));
  expect(actors.has('組合員'), [...actors].join(',')).toBeTruthy();

  // The member's record, opened by staff: with the views, then changes only.
  await page.goto(`/staff/members/${me.member_id}`);
  await page.goto(`/staff/audit?member=${me.member_number}`);
  await expect(rows.filter({ hasText: '組合員情報の閲覧' }).first()).toBeVisible();
  await hydrated(page);
  await page.getByLabel('記録の閲覧を除く(変更だけ)').check();
  await page.getByRole('button', { name: '絞り込む' }).click();
  await expect(page).toHaveURL(/changes_only=1/);
  await expect(rows.filter({ hasText: 'お手続きの受付' })).toHaveCount(1);
  await expect(rows.filter({ hasText: '組合員情報の閲覧' })).toHaveCount(0);
});

test('an admin adds a colleague, who sets a password by mail; a reset starts them over', async ({ page, browser, baseURL, request }, testInfo) => {
  test.setTimeout(60_000);
  const admin = await seedStaff(request, { role: 'admin' });
  await staffLogin(page, admin);
  await page.getByRole('link', { name: '職員アカウント' }).click();
  await hydrated(page);
  const loginId = `staff-${Date.now().toString(36)}`;
  const email = `${loginId}@staff.example.jp`;
  await page.getByLabel('ログインID').fill(loginId);
  await page.getByLabel('氏名').fill('田中花');
  await page.getByLabel('メールアドレス').fill('not-an-address');
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.locator('#email-error')).not.toBeEmpty();
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.getByText('職員アカウントを追加し、パスワード設定用のURLをメールで送りました。')).toBeVisible();
  await expect(page.getByRole('cell', { name: loginId, exact: true })).toBeVisible();
  await snap(page, testInfo, 'staff-accounts');

  // The colleague, in their own browser: the link, a password, the app.
  const colleague = await (await browser.newContext({ baseURL })).newPage();
  const enrol = async (subject: string, password: string) => {
    const link = linkIn(await latestMail(colleague, email, subject, baseURL));
    await colleague.goto(link);
    await expect(colleague.getByText(`ログインID:${loginId}`)).toBeVisible();
    await hydrated(colleague);
    await colleague.getByLabel('新しいパスワード', { exact: true }).fill(password);
    await colleague.getByLabel('新しいパスワード(確認)').fill(password);
    await colleague.getByRole('button', { name: 'パスワードを設定する' }).click();
    await expect(colleague).toHaveURL(/\/staff\/login\?setup=1$/);
    await hydrated(colleague);
    await colleague.getByLabel('ログインID').fill(loginId);
    await colleague.getByLabel('パスワード').fill(password);
    await colleague.getByRole('button', { name: 'ログイン' }).click();
    const secret = (await colleague.locator('code.secret').innerText()).trim();
    await hydrated(colleague);
    await colleague.getByLabel('確認コード(6桁)').fill(totp(secret, await serverNow(colleague)));
    await colleague.getByRole('button', { name: '登録する' }).click();
    await colleague.getByRole('link', { name: '管理画面へ進む' }).click();
    await expect(colleague.getByRole('heading', { name: '手続き一覧' })).toBeVisible();
  };
  await enrol('管理画面のアカウントのご案内', 'harukaze-no-kuni-2026');

  // The admin resets them: logged out, and they start over from a new link.
  await page.reload();
  await hydrated(page);
  const actions = page.getByRole('group', { name: `${loginId}の操作` });
  await actions.getByRole('button', { name: 'パスワードと二段階認証をリセット' }).click();
  // It asks first: the colleague is logged out everywhere.
  await expect(actions.getByText('ログイン中の端末はすべてログアウトされます')).toBeVisible();
  await actions.getByRole('button', { name: 'パスワードと二段階認証をリセット(確定)' }).click();
  await expect(page.getByText('変更しました。')).toBeVisible();
  await colleague.reload();
  await expect(colleague).toHaveURL(/\/staff\/login/);
  await enrol('管理画面のログイン情報の再設定', 'akikaze-no-sato-2027');
  await colleague.context().close();

  // The staff login log shows it all.
  await page.reload();
  const log = page.getByRole('region', { name: '職員のログイン履歴' });
  await expect(log.getByRole('row', { name: new RegExp(loginId) }).first()).toBeVisible();
});

test('staff change their own password', async ({ page, request }) => {
  const staff = await seedStaff(request);
  await staffLogin(page, staff);
  await page.getByRole('link', { name: 'パスワード変更' }).click();
  await hydrated(page);
  await page.getByLabel('現在のパスワード').fill('wrong-password');
  await page.getByLabel('新しいパスワード', { exact: true }).fill('akikaze-no-sato-2027');
  await page.getByLabel('新しいパスワード(確認)').fill('akikaze-no-sato-2027');
  await page.getByRole('button', { name: 'パスワードを変更する' }).click();
  await expect(page.locator('#current_password-error')).toHaveText('現在のパスワードが正しくありません。');
  await page.getByLabel('現在のパスワード').fill(staff.password);
  await page.getByRole('button', { name: 'パスワードを変更する' }).click();
  await expect(page.getByText('パスワードを変更しました。ほかの端末でのログインは終了しました。')).toBeVisible();
  expect(await latestMail(page, staff.email, '管理画面のパスワード変更のお知らせ')).toContain(`${staff.name}様`);
});

test('a member asks by phone: staff file a certificate for an older year, and the member sees it as made by the co-op', async ({ page, browser, request }, testInfo) => {
  const m = await seedMember(request, { contract: true, knownBrowser: true });
  await staffLogin(page, await seedStaff(request));
  await page.goto(`/staff/members/${m.member_id}`);
  await hydrated(page);
  const filing = page.getByRole('region', { name: 'お電話・窓口で受け付けたお手続き' });
  await filing.getByText('掛金払込証明書の再発行(書面)').click();
  const years = filing.getByLabel('対象年');
  await expect(years.locator('option')).toHaveCount(6);
  const oldest = await years.locator('option').last().getAttribute('value');
  await years.selectOption(oldest!);
  await snap(page, testInfo, 'staff-phone-filing');
  await filing.getByRole('button', { name: '受け付ける' }).first().click();
  await expect(page.getByRole('status')).toContainText('お手続きを受け付けました');
  await expect(page.getByRole('cell', { name: `${oldest}年分(書面でご登録の住所へお送りします)` })).toBeVisible();

  // Two documents asked for in one call: one filing.
  await hydrated(page);
  await filing.getByText('書類のお取り寄せ').click();
  await filing.getByLabel('コース・特約のパンフレット').check();
  await filing.getByLabel('共済金請求書類(入院・通院・手術)').check();
  await snap(page, testInfo, 'staff-phone-filing-documents');
  await filing.getByRole('button', { name: '受け付ける' }).first().click();
  await expect(page.getByRole('status')).toContainText('お手続きを受け付けました');
  await expect(page.getByRole('cell', { name: /パンフレット/ })).toContainText('共済金請求書類(入院・通院・手術)');

  // The member's 手続き照会 shows who made it.
  const context = await browser.newContext();
  const member = await context.newPage();
  await apiLogin(member, m);
  await member.goto('/mypage/procedures');
  const item = member.getByRole('listitem').filter({ hasText: `${oldest}年分` });
  await expect(item).toContainText('お手続きした人:当組合(職員)');
  await context.close();
});

test('a refund date recorded wrong is corrected from the member page', async ({ page, request }, testInfo) => {
  const m = await seedMember(request, {});
  await staffLogin(page, await seedStaff(request));
  await page.goto(`/staff/members/${m.member_id}`);
  await hydrated(page);
  const standing = page.getByRole('region', { name: 'マイページの利用状況' });
  await standing.getByText('脱退を記録する').first().click();
  await standing.getByLabel('脱退日').fill('2027-03-31');
  await standing.getByLabel('出資金の返還日(マイページの最終利用日)').fill('2027-07-13');
  await standing.getByRole('button', { name: '脱退を記録する' }).click();
  // The page loads again and shows the record as it is now.
  await expect(page.getByRole('status').filter({ hasText: '脱退を記録しました' })).toBeVisible();
  await expect(standing.getByText('脱退を記録する')).toHaveCount(0);
  await hydrated(page);
  // Until the refund date My Page is open, and can be stopped (misuse).
  await expect(standing.getByText('マイページの利用を停止する')).toBeVisible();
  await standing.getByText('脱退の記録を訂正する').click();
  await expect(standing.getByLabel('出資金の返還日(マイページの最終利用日)')).toHaveValue('2027-07-13');
  await standing.getByLabel('出資金の返還日(マイページの最終利用日)').fill('2027-03-30');
  await standing.getByRole('button', { name: '訂正を記録する' }).click();
  await expect(standing.getByText('返還日は、脱退日以降の日付を指定してください。')).toBeVisible();
  await standing.getByLabel('出資金の返還日(マイページの最終利用日)').fill('2027-07-31');
  await snap(page, testInfo, 'staff-withdrawal-correct');
  await standing.getByRole('button', { name: '訂正を記録する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '脱退の記録を訂正しました' })).toBeVisible();
  await expect(standing.getByLabel('出資金の返還日(マイページの最終利用日)')).toHaveValue('2027-07-31');
});

test('an admin takes back a withdrawal recorded for the wrong member', async ({ page, request }, testInfo) => {
  const m = await seedMember(request, { knownBrowser: true });
  await staffLogin(page, await seedStaff(request, { role: 'admin' }));
  await page.goto(`/staff/members/${m.member_id}`);
  await hydrated(page);
  const standing = page.getByRole('region', { name: 'マイページの利用状況' });
  await standing.getByText('脱退を記録する').first().click();
  await standing.getByLabel('脱退日').fill('2027-03-31');
  await standing.getByLabel('出資金の返還日(マイページの最終利用日)').fill('2027-07-31');
  await standing.getByRole('button', { name: '脱退を記録する' }).click();
  // The page loads again and shows the record as it is now.
  await expect(page.getByRole('status').filter({ hasText: '脱退を記録しました' })).toBeVisible();
  await expect(standing.getByText('脱退を記録する')).toHaveCount(0);
  await hydrated(page);
  await standing.getByText('脱退の記録を取り消す(管理者)').click();
  await snap(page, testInfo, 'staff-withdrawal-take-back');
  // The confirmation is required before the button does anything.
  await standing.getByRole('button', { name: '脱退の記録を取り消す' }).click();
  await expect(standing.getByText('利用中', { exact: true })).toHaveCount(0);
  await standing.getByLabel('記録が誤りであることを確認しました').check();
  await standing.getByRole('button', { name: '脱退の記録を取り消す' }).click();
  await expect(page.getByRole('status').filter({ hasText: '脱退の記録を取り消しました' })).toBeVisible();
  await expect(standing.getByText('利用中', { exact: true })).toBeVisible();
  await expect(standing.getByText('脱退を記録する').first()).toBeVisible();
  expect(await latestMail(page, m.email, '脱退の記録の取消について')).toContain(`${m.name}様`);
});
