import { expect, test } from '@playwright/test';
import { apiLogin, hydrated, latestMail, openFromMenu, seedMember, snap, staffPage, watchConsole } from './helpers';

test('a member asks for documents; staff mark them shipped; the member sees 発送済', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { contract: true, knownBrowser: true });
  const errors = watchConsole(page);
  await apiLogin(page, me, { goto: '/mypage' });
  await openFromMenu(page, '各種お手続き');
  // Every online procedure starts from this menu (M7).
  await expect(page.getByRole('link', { name: '掛金払込証明書の再発行' })).toHaveAttribute('href', '/mypage/certificate');
  await expect(page.getByRole('link', { name: '住所・電話番号・氏名の変更' })).toHaveAttribute('href', '/mypage/profile');
  await page.getByRole('link', { name: '書類のお取り寄せ' }).click();
  await hydrated(page);
  await page.getByLabel('共済金請求書類(入院・通院・手術)').check();
  await page.getByLabel('コース・特約のパンフレット').check();
  await expect(page.getByText('〒330-0064 埼玉県さいたま市浦和区岸町1丁目2番3号')).toBeVisible();
  await snap(page, testInfo, 'apply-documents');
  await page.getByRole('button', { name: '確認画面へ' }).click();

  // Confirmation: nothing is filed until 申し込む.
  await expect(page.getByRole('heading', { name: 'お申し込み内容の確認' })).toBeVisible();
  await expect(page.getByText('共済金請求書類(入院・通院・手術)')).toBeVisible();
  await expect(page.getByText('〒330-0064')).toBeVisible();
  await snap(page, testInfo, 'apply-confirm');
  await page.getByRole('button', { name: '申し込む' }).click();

  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました。');
  const receipt = (await page.getByRole('status').locator('strong').nth(1).innerText()).trim();
  expect(receipt).toMatch(/^\d{8}-\d{6}$/);
  await expect(page.locator('.status')).toHaveText('受付');
  await snap(page, testInfo, 'procedure-receipt');
  expect(await latestMail(page, me.email, `受付番号:${receipt}`)).toContain('お手続き受付のお知らせ');

  // Staff find it in the queue and ship it.
  const staff = await staffPage(browser, baseURL);
  await staff.getByLabel('種類').selectOption('document_request');
  await staff.getByRole('button', { name: '絞り込む' }).click();
  await expect(staff).toHaveURL(/kind=document_request/);
  await staff.getByRole('link', { name: receipt }).click();
  await expect(staff.getByRole('heading', { name: `書類のお取り寄せ ${receipt}` })).toBeVisible();
  // Where they go, beside the case.
  await expect(staff.getByRole('region', { name: '送付先' })).toContainText('埼玉県さいたま市浦和区岸町');
  await hydrated(staff);
  await staff.getByLabel('発送済').check();
  await staff.getByLabel(/コメント/).fill('本日発送しました。');
  const [moved] = await Promise.all([
    staff.waitForResponse((r) => r.url().endsWith('/api/staff/procedure/move')),
    staff.getByRole('button', { name: '状況を更新する' }).click(),
  ]);
  expect(moved.status(), await moved.text()).toBe(200);
  await expect(staff.locator('.status').first()).toHaveText('発送済');
  await expect(staff.getByText('このお手続きは完了しています。')).toBeVisible();
  await staff.context().close();

  // The member's 手続き照会 shows it, with when it should arrive.
  await page.getByRole('link', { name: '手続き照会', exact: true }).click();
  const row = page.locator('.procedure', { hasText: receipt });
  await expect(row.locator('.status')).toHaveText('発送済');
  await expect(row).toContainText('お手続きした人:ご本人');
  await row.getByRole('link', { name: '書類のお取り寄せ' }).click();
  await expect(page.getByText('およそ1週間以内にお届けします')).toBeVisible();
  await expect(page.getByText('担当者より:本日発送しました。')).toBeVisible();
  await snap(page, testInfo, 'procedure-shipped');
  expect(await latestMail(page, me.email, 'お手続き状況のお知らせ(発送済)')).toContain(receipt);
  await hydrated(page);
  expect(errors).toEqual([]);
});

