/**
 * The Clean step in the browser host: Sources → Inventory → Clean on tests/fixtures/clean/three-sources
 * (the same people in a Telegram export, a vCard file and a Google CSV: Russian and English names,
 * +7 / 8 / 00 phones; its README has the hand-made table of groups) plus telegram-overlap's later export
 * (two messages with no usable date). Decisions (accept, reject, edit, undo) survive a reload and are
 * applied by the next run; a quarantined entry is put back; the contacts are exported; both languages;
 * a keyboard-only path; a long run shows its progress and can be cancelled.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, largeTelegramExport, repoRoot, screenshot, test } from './fixtures.js';

const SET = path.join(repoRoot, 'tests/fixtures/clean/three-sources');
const SOURCES = [path.join(SET, 'telegram'), path.join(SET, 'contacts.vcf'), path.join(SET, 'google.csv'), path.join(repoRoot, 'tests/fixtures/clean/telegram-overlap/export-2024-06')];

async function addSources(page: Page, paths: string[]): Promise<void> {
  for (const p of paths) {
    await page.getByTestId('path-input').fill(p);
    await page.getByTestId('path-input').press('Enter');
  }
  await expect(page.getByTestId('source-row')).toHaveCount(paths.length);
  for (const row of await page.getByTestId('source-row').all()) await expect(row).toHaveAttribute('data-state', 'recognised');
}

/** Sources → Inventory → Clean, as a user goes. */
async function toClean(page: Page): Promise<void> {
  await addSources(page, SOURCES);
  await page.getByTestId('next-inventory').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await page.getByTestId('next-clean').click();
  await expect(page.getByTestId('step-clean')).toBeVisible();
}

async function runClean(page: Page): Promise<void> {
  const status = page.getByTestId('clean-job-status');
  const before = await status.getAttribute('data-job-id');
  await page.getByTestId('clean-start').click();
  await expect(status).not.toHaveAttribute('data-job-id', before ?? '');
  await expect(status).toHaveAttribute('data-phase', 'done');
  await expect(status).toHaveAttribute('data-run', 'yes');
}

const accounting = (page: Page, kind: string) => page.getByTestId(`accounting-${kind}`);
async function expectTally(row: Locator, t: { in: number; kept: number; merged: number; quarantined: number; excluded: number }) {
  await expect(row.getByTestId('acc-in')).toHaveText(String(t.in));
  await expect(row.getByTestId('acc-kept')).toHaveText(String(t.kept));
  await expect(row.getByTestId('acc-merged')).toHaveText(String(t.merged));
  await expect(row.getByTestId('acc-quarantined')).toHaveText(String(t.quarantined));
  await expect(row.getByTestId('acc-excluded')).toHaveText(String(t.excluded));
  await expect(row).toHaveAttribute('data-balanced', 'true');
}

/** Searches, waits for the one group found (its row shows `shows`), and opens it. */
async function openGroup(page: Page, query: string, shows: string): Promise<Locator> {
  await page.getByTestId('group-search').fill(query);
  await expect(page.getByTestId('group-row')).toHaveCount(1);
  await expect(page.getByTestId('group-row')).toContainText(shows);
  await page.getByTestId('group-row').click();
  const detail = page.getByTestId('group-detail');
  await expect(detail).toHaveAttribute('data-group-id', (await page.getByTestId('group-row').getAttribute('data-group-id'))!);
  return detail;
}

