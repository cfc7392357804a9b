import { expect, test } from '@playwright/test';
import { hydrated, snap, watchConsole } from './helpers';

test('the FAQ filters as you type (proves hydration ran)', { tag: '@layout' }, async ({ page }, testInfo) => {
  const errors = watchConsole(page);
  await page.goto('/faq');
  await expect(page.getByRole('heading', { name: 'よくある質問', level: 1 })).toBeVisible();
  for (const category of ['ご利用について', 'ログイン・ID/パスワードについて', 'お手続きについて', '推奨環境について', 'セキュリティについて']) {
    await expect(page.getByRole('heading', { name: category })).toBeVisible();
  }
  await snap(page, testInfo, 'faq');
  const questions = page.locator('details.faq-item');
  await expect(questions).toHaveCount(40);

  await hydrated(page);
  // Typing alone filters: nothing is submitted, so only the wasm can do this.
  await page.getByLabel('キーワードで探す').pressSequentially('ぎゃくじたい');
  await expect(page.getByText('該当する質問が見つかりませんでした。')).toBeVisible();
  await page.getByLabel('キーワードで探す').fill('旧字体');
  await expect(page.getByRole('status')).toHaveText('1件の質問が見つかりました。');
  await expect(page.locator('details.faq-item:visible')).toHaveCount(1);
  await expect(page.getByText('旧字体は新字体でご入力いただき')).toBeVisible();
  await expect(page.getByRole('heading', { name: '推奨環境について' })).toBeHidden();

  // Katakana typed as hiragana finds the same questions.
  await page.getByLabel('キーワードで探す').fill('ぱすわーど');
  await expect(page.getByRole('status')).toContainText('件の質問が見つかりました。');
  expect(await page.locator('details.faq-item:visible').count()).toBeGreaterThan(3);
  await snap(page, testInfo, 'faq-search');

  await page.getByLabel('キーワードで探す').fill('');
  await expect(questions.locator('visible=true')).toHaveCount(40);
  expect(errors).toEqual([]);
});

test('the FAQ works as a plain page without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/faq');
  await page.getByLabel('キーワードで探す').fill('仮パスワード');
  await page.getByRole('button', { name: '検索' }).click();
  await expect(page).toHaveURL(/\/faq\?q=/);
  await expect(page.getByRole('status')).toHaveText('1件の質問が見つかりました。');
  await expect(page.locator('details.faq-item:visible')).toHaveCount(1);
  // Found questions are shown open.
  await expect(page.getByText('仮パスワードでログインしていただき', { exact: false })).toBeVisible();
  await context.close();
});
