// End-to-end tests: the wizard in a real Chromium (Debian's, /usr/bin/chromium) against the loopback
// web host, started per test on port 0 in a fresh temporary HOME (tests/e2e/fixtures.ts).
import { defineConfig } from '@playwright/test';

const chromiumArgs = [
  // This machine has no internet: keep Chromium from phoning home at every start.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// CI runs as root, and Chromium refuses to start as root with its sandbox on. Only then, and only
// for that reason, is the sandbox turned off; as a normal user it stays on (style.md §6).
if (process.getuid?.() === 0) chromiumArgs.push('--no-sandbox');

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'out/reports/playwright.json' }]],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 960 },
    locale: 'en-GB',
    serviceWorkers: 'block',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.PEREEZD_CHROMIUM ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  projects: [{ name: 'browser-host' }],
});
