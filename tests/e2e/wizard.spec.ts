/**
 * The wizard in the browser host, end to end: Sources → Inventory on a real Telegram export, a
 * folder that is not an export, and cancelling a large read while the UI stays responsive.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { JobState } from '../../shared/model/index.js';
import { expect, invoke, largeTelegramExport, screenshot, telegramFixture, test } from './fixtures.js';

/**
 * What the fixture holds, counted by hand from the file: 3 entries in `contacts.list` = 3 contacts
 * (the account owner in `personal_information` is shown as the owner, not counted); 1 chat ("My Group"); 4 messages, no service
 * entries; 4 attachments (2 audio, 2 video), none of whose files is beside the fixture, so all 4 missing.
 */
const EXPECTED_TOTALS = { contacts: 3, chats: 1, messages: 4, events: 0, attachments: 4, attachmentsMissing: 4 };

/** In the open folder browser: from the top of the disk down to `dir`, one double-click per folder. */
async function browseTo(page: Page, dir: string): Promise<void> {
  const browser = page.getByTestId('folder-browser');
  await browser.getByTestId('fb-place-root').click();
  const root = path.parse(dir).root;
  await expect(browser.getByTestId('fb-current')).toHaveText(root);
  let here = root;
  for (const segment of path.relative(root, dir).split(path.sep).filter(Boolean)) {
    await browser.locator(`[data-testid="fb-entry"][data-name="${segment}"]`).dblclick();
    here = path.join(here, segment);
    await expect(browser.getByTestId('fb-current')).toHaveText(here);
  }
}

