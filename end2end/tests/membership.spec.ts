import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { apiLogin, hydrated, latestMail, login, pdfText, seedMember, seedStaff, snap, staffLogin } from './helpers';

test('a member stops the service and then cannot log in; staff re-open it', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/account' });
  await hydrated(page);
  const card = page.getByRole('region', { name: 'マイページの利用停止' });
  await card.getByRole('button', { name: '利用停止の手続きへ' }).click();
  await card.getByLabel('現在のパスワード').fill(me.password);
  await snap(page, testInfo, 'stop-service');
  await card.getByRole('button', { name: '利用を停止する' }).click();
  await expect(page).toHaveURL(/\/\?stopped=1$/);
  await expect(page.getByText('マイページのご利用を停止しました。', { exact: false })).toBeVisible();
  expect(await latestMail(page, me.email, 'ご利用停止のお知らせ')).toContain(`${me.name}様`);

  // The right password is told why, with the phone; nothing opens.
  await login(page, me, { expectFailure: true });
  await expect(page.getByRole('alert')).toContainText('マイページのご利用を停止しています');
  await expect(page.getByRole('alert')).toContainText('0120-123-456');

  // Staff re-open it from the member's page.
  const staffPage = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staffPage, await seedStaff(staffPage.request));
  await staffPage.goto(`/staff/members/${me.member_id}`);
  const standing = staffPage.getByRole('region', { name: 'マイページの利用状況' });
  await expect(standing.getByText('利用停止中')).toBeVisible();
  // The record does not say the member can log in.
  await expect(staffPage.getByText('できません。利用停止中')).toBeVisible();
  await hydrated(staffPage);
  await standing.getByRole('button', { name: 'マイページの利用を再開する' }).click();
  await expect(staffPage.getByRole('status').filter({ hasText: 'マイページの利用を再開しました。' })).toBeVisible();
  await expect(standing.getByText('利用中', { exact: true })).toBeVisible();
  await staffPage.context().close();

  // The browser was forgotten at the stop: the mailed code, then in.
  await login(page, me);
  await expect(page.getByText(`ようこそ${me.name}様`)).toBeVisible();
});

test('staff print the letter; the new member registers with its code and logs in', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const m = await seedMember(request, { withoutAccount: true });

  // Staff print the registration letter from the member's page: a PDF whose
  // text carries the code.
  const staffPage = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staffPage, await seedStaff(staffPage.request));
  await staffPage.goto(`/staff/members/${m.member_id}`);
  const standing = staffPage.getByRole('region', { name: 'マイページの利用状況' });
  // The browser's PDF viewer replaces the body it shows: keep the bytes
  // the server sent on their way to the new tab.
  let letter: Buffer | undefined;
  await staffPage.context().route(`**/staff/members/${m.member_id}/letter`, async (route) => {
    const res = await route.fetch();
    expect(res.headers()['content-type']).toBe('application/pdf');
    letter = await res.body();
    await route.fulfill({ response: res });
  });
  const tab = staffPage.context().waitForEvent('page');
  await standing.getByRole('button', { name: '登録案内書を印刷する(PDF)' }).click();
  await tab;
  await expect.poll(() => letter !== undefined).toBe(true);
  const text = pdfText(letter!);
  if (process.env.SNAPSHOTS) writeFileSync(`screenshots/${testInfo.project.name}-registration-letter.pdf`, letter!);
  expect(text).toContain('マイページ登録のご案内');
  expect(text).toContain(`${m.name} 様`);
  const registrationCode = text.match(/登録コード\s+([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/)![1];
  await staffPage.context().close();

  await page.goto('/');
  await page.getByRole('link', { name: 'はじめての方(マイページ登録)' }).click();
  await expect(page).toHaveURL(/\/register$/);
  await hydrated(page);
  await page.getByLabel('組合員番号').fill(m.member_number);
  await page.getByLabel('登録コード').fill(registrationCode);
  await page.getByLabel('生年月日').fill('1985-04-02');
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('alert')).toContainText('入力内容が正しくないか');
  await page.getByLabel('生年月日').fill(m.birth_date);
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByText(`${m.name}様(組合員番号 ${m.member_number})`, { exact: false })).toBeVisible();
  await snap(page, testInfo, 'register-account');
  await hydrated(page);
  // A mistyped address: the code step goes back to it, the ID kept.
  const typo = m.email.replace('@', '.typo@');
  await page.getByLabel('ユーザーID').fill(m.user_id);
  await page.getByLabel('メールアドレス').fill(typo);
  await page.getByLabel('新しいパスワード', { exact: true }).fill(m.password);
  await page.getByLabel('新しいパスワード(確認)').fill(m.password);
  await page.getByRole('button', { name: '認証コードを送る' }).click();
  await expect(page.getByText(`「${typo}」に認証コードをお送りしました。`, { exact: false })).toBeVisible();
  await expect(page.getByText(/認証コードは\d{4}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2}まで有効です。/)).toBeVisible();
  await snap(page, testInfo, 'register-code');
  await hydrated(page);
  await page.getByRole('button', { name: 'メールアドレスを入力し直す' }).click();
  await expect(page.getByLabel('ユーザーID')).toHaveValue(m.user_id);
  await expect(page.getByLabel('メールアドレス')).toHaveValue(typo);
  await hydrated(page);
  await page.getByLabel('メールアドレス').fill(m.email);
  await page.getByLabel('新しいパスワード', { exact: true }).fill(m.password);
  await page.getByLabel('新しいパスワード(確認)').fill(m.password);
  await page.getByRole('button', { name: '認証コードを送る' }).click();
  await expect(page.getByText(`「${m.email}」に認証コードをお送りしました。`, { exact: false })).toBeVisible();
  const code = (await latestMail(page, m.email, 'マイページ登録の認証コード')).match(/認証コード:(\d{6})/)![1];
  await hydrated(page);
  await page.getByLabel('認証コード(6桁)').fill(code);
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(/\/\?registered=1$/);
  await expect(page.getByText('マイページの登録が完了しました。', { exact: false })).toBeVisible();
  expect(await latestMail(page, m.email, 'マイページ登録完了のお知らせ')).toContain(m.user_id);

  await login(page, m);
  await expect(page.getByText(`ようこそ${m.name}様`)).toBeVisible();
});

