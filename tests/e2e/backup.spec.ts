/**
 * The Backup step end to end, in Chromium against the real web host and the real engine (and the
 * real Secret Service when run through scripts/with-keyring.sh, as scripts/test.sh does): a backup
 * of a real Telegram export, the recovery key shown once (print, copy, save as a protected file),
 * a wrong key and a typo refused and the right key accepted, a full check, a second copy checked,
 * where everything is; cancelling midway leaves nothing that looks complete; both languages.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { generateX25519Identity } from 'age-encryption';
import { expect, screenshot, telegramFixture, test } from './fixtures.js';

const withKeyring = process.env.PEREEZD_TEST_KEYRING === '1';

let work = '';
test.beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'pereezd-e2e-backup-'));
});
test.afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function addSource(page: Page, p: string): Promise<void> {
  await page.getByTestId('path-input').fill(p);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.locator(`[data-testid="source-row"][data-state="recognised"]`).first()).toBeVisible();
}

async function openBackupStep(page: Page): Promise<void> {
  await page.getByTestId('nav-backup').click();
  await expect(page.getByTestId('step-backup')).toHaveAttribute('data-loaded', 'yes');
}

/** In the open folder picker: from the top of the disk down to `dir`, one double-click per folder. */
async function pickFolder(page: Page, dir: string): Promise<void> {
  const picker = page.getByTestId('folder-picker');
  await picker.getByRole('button', { name: /Top of the disk|Корень диска|Верх диска/ }).click();
  const root = path.parse(dir).root;
  await expect(picker.getByTestId('fp-current')).toHaveText(root);
  let here = root;
  for (const segment of path.relative(root, dir).split(path.sep).filter(Boolean)) {
    await picker.locator(`[data-testid="fp-entry"][data-name="${segment}"]`).dblclick();
    here = path.join(here, segment);
    await expect(picker.getByTestId('fp-current')).toHaveText(here);
  }
  await picker.getByTestId('fp-choose').click();
  await expect(page.getByTestId('folder-picker')).toHaveCount(0);
}

/** The key as shown (groups on lines) → the key. */
async function shownKey(page: Page): Promise<string> {
  const text = await page.getByTestId('recovery-key').innerText();
  return text.replace(/\s+/g, '');
}