test('a Telegram export added by path and by the folder browser is detected, read and counted, in English and Russian', async ({
  openApp,
  webHost,
  blockedRequests,
}, testInfo) => {
  const page = await openApp();
  await expect(page).toHaveTitle('Pereezd — move your messenger history');
  await expect(page.getByTestId('safety-note')).toContainText('Your originals are only read, never changed');
  await expect(page.getByTestId('status-line')).toHaveText(/^Step 1 of 8 — Sources — add your exports to begin$/);
  // Every step is built: none is shown as unavailable in the rail.
  const STEPS = ['sources', 'inventory', 'clean', 'backup', 'connect', 'pilot', 'upload', 'verify'];
  await expect(page.locator('[data-testid^="nav-"][aria-disabled="true"]')).toHaveCount(0);
  for (const step of STEPS) {
    await expect(page.getByTestId(`nav-${step}`)).toBeVisible();
    await expect(page.getByTestId(`nav-${step}`)).not.toContainText('Coming in a later version');
  }

  // 1. Through the path field (keyboard: type, Enter).
  await page.getByTestId('path-input').fill(telegramFixture);
  await page.getByTestId('path-input').press('Enter');
  const row = page.getByTestId('source-row');
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'recognised');
  await expect(row.getByTestId('source-format')).toHaveText('Telegram Desktop (JSON)');
  await expect(row).toContainText('whole account');
  await row.getByTestId('source-remove').click();
  await expect(page.getByTestId('sources-empty')).toBeVisible();

  // 2. Through the in-app folder browser: from the top of the disk down to the file.
  await page.getByTestId('browse').click();
  const browser = page.getByTestId('folder-browser');
  await expect(browser.getByTestId('fb-current')).toHaveText(webHost.home);
  await browseTo(page, path.dirname(telegramFixture));
  const fileEntry = browser.locator(`[data-testid="fb-entry"][data-name="${path.basename(telegramFixture)}"]`);
  await expect(fileEntry).toHaveAttribute('data-kind', 'file');
  await expect(fileEntry).toContainText('4.8 kB'); // sizes are shown (4 770 bytes)
  await fileEntry.click();
  await expect(fileEntry).toHaveAttribute('aria-selected', 'true');
  await screenshot(page, testInfo, 'folder-browser-en');
  await page.keyboard.press('Enter'); // the listbox has focus: Enter adds the selected file
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-state', 'recognised');
  await expect(row.getByTestId('source-format')).toHaveText('Telegram Desktop (JSON)');
  await expect(page.getByTestId('status-line')).toContainText('1 of 1 added paths recognised');
  await page.getByTestId('browse').click(); // close the browser for a clean screenshot
  await screenshot(page, testInfo, 'sources-en');

  // 3. Inventory.
  await page.getByTestId('next-inventory').click();
  await expect(page.getByTestId('step-inventory')).toBeVisible();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  for (const [k, v] of Object.entries(EXPECTED_TOTALS)) await expect(page.getByTestId(`total-${k}`)).toHaveAttribute('data-value', String(v));

  // The same numbers as the app core gives over the contract (what `pereezd inspect` prints).
  const { jobId } = await invoke<{ jobId: string }>(page, webHost.origin, 'inventory:start', { paths: [telegramFixture] });
  await expect.poll(async () => (await invoke<JobState | null>(page, webHost.origin, 'job:get', { jobId }))?.phase).toBe('done');
  const viaContract = (await invoke<JobState>(page, webHost.origin, 'job:get', { jobId })).result!.totals;
  expect(viaContract).toEqual(EXPECTED_TOTALS);
  for (const [k, v] of Object.entries(viaContract)) await expect(page.getByTestId(`total-${k}`)).toHaveText(String(v));

  const chat = page.getByTestId('chat-row');
  await expect(chat).toHaveCount(1);
  await expect(chat).toContainText('My Group');
  await expect(chat).toContainText('4 missing');
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 1 of 1');
  await expect(page.locator('[data-testid="problem"][data-code="media-missing"]')).toBeVisible();
  await expect(page.getByTestId('status-line')).toHaveText('Step 2 of 8 — Inventory — inventory complete — messages: 4, chats: 1');
  await screenshot(page, testInfo, 'inventory-en');

  // Privacy opt-out: untick the chat, the count follows.
  await chat.getByTestId('chat-include').uncheck();
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 0 of 1');
  await chat.getByTestId('chat-include').check();

  // 4. Russian, switched at any time; every label follows, and the choice survives a reload.
  await page.getByTestId('language-ru').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page).toHaveTitle('Переезд — перенос истории переписки');
  await expect(page.getByRole('heading', { name: 'Что нашлось' })).toBeVisible();
  await expect(page.getByTestId('total-messages').locator('xpath=..')).toContainText('Сообщения');
  await expect(page.getByTestId('chats-selected')).toHaveText('Будет перенесено чатов: 1 из 1');
  await expect(page.getByTestId('nav-verify')).not.toContainText('Появится в следующей версии');
  await expect(page.getByTestId('status-line')).toContainText('Шаг 2 из 8 — Инвентаризация');
  await screenshot(page, testInfo, 'inventory-ru');

  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done'); // resynced with job:get
  await expect(page.getByTestId('total-messages')).toHaveAttribute('data-value', '4');

  // Nothing left the machine.
  expect(blockedRequests).toEqual([]);
});

