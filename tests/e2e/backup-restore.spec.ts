/**
 * Restoring from a backup in the Backup step, in Chromium against the real web host and engine (and
 * the real Secret Service under scripts/with-keyring.sh): the backup's contents shown (with the
 * keychain key, or the recovery key when there is no keychain), one chat chosen from the searchable
 * list, a folder that does not exist refused in words, the chat restored into a new folder — its
 * messages and every file the result counts on disk — and the same screen in Russian.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, screenshot, telegramFixture, test } from './fixtures.js';

const withKeyring = process.env.PEREEZD_TEST_KEYRING === '1';

let work = '';
test.beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'pereezd-e2e-restore-'));
});
test.afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

test('restores one chat from a backup into a new folder; a missing folder is refused; both languages', async ({ openApp }, testInfo) => {
  test.setTimeout(120_000);
  const page = await openApp();
  const dest = path.join(work, 'Backups');
  const restoreInto = path.join(work, 'Restored here');
  await Promise.all([mkdir(dest), mkdir(restoreInto)]);

  await page.getByTestId('path-input').fill(telegramFixture);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.locator('[data-testid="source-row"][data-state="recognised"]').first()).toBeVisible();
  await page.getByTestId('nav-backup').click();
  await expect(page.getByTestId('step-backup')).toHaveAttribute('data-loaded', 'yes');
  await page.getByTestId('backup-dir-input').fill(dest);
  await page.getByTestId('backup-name-input').fill('restore me.msgbak');
  await page.getByTestId('backup-start-button').click();
  await expect(page.getByTestId('backup-result')).toHaveAttribute('data-phase', 'done');
  const key = (await page.getByTestId('recovery-key').innerText()).replace(/\s+/g, '');

  // What is inside: with the keychain key, or (no keychain) after typing the recovery key.
  const section = page.getByTestId('backup-restore');
  await section.getByTestId('restore-open').click();
  if (!withKeyring) {
    await expect(section.getByTestId('restore-key-form')).toBeVisible();
    await section.getByTestId('restore-key-input').fill(key);
    await section.getByTestId('restore-key-submit').click();
  }
  const contents = section.getByTestId('restore-contents');
  await expect(contents).toHaveAttribute('data-chats', '1');
  await expect(section.getByTestId('restore-summary')).toContainText('chats: 1 · messages: 4');

  // One chat: the list can be searched; choosing a chat names it on the button.
  await section.getByTestId('restore-kind-chat').check();
  await expect(section.getByTestId('restore-start')).toBeDisabled();
  await section.getByTestId('restore-chat-search').fill('no such chat');
  await expect(section.getByTestId('restore-chat-count')).toHaveText('Chats shown: 0 of 1');
  await section.getByTestId('restore-chat-search').fill('');
  const row = section.getByTestId('restore-chat').first();
  const title = (await row.locator('.choice__title').innerText()).trim();
  await row.click();
  await expect(section.getByTestId('restore-start')).toHaveText(`Restore “${title}”`);

  // A folder that does not exist is refused in words; nothing starts.
  const missing = path.join(work, 'not there');
  await section.getByTestId('restore-dir-input').fill(missing);
  await section.getByTestId('restore-start').click();
  await expect(section.getByTestId('restore-refused')).toHaveText(`The folder ${missing} does not exist. Choose an existing folder; a new one is made inside it.`);
  expect(existsSync(missing)).toBe(false);

  await section.getByTestId('restore-dir-input').fill(restoreInto);
  await section.getByTestId('restore-start').click();
  const result = section.getByTestId('restore-result');
  await expect(result).toHaveAttribute('data-phase', 'done');
  await expect(result).toHaveAttribute('data-problems', '0');
  const to = (await result.getByTestId('restore-to').innerText()).trim();
  expect(path.dirname(to)).toBe(restoreInto);
  expect(path.basename(to)).toMatch(/^restore me-restored-\d{4}-\d{2}-\d{2}$/);
  const files = readdirSync(to, { recursive: true }).map(String);
  expect(Number(await result.getAttribute('data-files'))).toBeGreaterThan(1);
  const messages = files.find((f) => f.endsWith('messages.jsonl'))!;
  expect(readFileSync(path.join(to, messages), 'utf8').trim().split('\n')).toHaveLength(4);
  // What the result says was written is what is on disk.
  expect(files.filter((f) => !readdirSync(to, { withFileTypes: true, recursive: true }).some((d) => d.isDirectory() && path.join(d.parentPath, d.name) === path.join(to, f))).length).toBe(
    Number(await result.getAttribute('data-files')),
  );
  await expect(result).toContainText('Each file was checked against its SHA-256.');
  await screenshot(page, testInfo, 'backup-restore-en');

  await page.getByTestId('language-ru').click();
  await expect(section.getByRole('heading', { level: 3 })).toHaveText('Восстановить из этой копии');
  await expect(result).toContainText('Каждый файл сверен по SHA-256.');
  await expect(result).toContainText(`Восстановлено файлов: ${await result.getAttribute('data-files')} (`);
  await expect(section.getByTestId('restore-summary')).toContainText('чатов: 1 · сообщений: 4');
  // The Russian date ends in «г.»: the sentence must not add a second full stop after it.
  await expect(section.getByTestId('restore-summary')).not.toContainText('..');
  await screenshot(page, testInfo, 'backup-restore-ru');
});
