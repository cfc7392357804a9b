import { expect, test } from '@playwright/test';
import { apiLogin, snap } from './helpers';

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
