import { expect, test, type Page } from '@playwright/test';
import { apiLogin, hydrated, latestMail, seedMember, seedStaff, snap, staffLogin, watchConsole } from './helpers';

async function openAddressForm(page: Page) {
  await page.goto('/mypage/profile/address');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: '住所の変更' })).toBeVisible();
}

test('an address change through the 郵便番号 lookup, with a confirmation step', { tag: '@layout' }, async ({ page, request }, testInfo) => {
  const errors = watchConsole(page);
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage' });
  await page.getByRole('link', { name: '住所・電話番号・氏名の変更はこちら' }).click();
  await expect(page.getByRole('heading', { level: 1, name: '登録内容の確認・変更' })).toBeVisible();
  await snap(page, testInfo, 'profile');
  await page.getByRole('link', { name: '住所を変更する' }).click();
  await hydrated(page);

  // A code with one town fills the prefecture, the city and the town.
  await page.getByLabel('郵便番号').fill('３３０－００６４');
  await expect(page.getByLabel('郵便番号')).toHaveValue('330-0064');
  await expect(page.getByLabel('都道府県')).toHaveValue('埼玉県');
  await expect(page.getByLabel('市区町村・町域・番地')).toHaveValue('さいたま市浦和区岸町');
  await expect(page.getByRole('status').filter({ hasText: '丁目・番地を入力してください' })).toBeVisible();
  await page.getByLabel('市区町村・町域・番地').fill('さいたま市浦和区岸町7-5-19');
  // Typed as on a PC: an ASCII apostrophe and half-width katakana.
  await page.getByLabel('建物名・部屋番号(任意)').fill("D'ｸﾗﾃﾞｨｱ101");
  await snap(page, testInfo, 'address-form');
  await page.getByRole('button', { name: '確認画面へ' }).click();

  // Confirmation: before and after, nothing saved yet.
  const confirm = page.getByRole('region', { name: '住所の変更の確認' });
  await expect(confirm).toContainText('変更後:〒330-0064 埼玉県さいたま市浦和区岸町');
  await expect(page.getByLabel('郵便番号')).toBeHidden();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await snap(page, testInfo, 'address-confirm');
  await confirm.getByRole('button', { name: 'この内容で変更する' }).click();
  await expect(page).toHaveURL(/\/mypage\/profile\?done=address$/);
  await expect(page.getByRole('status').filter({ hasText: '住所を変更しました' })).toBeVisible();
  await expect(page.getByRole('region', { name: '住所', exact: true })).toContainText('岸町７−５−１９ Ｄ’クラディア１０１');

  // The mail says an address changed, not which.
  const mail = await latestMail(page, me.email, '登録内容変更(住所)完了のお知らせ');
  expect(mail).not.toContain('岸町');
  expect(mail).not.toContain('330-0064');

  // 手続き照会 lists it as done by the member.
  await page.goto('/mypage/procedures');
  await expect(page.locator('.procedure', { hasText: '住所変更' }).first()).toContainText('完了');
  expect(errors).toEqual([]);
});

test('several towns fill no town, an unknown code fills nothing, a 旧字体 is refused with its 新字体', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me);
  await openAddressForm(page);
  await page.getByLabel('郵便番号').fill('452-0961');
  await expect(page.getByLabel('都道府県')).toHaveValue('愛知県');
  await expect(page.getByLabel('市区町村・町域・番地')).toHaveValue('清須市');
  await expect(page.getByRole('status').filter({ hasText: '町名が決まらない' })).toBeVisible();

  await page.getByLabel('郵便番号').fill('999-9999');
  await expect(page.getByRole('status').filter({ hasText: '見つかりませんでした' })).toBeVisible();
  // Typed by hand, it can still be saved; a 旧字体 is named with its 新字体.
  await page.getByLabel('都道府県').selectOption('愛知県');
  await page.getByLabel('市区町村・町域・番地').fill('清須市春日髙田1-2');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await expect(page.getByText('「髙」は使えない文字です。新字体の「高」で入力してください。')).toBeVisible();
  await expect(page.getByLabel('市区町村・町域・番地')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('市区町村・町域・番地').fill('清須市春日高田1-2');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  // Going back to correct keeps what was typed.
  await page.getByRole('button', { name: '修正する' }).click();
  await expect(page.getByLabel('市区町村・町域・番地')).toHaveValue('清須市春日高田1-2');
});

test('a phone change refuses numbers nobody can be called on', async ({ page, request }) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/profile/phone' });
  await hydrated(page);
  await page.getByLabel('電話番号', { exact: true }).fill('0120-123-456');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await expect(page.getByText('フリーダイヤルなど、折り返しのお電話ができない番号は登録できません。')).toBeVisible();
  await page.getByLabel('電話番号', { exact: true }).fill('０４８－１２３－４５６７');
  await page.getByLabel('携帯電話番号(任意)').fill('09012345678');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await expect(page.getByRole('region', { name: '電話番号の変更の確認' })).toContainText('変更後:090-1234-5678');
  await page.getByRole('button', { name: 'この内容で変更する' }).click();
  await expect(page).toHaveURL(/done=phone$/);
  await expect(page.getByRole('region', { name: '電話番号', exact: true })).toContainText('048-123-4567');
});

test('a name change waits for staff, then shows on the card', { tag: '@layout' }, async ({ page, browser, baseURL, request }, testInfo) => {
  const me = await seedMember(request, { knownBrowser: true });
  await apiLogin(page, me, { goto: '/mypage/profile/name' });
  await hydrated(page);
  await page.getByLabel('新しい氏名').fill('髙橋 花子');
  await page.getByLabel('新しいフリガナ').fill('タカハシ ハナコ');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  await expect(page.getByText('新字体の「高」で入力してください。')).toBeVisible();
  await page.getByLabel('新しい氏名').fill('高橋 花子');
  await page.getByRole('button', { name: '確認画面へ' }).click();
  const confirm = page.getByRole('region', { name: '氏名の変更(改姓)の確認' });
  await expect(confirm).toContainText('反映の目安は');
  await snap(page, testInfo, 'name-confirm');
  await confirm.getByRole('button', { name: '届け出る' }).click();
  await expect(page).toHaveURL(/\/mypage\/procedures\/\d+\?filed=1$/);
  await expect(page.getByText('反映までは、マイページと組合員証には現在の氏名を表示します。')).toBeVisible();
  const id = page.url().match(/procedures\/(\d+)/)![1];

  // Until staff apply it, the card shows the registered name and says why.
  await page.goto('/mypage/card');
  await expect(page.getByRole('region', { name: `${me.name} 様` })).toContainText('氏名の変更をお手続き中です');

  const staffContext = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const staff = await staffContext.newPage();
  await staffLogin(staff, await seedStaff(staff.request));
  await staff.goto(`/staff/procedures/${id}`);
  await hydrated(staff);
  await expect(staff.getByRole('heading', { level: 1 })).toContainText('改姓(氏名の変更)');
  for (const to of ['審査中', '承諾']) {
    await staff.getByLabel(to, { exact: true }).check();
    const [res] = await Promise.all([
      staff.waitForResponse((r) => r.url().endsWith('/api/staff/procedure/move')),
      staff.getByRole('button', { name: '状況を更新する' }).click(),
    ]);
    expect(res.status(), await res.text()).toBe(200);
    await expect(staff.locator('.status').first()).toHaveText(to);
  }
  await staffContext.close();

  await page.goto('/mypage/card');
  const card = page.getByRole('region', { name: '高橋　花子 様' });
  await expect(card).toContainText(me.member_number);
  await expect(card).not.toContainText('お手続き中');
});
