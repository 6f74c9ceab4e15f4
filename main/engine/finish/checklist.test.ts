import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAnnouncements } from './announcement.js';
import { finishFile, loadChecklist, tickChecklist, type ChecklistFacts } from './checklist.js';

const facts: ChecklistFacts = { networks: ['telegram', 'whatsapp'], backupVerified: true, targetVerified: false, cleanedUp: false };

describe('deactivation checklist', () => {
  it('has items for the migrated messengers only, auto-ticks what the app knows, persists user ticks', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-cl-'));
    const items = await loadChecklist(d, facts);
    const ids = items.map((i) => i.id);
    expect(ids).toEqual(expect.arrayContaining(['telegram:export', 'telegram:sessions', 'telegram:delete', 'whatsapp:delete', 'all:backup', 'all:announce']));
    expect(ids.some((i) => i.startsWith('slack:'))).toBe(false);
    expect(items.every((i) => i.ru.length > 5 && i.en.length > 5 && i.ru !== i.en)).toBe(true);
    expect(items.find((i) => i.id === 'all:backup')!.done).toBe(true);
    expect(items.find((i) => i.id === 'all:verified')!.done).toBe(false);
    const after = await tickChecklist(d, facts, 'telegram:sessions', true, new Date('2026-01-01T00:00:00Z'));
    expect(after.find((i) => i.id === 'telegram:sessions')).toMatchObject({ done: true, doneAt: '2026-01-01T00:00:00.000Z' });
    expect((await loadChecklist(d, facts)).find((i) => i.id === 'telegram:sessions')!.done).toBe(true);
    expect(JSON.parse(readFileSync(finishFile(d), 'utf8'))).toMatchObject({ version: 1 });
    await expect(tickChecklist(d, facts, 'slack:deactivate', true)).rejects.toThrow(/slack:deactivate/);
  });
});

describe('announcement', () => {
  it('per group with the room link, per person with the new address, in ru and en; titles cleaned to one line', () => {
    const a = buildAnnouncements({
      userId: '@ivan:example.org',
      chats: [
        { id: 'tg:1', title: 'Отдел\nпродаж\u202e', type: 'group', roomId: '!abc:example.org' },
        { id: 'tg:2', title: 'Анна', type: 'personal', roomId: '!dm:example.org' },
        { id: 'tg:3', title: 'Saved', type: 'saved', roomId: null },
      ],
    });
    expect(a).toHaveLength(2);
    expect(a[0]).toMatchObject({ kind: 'group', title: 'Отдел продаж', address: 'https://matrix.to/#/!abc%3Aexample.org' });
    expect(a[0]!.ru).toContain('https://matrix.to/#/!abc%3Aexample.org');
    expect(a[0]!.en).toContain('"Отдел продаж"');
    expect(a[1]).toMatchObject({ kind: 'person', address: '@ivan:example.org' });
    expect(a[1]!.ru).toContain('@ivan:example.org');
    expect(a[1]!.en).toContain('https://matrix.to/#/%40ivan%3Aexample.org');
  });
});