test('an admin imports a members CSV: the preview lists the rejected rows, then the members are in', { tag: '@layout' }, async ({ page }, testInfo) => {
  const admin = await seedStaff(page.request, { role: 'admin' });
  await staffLogin(page, admin);
  // Member numbers of this run and project only.
  const prefix = `6${testInfo.project.name === 'phone' ? 1 : 2}${String(Date.now()).slice(-6)}`;
  const csv = [
    '組合員番号,氏名,フリガナ,生年月日,郵便番号,都道府県,住所1,住所2,電話番号,勤務先,出資金払込日,出資金額',
    `${prefix}0,取込 一郎,とりこみ いちろう,1980/4/1,330-0064,埼玉県,さいたま市浦和区岸町1-1,,048-123-4567,,2026/11/1,1000`,
    `${prefix}1,取込 二郎,トリコミ ジロウ,1980/2/30,330-0064,埼玉県,さいたま市浦和区岸町1-2,,,,,`,
    `${prefix}2,髙橋 三郎,タカハシ サブロウ,1975/5/5,330-0064,埼玉玉県,さいたま市浦和区岸町1-3,,,,,`,
  ].join('\r\n');
  await page.goto('/staff/imports');
  await page.getByLabel('CSVファイル(UTF-8 または Shift_JIS)').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: '内容を確認する' }).click();
  await expect(page.getByText('確認済み(未取込)')).toBeVisible();
  const issues = page.getByRole('region', { name: '取り込めない行と警告' });
  await expect(issues.getByRole('row').filter({ hasText: '生年月日' })).toContainText('存在しない日付です');
  await expect(issues.getByRole('row').filter({ hasText: '都道府県' })).toContainText('都道府県名を');
  await snap(page, testInfo, 'import-preview');

  await hydrated(page);
  await page.getByRole('button', { name: '取り込む' }).click();
  await expect(page.getByText('取込が完了しました。')).toBeVisible();
  await page.goto(`/staff/members?q=${prefix}0`);
  await expect(page.getByRole('link', { name: '取込 一郎' })).toBeVisible();
});

test('staff register a member after the 出資金 payment and later record a name change', async ({ page, request }, testInfo) => {
  await staffLogin(page, await seedStaff(page.request));
  await page.goto('/staff/members');
  await page.getByRole('link', { name: '組合員を登録する(出資金の払込確認後)' }).click();
  await expect(page.getByRole('heading', { name: '組合員の登録' })).toBeVisible();
  await hydrated(page);
  const number = `63${String(Date.now()).slice(-7)}`;
  await page.getByLabel('組合員番号').fill(number);
  await page.getByLabel('氏名').fill('窓口 花子');
  await page.getByLabel('フリガナ').fill('マドグチ ハナコ');
  await page.getByLabel('生年月日').fill('1992-03-04');
  await page.getByLabel('郵便番号').fill('330-0064');
  await page.getByLabel('都道府県').selectOption('埼玉県');
  await page.getByLabel('住所1').fill('さいたま市浦和区岸町1-2-3');
  await page.getByLabel('出資金払込日').fill('2026-11-20');
  await page.getByLabel('出資金額').fill('一千');
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByText('出資金額は円単位の数字で入力してください')).toBeVisible();
  await page.getByLabel('出資金額').fill('1000');
  await snap(page, testInfo, 'staff-new-member');
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page.getByRole('status')).toContainText('窓口 花子様を登録しました。');
  await page.getByRole('link', { name: '組合員の画面へ(登録案内書の印刷)' }).click();
  await expect(page.getByRole('heading', { name: '窓口 花子様' })).toBeVisible();
  await expect(page.getByRole('button', { name: '登録案内書を印刷する(PDF)' })).toBeVisible();

  // The 改姓届 arrives: staff record it; the page and its history show it.
  await hydrated(page);
  const care = page.getByRole('region', { name: 'ログインと登録内容の管理' });
  await care.getByText('氏名の変更を記録する(改姓届の確認後)').click();
  await care.getByLabel('新しい氏名').fill('改姓 花子');
  await care.getByLabel('新しいフリガナ').fill('カイセイ ハナコ');
  await care.getByRole('button', { name: '変更を記録する' }).click();
  await expect(page.getByRole('heading', { name: '改姓 花子様' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'ログインと登録内容の管理' }).getByText('窓口 花子(マドグチ　ハナコ) → 改姓 花子(カイセイ　ハナコ)', { exact: false })).toBeVisible();
  await snap(page, testInfo, 'staff-member-care');

  // She has no My Page yet: the batch of letters, on a page of its own that
  // the member search links to, counts her among those waiting; someone an
  // import brought without a recorded 出資金 payment is counted apart.
  await seedMember(request, { withoutAccount: true, unpaid: true });
  await page.getByRole('link', { name: '← 組合員検索' }).click();
  await page.getByRole('link', { name: '登録案内書の一括印刷(マイページ未登録の組合員へ)' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '登録案内書の一括印刷' })).toBeVisible();
  await expect(page.locator('.letters-waiting')).toHaveText(/^[1-9][0-9]*名$/);
  await expect(page.getByRole('button', { name: '登録案内書をまとめて印刷する(PDF)' })).toBeVisible();
  await expect(page.getByRole('note').filter({ hasText: '出資金の入金が記録されていない組合員' })).toBeVisible();
  await expect(page.locator('.letters-unpaid')).toHaveText(/^[1-9][0-9]*名$/);
  await snap(page, testInfo, 'staff-letters');
});

