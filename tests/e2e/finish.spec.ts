/**
 * The Verify & report step end to end, in Chromium against the real web host and engine: a real Clean run of
 * tests/fixtures/clean/three-sources (started over the contract, as the Clean step would), then the step
 * itself — the report made in English and in Russian, its HTML opened in a separate Chromium page and
 * screenshotted, the checklist ticks surviving a reload, an announcement copied, the clean-up removing the
 * Clean step's working folder, the support bundle written, the helpdesk line in the footer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from '@playwright/test';
import type { JobState } from '../../shared/model/index.js';
import { expect, invoke, repoRoot, screenshot, test } from './fixtures.js';

const SET = path.join(repoRoot, 'tests/fixtures/clean/three-sources');
const SOURCES = [path.join(SET, 'telegram'), path.join(SET, 'contacts.vcf'), path.join(SET, 'google.csv')];

let work = '';
test.beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'pereezd-e2e-finish-'));
});
test.afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function addSources(page: Page): Promise<void> {
  for (const p of SOURCES) {
    await page.getByTestId('path-input').fill(p);
    await page.getByTestId('path-input').press('Enter');
  }
  await expect(page.locator('[data-testid="source-row"][data-state="recognised"]')).toHaveCount(SOURCES.length);
}

/** The Clean step's run of the set, over the contract (the Clean step's own e2e drives its screen). */
async function cleanOverContract(page: Page, origin: string): Promise<void> {
  const { jobId } = await invoke<{ jobId: string }>(page, origin, 'clean:start', { paths: SOURCES, region: 'RU' });
  await expect.poll(async () => (await invoke<JobState | null>(page, origin, 'job:get', { jobId }))?.phase, { timeout: 60_000 }).toBe('done');
}

/** Opens a written HTML report in its own Chromium context (no app, no network) and screenshots it. */
async function screenshotReport(browser: Browser, file: string, name: string, testInfo: Parameters<typeof screenshot>[1]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(pathToFileURL(file).href);
  const out = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: out, fullPage: true });
  const stable = path.join(repoRoot, 'test-results/screens', `${name}.png`);
  await mkdir(path.dirname(stable), { recursive: true });
  await page.screenshot({ path: stable, fullPage: true });
  return page;
}

async function makeReport(page: Page, dir: string, lang: 'ru' | 'en'): Promise<{ html: string; json: string }> {
  const section = page.getByTestId('finish-report');
  await section.getByTestId('report-dir-input').fill(dir);
  await section.getByTestId(`report-lang-${lang}`).check();
  const before = (await page.getByTestId('report-html-path').count()) ? await page.getByTestId('report-html-path').textContent() : null;
  await section.getByTestId('report-start').click();
  await expect(page.getByTestId('report-written')).toBeVisible();
  await expect(page.getByTestId('report-html-path')).toHaveText(new RegExp(`\\.${lang}\\.html$`));
  if (before) await expect(page.getByTestId('report-html-path')).not.toHaveText(before);
  const html = (await page.getByTestId('report-html-path').textContent())!;
  const json = (await page.getByTestId('report-json-path').textContent())!;
  return { html, json };
}

