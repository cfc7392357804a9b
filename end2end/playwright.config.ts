import { defineConfig, devices } from '@playwright/test';

// Each viewport gets its own servers on fresh SQLite databases with the demo
// members, so phone and PC runs never share state: a normal one (port P), one
// whose sessions idle out after 3 seconds (P+1, M2), and one whose clock tests
// move forward (P+2), so time travel never disturbs the other tests.
// The test script builds the site first (`cargo leptos build`).
const server = (port: number, name: string, extra: string) => ({
  command:
    `rm -f ../target/e2e/${name}.db* && mkdir -p ../target/e2e && ` +
    `DATABASE_URL='sqlite://../target/e2e/${name}.db?mode=rwc' MYPAGE_DEMO_DATA=true ` +
    `LEPTOS_SITE_ROOT=../target/site LEPTOS_SITE_ADDR=127.0.0.1:${port} ` +
    `MYPAGE_PUBLIC_URL=http://127.0.0.1:${port} RUST_LOG=warn ${extra} ../target/debug/server`,
  url: `http://127.0.0.1:${port}/faq`,
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
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromium,
  },
  projects: [
    {
      name: 'phone',
      use: {
        ...devices['Pixel 5'],
        viewport: { width: 375, height: 812 },
        baseURL: 'http://127.0.0.1:3400',
        launchOptions: chromium,
      },
    },
    {
      name: 'pc',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 800 },
        baseURL: 'http://127.0.0.1:3410',
        launchOptions: chromium,
      },
    },
  ],
  webServer: [
    server(3400, 'phone', ''),
    server(3401, 'phone-short-idle', 'MYPAGE_IDLE_TIMEOUT=3s'),
    server(3402, 'phone-clock', ''),
    server(3410, 'pc', ''),
    server(3411, 'pc-short-idle', 'MYPAGE_IDLE_TIMEOUT=3s'),
    server(3412, 'pc-clock', ''),
  ],
});
