/**
 * The Connect, Pilot and Upload steps end to end, in Chromium against the real web host, the real engine and a
 * REAL Synapse on 127.0.0.1 started here (profile 'fast', its user directory searching all users), with the real
 * Secret Service when run through scripts/with-keyring.sh (as scripts/test.sh does): a wrong password is said in
 * words; sign in; the directory's suggestion for one person is accepted; one chat goes into a pilot room and is
 * shown as the server holds it; everything is uploaded; the read-back finds 0 missing and 0 duplicates; both
 * languages, with screenshots.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { makeTelegramExport, media } from '../helpers/backup-fixtures.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';
import { expect, screenshot, test } from './fixtures.js';

const withKeyring = process.env.PEREEZD_TEST_KEYRING === '1';

let hs: Synapse;
let ivan: RegisteredUser;
let work = '';
let exportDir = '';

test.beforeAll(async () => {
  test.setTimeout(120_000);
  hs = await startSynapse({ profile: 'fast', extraConfig: 'user_directory: {enabled: true, search_all_users: true}\n' });
  ivan = await hs.register('ivan', { password: 'correct horse battery', displayname: 'Test Owner' });
  await hs.register('anna', { displayname: 'Имя0 Фамилия0' });
  work = await mkdtemp(path.join(os.tmpdir(), 'pereezd-e2e-matrix-'));
  exportDir = makeTelegramExport(path.join(work, 'export'), [
    { id: 100, name: 'Имя0 Фамилия0', messages: [{ text: 'Привет' }, { text: 'Фото', photo: media('photos/p1.jpg', 3000, 'p1') }, { text: 'Пока <b>не HTML</b>' }] },
    { id: 502, name: 'Work', type: 'private_group', messages: [{ text: 'hello <script>alert(1)</script>' }, { text: 'report', file: media('files/report.pdf', 9000, 'r') }, { text: 'bye' }] },
  ]);
});

test.afterAll(async () => {
  await hs?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function addSourceAndClean(page: Page): Promise<void> {
  await page.getByTestId('path-input').fill(exportDir);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.locator('[data-testid="source-row"][data-state="recognised"]')).toHaveCount(1);
  await page.getByTestId('nav-clean').click();
  await expect(page.getByTestId('step-clean')).toBeVisible();
  await page.getByTestId('clean-start').click();
  await expect(page.getByTestId('clean-job-status')).toHaveAttribute('data-run', 'yes');
}

async function signIn(page: Page, password: string): Promise<void> {
  await page.getByTestId('matrix-server').fill(hs.baseUrl);
  await page.getByTestId('matrix-user').fill('ivan');
  await page.getByTestId('matrix-password').fill(password);
  // Enter in the form signs in (keyboard users need no mouse).
  await page.getByTestId('matrix-password').press('Enter');
}

test('Connect → Pilot → Upload against a real Synapse: wrong password said, person mapped, pilot shown, all uploaded, 0 missing', async ({ openApp }, testInfo) => {
  test.setTimeout(180_000);
  const page = await openApp();
  await addSourceAndClean(page);

  // ---- Connect ------------------------------------------------------------------------------------
  await page.getByTestId('nav-connect').click();
  await expect(page.getByTestId('step-connect')).toHaveAttribute('data-loaded', 'yes');
  await page.getByTestId('matrix-server').fill(hs.baseUrl);
  await page.getByTestId('matrix-discover').click();
  await expect(page.getByTestId('matrix-found')).toContainText(hs.baseUrl);
  await signIn(page, 'not the password');
  const problem = page.getByTestId('matrix-sign-in-problem');
  await expect(problem).toHaveAttribute('data-problem', 'wrong-password');
  await expect(problem).toContainText('The user name or the password is wrong.');
  await screenshot(page, testInfo, 'matrix-connect-wrong-password-en');

  await page.getByTestId('matrix-password').fill(ivan.password);
  await page.getByTestId('matrix-sign-in-button').click();
  await expect(page.getByTestId('matrix-session')).toHaveAttribute('data-user', ivan.userId);
  await expect(page.getByTestId('matrix-token-where')).toHaveAttribute('data-where', withKeyring ? 'keychain' : 'memory');
  // The password field is gone and no token is anywhere in the page.
  await expect(page.getByTestId('matrix-password')).toHaveCount(0);
  expect(await page.content()).not.toMatch(/syt_[A-Za-z0-9_]+/);

  // The estimate from the Clean step's plan, with a normal account's pace.
  await expect(page.getByTestId('matrix-estimate-normal')).toContainText('10 messages at once, then about one every 5 seconds');
  // People: the directory found «Имя0 Фамилия0» by name; accept it.
  const anna = page.locator('[data-testid="person-row"][data-name="Имя0 Фамилия0"]');
  await expect(anna.getByTestId('person-suggestion')).toHaveText('@anna:localhost');
  await anna.getByTestId('person-accept').click();
  await expect(anna).toHaveAttribute('data-account', '@anna:localhost');
  await expect(anna.getByTestId('person-account')).toHaveText('@anna:localhost');
  // A typed account is checked before it is saved; Escape leaves it as it was.
  const owner = page.locator('[data-testid="person-row"]').filter({ has: page.locator('.badge') }).first();
  await owner.getByTestId('person-set').click();
  await owner.getByTestId('person-input').fill('not an account');
  await owner.getByTestId('person-input').press('Enter');
  await expect(owner.getByRole('alert')).toContainText('@name:example.org');
  await owner.getByTestId('person-input').press('Escape');
  await expect(owner).toHaveAttribute('data-account', '');
  // "This is me" maps a person to the signed-in account (a WhatsApp export does not say who made it); Clear undoes it.
  const other = page.locator('[data-testid="person-row"][data-account=""]').filter({ has: page.getByTestId('person-me') }).first();
  const otherName = await other.getAttribute('data-name');
  await other.getByTestId('person-me').click();
  const same = page.locator('[data-testid="person-row"]').filter({ has: page.getByText(otherName!, { exact: true }) });
  await expect(same).toHaveAttribute('data-account', ivan.userId);
  await expect(same.getByTestId('person-account')).toHaveText(ivan.userId);
  await same.getByTestId('person-clear').click();
  await expect(same).toHaveAttribute('data-account', '');
  await screenshot(page, testInfo, 'matrix-connect-en');

  // ---- Pilot --------------------------------------------------------------------------------------
  await page.getByTestId('connect-next').click();
  await expect(page.getByTestId('step-pilot')).toHaveAttribute('data-loaded', 'yes');
  await page.getByTestId('pilot-chat').selectOption({ label: 'Work (3 messages)' });
  await page.getByTestId('pilot-start').click();
  await expect(page.getByTestId('pilot-progress')).toHaveAttribute('data-phase', 'done');
  const result = page.getByTestId('pilot-result');
  await expect(result.getByTestId('pilot-room-name')).toHaveText('Pilot: Work');
  await expect(result.getByTestId('pilot-sent')).toContainText('4 new');
  const lines = result.getByTestId('pilot-lines').locator('li');
  await expect(lines).toHaveCount(4);
  // Message text is shown as text: the <script> is visible characters, never an element.
  await expect(lines.nth(0)).toContainText('Work: hello <script>alert(1)</script>');
  await expect(result.locator('script')).toHaveCount(0);
  await expect(lines.nth(2)).toHaveText('File: report.pdf');
  await expect(result.getByTestId('pilot-link')).toHaveAttribute('href', /^https:\/\/matrix\.to\/#\/!/);
  await screenshot(page, testInfo, 'matrix-pilot-en');

  // ---- Upload -------------------------------------------------------------------------------------
  await page.getByTestId('pilot-next').click();
  await expect(page.getByTestId('step-upload')).toHaveAttribute('data-loaded', 'yes');
  await expect(page.getByTestId('upload-start')).toHaveText('Upload all chats');
  await page.getByTestId('upload-start').click();
  await expect(page.getByTestId('upload-progress')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('upload-summary')).toContainText('8 sent now');
  const chats = page.getByTestId('upload-chat');
  await expect(chats).toHaveCount(2);
  for (const row of await chats.all()) await expect(row).toHaveAttribute('data-state', 'done');
  await page.getByTestId('verify-start').click();
  const verify = page.getByTestId('verify-result');
  await expect(verify).toHaveAttribute('data-missing', '0');
  await expect(verify).toHaveAttribute('data-duplicates', '0');
  await expect(verify).toContainText('Everything arrived: 8 of 8');
  for (const row of await chats.all()) await expect(row).toHaveAttribute('data-missing', '0');
  await screenshot(page, testInfo, 'matrix-upload-en');

  // ---- the same steps in Russian --------------------------------------------------------------------
  await page.getByTestId('language-ru').click();
  await expect(page.getByTestId('step-upload').getByRole('heading', { level: 2 })).toHaveText('Перенести всё');
  await expect(verify).toContainText('Всё на месте: 8 из 8');
  await screenshot(page, testInfo, 'matrix-upload-ru');
  await page.getByTestId('nav-pilot').click();
  await expect(page.getByTestId('pilot-result')).toContainText('Пилотная комната');
  await screenshot(page, testInfo, 'matrix-pilot-ru');
  await page.getByTestId('nav-connect').click();
  await expect(page.getByTestId('matrix-session')).toContainText('Вы вошли как');
  await expect(page.locator('[data-testid="person-row"][data-name="Имя0 Фамилия0"]')).toHaveAttribute('data-account', '@anna:localhost');
  await screenshot(page, testInfo, 'matrix-connect-ru');

  // Sign out: the form is back (and says so in Russian when the password is wrong).
  await page.getByTestId('matrix-sign-out').click();
  await signIn(page, 'wrong again');
  await expect(page.getByTestId('matrix-sign-in-problem')).toContainText('Неверное имя пользователя или пароль.');
  await screenshot(page, testInfo, 'matrix-connect-wrong-password-ru');
});