test('the Verify & report step: report (HTML opened in Chromium), checklist, announcement, clean-up, support bundle, in English and Russian', async ({
  openApp,
  webHost,
  context,
  browser,
  blockedRequests,
}, testInfo) => {
  test.setTimeout(180_000);
  const page = await openApp();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: webHost.origin });
  const reports = path.join(work, 'Reports');
  const bundles = path.join(work, 'Helpdesk');
  await Promise.all([mkdir(reports), mkdir(bundles)]);

  await addSources(page);
  await cleanOverContract(page, webHost.origin);

  // The step: nothing made yet; the checklist and announcement wait for the report.
  await page.getByTestId('nav-verify').click();
  const step = page.getByTestId('step-verify');
  await expect(step).toHaveAttribute('data-loaded', 'yes');
  await expect(step.getByRole('heading', { level: 2 })).toHaveText('Verify & report');
  await expect(page.getByTestId('finish-needs-report')).toBeVisible();
  await expect(page.getByTestId('finish-checklist')).toHaveCount(0);
  await expect(page.getByTestId('status-line')).toContainText('Step 8 of 8 — Verify & report');
  await expect(page.getByTestId('helpdesk-line')).toContainText('For the helpdesk:');

  // A folder that does not exist is refused with its name.
  await page.getByTestId('report-dir-input').fill(path.join(work, 'nowhere'));
  await page.getByTestId('report-start').click();
  await expect(page.getByTestId('report-refused')).toHaveText(`This folder does not exist: ${path.join(work, 'nowhere')}`);

  // The report, in English.
  const en = await makeReport(page, reports, 'en');
  expect(path.dirname(en.html)).toBe(reports);
  expect(existsSync(en.html) && existsSync(en.json)).toBe(true);
  const model = JSON.parse(readFileSync(en.json, 'utf8')) as { nothingLost: boolean; chats: { id: string }[]; discrepancies: { code: string }[] };
  const result = page.getByTestId('report-result');
  // Nothing was uploaded in this test: the step says so and does not claim nothing was lost.
  expect(model.nothingLost).toBe(false);
  await expect(result).toHaveAttribute('data-nothing-lost', 'no');
  await expect(page.getByTestId('report-verdict')).toContainText('Not everything is accounted for yet');
  await expect(page.getByTestId('discrepancy')).toHaveCount(model.discrepancies.length);
  await expect(page.locator(`[data-testid="discrepancy"][data-code="${model.discrepancies[0]!.code}"]`).first()).toBeVisible();
  await page.getByTestId('chats-all').click();
  await expect(page.getByTestId('report-chats')).toHaveAttribute('data-total', String(model.chats.length));
  await expect(page.getByTestId('report-chat').first()).toBeVisible();
  await expect(page.getByTestId('fig-audit')).toHaveAttribute('data-ok', 'yes');

  // The HTML report, opened as a file in its own Chromium page (never inside the app).
  const reportPage = await screenshotReport(browser, en.html, 'finish-report-html-en', testInfo);
  await expect(reportPage.locator('html')).toHaveAttribute('lang', 'en');
  await expect(reportPage.locator('[data-nothing-lost]')).toHaveAttribute('data-nothing-lost', 'false');
  expect(await reportPage.locator('script').count()).toBe(0);
  await reportPage.context().close();

  // The checklist: Telegram and contacts items for this set; a tick (keyboard) survives a reload.
  const sessions = page.locator('[data-testid="checklist-item"][data-id="telegram:sessions"]');
  await expect(sessions).toHaveAttribute('data-done', 'no');
  await expect(page.locator('[data-testid="checklist-item"][data-id="telegram:export"]')).toHaveAttribute('data-done', 'yes');
  await sessions.getByRole('checkbox').focus();
  await page.keyboard.press('Space');
  await expect(sessions).toHaveAttribute('data-done', 'yes');

  // The announcement: copied as shown.
  const first = page.getByTestId('announcement').first();
  await expect(first).toBeVisible();
  const shown = (await first.getByTestId('announcement-text').textContent())!;
  expect(shown).toMatch(/moving to/);
  await first.getByTestId('announcement-copy').click();
  await expect(first.getByTestId('announcement-copy')).toHaveAttribute('data-state', 'copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  // Nothing is wider than the window (long paths and the helpdesk line wrap).
  expect(await page.evaluate(() => document.querySelector('.app')!.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  await screenshot(page, testInfo, 'finish-en');

  await page.reload();
  await expect(page.getByTestId('step-verify')).toHaveAttribute('data-loaded', 'yes');
  await expect(page.locator('[data-testid="checklist-item"][data-id="telegram:sessions"]')).toHaveAttribute('data-done', 'yes');
  await expect(page.getByTestId('report-html-path')).toHaveText(en.html);

  // Russian: every label follows; the report is made again in Russian; announcements in Russian.
  await page.getByTestId('language-ru').click();
  await expect(page.getByTestId('step-verify').getByRole('heading', { level: 2 })).toHaveText('Проверка и отчёт');
  await expect(page.getByTestId('helpdesk-line')).toContainText('Для службы поддержки:');
  const ru = await makeReport(page, reports, 'ru');
  await expect(page.getByTestId('report-verdict')).toContainText('Пока учтено не всё');
  const ruPage = await screenshotReport(browser, ru.html, 'finish-report-html-ru', testInfo);
  await expect(ruPage.locator('html')).toHaveAttribute('lang', 'ru');
  await ruPage.context().close();
  await page.getByTestId('announce-lang-ru').check();
  await expect(page.getByTestId('announcement-text').first()).toContainText(/переезжает|перехожу/);
  await screenshot(page, testInfo, 'finish-ru');

  // Safe clean-up: the Clean step's working folder is listed and removed after a confirmation.
  const workEntry = page.locator('[data-testid="cleanup-entry"][data-kind="clean-work"]');
  await expect(workEntry).toHaveCount(1);
  const workDir = (await workEntry.getAttribute('data-path'))!;
  expect(existsSync(workDir)).toBe(true);
  await page.getByTestId('cleanup-start').click();
  await expect(page.getByTestId('cleanup-confirm')).toBeVisible();
  await expect(page.getByTestId('cleanup-confirm-yes')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cleanup-result')).toBeVisible();
  await expect(page.getByTestId('cleanup-result')).toHaveAttribute('data-hits', '0');
  expect(Number(await page.getByTestId('cleanup-result').getAttribute('data-removed'))).toBeGreaterThanOrEqual(1);
  expect(existsSync(workDir)).toBe(false);
  for (const s of SOURCES) expect(existsSync(s)).toBe(true);
  await expect(page.getByTestId('cleanup-empty')).toBeVisible();

  // The support bundle: what is redacted is stated; the file is written.
  await expect(page.getByTestId('support-redacted')).toContainText('номера телефонов');
  await page.getByTestId('support-dir-input').fill(bundles);
  await page.getByTestId('support-start').click();
  await expect(page.getByTestId('support-result')).toBeVisible();
  const bundle = (await page.getByTestId('support-result').getAttribute('data-file'))!;
  expect(path.dirname(bundle)).toBe(bundles);
  expect(existsSync(bundle)).toBe(true);
  expect(readFileSync(bundle).toString('latin1')).not.toContain('olga@example.com');
  await screenshot(page, testInfo, 'finish-ru-after-cleanup');

  expect(blockedRequests).toEqual([]);
});
