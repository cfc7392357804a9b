import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, seedMember, seedStaff, snap, staffLogin, useKnownBrowser } from './helpers';

test('ご契約内容 shows the course in force and says why a change is not shown yet', { tag: '@layout' }, async ({ page }, testInfo) => {
  // The demo: 共済花子's course change is approved from the first of next month.
  await apiLogin(page, 'kyosai.hanako', { goto: '/mypage' });
  await page.getByRole('link', { name: 'ご契約内容' }).click();
  await expect(page).toHaveURL(/\/mypage\/contracts$/);
  const contract = page.getByRole('region', { name: '契約番号 K-2021-000231' });
  await expect(contract.getByRole('definition').filter({ hasText: '入院保障型2型' })).toBeVisible();
  await expect(contract.getByText('2021/6/1').first()).toBeVisible();
  await expect(contract.getByText(/変更後のコース「総合保障型4型」は\d{4}\/\d{1,2}\/1から表示されます。/)).toBeVisible();
  await expect(contract.locator('.riders__name')).toHaveText(['女性疾病特約']);
  await expect(contract.getByText('2,600円')).toBeVisible();
  await snap(page, testInfo, 'contracts');
});

test('an admin imports the course list and the contracts; the member sees the contract in ご契約内容', async ({ page, browser, baseURL, request }, testInfo) => {
  const member = await seedMember(request, { knownBrowser: true });
  const stamp = String(Date.now()).slice(-8);
  const rider = `e2e${stamp}`;
  const number = `K-E2E-${stamp}`;
  await staffLogin(page, await seedStaff(page.request, { role: 'admin' }));
  const upload = async (kind: string, name: string, csv: string) => {
    await page.goto('/staff/imports');
    await page.getByLabel('データの種類').selectOption({ label: kind });
    await page.getByLabel('CSVファイル(UTF-8 または Shift_JIS)').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: '内容を確認する' }).click();
    await expect(page.getByText('確認済み(未取込)')).toBeVisible();
  };
  // A rider 販売停止 from the start: registered, never offered.
  await upload('コース・特約', 'catalogue.csv', [
    '区分,コード,名称,月掛金,保障内容,控除区分,販売',
    `特約,${rider},骨折特約${stamp},300,骨折1回 5万円,,販売中`,
    `特約,${rider}x,熱中症特約${stamp},100,熱中症入院1日 2,000円,,販売停止`,
  ].join('\r\n'));
  await hydrated(page);
  await page.getByRole('button', { name: '取り込む' }).click();
  await expect(page.getByText('取込が完了しました。')).toBeVisible();

  // A row for an unknown code is listed before anything is written.
  await upload('契約', 'contracts.csv', [
    '契約番号,組合員番号,区分,コード,保障開始日,保障終了日',
    `${number},${member.member_number},コース,sogo2,2025-04-01,`,
    `${number},${member.member_number},特約,${rider},2025-04-01,`,
    `${number},${member.member_number},特約,nothing,2025-04-01,`,
  ].join('\r\n'));
  const issues = page.getByRole('region', { name: '取り込めない行と警告' });
  const unknown = issues.getByRole('row').filter({ hasText: 'コード' });
  await expect(unknown).toContainText('このコードの特約は登録されていません');
  // Numbered as the file's lines, CR LF as Excel writes them (the heading is line 1).
  await expect(unknown.getByRole('cell').first()).toHaveText('4');
  await snap(page, testInfo, 'import-contracts');
  await hydrated(page);
  await page.getByRole('button', { name: '取り込む' }).click();
  await expect(page.getByText('取込が完了しました。')).toBeVisible();

  const memberPage = await (await browser.newContext({ baseURL })).newPage();
  await useKnownBrowser(memberPage, member);
  await apiLogin(memberPage, member, { goto: '/mypage/contracts' });
  const contract = memberPage.getByRole('region', { name: `契約番号 ${number}` });
  await expect(contract.getByRole('definition').filter({ hasText: '総合保障型2型' })).toBeVisible();
  await expect(contract.locator('.riders__name')).toHaveText([`骨折特約${stamp}`]);
  await expect(contract.getByText('2,300円')).toBeVisible();

  // The 特約追加 screen offers neither the rider held nor the one off sale.
  await memberPage.goto('/mypage/apply/rider');
  await expect(memberPage.getByRole('group', { name: `契約番号 ${number}` }).getByLabel(/がん特約/)).toBeVisible();
  await expect(memberPage.getByText(new RegExp(`(骨折|熱中症)特約${stamp}`))).toHaveCount(0);
});
