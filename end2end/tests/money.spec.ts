import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { apiLogin, hydrated, pdfText, seedMember, seedStaff, snap, staffLogin, watchConsole } from './helpers';

// 請求明細, 掛金払込証明書 and 出資金・割戻金 (issue 12). The main server's
// clock is today's date (November): the electronic certificate is open.

test('a member reads a statement from the list, with its lines and payment', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const errors = watchConsole(page);
  const m = await seedMember(request, { contract: true, money: true });
  await apiLogin(page, m, { goto: '/mypage/statements' });
  await expect(page.getByRole('heading', { name: '請求明細', exact: true })).toBeVisible();
  const list = page.getByRole('table', { name: '請求明細の一覧' });
  // Newest first. This server's clock is today's: the latest month is not
  // collected yet (お支払い前) or, from its 請求日 on, paid (the demo
  // history pays every month whose day has passed); never shown as unpaid.
  const rows = list.getByRole('row');
  await expect(rows.nth(1)).toContainText(/お支払い前|入金済/);
  await expect(list.locator('.pay--due')).toHaveCount(0);
  await expect(rows.nth(2)).toContainText('入金済');
  // The list fits the screen, on a phone too.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, testInfo, 'statements');
  await hydrated(page);
  await rows.nth(2).getByRole('link').click();
  const sheet = page.getByRole('article');
  await expect(sheet.getByRole('heading', { level: 1 })).toContainText('分 請求明細');
  await expect(sheet.getByRole('table', { name: '共済掛金' })).toContainText(m.contract_number!);
  await expect(sheet.getByText('ご請求金額合計')).toBeVisible();
  await expect(sheet.getByRole('table', { name: 'ご入金' })).toContainText('口座振替');
  await expect(page.getByRole('button', { name: '印刷する' })).toBeVisible();
  const csv = page.getByRole('link', { name: 'CSVでダウンロード' });
  const res = await page.request.get((await csv.getAttribute('href'))!);
  expect(res.headers()['content-type']).toContain('text/csv');
  expect(await res.text()).toContain('共済掛金');
  await snap(page, testInfo, 'statement');
  expect(errors).toEqual([]);
});

test('in November the electronic certificate is issued as a PDF whose code staff verify; the paper reissue is filed', async ({ page, browser, baseURL, request }, testInfo) => {
  const m = await seedMember(request, { contract: true, money: true });
  await apiLogin(page, m, { goto: '/mypage/certificate' });
  await hydrated(page);
  const year = String(new Date().getFullYear());
  let pdf: Buffer | undefined;
  await page.context().route('**/mypage/certificate/pdf', async (route) => {
    const res = await route.fetch();
    expect(res.headers()['content-type']).toBe('application/pdf');
    pdf = await res.body();
    await route.fulfill({ response: res });
  });
  const tab = page.context().waitForEvent('page');
  await page.getByRole('button', { name: `${year}年分をPDFで発行する` }).click();
  await tab;
  await expect.poll(() => pdf !== undefined).toBe(true);
  const text = pdfText(pdf!);
  expect(text).toContain(`掛金払込証明書(${year}年分)`);
  expect(text).toContain(`${m.name} 様`);
  expect(text).toContain(m.contract_number!);
  const code = text.match(/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/)![1];

  const staffPage = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(staffPage, await seedStaff(staffPage.request));
  await staffPage.goto('/staff/certificates');
  await hydrated(staffPage);
  await staffPage.getByLabel('検証コード').fill(code);
  await staffPage.getByRole('button', { name: '検証する' }).click();
  await expect(staffPage.getByRole('status')).toContainText('当組合が発行した証明書です');
  await expect(staffPage.getByRole('status')).toContainText(m.member_number);
  await snap(staffPage, testInfo, 'staff-certificate');
  const altered = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
  await staffPage.getByLabel('検証コード').fill(altered);
  await staffPage.getByRole('button', { name: '検証する' }).click();
  await expect(staffPage.getByRole('status')).toContainText('入力に誤りがあります');
  await staffPage.context().close();

  // Paper: in November it is this year's, filed as a procedure.
  await expect(page.getByText(`対象年:${year}年分`)).toBeVisible();
  await page.getByRole('button', { name: '再発行を申し込む' }).click();
  await expect(page).toHaveURL(/\/mypage\/procedures\/\d+\?filed=1$/);
  await expect(page.getByText('お申し込みを受け付けました。')).toBeVisible();
  await expect(page.getByText(`${year}年分(書面でご登録の住所へお送りします)`)).toBeVisible();
  const procedureId = page.url().match(/\/mypage\/procedures\/(\d+)/)![1];

  // Staff print it from the procedure, for the window envelope; its code verifies too.
  const office = await (await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } })).newPage();
  await staffLogin(office, await seedStaff(office.request));
  await office.goto(`/staff/procedures/${procedureId}`);
  let paper: Buffer | undefined;
  await office.context().route(`**/staff/procedures/${procedureId}/certificate`, async (route) => {
    const res = await route.fetch();
    expect(res.headers()['content-type']).toBe('application/pdf');
    paper = await res.body();
    await route.fulfill({ response: res });
  });
  await snap(office, testInfo, 'staff-paper-certificate');
  const printed = office.context().waitForEvent('page');
  await office.getByRole('region', { name: '書面の証明書' }).getByRole('button', { name: `${year}年分の証明書を印刷する(PDF)` }).click();
  await printed;
  await expect.poll(() => paper !== undefined).toBe(true);
  const paperText = pdfText(paper!);
  if (process.env.SNAPSHOTS) writeFileSync(`screenshots/${testInfo.project.name}-paper-certificate.pdf`, paper!);
  expect(paperText).toContain(`掛金払込証明書(${year}年分)`);
  expect(paperText).toContain('書面で発行');
  expect(paperText).toContain(`${m.name} 様`);
  const paperCode = paperText.match(/([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/)![1];
  await office.goto('/staff/certificates');
  await hydrated(office);
  await office.getByLabel('検証コード').fill(paperCode);
  await office.getByRole('button', { name: '検証する' }).click();
  await expect(office.getByRole('status')).toContainText('当組合が発行した証明書です');
});

