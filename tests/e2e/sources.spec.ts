/**
 * The Sources step beyond Telegram, end to end against the real web host: the folder browser lists
 * every kind of file the parsers read (zips drawn as zips) and adds several at once; a WhatsApp
 * export whose dates read both ways (03/04/2022: 3 April or 4 March) asks before it can be read,
 * keeps "Next" disabled until answered, and is read with the answer and the chosen time zone.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { JobState } from '../../shared/model/index.js';
import { expect, invoke, screenshot, telegramFixture, test } from './fixtures.js';

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

const entry = (page: Page, name: string) => page.getByTestId('folder-browser').locator(`[data-testid="fb-entry"][data-name="${name}"]`);

/**
 * A WhatsApp (iOS) chat export whose every date has day and month ≤ 12 and is in order read either
 * way: day-first it runs 3 April → 11 December 2022, month-first 4 March → 12 November 2022.
 * Two messages a day, one from each person: 20 messages, one chat.
 */
const AMBIGUOUS_DAYS = ['03/04/2022', '03/05/2022', '04/05/2022', '05/06/2022', '06/07/2022', '07/08/2022', '08/09/2022', '09/10/2022', '10/11/2022', '11/12/2022'];
async function writeAmbiguousWhatsApp(dir: string): Promise<{ file: string; messages: number }> {
  await mkdir(dir, { recursive: true });
  const lines = AMBIGUOUS_DAYS.flatMap((day, i) => [`[${day}, 10:15:00] Анна: привет ${i + 1}`, `[${day}, 10:16:30] Борис: привет, Анна`]);
  const file = path.join(dir, 'WhatsApp Chat with Анна.txt');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { file, messages: lines.length };
}

