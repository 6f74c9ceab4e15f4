/**
 * Playwright fixtures for the loopback browser host: each test gets its own web host
 * (`node dist/main/web.mjs --port 0`) in a fresh temporary HOME, opened through its one-time URL,
 * and a browser context in which every non-loopback request is aborted and recorded.
 */
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** shared/ sits beside the repository (locally and in CI). */
export const sharedDir = path.resolve(repoRoot, '../shared');
export const telegramFixture = path.resolve(sharedDir, 'fixtures/real/telegram/chat-history-manager__telegram_2023-10_audio-video__result.json');

const webEntry = path.join(repoRoot, 'dist/main/web.mjs');
const rendererIndex = path.join(repoRoot, 'dist/renderer/index.html');

export interface WebHostHandle {
  /** The one-time URL the host printed (`…/?token=…`). */
  url: string;
  origin: string;
  home: string;
  output: string[];
}

interface Fixtures {
  /** OS locale the host reports in `app:info` (the default UI language follows it). */
  hostLocale: string;
  webHost: WebHostHandle;
  /** Non-loopback requests the page tried (and that were aborted). */
  blockedRequests: string[];
  /** Opens the wizard through the one-time URL and waits until it is ready. */
  openApp: () => Promise<Page>;
}

function isLoopback(url: URL): boolean {
  if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:') return true;
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
}

async function startHost(home: string, locale: string): Promise<{ child: ChildProcess; url: string; output: string[] }> {
  if (!existsSync(webEntry) || !existsSync(rendererIndex)) {
    throw new Error(`build first: ${path.relative(repoRoot, webEntry)} and dist/renderer are needed (node scripts/build.mjs)`);
  }
  const child = spawn(process.execPath, [webEntry, '--port', '0'], {
    cwd: repoRoot,
    // Settings live in the config folder: keep each test's inside its own temporary HOME.
    env: { ...process.env, HOME: home, USERPROFILE: home, XDG_CONFIG_HOME: path.join(home, '.config'), PEREEZD_CONFIG_DIR: '', PEREEZD_PRINT_URL: '1', PEREEZD_LOCALE: locale },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => output.push(`[stderr] ${d}`));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host printed no PEREEZD_URL in 20 s:\n${output.join('')}`)), 20_000);
    lines.on('line', (line) => {
      output.push(`${line}\n`);
      const m = /^PEREEZD_URL=(\S+)$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the web host exited (${code}) before printing its URL:\n${output.join('')}`));
    });
  });
  return { child, url, output };
}

async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export const test = base.extend<Fixtures>({
  hostLocale: ['en-GB', { option: true }],

  webHost: async ({ hostLocale }, use, testInfo) => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'pereezd-e2e-home-'));
    const { child, url, output } = await startHost(home, hostLocale);
    try {
      await use({ url, origin: new URL(url).origin, home, output });
    } finally {
      await stopHost(child);
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('web-host-output.txt', { body: output.join(''), contentType: 'text/plain' });
      await rm(home, { recursive: true, force: true });
    }
  },

  baseURL: async ({ webHost }, use) => {
    await use(webHost.origin);
  },

  blockedRequests: async ({}, use) => {
    await use([]);
  },

  context: async ({ context, blockedRequests }, use) => {
    await context.route(
      (url) => !isLoopback(url),
      async (route) => {
        blockedRequests.push(route.request().url());
        await route.abort('blockedbyclient');
      },
    );
    await use(context);
  },

  openApp: async ({ page, webHost }, use) => {
    // The page must run under the host's CSP without a single violation, and never throw.
    const pageProblems: string[] = [];
    page.on('pageerror', (err) => pageProblems.push(`uncaught: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) pageProblems.push(`csp: ${msg.text()}`);
    });
    await use(async () => {
      await page.goto(webHost.url);
      // The one-time token is exchanged for a session cookie and never stays in the address bar.
      await expect(page).not.toHaveURL(/token=/);
      await expect(page.getByTestId('step-sources')).toBeVisible();
      return page;
    });
    expect(pageProblems, 'CSP violations or uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/**
 * Saves a screenshot in the test's output folder and a stable-named copy under test-results/screens/.
 * The wizard is an app shell (the step scrolls inside it), so the window is made tall enough for the
 * whole step first, as a user with a tall screen would see it, and restored afterwards.
 */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<string> {
  const file = testInfo.outputPath(`${name}.png`);
  const size = page.viewportSize();
  const overflow = await page.evaluate(() => {
    const main = document.querySelector('.app-main');
    return main ? Math.max(0, main.scrollHeight - main.clientHeight) : 0;
  });
  if (size && overflow > 0) await page.setViewportSize({ width: size.width, height: size.height + overflow });
  try {
    await page.screenshot({ path: file, animations: 'disabled' });
  } finally {
    if (size && overflow > 0) await page.setViewportSize(size);
  }
  const stable = path.join(repoRoot, 'test-results/screens', `${name}.png`);
  await mkdir(path.dirname(stable), { recursive: true });
  await copyFile(file, stable);
  return stable;
}

/** Asks the host over the same contract the page uses (the session cookie rides along). */
export async function invoke<T>(page: Page, origin: string, channel: string, req: unknown): Promise<T> {
  const res = await page.request.post(`${origin}/api/invoke/${channel}`, { data: req, headers: { Origin: origin } });
  expect(res.ok(), `${channel}: HTTP ${res.status()}`).toBe(true);
  const env = (await res.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
  if (!env.ok) throw new Error(`${channel}: ${env.error.code} ${env.error.message}`);
  return env.value;
}

/**
 * A large synthetic Telegram export for the cancel test, generated once with shared/tools and
 * cached under .bench/ (git-ignored) so reruns start at once.
 */
export function largeTelegramExport(messages = 2_000_000, chats = 50): string {
  const dir = path.join(repoRoot, '.bench', `e2e-telegram-${messages}-${chats}`);
  const file = path.join(dir, 'result.json');
  const marker = path.join(dir, '.complete');
  if (existsSync(marker) && existsSync(file) && statSync(file).size === Number(readFileSync(marker, 'utf8'))) return file;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [path.join(sharedDir, 'tools/gen-telegram.mjs'), tmp, String(messages), String(chats)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gen-telegram failed: ${r.stderr || r.stdout}`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  // The marker records the size, so a half-written cache from an interrupted run is never reused.
  writeFileSync(marker, String(statSync(file).size));
  return file;
}