test('staff record the 出資金 payment of a member sent without one, and the letter can be printed', async ({ page, request }, testInfo) => {
  const member = await seedMember(request, { withoutAccount: true, unpaid: true });
  await staffLogin(page, await seedStaff(page.request));
  await page.goto(`/staff/members/${member.member_id}`);
  const standing = page.getByRole('region', { name: 'マイページの利用状況' });
  await expect(standing.getByRole('note')).toContainText('出資金の入金が記録されていないため');
  await expect(standing.getByRole('button', { name: '登録案内書を印刷する(PDF)' })).toHaveCount(0);
  await expect(page.getByText('入金の記録なし')).toBeVisible();
  await hydrated(page);
  await standing.getByLabel('出資金額(円)').fill('千円');
  await standing.getByRole('button', { name: '入金を記録する' }).click();
  await expect(standing.getByText('出資金の払込を確認した日を入力してください。')).toBeVisible();
  await standing.getByLabel('出資金払込日(入金を確認した日)').fill('2026-11-20');
  await standing.getByRole('button', { name: '入金を記録する' }).click();
  await expect(standing.getByText('出資金額は円単位の数字で入力してください')).toBeVisible();
  await expect(standing.getByLabel('出資金額(円)')).toHaveAttribute('aria-invalid', 'true');
  await snap(page, testInfo, 'staff-capital');
  await standing.getByLabel('出資金額(円)').fill('1,000');
  await standing.getByRole('button', { name: '入金を記録する' }).click();
  await expect(page.getByRole('status').filter({ hasText: '出資金の入金を記録しました。' })).toBeVisible();
  await expect(standing.getByRole('button', { name: '登録案内書を印刷する(PDF)' })).toBeVisible();
  await expect(standing.getByRole('button', { name: '入金を記録する' })).toHaveCount(0);
  await expect(page.getByText('1,000円(2026/11/20 払込)')).toBeVisible();
});

test('an admin changes the mail address of a member whose mailbox is gone', async ({ page, request }, testInfo) => {
  const member = await seedMember(request);
  await staffLogin(page, await seedStaff(page.request, { role: 'admin' }));
  await page.goto(`/staff/members/${member.member_id}`);
  await hydrated(page);
  const care = page.getByRole('region', { name: 'ログインと登録内容の管理' });
  await care.getByText('メールアドレスを変更する(ご本人確認後)').click();
  await care.getByLabel('新しいメールアドレス').fill(member.email);
  await care.getByRole('button', { name: 'メールアドレスを変更する' }).click();
  await expect(care.getByText('いまのメールアドレスと同じです。')).toBeVisible();
  await expect(care.getByLabel('新しいメールアドレス')).toHaveAttribute('aria-invalid', 'true');
  const fresh = `${member.user_id}.new@example.jp`;
  await care.getByLabel('新しいメールアドレス').fill(fresh);
  await snap(page, testInfo, 'staff-member-email');
  await care.getByRole('button', { name: 'メールアドレスを変更する' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'メールアドレスを変更しました。' })).toBeVisible();
  await expect(page.getByText(fresh, { exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: `メールアドレスを「${fresh}」に変更しました。` })).toBeVisible();
  // Both addresses hear of it; the old one (perhaps someone else's now) is not told the new one.
  expect(await latestMail(page, fresh, 'メールアドレス変更のお知らせ')).toContain(fresh);
  const old = await latestMail(page, member.email, 'メールアドレス変更のお知らせ');
  expect(old).toContain('お申し出のあった新しいメールアドレス');
  expect(old).not.toContain(fresh);
});