test('a folder that is not an export is shown as not recognised, and the app keeps working', async ({ openApp, baseURL }, testInfo) => {
  const page = await openApp();
  const notExport = testInfo.outputPath('holiday-photos');
  await mkdir(path.join(notExport, 'gone-soon'), { recursive: true });
  await writeFile(path.join(notExport, 'notes.txt'), 'not a messenger export\n');

  await page.getByTestId('path-input').fill(notExport);
  await page.getByTestId('path-add').click();
  const row = page.getByTestId('source-row');
  await expect(row).toHaveAttribute('data-state', 'problem');
  await expect(row.getByTestId('source-format')).toHaveText('Not recognised');
  await expect(row.getByTestId('source-problem')).toHaveAttribute('data-code', 'not-recognised');
  await expect(row.getByTestId('source-problem')).toContainText('This is not an export Pereezd can read yet');
  await expect(page.getByTestId('next-inventory')).toBeDisabled();
  await expect(page.getByTestId('step-sources')).toContainText('Add at least one export that Pereezd recognises to continue.');

  // A path with nothing at it: said plainly, not as a crash.
  await page.getByTestId('path-input').fill(path.join(notExport, 'no-such-file.json'));
  await page.getByTestId('path-input').press('Enter');
  await expect(page.locator('[data-testid="source-problem"][data-code="not-found"]')).toContainText('Nothing exists at this path');

  // The same path twice is refused politely.
  await page.getByTestId('path-input').fill(`"${notExport}/"`);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.getByTestId('info-banner')).toContainText('That path is already in the list.');
  await expect(row).toHaveCount(2);

  // Dropped files in the browser host have no path: say so and point to Browse.
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['{}'], 'result.json', { type: 'application/json' }));
    return dt;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('drop-notice')).toContainText('Your browser does not tell Pereezd where dropped files are stored');
  await expect(row).toHaveCount(2);

  // A folder that disappears between listing and opening: a clear error in the browser, which keeps working.
  await page.getByTestId('browse').click();
  await browseTo(page, notExport);
  await rm(path.join(notExport, 'gone-soon'), { recursive: true });
  await page.locator('[data-testid="fb-entry"][data-name="gone-soon"]').dblclick();
  await expect(page.getByTestId('fb-error')).toContainText('This folder could not be opened: it does not exist or is no longer there.');
  await expect(page.getByTestId('fb-current')).toHaveText(notExport);
  await page.getByTestId('fb-list').focus();
  await page.keyboard.press('Backspace'); // keyboard: up one level
  await expect(page.getByTestId('fb-current')).toHaveText(path.dirname(notExport));
  await page.getByTestId('browse').click();

  // The last step, opened by address (and again after a reload straight into it): it loads, and the
  // sources added so far come back too.
  await page.evaluate(() => {
    location.hash = '#/verify';
  });
  await expect(page.getByTestId('step-verify')).toBeVisible();
  await expect(page.getByTestId('status-line')).toContainText('Step 8 of 8 — Verify & report');
  await page.goto(`${baseURL}/#/verify`);
  await page.reload();
  await expect(page.getByTestId('step-verify')).toHaveAttribute('data-loaded', 'yes');
  await page.getByTestId('nav-sources').click();
  await expect(page.getByTestId('step-sources')).toBeVisible();
  await expect(row).toHaveCount(2);

  // …and the app keeps working: a real export next to the bad ones is read as usual.
  await page.getByTestId('path-input').fill(telegramFixture);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.locator('[data-testid="source-row"][data-state="recognised"]')).toHaveCount(1);
  await expect(page.getByTestId('next-inventory')).toBeEnabled();
  await screenshot(page, testInfo, 'sources-not-recognised-en');
  await page.getByTestId('next-inventory').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('total-messages')).toHaveAttribute('data-value', '4');
  // Only the recognised export was read; the rejected paths stay listed on Sources with their reasons.
  await expect(page.getByTestId('source-problems')).toHaveCount(1);
  await page.getByTestId('nav-sources').click();
  await expect(page.getByTestId('source-problem')).toHaveCount(2);
});

test.describe('language', () => {
  test.use({ hostLocale: 'ru-RU' });

  test('follows the OS locale by default, and a chosen language is remembered', async ({ openApp }, testInfo) => {
    const page = await openApp();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await expect(page.getByRole('heading', { name: 'Где ваши выгрузки?' })).toBeVisible();
    await expect(page.getByTestId('safety-note')).toContainText('Исходные файлы только читаются и никогда не изменяются');
    await expect(page.getByTestId('language-ru')).toHaveAttribute('aria-pressed', 'true');
    await screenshot(page, testInfo, 'sources-ru');

    await page.getByTestId('language-en').focus();
    await page.keyboard.press('Enter'); // keyboard works on the switch
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Where are your exports?' })).toBeVisible(); // the choice beats the OS locale
  });
});

