/**
 * The Inventory step beyond the counts: the suggested priority per chat, the activity chart for the
 * whole account and for one chat, and the privacy opt-out that is remembered across a reload and a
 * re-read of the same exports.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, screenshot, telegramFixture, test } from './fixtures.js';

interface TelegramMessage {
  type: string;
  date_unixtime?: string;
}

/**
 * The chart summary expected for the fixture, worked out from the file itself: the authored
 * messages (`type: "message"`) counted per calendar month in UTC (from `date_unixtime`), the range
 * from the first to the last month, and the busiest month (the earliest of equals).
 */
function expectedSummary(): string {
  const data = JSON.parse(readFileSync(telegramFixture, 'utf8')) as { chats: { list: { messages: TelegramMessage[] }[] } };
  const perMonth = new Map<string, number>();
  for (const chat of data.chats.list) {
    for (const m of chat.messages) {
      if (m.type !== 'message' || !m.date_unixtime) continue;
      const month = new Date(Number(m.date_unixtime) * 1000).toISOString().slice(0, 7);
      perMonth.set(month, (perMonth.get(month) ?? 0) + 1);
    }
  }
  const months = [...perMonth.keys()].sort();
  expect(months.length).toBeGreaterThan(1);
  let peak = months[0]!;
  for (const m of months) if (perMonth.get(m)! > perMonth.get(peak)!) peak = m;
  const fmt = (ym: string) =>
    new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(Number(ym.slice(0, 4)), Number(ym.slice(5)) - 1, 1));
  return `Messages per month, ${fmt(months[0]!)} – ${fmt(months[months.length - 1]!)}, peak ${perMonth.get(peak)} in ${fmt(peak)}`;
}

async function readFixture(page: Page): Promise<void> {
  await page.getByTestId('path-input').fill(telegramFixture);
  await page.getByTestId('path-input').press('Enter');
  await expect(page.getByTestId('source-row')).toHaveAttribute('data-state', 'recognised');
  await page.getByTestId('next-inventory').click();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
}

test('priority, activity charts and a remembered opt-out on a real Telegram export', async ({ openApp, blockedRequests }, testInfo) => {
  const page = await openApp();
  await readFixture(page);
  // Fixture: July 2018 (2 messages) and October 2022 (2) → "Jul 2018 – Oct 2022, peak 2 in Jul 2018".
  const summary = expectedSummary();

  // 1. The priority column: a badge with a word (not colour alone) and the reasons.
  const chat = page.getByTestId('chat-row');
  await expect(chat).toHaveCount(1);
  await expect(page.getByTestId('sort-priority')).toContainText('Priority');
  await expect(page.locator('[role="columnheader"]:has([data-testid="sort-priority"])')).toHaveAttribute('aria-sort', 'ascending'); // default order
  const priority = chat.getByTestId('chat-priority');
  // The one chat's last message is from 2022 (nothing in the last 90 days), 1 author, not a channel: low, inactive.
  await expect(priority).toHaveAttribute('data-level', 'low');
  await expect(priority).toContainText('low');
  await expect(priority).toContainText('inactive');

  // 2. The account chart, with its summary as the accessible name.
  const accountChart = page.getByTestId('account-chart');
  await expect(accountChart).toBeVisible();
  await expect(page.getByTestId('account-activity').getByRole('img', { name: summary })).toBeVisible();
  await expect(accountChart.locator('rect.activity-chart__bar')).toHaveCount(2);

  // 3. Selecting a chat shows its details and its own chart.
  await expect(page.getByTestId('chat-details')).toHaveCount(0);
  await chat.getByTestId('chat-select').click();
  const details = page.getByTestId('chat-details');
  await expect(details).toBeVisible();
  await expect(details.getByRole('heading', { name: 'My Group' })).toBeVisible();
  await expect(details.getByTestId('chat-details-dates')).toContainText('2018');
  await expect(details.getByTestId('chat-details-dates')).toContainText('2022');
  await expect(details.getByTestId('chat-details-media')).toContainText('4 missing');
  await expect(details.getByRole('img', { name: summary })).toBeVisible();
  await expect(chat).toHaveAttribute('data-selected', 'true');
  await screenshot(page, testInfo, 'inventory-priority-en');

  await page.getByTestId('language-ru').click();
  await expect(page.getByTestId('sort-priority')).toContainText('Приоритет');
  await expect(priority).toContainText('низкий');
  await expect(priority).toContainText('неактивный');
  await expect(page.getByTestId('chat-details')).toBeVisible();
  await screenshot(page, testInfo, 'inventory-priority-ru');
  await page.getByTestId('language-en').click();

  // 4. The opt-out is saved: it survives a reload and a re-read of the same export.
  await expect(page.getByTestId('reset-choices')).toBeDisabled();
  await chat.getByTestId('chat-include').uncheck();
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 0 of 1');
  await page.reload();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('chat-row').getByTestId('chat-include')).not.toBeChecked();
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 0 of 1');

  const firstJob = await page.getByTestId('job-status').getAttribute('data-job-id');
  expect(firstJob).toBeTruthy();
  await page.getByTestId('read-again').click();
  await expect(page.getByTestId('job-status')).not.toHaveAttribute('data-job-id', firstJob!);
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('chat-row').getByTestId('chat-include')).not.toBeChecked();
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 0 of 1');

  // "Reset choices" ticks everything again, and that too is remembered.
  await page.getByTestId('reset-choices').click();
  await expect(page.getByTestId('chat-row').getByTestId('chat-include')).toBeChecked();
  await expect(page.getByTestId('chats-selected')).toHaveText('Chats to move: 1 of 1');
  await page.reload();
  await expect(page.getByTestId('job-status')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('chat-row').getByTestId('chat-include')).toBeChecked();

  expect(blockedRequests).toEqual([]);
});