/** Presses Tab until the element with this test id has the focus (proves it is reachable by keyboard). */
async function tabTo(page: Page, testId: string, max = 120): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((id) => document.activeElement?.getAttribute('data-testid') === id, testId)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${testId} was not reached with Tab in ${max} presses`);
}

test('Sources → Inventory → Clean: groups explained, accept / reject / edit / undo kept across a reload, quarantine, export, both languages', async ({
  openApp,
  webHost,
  blockedRequests,
}, testInfo) => {
  const page = await openApp();
  await toClean(page);
  await expect(page.getByTestId('status-line')).toContainText('Step 3 of 8');

  // The region: the host's locale is en-GB, so Britain is the default; these exports are Russian.
  const region = page.getByTestId('clean-region');
  await expect(region).toHaveValue('GB');
  await expect(region.locator('option[value="GB"]')).toHaveText('United Kingdom (this computer’s region)');
  await region.selectOption('RU');
  await expect(page.getByTestId('clean-excluded')).toHaveText('Every chat is included (you can untick chats on the Inventory step).');
  await runClean(page);
  await expect(page.getByTestId('clean-last-run')).toContainText('phone region: Russia');
  await expect(page.getByTestId('clean-private')).toContainText(path.join(webHost.home, '.config', 'pereezd', 'clean'));

  // Everything accounted for: in = kept + merged + set aside + left out, and checked.
  await expectTally(accounting(page, 'contacts'), { in: 15, kept: 9, merged: 5, quarantined: 1, excluded: 0 });
  await expectTally(accounting(page, 'messages'), { in: 15, kept: 13, merged: 0, quarantined: 2, excluded: 0 });
  await expect(accounting(page, 'contacts').getByTestId('acc-check')).toHaveText('✓ 15 = 9 + 5 + 1 + 0 — balances');

  // The groups: seven, one waiting (the name-only one), each with its reason in words.
  await expect(page.getByTestId('clean-groups-summary')).toHaveText('Groups: 7 (sure: 6, by name only: 1); waiting for your decision: 1.');
  await expect(page.getByTestId('group-row')).toHaveCount(7);
  const first = page.getByTestId('group-row').first();
  await expect(first).toHaveAttribute('data-strength', 'weak');
  await expect(first.getByTestId('group-reasons')).toHaveText('similar name in Cyrillic and Latin: Алексей Цветков ~ Aleksei Tsvetkov');
  await expect(first.getByTestId('group-status')).toHaveText('waiting for you');

  // 1. Accept the name-only group (Алексей Цветков ~ Aleksei Tsvetkov).
  await page.getByTestId('group-filter').selectOption('review');
  await expect(page.getByTestId('group-row')).toHaveCount(1);
  await page.getByTestId('group-row').click();
  const detail = page.getByTestId('group-detail');
  await expect(detail.getByTestId('detail-reasons')).toHaveText('similar name in Cyrillic and Latin: Алексей Цветков ~ Aleksei Tsvetkov');
  await detail.getByTestId('decide-accept').click();
  await expect(detail.getByTestId('detail-status')).toHaveText('merged (your decision) · not applied yet');
  await page.getByTestId('group-filter').selectOption('all');

  // 2. Keep Olga's two records apart.
  const olga = await openGroup(page, 'Smirnova', 'same phone +7 903 111 22 33');
  await expect(olga.getByTestId('detail-reasons')).toHaveText('same phone +7 903 111 22 33');
  await olga.getByTestId('decide-reject').click();
  await expect(olga.getByTestId('detail-status')).toHaveText('kept apart (your decision) · not applied yet');

  // 3. Edit Ivan's merge: four records, the name written three ways (a conflict, highlighted).
  const ivan = await openGroup(page, '916 123', 'same phone +7 916 123 45 67');
  await expect(ivan.getByTestId('detail-reasons')).toContainText('same phone +7 916 123 45 67');
  await expect(ivan.getByTestId('detail-reasons')).toContainText('same e-mail ivan.petrov@example.ru');
  await expect(ivan.getByTestId('detail-reasons')).toContainText('same Telegram account user1001');
  await expect(ivan.locator('[data-testid="field-row"][data-field="name"]')).toHaveAttribute('data-conflict', 'true');
  await expect(ivan.locator('[data-testid="field-row"][data-field="name"] [data-testid="field-merged"]')).toHaveText('Иван Петров');
  await screenshot(page, testInfo, 'clean-group-en');
  await ivan.getByTestId('decide-edit').click();
  await expect(page.getByTestId('edit-name')).toBeFocused();
  await page.getByTestId('edit-name').fill('Иван Сергеевич Петров');
  await page.getByTestId('edit-org').fill('ООО «Ромашка»');
  await screenshot(page, testInfo, 'clean-edit-en');
  await page.getByTestId('edit-save').click();
  await expect(ivan.getByTestId('detail-status')).toHaveText('merged with your changes · not applied yet');
  await expect(ivan.locator('[data-testid="field-row"][data-field="name"] [data-testid="field-merged"]')).toHaveText('Иван Сергеевич Петров');

  // 4. Undo takes back the latest decision (the edit); the reject is next in line.
  await expect(page.getByTestId('clean-undo')).toHaveText('Undo: changes to “Иван Сергеевич Петров”');
  await page.getByTestId('clean-undo').click();
  await expect(ivan.getByTestId('detail-status')).toHaveText('merged automatically');
  await expect(page.getByTestId('clean-undo')).toHaveText('Undo: “Ольга Смирнова” kept apart');
  // …and the edit once more, to apply it.
  await ivan.getByTestId('decide-edit').click();
  await page.getByTestId('edit-name').fill('Иван Сергеевич Петров');
  await page.getByTestId('edit-save').click();
  await expect(ivan.getByTestId('detail-status')).toHaveText('merged with your changes · not applied yet');
  await expect(page.getByTestId('clean-unapplied')).toContainText('decisions 3, entries to put back 0');
  // The export waits for the decisions to be applied.
  await expect(page.getByTestId('export-choose')).toBeDisabled();
  await expect(page.getByTestId('export-need-apply')).toBeVisible();

  // 5. A reload keeps the decisions (they are in the merge log on disk, not in the page).
  await page.reload();
  await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-run', 'yes');
  await expect(page.getByTestId('clean-unapplied')).toContainText('decisions 3, entries to put back 0');
  await page.getByTestId('group-filter').selectOption('decided');
  await expect(page.getByTestId('group-row')).toHaveCount(3);
  await expect(page.locator('[data-testid="group-row"][data-applied="false"]')).toHaveCount(3);

  // 6. Put back the contact with nothing in it (quarantined), then apply everything with one run.
  const emptyCard = page.locator('[data-testid="quarantine-row"][data-kind="contact"]');
  await expect(emptyCard.getByTestId('quarantine-where')).toHaveText(`${path.join(SET, 'contacts.vcf')}, line 29`);
  await expect(emptyCard).toContainText('has no name, phone, e-mail or username');
  await emptyCard.getByTestId('restore').click();
  await expect(emptyCard.getByTestId('restore-requested')).toHaveText('will be put back on the next run');
  await expect(page.getByTestId('clean-unapplied')).toContainText('decisions 3, entries to put back 1');
  await page.getByTestId('clean-apply').click();
  await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('clean-unapplied')).toHaveCount(0);
  // Olga kept apart (+1 kept, −1 merged), Tsvetkov's chat participant joined, the empty card back: 15 = 11 + 4 + 0 + 0.
  await expectTally(accounting(page, 'contacts'), { in: 15, kept: 11, merged: 4, quarantined: 0, excluded: 0 });
  await expect(page.locator('[data-testid="group-row"][data-applied="false"]')).toHaveCount(0);
  await expect(page.getByTestId('quarantine-row')).toHaveCount(2);

  // 7. Export the cleaned contacts through the in-app folder browser (no native dialog in the browser host).
  const out = path.join(webHost.home, 'contacts-out');
  mkdirSync(out);
  await page.getByTestId('export-choose').click();
  const browser = page.getByTestId('folder-browser');
  await browser.locator('[data-testid="fb-entry"][data-name="contacts-out"]').dblclick();
  await expect(browser.getByTestId('fb-current')).toHaveText(out);
  await browser.getByTestId('fb-add-folder').click();
  const done = page.getByTestId('export-done');
  await expect(done).toContainText('Saved 10 contacts as vCard 4.0'); // 11 kept − the account owner
  const vcf = (await done.getAttribute('data-file'))!;
  expect(path.dirname(vcf)).toBe(out);
  const text = readFileSync(vcf, 'utf8');
  expect(text.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(10);
  expect(text).toContain('FN:Иван Сергеевич Петров');
  await page.getByTestId('export-csv').check();
  await page.getByTestId('export-choose').click();
  await page.getByTestId('folder-browser').locator('[data-testid="fb-entry"][data-name="contacts-out"]').dblclick();
  await page.getByTestId('folder-browser').getByTestId('fb-add-folder').click();
  await expect(done).toContainText('as CSV');
  expect(readdirSync(out).sort()).toEqual([path.basename(vcf), expect.stringMatching(/^pereezd-contacts-.*\.csv$/)].sort());

  // The plan per chat (three chats, all new rooms) with its estimate and assumptions.
  await expect(page.getByTestId('plan-row')).toHaveCount(3);
  await expect(page.getByTestId('plan-estimate')).toContainText('at the new service’s normal limits');
  await expect(page.getByTestId('plan-assumptions')).toContainText('12 messages per minute');

  await page.getByTestId('group-filter').selectOption('all');
  await page.getByTestId('group-search').fill('Петров');
  await expect(page.getByTestId('groups-shown')).toHaveText('Shown: 2'); // two different people named Иван Петров
  await page.getByTestId('group-row').first().click();
  await expect(page.getByTestId('group-detail').getByRole('heading', { level: 4 })).toHaveText('Иван Сергеевич Петров');
  await screenshot(page, testInfo, 'clean-en');

  // 8. The same screen in Russian.
  await page.getByTestId('language-ru').click();
  await expect(page.getByTestId('step-clean').getByRole('heading', { level: 2 })).toHaveText('Наведение порядка в контактах и сообщениях');
  await expect(accounting(page, 'contacts').getByTestId('acc-check')).toHaveText('✓ 15 = 11 + 4 + 0 + 0 — сходится');
  await expect(page.getByTestId('clean-last-run')).toContainText('регион телефонов: Россия');
  await expect(page.getByTestId('group-detail').getByTestId('detail-status')).not.toBeEmpty();
  await screenshot(page, testInfo, 'clean-ru');
  await page.getByTestId('language-en').click();

  expect(existsSync(path.join(webHost.home, '.config', 'pereezd', 'clean'))).toBe(true);
  expect(blockedRequests).toEqual([]);
});

test.describe('keyboard only, in Russian', () => {
  test.use({ hostLocale: 'ru-RU' });

  test('run, open a group, merge, undo, put back and export — every step with the keyboard', async ({ openApp, webHost }, testInfo) => {
    const page = await openApp();
    // Sources by typing paths (Enter adds), then the step rail.
    await addSources(page, SOURCES);
    await page.getByTestId('nav-clean').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('step-clean')).toBeVisible();
    // The region defaults to the host's (ru-RU → Russia).
    await expect(page.getByTestId('clean-region')).toHaveValue('RU');

    await tabTo(page, 'clean-start');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-run', 'yes');

    // The list: arrows move, Enter opens; the first group is the one waiting (name only).
    await tabTo(page, 'group-listbox');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('group-detail');
    await expect(detail).toHaveAttribute('data-decision', 'proposed');
    await expect(page.getByTestId('group-listbox')).toBeFocused();
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await tabTo(page, 'decide-accept');
    await page.keyboard.press('Enter');
    await expect(detail.getByTestId('detail-status')).toHaveText('объединено (ваше решение) · ещё не применено');
    await tabTo(page, 'clean-undo');
    await expect(page.getByTestId('clean-undo')).toHaveText('Отменить: объединение «Aleksei Tsvetkov»');
    await page.keyboard.press('Enter');
    await expect(detail.getByTestId('detail-status')).toHaveText('ждёт вашего решения');
    // Edit with the keyboard; Escape leaves the form.
    await tabTo(page, 'decide-edit');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('edit-name')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('edit-form')).toHaveCount(0);
    await tabTo(page, 'decide-accept');
    await page.keyboard.press('Enter');
    await expect(detail.getByTestId('detail-status')).toHaveText('объединено (ваше решение) · ещё не применено');

    // Put a message back from quarantine, then apply.
    await tabTo(page, 'restore');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('restore-requested').first()).toBeVisible();
    await tabTo(page, 'clean-apply');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-phase', 'done');
    await expect(page.getByTestId('clean-unapplied')).toHaveCount(0);
    await expect(page.getByTestId('quarantine-row')).toHaveCount(2);

    // Export as vCard: the folder browser by keyboard (arrows, Enter opens the folder), then "Add this whole folder".
    mkdirSync(path.join(webHost.home, 'a-contacts'));
    await tabTo(page, 'export-choose');
    await page.keyboard.press('Enter');
    await tabTo(page, 'fb-list');
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('fb-current')).toHaveText(path.join(webHost.home, 'a-contacts'));
    await tabTo(page, 'fb-add-folder');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('export-done')).toContainText('vCard 4.0');
    expect(readdirSync(path.join(webHost.home, 'a-contacts'))).toHaveLength(1);

    // Focus is always visible: the focused list shows an outline.
    await tabTo(page, 'group-listbox');
    const outline = await page.getByTestId('group-listbox').evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(outline).toBe('solid');
    await screenshot(page, testInfo, 'clean-keyboard-ru');
  });
});

test.describe('a long run', () => {
  let bigExport = '';
  test.beforeAll(() => {
    test.setTimeout(600_000);
    bigExport = largeTelegramExport(2_000_000, 50);
  });

  test('shows its stage, progress and time left, and can be cancelled, keeping nothing', async ({ openApp }, testInfo) => {
    const page = await openApp();
    await addSources(page, [bigExport]);
    await page.getByTestId('nav-clean').click();
    await page.getByTestId('clean-start').click();
    const progress = page.getByTestId('clean-progress');
    await expect(progress).toBeVisible();
    await expect(page.getByTestId('clean-phase')).toHaveText(/^Stage 1 of 5: reading the exports$/);
    await expect(progress.getByTestId('progress-amount')).toContainText(' of ');
    await expect(progress.getByTestId('progress-eta')).toContainText(/about .* left/);
    await screenshot(page, testInfo, 'clean-progress-en');
    await progress.getByTestId('cancel-job').click();
    await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-phase', 'cancelled');
    await expect(page.getByTestId('clean-cancelled')).toHaveText('The clean-up was cancelled. Nothing from it was kept.');
    await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-run', 'no');
    await expect(page.getByTestId('clean-accounting')).toHaveCount(0);
    // Nothing of the cancelled run is left in its private folder: no converted copy, no half-written file.
    const dir = (await page.getByTestId('clean-private').locator('code').textContent())!;
    expect(readdirSync(dir).filter((f) => f.startsWith('.') || f.endsWith('.partial') || f === 'run.json')).toEqual([]);
  });
});

test('the Inventory chat table fits a 1440 px window: no sideways scrolling, no heading clipped, whatever the sort, in both languages', async ({ openApp }) => {
  const page = await openApp();
  expect(page.viewportSize()?.width).toBe(1440);
  await addSources(page, [path.join(SET, 'telegram')]);
  await page.getByTestId('next-inventory').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  const table = page.locator('.chat-table__scroll');
  const columns = ['include', 'title', 'priority', 'type', 'members', 'messages', 'events', 'media', 'firstAt', 'lastAt', 'last90'];
  for (const lang of ['en', 'ru']) {
    await page.getByTestId(`language-${lang}`).click();
    for (const col of columns) {
      // The sort mark is in this heading now (keyboard: the "Move" column's sort button has no visible text to click).
      await page.getByTestId(`sort-${col}`).focus();
      await page.keyboard.press('Enter');
      await expect(page.locator(`[role="columnheader"]:has([data-testid="sort-${col}"])`)).not.toHaveAttribute('aria-sort', 'none');
      const m = await table.evaluate((el) => ({
        sideways: el.scrollWidth - el.clientWidth,
        clipped: [...el.querySelectorAll('[role=columnheader]')].filter((h) => h.scrollWidth > h.clientWidth).map((h) => h.className),
        // dates as wide as they get in either language ("28 May 2023"), in a real row's date cell
        date: (() => {
          const cell = el.querySelector('[data-testid=chat-row] .col-firstAt') as HTMLElement;
          const before = cell.textContent;
          cell.textContent = '28 May 2023';
          const over = cell.scrollWidth - cell.clientWidth;
          cell.textContent = before;
          return over;
        })(),
      }));
      expect(m, `${lang}, sorted by ${col}`).toEqual({ sideways: 0, clipped: [], date: 0 });
    }
  }
});