test('the folder browser shows the files the parsers read, draws zips as zips, and adds several files at once', async ({ openApp }, testInfo) => {
  const page = await openApp();
  const dir = testInfo.outputPath('Exports');
  await mkdir(path.join(dir, 'Telegram Desktop'), { recursive: true });
  await copyFile(telegramFixture, path.join(dir, 'result.json'));
  await writeFile(path.join(dir, 'contacts.vcf'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Анна Петрова\r\nTEL:+7 900 000-00-01\r\nEND:VCARD\r\n');
  await writeFile(path.join(dir, 'google.csv'), 'Name,Phone 1 - Value\r\nБорис,+7 900 000-00-02\r\n');
  await writeFile(path.join(dir, 'card.vcard'), 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Вера\r\nEND:VCARD\r\n');
  await writeFile(path.join(dir, 'WhatsApp Chat - Анна.zip'), Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]));
  await writeFile(path.join(dir, 'notes.txt'), 'shopping list\n');
  await writeFile(path.join(dir, 'holiday.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]));

  await page.getByTestId('browse').click();
  await browseTo(page, dir);
  const names = () => page.getByTestId('folder-browser').getByTestId('fb-entry').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  // Folders first; then every file kind the parsers read; the photo is hidden, and that is said.
  await expect.poll(names).toEqual(['Telegram Desktop', 'card.vcard', 'contacts.vcf', 'google.csv', 'notes.txt', 'result.json', 'WhatsApp Chat - Анна.zip']);
  await expect(page.getByTestId('fb-hidden')).toHaveText('Other files hidden here: 1.');
  await expect(entry(page, 'WhatsApp Chat - Анна.zip')).toHaveAttribute('data-look', 'zip');
  await expect(entry(page, 'WhatsApp Chat - Анна.zip').locator('.folder-browser__icon')).toHaveClass(/is-zip/);
  await expect(entry(page, 'contacts.vcf')).toHaveAttribute('data-look', 'export');
  await expect(entry(page, 'Telegram Desktop')).toHaveAttribute('data-look', 'folder');
  await page.getByTestId('fb-only-exports').uncheck();
  await expect(entry(page, 'holiday.jpg')).toHaveAttribute('data-look', 'other');
  await expect(page.getByTestId('fb-hidden')).toHaveCount(0);
  await page.getByTestId('fb-only-exports').check();
  await expect(entry(page, 'holiday.jpg')).toHaveCount(0);

  // Several at once with the mouse: click one, Ctrl-click another.
  await entry(page, 'result.json').click();
  await entry(page, 'contacts.vcf').click({ modifiers: ['Control'] });
  await expect(entry(page, 'result.json')).toHaveAttribute('aria-selected', 'true');
  await expect(entry(page, 'contacts.vcf')).toHaveAttribute('aria-selected', 'true');
  await expect(entry(page, 'google.csv')).toHaveAttribute('aria-selected', 'false');
  await expect(page.getByTestId('fb-add-selected')).toHaveText('Add selected (2)');
  await screenshot(page, testInfo, 'folder-browser-kinds-en');
  await page.getByTestId('fb-add-selected').click();
  const rows = page.getByTestId('source-row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-path', path.join(dir, 'contacts.vcf'));
  await expect(rows.nth(1)).toHaveAttribute('data-path', path.join(dir, 'result.json'));

  // …and with the keyboard: Shift+arrows extend the selection, Enter adds it.
  await entry(page, 'google.csv').click();
  await page.keyboard.press('Shift+ArrowDown');
  await expect(entry(page, 'notes.txt')).toHaveAttribute('aria-selected', 'true');
  await expect(entry(page, 'google.csv')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(4);
  await expect(page.locator('[data-testid="source-row"]:not([data-state="detecting"])')).toHaveCount(4);

  // The Telegram export: its format with the confidence in words, the percentage in the tooltip.
  const telegram = page.locator(`[data-testid="source-row"][data-path="${path.join(dir, 'result.json')}"]`);
  await expect(telegram).toHaveAttribute('data-state', 'recognised');
  await expect(telegram.getByTestId('source-format')).toHaveText('Telegram Desktop (JSON)');
  const confidence = telegram.getByTestId('source-confidence');
  await expect(confidence).toContainText('certain');
  await expect(confidence).toHaveAttribute('title', /^Detection confidence: \d+%$/);

  // Dropping several files at once: the browser host cannot know their paths, and says so once.
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    for (const name of ['result.json', 'chat.zip', 'contacts.vcf']) dt.items.add(new File(['x'], name));
    return dt;
  });
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('drop-notice')).toContainText('Your browser does not tell Pereezd where dropped files are stored');
  await expect(rows).toHaveCount(4);
});

test('contact lists (vCard, CSV) are counted as contacts, with no empty chat table', async ({ openApp }, testInfo) => {
  const page = await openApp();
  const dir = testInfo.outputPath('contacts');
  await mkdir(dir, { recursive: true });
  const vcf = path.join(dir, 'phone.vcf');
  const card = (name: string, tel: string) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nTEL;TYPE=CELL:${tel}\r\nEND:VCARD\r\n`;
  await writeFile(vcf, card('Анна Петрова', '+7 900 000-00-01') + card('Борис Иванов', '+7 900 000-00-02') + card('Вера Смирнова', '+7 900 000-00-03'));
  const csv = path.join(dir, 'google.csv');
  await writeFile(csv, 'First Name,Last Name,Phone 1 - Label,Phone 1 - Value\r\nГалина,Орлова,Mobile,+7 900 000-00-04\r\nДмитрий,Соколов,Mobile,+7 900 000-00-05\r\n');

  for (const p of [vcf, csv]) {
    await page.getByTestId('path-input').fill(p);
    await page.getByTestId('path-input').press('Enter');
  }
  await expect(page.locator('[data-testid="source-row"][data-state="recognised"]')).toHaveCount(2);
  await expect(page.locator(`[data-testid="source-row"][data-path="${vcf}"]`).getByTestId('source-format')).toHaveText('Contacts (vCard)');
  await expect(page.locator(`[data-testid="source-row"][data-path="${csv}"]`).getByTestId('source-format')).toHaveText('Contacts (CSV: Google, Outlook)');
  await expect(page.locator(`[data-testid="source-row"][data-path="${csv}"]`)).toContainText('Google Contacts');
  await expect(page.getByTestId('source-questions')).toHaveCount(0); // contacts carry no times: nothing to ask
  await page.getByTestId('next-inventory').click();

  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('total-contacts')).toHaveAttribute('data-value', '5');
  await expect(page.getByTestId('total-chats')).toHaveAttribute('data-value', '0');
  await expect(page.getByTestId('contacts-only')).toHaveText('These exports hold contacts only, no chats. Their contacts are counted in the totals above.');
  await expect(page.getByTestId('chat-table')).toHaveCount(0);
  await expect(page.getByTestId('chats-selected')).toHaveCount(0);
  const perSource = page.getByTestId('source-problems');
  await expect(perSource.filter({ hasText: 'phone.vcf' }).getByTestId('source-counts')).toHaveText('Contacts: 3');
  await expect(perSource.filter({ hasText: 'google.csv' }).getByTestId('source-counts')).toHaveText('Contacts: 2');
  await expect(page.getByTestId('status-line')).toHaveText('Step 2 of 8 — Inventory — inventory complete — contacts: 5, no chats');
  await screenshot(page, testInfo, 'inventory-contacts-en');

  // With a chat export beside them, the chat table is back and holds only chats.
  await page.getByTestId('nav-sources').click();
  await page.getByTestId('path-input').fill(telegramFixture);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.locator('[data-testid="source-row"][data-state="recognised"]')).toHaveCount(3);
  await page.getByTestId('next-inventory').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('total-contacts')).toHaveAttribute('data-value', '8'); // 5 + Telegram's 3
  await expect(page.getByTestId('contacts-only')).toHaveCount(0);
  await expect(page.getByTestId('chat-row')).toHaveCount(1);
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 1 of 1');
  await expect(perSource.filter({ hasText: 'result.json' }).getByTestId('source-counts')).toHaveText('Chats: 1, messages: 4');
  await page.getByTestId('language-ru').click();
  await expect(perSource.filter({ hasText: 'phone.vcf' }).getByTestId('source-counts')).toHaveText('Контактов: 3');
});

test.describe('a WhatsApp export whose dates read both ways', () => {
  test.use({ timezoneId: 'Europe/Moscow' });

  test('asks which order the dates are in, keeps Next disabled until answered, and reads the chat with the answer', async ({ openApp }, testInfo) => {
    const page = await openApp();
    const { file, messages } = await writeAmbiguousWhatsApp(testInfo.outputPath('whatsapp'));

    await page.getByTestId('path-input').fill(file);
    await page.getByTestId('path-input').press('Enter');
    const row = page.getByTestId('source-row');
    await expect(row).toHaveAttribute('data-state', 'recognised');
    await expect(row.getByTestId('source-format')).toHaveText('WhatsApp chat export');
    await expect(row.getByTestId('source-confidence')).toHaveText(/^(certain|likely|possible) \(\d+%\)$/);
    await expect(row).toContainText('exported on an iPhone'); // the [date, time] lines of the iOS export

    // The question, under the row, built from the dates in the file.
    const question = row.getByTestId('date-order-question');
    await expect(question).toBeVisible();
    await expect(question.getByTestId('date-order-legend')).toHaveText('In this export, is 03/04/2022 the 3rd of April or the 4th of March?');
    await expect(question.getByTestId('date-order-state')).toHaveText('Needs your answer');
    const dayFirst = question.getByRole('radio', { name: /^Day first/ });
    const monthFirst = question.getByRole('radio', { name: /^Month first/ });
    await expect(dayFirst).not.toBeChecked();
    await expect(monthFirst).not.toBeChecked();
    // Each option shows how the file's dates would read in that order.
    await expect(question.locator('[data-testid="date-order-option"][data-order="dmy"]')).toContainText('3 April 2022');
    await expect(question.locator('[data-testid="date-order-option"][data-order="mdy"]')).toContainText('4 March 2022');

    // Next stays disabled, and says why.
    const next = page.getByTestId('next-inventory');
    await expect(next).toBeDisabled();
    await expect(page.getByTestId('next-hint')).toHaveText('Answer the questions under your exports to continue (unanswered: 1).');
    await expect(page.getByTestId('status-line')).toContainText('answer the questions under your exports to continue (unanswered: 1)');

    // The time zone: this computer's zone until the user picks another.
    const zone = row.getByTestId('time-zone');
    await expect(zone).toHaveValue('Europe/Moscow');
    await expect(row.getByRole('combobox', { name: 'Time zone of the times in this export' })).toBeVisible();
    await screenshot(page, testInfo, 'sources-question-en');

    // In Russian, the same question in natural Russian.
    await page.getByTestId('language-ru').click();
    await expect(question.getByTestId('date-order-legend')).toHaveText('В этой выгрузке 03/04/2022 — это 3 апреля или 4 марта?');
    await expect(question.locator('[data-testid="date-order-option"][data-order="dmy"]')).toContainText('3 апреля 2022 г.');
    await expect(page.getByTestId('next-hint')).toHaveText('Чтобы продолжить, ответьте на вопросы под выгрузками (без ответа: 1).');
    await screenshot(page, testInfo, 'sources-question-ru');
    await page.getByTestId('language-en').click();

    // Answer with the keyboard: month first; and choose another zone.
    await monthFirst.focus();
    await page.keyboard.press('Space');
    await expect(monthFirst).toBeChecked();
    await expect(question).toHaveAttribute('data-answer', 'mdy');
    await expect(question.getByTestId('date-order-state')).toHaveText('Answered');
    await zone.selectOption('Asia/Yekaterinburg');
    await expect(next).toBeEnabled();
    await expect(page.getByTestId('next-hint')).toHaveCount(0);

    // A reload keeps the answers.
    await page.reload();
    await expect(row.getByTestId('date-order-question')).toHaveAttribute('data-answer', 'mdy');
    await expect(row.getByTestId('time-zone')).toHaveValue('Asia/Yekaterinburg');
    await expect(next).toBeEnabled();

    // The answers go with inventory:start, and the chat is read with them.
    const start = page.waitForRequest((r) => r.url().endsWith('/api/invoke/inventory:start'));
    await next.click();
    const sent = (await start).postDataJSON() as { paths: string[]; options?: Record<string, unknown> };
    expect(sent).toEqual({ paths: [file], options: { [file]: { dateOrder: 'mdy', timeZone: 'Asia/Yekaterinburg' } } });
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
    await expect(page.getByTestId('total-chats')).toHaveAttribute('data-value', '1');
    await expect(page.getByTestId('total-messages')).toHaveAttribute('data-value', String(messages));
    const chat = page.getByTestId('chat-row');
    await expect(chat).toHaveCount(1);
    // Month first: 4 March 2022 to 12 November 2022 (day first would have been 3 April to 11 December).
    await expect(chat.locator('.col-firstAt')).toHaveText('4 Mar 2022');
    await expect(chat.locator('.col-lastAt')).toHaveText('12 Nov 2022');
    await expect(page.locator('[data-testid="problem"][data-code="needs-answer"]')).toHaveCount(0);
    await screenshot(page, testInfo, 'inventory-whatsapp-en');
  });

  test('a reading made without the answer says so, and its problem leads back to the question', async ({ openApp, webHost }, testInfo) => {
    const page = await openApp();
    const { file } = await writeAmbiguousWhatsApp(testInfo.outputPath('whatsapp'));
    await page.getByTestId('path-input').fill(file);
    await page.getByTestId('path-input').press('Enter');
    await expect(page.getByTestId('date-order-question')).toBeVisible();

    // A reading started without the answer (as `pereezd inspect` without --date-order would):
    // the app core reads what it can and reports that it needs the answer.
    const { jobId } = await invoke<{ jobId: string }>(page, webHost.origin, 'inventory:start', { paths: [file] });
    await expect.poll(async () => (await invoke<JobState | null>(page, webHost.origin, 'job:get', { jobId }))?.phase).toBe('done');
    // The page picks that reading up as its own after a reload (the session remembers which job it watches).
    await page.evaluate((id) => {
      const saved = JSON.parse(sessionStorage.getItem('pereezd.session') ?? '{}') as Record<string, unknown>;
      sessionStorage.setItem('pereezd.session', JSON.stringify({ ...saved, inventoryJobId: id, step: 'inventory' }));
    }, jobId);
    await page.goto(`${webHost.origin}/`);
    await expect(page.getByTestId('step-inventory')).toBeVisible();
    await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
    const problem = page.locator('[data-testid="problem"][data-code="needs-answer"]');
    await expect(problem).toContainText('This export can only be read exactly with your answer to a question');
    // Reading again is held back until the question is answered.
    await expect(page.getByTestId('read-again')).toBeDisabled();
    await expect(page.getByTestId('read-again-hint')).toContainText('An export in the list is waiting for your answer');

    await problem.getByTestId('problem-answer').click();
    await expect(page.getByTestId('step-sources')).toBeVisible();
    const question = page.getByTestId('date-order-question');
    await expect(question.getByRole('radio').first()).toBeFocused();
    await expect(question).toBeInViewport();
    await page.keyboard.press('ArrowDown'); // radio group: the arrow keys move and choose
    await expect(question).toHaveAttribute('data-answer', /^(dmy|mdy)$/);
    await expect(page.getByTestId('next-inventory')).toBeEnabled();
  });
});