test('backs up a real export: recovery key shown once and proven, full check, second copy, both languages', async ({ openApp, context, webHost }, testInfo) => {
  const page = await openApp();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: webHost.origin });
  const dest = path.join(work, 'Backups');
  const other = path.join(work, 'Other drive');
  const keys = path.join(work, 'Keys');
  await Promise.all([mkdir(dest), mkdir(other), mkdir(keys)]);

  await addSource(page, telegramFixture);
  await openBackupStep(page);
  await expect(page.getByTestId('backup-keychain')).toHaveAttribute('data-available', withKeyring ? 'yes' : 'no');
  await expect(page.getByTestId('backup-checklist')).toHaveAttribute('data-complete', 'no');
  await expect(page.getByTestId('backup-sources')).toContainText(telegramFixture);
  // A dated name is proposed; the folder is chosen with the in-app picker (no native dialog here).
  await expect(page.getByTestId('backup-name-input')).toHaveValue(/^pereezd-backup-\d{4}-\d{2}-\d{2}-\d{4}\.msgbak$/);
  await page.getByTestId('backup-dir-browse').click();
  await pickFolder(page, dest);
  await expect(page.getByTestId('backup-dir-input')).toHaveValue(dest);
  await expect(page.getByTestId('backup-dir-input')).toBeFocused();
  await page.getByTestId('backup-name-input').fill('family/chats.msgbak');
  await page.getByTestId('backup-start-button').click();
  await expect(page.getByTestId('backup-name-problem')).toHaveText('The name cannot contain / \\ : * ? " < > | or spaces at its start or end.');
  await page.getByTestId('backup-name-input').fill('family chats');
  await screenshot(page, testInfo, 'backup-start-en');
  await page.getByTestId('backup-start-button').click();
  await expect(page.getByTestId('backup-name-input')).toHaveValue('family chats.msgbak');

  // The recovery key is handed over at once (it can be written down while the backup runs).
  await expect(page.getByTestId('recovery-sheet')).toBeVisible();
  await expect(page.getByTestId('backup-result')).toHaveAttribute('data-phase', 'done');
  const file = path.join(dest, 'family chats.msgbak');
  expect(existsSync(file)).toBe(true);
  expect(existsSync(`${file}.partial`)).toBe(false);
  await expect(page.getByTestId('backup-done')).toContainText(file);
  // The real export: one chat with four messages (the same as the Inventory step reads from it).
  await expect(page.getByTestId('backup-counts').locator('dt')).toHaveText(['Files of your exports', 'Chats', 'Messages', 'Contacts', 'Attachments']);
  await expect(page.getByTestId('backup-counts').locator('dd').nth(1)).toHaveText('1');
  await expect(page.getByTestId('backup-counts').locator('dd').nth(2)).toHaveText('4');
  if (!withKeyring) await expect(page.getByTestId('backup-recovery-only')).toBeVisible();
  const key = await shownKey(page);
  expect(key).toMatch(/^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
  // The key is in the page once, and never in the address, storage or cookies.
  expect(page.url()).not.toContain(key.slice(16));
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  expect(stored).not.toContain(key.slice(16));

  // Print: only the sheet prints, with the key, the file name and how to use it.
  await page.evaluate(() => {
    (window as unknown as { printed: number }).printed = 0;
    window.print = () => void (window as unknown as { printed: number }).printed++;
  });
  await page.getByTestId('recovery-key-print').click();
  expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('#root')).toBeHidden();
  const sheet = page.getByTestId('print-sheet');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Pereezd recovery key');
  await expect(sheet).toContainText('family chats.msgbak');
  expect((await sheet.locator('.backup-print-sheet__key').innerText()).replace(/\s+/g, '')).toBe(key);
  await page.screenshot({ path: testInfo.outputPath('backup-print-en.png') });
  await mkdir(path.resolve('test-results/screens'), { recursive: true });
  await page.screenshot({ path: path.resolve('test-results/screens/backup-print-en.png') });
  await page.emulateMedia({ media: 'screen' });
  await expect(page.locator('#root')).toBeVisible();

  // Copy.
  await page.getByTestId('recovery-key-copy').click();
  await expect(page.getByTestId('recovery-key-copied')).toHaveAttribute('data-state', 'copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  // Save as a passphrase-protected file.
  await page.getByTestId('recovery-key-save').click();
  const form = page.getByTestId('save-key-form');
  await form.getByTestId('save-key-dir-input').fill(keys);
  await form.getByTestId('save-key-name').fill('my-key.age');
  await form.getByTestId('save-key-pass').fill('short');
  await form.getByTestId('save-key-again').fill('short');
  await form.getByTestId('save-key-submit').click();
  await expect(form.getByTestId('save-key-problem')).toHaveText('The passphrase needs at least 10 characters.');
  await form.getByTestId('save-key-pass').fill('blue whale under a green moon');
  await form.getByTestId('save-key-again').fill('blue whale under a green moon');
  await form.getByTestId('save-key-submit').click();
  await expect(form.getByTestId('save-key-saved')).toContainText(path.join(keys, 'my-key.age'), { timeout: 30_000 });
  await expect(form.getByTestId('save-key-pass')).toHaveValue('');
  const saved = readFileSync(path.join(keys, 'my-key.age'));
  expect(saved.subarray(0, 22).toString('latin1')).toBe('age-encryption.org/v1\n');
  expect(saved.toString('latin1')).not.toContain(key);
  await screenshot(page, testInfo, 'backup-key-en');

  // Test: the key is hidden and the field focused; a stranger's key and a typo are refused.
  await page.getByTestId('recovery-key-test-now').click();
  await expect(page.getByTestId('recovery-key-hidden')).toBeVisible();
  await expect(page.getByTestId('recovery-key')).toHaveCount(0);
  const input = page.getByTestId('recovery-test-input');
  await expect(input).toBeFocused();
  await input.fill(await generateX25519Identity());
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('recovery-test-failed')).toHaveAttribute('data-reason', 'wrong-key');
  await expect(page.getByTestId('recovery-test-failed')).toContainText('not the one that opens this backup');
  const typo = key.slice(0, 40) + (key[40] === 'Q' ? 'P' : 'Q') + key.slice(41);
  await input.fill(typo);
  await page.getByTestId('recovery-test-submit').click();
  await expect(page.getByTestId('recovery-test-failed')).toHaveAttribute('data-reason', 'typo');
  await expect(page.getByTestId('backup-checklist')).toHaveAttribute('data-complete', 'no');
  await screenshot(page, testInfo, 'backup-test-refused-en');
  // As typed from paper: lower case, in groups.
  await input.fill(`age-secret-key-1 ${key.slice(16).toLowerCase().match(/.{1,4}/g)!.join(' ')}`);
  await page.getByTestId('recovery-test-submit').click();
  await expect(page.getByTestId('recovery-test-ok')).toBeVisible();
  await expect(page.getByTestId('recovery-test')).toHaveAttribute('data-tested', 'yes');
  await expect(page.getByTestId('backup-checklist')).toHaveAttribute('data-complete', 'yes');
  await expect(page.getByTestId('checklist-tested')).toHaveAttribute('data-done', 'yes');
  // Proven: the key left the page.
  await expect(page.getByTestId('recovery-sheet')).toHaveCount(0);
  expect(await page.content()).not.toContain(key.slice(16, 40));
  await expect(page.getByTestId('backup-verify').getByRole('heading', { level: 3 })).toBeFocused();

  // Full check, then quick.
  await page.getByTestId('verify-full').click();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-mode', 'full');
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'yes');
  await expect(page.getByTestId('verify-result')).toContainText('Full check passed');
  await page.getByTestId('verify-quick').click();
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-mode', 'quick');
  await expect(page.getByTestId('verify-result')).toHaveAttribute('data-ok', 'yes');
  await expect(page.getByTestId('verify-last-full')).not.toHaveText('not yet');

  // Second copy: refused in the same folder, made and checked in another.
  await page.getByTestId('copy-dir-input').fill(dest);
  await page.getByTestId('copy-start').click();
  await expect(page.getByTestId('copy-refused')).toContainText('already in');
  await page.getByTestId('copy-dir-input').fill(other);
  await page.getByTestId('copy-start').click();
  await expect(page.getByTestId('copy-result')).toHaveAttribute('data-phase', 'done');
  const copy = path.join(other, 'family chats.msgbak');
  await expect(page.getByTestId('copy-result')).toContainText(copy);
  expect(readFileSync(copy).equals(readFileSync(file))).toBe(true);
  await expect(page.getByTestId('checklist-copied')).toHaveAttribute('data-done', 'yes');

  // Where everything is.
  const item = page.locator(`[data-testid="backup-list-item"][data-file="${file}"]`);
  await expect(item).toBeVisible();
  await expect(item.getByTestId('backup-list-copy')).toContainText(copy);

  // The same name again is refused, with a free name offered.
  await page.getByTestId('backup-name-input').fill('family chats.msgbak');
  await page.getByTestId('backup-start-button').click();
  await expect(page.getByTestId('backup-refused')).toHaveAttribute('data-reason', 'exists');
  await page.getByTestId('backup-use-next-name').click();
  await expect(page.getByTestId('backup-name-input')).toHaveValue('family chats-2.msgbak');
  await screenshot(page, testInfo, 'backup-done-en');

  // Russian, the same screen.
  await page.getByTestId('language-ru').click();
  await expect(page.getByTestId('step-backup').getByRole('heading', { level: 2 })).toHaveText('Зашифрованная резервная копия');
  await expect(page.getByTestId('backup-complete')).toContainText('Шаг завершён');
  await expect(page.getByTestId('verify-result')).toContainText('Быстрая проверка пройдена');
  await screenshot(page, testInfo, 'backup-done-ru');
});