test.describe('a large export', () => {
  let bigExport = '';
  test.beforeAll(() => {
    test.setTimeout(600_000);
    bigExport = largeTelegramExport(2_000_000, 50);
  });

  test('reading can be cancelled, the counts are then partial, and the UI stays responsive while reading', async ({ openApp }, testInfo) => {
    const page = await openApp();
    await page.getByTestId('path-input').fill(bigExport);
    await page.getByTestId('path-input').press('Enter');
    await expect(page.getByTestId('source-row')).toHaveAttribute('data-state', 'recognised');
    await page.getByTestId('next-inventory').click();

    const status = page.getByTestId('job-status');
    await expect(status).toHaveAttribute('data-phase', 'running');
    const bar = page.getByTestId('progress-bar');
    await expect.poll(async () => Number(await bar.getAttribute('data-done'))).toBeGreaterThan(0);
    await expect.poll(async () => Number((await page.getByTestId('live-messages').textContent())?.replace(/\D/g, ''))).toBeGreaterThan(0);
    await expect(page.getByTestId('progress-amount')).toContainText(/of \d+(\.\d)? MB/);

    // Responsive while reading: switch language and walk the steps; each change shows at once.
    await page.getByTestId('language-ru').click();
    await expect(page.getByRole('heading', { name: 'Ход чтения' })).toBeVisible();
    await expect(page.getByTestId('cancel-job')).toHaveText('Отменить');
    await expect(page.getByTestId('status-line')).toContainText(/Шаг 2 из 8 — Инвентаризация — прочитано .+ из .+…/);
    await page.getByTestId('nav-sources').click();
    await expect(page.getByTestId('step-sources')).toBeVisible();
    await page.getByTestId('nav-inventory').click();
    await expect(page.getByTestId('progress')).toBeVisible();
    await page.getByTestId('language-en').click();
    await expect(page.getByTestId('cancel-job')).toHaveText('Cancel');
    await expect(status).toHaveAttribute('data-phase', 'running'); // all of that happened mid-read
    const doneBefore = Number(await bar.getAttribute('data-done'));
    const total = Number(await bar.getAttribute('data-total'));
    expect(doneBefore).toBeLessThan(total);
    await screenshot(page, testInfo, 'inventory-progress-en');

    await page.getByTestId('cancel-job').click();
    await expect(status).toHaveAttribute('data-phase', 'cancelled');
    await expect(page.getByTestId('partial-note')).toContainText('The numbers below are partial');
    await expect(page.getByTestId('totals')).toHaveAttribute('data-partial', 'true');
    const messages = Number(await page.getByTestId('total-messages').getAttribute('data-value'));
    expect(messages).toBeGreaterThan(0);
    expect(messages).toBeLessThan(2_000_000);
    await expect(page.locator('[data-testid="problem"][data-code="cancelled"]')).toBeVisible();
    await expect(page.getByTestId('status-line')).toContainText('reading was cancelled; the counts are partial');
    await screenshot(page, testInfo, 'inventory-cancelled-en');
  });
});

test.describe('an export with 100 000 chats', () => {
  let manyChats = '';
  test.beforeAll(() => {
    test.setTimeout(300_000);
    manyChats = largeTelegramExport(100_000, 100_000); // one message per chat
  });

  test('the chat table stays virtualised: it scrolls, filters and sorts 100 000 rows', async ({ openApp }, testInfo) => {
    test.setTimeout(180_000);
    const page = await openApp();
    await page.getByTestId('path-input').fill(manyChats);
    await page.getByTestId('path-input').press('Enter');
    await expect(page.getByTestId('source-row')).toHaveAttribute('data-state', 'recognised');
    await page.getByTestId('next-inventory').click();
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done', { timeout: 120_000 });
    await expect(page.getByTestId('total-chats')).toHaveAttribute('data-value', '100000');
    await expect(page.getByTestId('chats-shown')).toHaveText('Shown: 100,000');

    // Only the visible rows are in the DOM.
    const rows = page.getByTestId('chat-row');
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeLessThan(80);

    // Sort by title (natural order: Chat 2 before Chat 10), then jump to the end of the list.
    await page.getByTestId('sort-title').click();
    await expect(rows.first()).toContainText(/^Chat 0 /);
    const scroller = page.locator('.chat-table__scroll');
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(page.locator('[data-testid="chat-row"]', { hasText: /^Chat 99999 / })).toBeVisible();
    expect(await rows.count()).toBeLessThan(80);

    // Filter: typing stays responsive and narrows 100 000 rows to one.
    await page.getByTestId('chat-filter').fill('Chat 54321 ');
    await expect(page.getByTestId('chats-shown')).toHaveText('Shown: 1');
    await expect(rows).toHaveCount(1);
    // Untick it, then include all shown again with the header box.
    await rows.getByTestId('chat-include').uncheck();
    await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 99,999 of 100,000');
    await page.getByTestId('include-all').check();
    await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 100,000 of 100,000');
    await page.getByTestId('chat-filter').fill('');
    await expect(page.getByTestId('chats-shown')).toHaveText('Shown: 100,000');
    await screenshot(page, testInfo, 'inventory-100k-chats-en');
  });
});
