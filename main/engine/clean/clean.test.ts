import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanConverted, runClean, type CleanInput } from './clean.js';
import type { CleanContact } from './contacts-dedupe.js';
import type { MessageLine } from './types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../tests/fixtures/clean');
const quiet = { progress: { report() {} } };
const signal = new AbortController().signal;
const now = () => new Date('2025-06-01T12:00:00Z');
const jsonl = <T,>(file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));

describe('cleanConverted: the WhatsApp-like set (convert output written by hand)', () => {
  it('dedupes the timeline, links the unsaved number to the contact with that phone, and balances', async () => {
    const out = tmp();
    const r = await cleanConverted({ dir: path.join(fixtures, 'whatsapp-like') }, { paths: [], outDir: out, region: 'RU', now }, quiet, signal);
    expect(r.accounting).toEqual({
      version: 1,
      contacts: { in: 1, kept: 1, merged: 0, quarantined: 0, excluded: 0 },
      participants: { in: 3, kept: 2, merged: 1, quarantined: 0, excluded: 0 },
      chats: { in: 2, kept: 1, merged: 1, quarantined: 0, excluded: 0 },
      messages: {
        in: 12, kept: 7, merged: 4, quarantined: 1, excluded: 0, restored: 0,
        byChat: { 'wa:0123456789abcdef': { in: 12, kept: 7, merged: 4, quarantined: 1, excluded: 0, restored: 0 } },
      },
      problems: 0,
    });
    expect(JSON.parse(readFileSync(r.files.accounting, 'utf8'))).toEqual(r.accounting);
    const [contact] = jsonl<CleanContact>(r.files.contacts);
    expect(contact).toMatchObject({
      name: 'Пётр Иванов', phones: [{ value: '+79161234567', type: 'cell', raw: '8 916 123-45-67', valid: true }],
      members: ['vcard:phone.vcf:0'], aliases: ['wa:name:+7 916 123-45-67'],
    });
    expect(jsonl<{ aliases: string[] }>(r.files.participants).map((p) => p.aliases)).toEqual([['wa:name:иван петров'], ['wa:name:мария']]);
    expect(jsonl(r.files.chats)).toEqual([
      {
        id: 'wa:0123456789abcdef', title: 'Семья', type: 'group', members: 3, messages: 7, events: 0, firstAt: '2024-05-01T10:00:17+03:00',
        lastAt: '2024-05-01T10:05:00+03:00', source: { file: '/exports/iphone/_chat.txt', line: 1 },
        sources: [{ file: '/exports/iphone/_chat.txt', line: 1 }, { file: '/exports/android/WhatsApp Chat with Семья.txt', line: 1 }],
      },
    ]);
    expect(readdirSync(out).sort()).toEqual([
      'accounting.json', 'chats.jsonl', 'contacts.csv', 'contacts.jsonl', 'contacts.vcf', 'groups.jsonl', 'identities.jsonl', 'merges.jsonl', 'messages.jsonl',
      'participants.jsonl', 'plan.json', 'problems.jsonl', 'quarantine.jsonl',
    ]); // nothing temporary left
    expect(readFileSync(r.files.vcard, 'utf8')).toContain('TEL;VALUE=uri;TYPE=cell:tel:+79161234567\r\n');
  });

  it('leaves no new file behind when cancelled, and keeps the previous output', async () => {
    const out = tmp();
    writeFileSync(path.join(out, 'messages.jsonl'), 'previous\n');
    const controller = new AbortController();
    controller.abort();
    await expect(cleanConverted({ dir: path.join(fixtures, 'whatsapp-like') }, { paths: [], outDir: out, now }, quiet, controller.signal)).rejects.toThrow();
    expect(readdirSync(out)).toEqual(['messages.jsonl']);
    expect(readFileSync(path.join(out, 'messages.jsonl'), 'utf8')).toBe('previous\n');
  });
});

describe('runClean: the Telegram export given twice', () => {
  const a = path.join(fixtures, 'telegram-overlap/export-2024-03');
  const b = path.join(fixtures, 'telegram-overlap/export-2024-06');
  const input = (outDir: string, extra: Partial<CleanInput> = {}): CleanInput => ({ paths: [a, b], outDir, region: 'RU', now, ...extra });

  it('makes one timeline, keeps the copy that has the photo, quarantines the undated entries', async () => {
    const out = tmp();
    const r = await runClean(input(out), quiet, signal);
    expect(r.accounting.messages).toMatchObject({ in: 14, kept: 9, merged: 3, quarantined: 2, excluded: 0 });
    const messages = jsonl<MessageLine>(r.files.messages);
    expect(messages.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const five = messages[4]!;
    expect(five.source.file).toBe(path.join(b, 'result.json'));
    expect(five.attachments[0]).toMatchObject({ kind: 'photo', missing: false, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(five.duplicates).toEqual([{ file: path.join(a, 'result.json'), line: 10, id: '5' }]);
    expect(messages[3]!.duplicates).toEqual([{ file: path.join(b, 'result.json'), line: 6, id: '4' }]);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]); // the temporary convert folder is gone
  });

  it('restores a quarantined message on request and remembers it on the next run', async () => {
    const out = tmp();
    const first = await runClean(input(out), quiet, signal);
    const q = jsonl<{ id: string; itemId: string }>(first.files.quarantine);
    expect(q.map((x) => x.itemId)).toEqual(['10', '11']);
    const second = await runClean(input(out, { restore: [q[0]!.id] }), quiet, signal);
    expect(second.accounting.messages).toMatchObject({ kept: 10, quarantined: 1, restored: 1 });
    expect(jsonl<MessageLine>(second.files.messages).at(-1)).toMatchObject({ id: '10', sentAt: null, restored: true });
    // the restore is in the journal, so a plain re-run keeps it
    const third = await runClean(input(out), quiet, signal);
    expect(third.accounting.messages).toMatchObject({ kept: 10, quarantined: 1, restored: 1 });
    expect(third.restored).toEqual([q[0]!.id]);
  });

  it('reports unknown ids instead of ignoring them', async () => {
    const out = tmp();
    const r = await runClean(input(out, { excludeChats: ['tg:999'], restore: ['q-0000000000000000'] }), quiet, signal);
    expect(r.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('--exclude-chat tg:999: no chat'), expect.stringContaining('restore q-0000000000000000: no quarantined entry')]),
    );
    expect(existsSync(r.files.problems)).toBe(true);
  });
});