test('出資金 and 割戻金 on one page', async ({ page, request }) => {
  const m = await seedMember(request, { contract: true, money: true });
  await apiLogin(page, m, { goto: '/mypage/capital' });
  await expect(page.getByRole('table', { name: '出資金の払込' })).toContainText('増資');
  await expect(page.getByRole('table', { name: '割戻金' })).toContainText('4.25%');
});

test('an admin imports statements and payments: the previews list the rejected rows, the member sees the month paid', async ({ page, request }, testInfo) => {
  const m = await seedMember(request);
  const admin = await seedStaff(page.request, { role: 'admin' });
  await staffLogin(page, admin);
  await page.goto('/staff/imports');
  const csv = [
    '組合員番号,請求月,区分,契約番号,内容,利用日,金額',
    `${m.member_number},2024-11,購買,,お米 5kg,2024-10-05,2400`,
    `${m.member_number},2024-11,ガス,,灯油,,100`,
  ].join('\n');
  await page.getByLabel('データの種類').selectOption('statements');
  await page.getByLabel('CSVファイル(UTF-8 または Shift_JIS)').setInputFiles({
    name: 'statements.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv),
  });
  await page.getByRole('button', { name: '内容を確認する' }).click();
  await expect(page.getByRole('heading', { name: '請求明細の取込' })).toBeVisible();
  await expect(page.getByRole('table').filter({ hasText: '区分' }).last()).toContainText('区分は「共済掛金」');
  await snap(page, testInfo, 'statements-import');
  await hydrated(page);
  await page.getByRole('button', { name: '取り込む' }).click();
  await expect(page.getByText('取込が完了しました。')).toBeVisible();

  // Then the payments of that month, with a row of an unknown method.
  await page.goto('/staff/imports');
  await page.getByLabel('データの種類').selectOption('payments');
  await page.getByLabel('CSVファイル(UTF-8 または Shift_JIS)').setInputFiles({
    name: 'payments.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([
      '組合員番号,請求月,入金日,金額,入金方法',
      `${m.member_number},2024-11,2024-11-27,2400,口座振替`,
      `${m.member_number},2024-11,2024-11-28,100,手形`,
    ].join('\n')),
  });
  await page.getByRole('button', { name: '内容を確認する' }).click();
  await expect(page.getByRole('heading', { name: '入金の取込' })).toBeVisible();
  await expect(page.getByRole('table').last()).toContainText('入金方法は「口座振替」');
  await hydrated(page);
  await page.getByRole('button', { name: '取り込む' }).click();
  await expect(page.getByText('取込が完了しました。')).toBeVisible();

  await apiLogin(page, m, { goto: '/mypage/statements/2024-11' });
  await expect(page.getByRole('article')).toContainText('お米 5kg');
  await expect(page.getByRole('article')).toContainText('入金済(2024/11/27)');
});