test('a member withdraws an application while it is 受付, in two steps', async ({ page, request }) => {
  const me = await seedMember(request, { contract: true, knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/apply/rider' });
  await hydrated(page);
  await page.getByLabel(/三大疾病特約/).check();
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await expect(page.getByText('特約の月額掛金')).toBeVisible();
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました。');
  const filed = page.url();

  // What is applied for is not offered again.
  await page.goto('/mypage/apply/rider');
  await expect(page.getByText('がん特約')).toBeVisible();
  await expect(page.getByText(/三大疾病特約/)).toHaveCount(0);
  await page.goto(filed);
  await hydrated(page);

  await page.getByRole('button', { name: 'このお手続きを取り消す' }).click();
  await page.getByRole('button', { name: 'やめる' }).click();
  await page.getByRole('button', { name: 'このお手続きを取り消す' }).click();
  await page.getByRole('button', { name: '取り消しを確定する' }).click();
  await expect(page.locator('.status')).toHaveText('取消');
  await expect(page.getByRole('button', { name: 'このお手続きを取り消す' })).toHaveCount(0);
  await expect(page.locator('.timeline__status')).toHaveText(['受付', '取消']);
});

test('staff cancel an application the member asked to cancel by phone, with the reason the member reads', async ({ page, browser, baseURL, request }) => {
  const me = await seedMember(request, { contract: true, knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/apply/rider' });
  await hydrated(page);
  await page.getByLabel(/がん特約/).check();
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました。');
  const receipt = (await page.getByRole('status').locator('strong').nth(1).innerText()).trim();

  // The member reads the 受付番号 out on the phone; staff find it by it.
  const staff = await staffPage(browser, baseURL);
  await staff.getByLabel('受付番号').fill(receipt);
  await staff.getByRole('button', { name: '番号で探す' }).click();
  await expect(staff).toHaveURL(/receipt=/);
  await expect(staff.locator('tbody tr')).toHaveCount(1);
  await staff.getByRole('link', { name: receipt }).click();
  await expect(staff.getByRole('heading', { name: `特約追加 ${receipt}` })).toBeVisible();
  await hydrated(staff);
  // Nothing is chosen beforehand (承諾, 不承諾 and 取消 are final).
  await staff.getByRole('button', { name: '状況を更新する' }).click();
  await expect(staff.getByText('次の状況を選んでください。')).toBeVisible();
  await staff.getByLabel('取消', { exact: true }).check();
  await staff.getByRole('button', { name: '状況を更新する' }).click();
  // The reason is required, next to the field.
  await expect(staff.getByText('取り消す理由をコメントに入力してください')).toBeVisible();
  await expect(staff.getByLabel(/コメント/)).toHaveAttribute('aria-invalid', 'true');
  await staff.getByLabel(/コメント/).fill('お電話でのお申し出により取り消しました。');
  await staff.getByRole('button', { name: '状況を更新する' }).click();
  await expect(staff.locator('.status').first()).toHaveText('取消');
  await expect(staff.getByText('このお手続きは完了しています。')).toBeVisible();
  await staff.context().close();

  await page.reload();
  await expect(page.locator('.status')).toHaveText('取消');
  await expect(page.getByText('担当者より:お電話でのお申し出により取り消しました。')).toBeVisible();
  await expect(page.getByRole('button', { name: 'このお手続きを取り消す' })).toHaveCount(0);
  expect(await latestMail(page, me.email, 'お手続き状況のお知らせ(取消)')).toContain('お電話でのお申し出により');
});

test('手続き照会 shows who filed each procedure, the co-op’s staff included', { tag: '@layout' }, async ({ page }, testInfo) => {
  // The demo: documents the staff sent 小林結衣 after a phone call.
  await apiLogin(page, 'kobayashi.yui', { goto: '/mypage/procedures' });
  const documents = page.locator('.procedure', { hasText: 'コース・特約のパンフレット' }).last();
  await expect(documents).toContainText('お手続きした人:当組合(職員)');
  await expect(documents.locator('.status')).toHaveText('発送済');
  await snap(page, testInfo, 'procedures');
  await documents.getByRole('link', { name: '書類のお取り寄せ' }).click();
  await expect(page.locator('.timeline__item')).toHaveCount(2);
  await expect(page.locator('.timeline__item').first()).toContainText('当組合(職員)');
  await snap(page, testInfo, 'procedure-detail');
});

test('a member cannot open another member’s procedure', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me);
  // The demo's procedures belong to 小林結衣, 共済太郎 and 共済花子.
  for (const id of [1, 2, 3]) {
    await page.goto(`/mypage/procedures/${id}`);
    await expect(page.getByRole('alert')).toHaveText('お探しの情報が見つかりません。');
  }
});