test.describe('in Russian', () => {
  test.use({ hostLocale: 'ru-RU', locale: 'ru-RU' });

  test('cancelling midway leaves no file that looks complete; the key sheet and its print in Russian', async ({ openApp }, testInfo) => {
    const page = await openApp();
    // A small real export beside incompressible files, so the writing stage lasts long enough to cancel in it.
    const exp = path.join(work, 'Выгрузка');
    await mkdir(path.join(exp, 'files'), { recursive: true });
    await writeFile(path.join(exp, 'result.json'), readFileSync(telegramFixture));
    const chunk = randomBytes(1 << 20);
    for (let f = 0; f < 8; f++) await writeFile(path.join(exp, 'files', `video-${f}.bin`), Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.concat([chunk, Buffer.from([f, i])]))));
    const dest = path.join(work, 'Копии');
    await mkdir(dest);

    await addSource(page, exp);
    await openBackupStep(page);
    await expect(page.getByTestId('step-backup').getByRole('heading', { level: 2 })).toHaveText('Зашифрованная резервная копия');
    await page.getByTestId('backup-dir-input').fill(dest);
    await page.getByTestId('backup-name-input').fill('отменённая.msgbak');
    await page.getByTestId('backup-start-button').click();
    const progress = page.getByTestId('backup-progress');
    await expect(progress).toHaveAttribute('data-stage', 'write', { timeout: 60_000 });
    // Midway: the encrypted file is being written under its .partial name.
    await expect.poll(() => readdirSync(dest)).toContain('отменённая.msgbak.partial');
    await expect(progress.getByTestId('backup-progress-doing')).toHaveText('Шифрование и запись резервной копии…');
    await expect(progress.getByTestId('backup-progress-eta')).toHaveText(/осталось|оценка/);
    await screenshot(page, testInfo, 'backup-progress-ru');
    await progress.getByTestId('backup-progress-cancel').click();
    await expect(page.getByTestId('backup-result')).toHaveAttribute('data-phase', 'cancelled');
    await expect(page.getByTestId('backup-cancelled')).toContainText('Резервное копирование отменено');
    expect(readdirSync(dest)).toEqual([]);
    await expect(page.getByTestId('backup-list')).toHaveCount(0);

    // The recovery key was made for this backup and is still shown (once), in Russian.
    const sheet = page.getByTestId('recovery-sheet');
    await expect(sheet).toBeVisible();
    await expect(sheet.getByRole('heading', { level: 3 })).toHaveText('Ваш ключ восстановления');
    // Nothing to test it against yet: a finished backup is needed.
    await expect(page.getByTestId('recovery-key-test-now')).toBeDisabled();
    await screenshot(page, testInfo, 'backup-key-ru');
    await page.emulateMedia({ media: 'print' });
    await expect(page.getByTestId('print-sheet')).toContainText('Ключ восстановления «Переезда»');
    await expect(page.getByTestId('print-sheet')).toContainText('Как им пользоваться');
    await mkdir(path.resolve('test-results/screens'), { recursive: true });
    await page.screenshot({ path: path.resolve('test-results/screens/backup-print-ru.png') });
    await page.emulateMedia({ media: 'screen' });
    const key = await shownKey(page);

    // The next backup completes and opens with that same key.
    await page.getByTestId('backup-name-input').fill('готовая.msgbak');
    await page.getByTestId('backup-start-button').click();
    await expect(page.getByTestId('backup-result')).toHaveAttribute('data-phase', 'done', { timeout: 60_000 });
    await page.getByTestId('recovery-key-test-now').click();
    await page.getByTestId('recovery-test-input').fill(key);
    await page.getByTestId('recovery-test-submit').click();
    await expect(page.getByTestId('recovery-test-ok')).toHaveText('Работает: этот ключ восстановления открывает резервную копию.');
    await expect(page.getByTestId('backup-checklist')).toHaveAttribute('data-complete', 'yes');
    await screenshot(page, testInfo, 'backup-done-ru-2');
  });
});
