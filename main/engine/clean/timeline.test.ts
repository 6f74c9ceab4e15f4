import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { JsonlWriter } from '../pipeline/jsonl-writer.js';
import { isBalanced } from './accounting.js';
import { buildTimeline, type TimelineOptions } from './timeline.js';
import type { MessageLine, QuarantineLine } from './types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../tests/fixtures/clean');
const WA = path.join(fixtures, 'whatsapp-like/messages.jsonl');
const IPHONE = '/exports/iphone/_chat.txt';
const ANDROID = '/exports/android/WhatsApp Chat with Семья.txt';

const jsonl = <T,>(file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

async function run(input: string, opts: Partial<TimelineOptions> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-timeline-'));
  const quarantine = new JsonlWriter(path.join(dir, 'quarantine.jsonl'));
  const output = path.join(dir, 'messages.jsonl');
  const r = await buildTimeline({ input, output, quarantine, tmpDir: path.join(dir, 'sort'), signal: new AbortController().signal, ...opts });
  quarantine.close();
  return { r, messages: jsonl<MessageLine>(output), quarantined: jsonl<QuarantineLine>(path.join(dir, 'quarantine.jsonl')), dir };
}

const brief = (m: MessageLine) => [m.sentAt, m.sender?.name ?? null, m.text, m.source.file === IPHONE ? 'iphone' : 'android', m.source.line];

describe('buildTimeline: the WhatsApp-like overlap (tests/fixtures/clean/whatsapp-like)', () => {
  it('keeps one copy per message within the same minute, counting occurrences, and quarantines the undated line', async () => {
    const { r, messages, quarantined } = await run(WA);
    // by hand from the fixture: 12 in; Привет, ok, ok, Как дела? appear in both exports
    expect(r.tally).toEqual({ in: 12, kept: 7, merged: 4, quarantined: 1, excluded: 0, restored: 0 });
    expect(messages.map(brief)).toEqual([
      ['2024-05-01T10:00:17+03:00', 'Иван Петров', 'Привет', 'iphone', 1], // the iPhone copy has seconds: kept
      ['2024-05-01T10:00:31+03:00', 'Иван Петров', 'ok', 'iphone', 2],
      ['2024-05-01T10:00:45+03:00', 'Иван Петров', 'ok', 'iphone', 3],
      ['2024-05-01T10:00:00+03:00', 'Иван Петров', 'ok', 'android', 4], // the third "ok" is only in the Android export
      ['2024-05-01T10:01:02+03:00', 'Мария', 'Как дела?', 'iphone', 4],
      ['2024-05-01T10:05:00+03:00', 'Иван Петров', 'Новое', 'android', 6],
      ['2024-05-01T10:05:00+03:00', '~\u202f+7 916 123-45-67', 'Кто это?', 'android', 7],
    ]);
    expect(messages.map((m) => m.duplicates)).toEqual([
      [{ file: ANDROID, line: 1, id: 'wa:0123456789abcdef:a1' }],
      [{ file: ANDROID, line: 2, id: 'wa:0123456789abcdef:a2' }],
      [{ file: ANDROID, line: 3, id: 'wa:0123456789abcdef:a3' }],
      [],
      [{ file: ANDROID, line: 5, id: 'wa:0123456789abcdef:a5' }],
      [],
      [],
    ]);
    expect(quarantined).toEqual([
      expect.objectContaining({ kind: 'message', reason: 'no-date', file: IPHONE, line: 5, chat: 'wa:0123456789abcdef', itemId: 'wa:0123456789abcdef:i5', restorable: true }),
    ]);
    expect(quarantined[0]!.id).toMatch(/^q-[0-9a-f]{16}$/);
    expect(r.byChat.get('wa:0123456789abcdef')).toMatchObject({ in: 12, kept: 7, merged: 4, quarantined: 1, messages: 7, members: 3, firstAt: '2024-05-01T10:00:17+03:00', lastAt: '2024-05-01T10:05:00+03:00' });
    expect([...r.participants.values()].map((p) => [p.key, p.messages])).toEqual([
      ['wa:name:иван петров', 5], // Привет, ok ×3, Новое
      ['wa:name:мария', 1],
      ['wa:name:+7 916 123-45-67', 1],
    ]);
  });

  it('restores a quarantined entry with the time the user gave it, in its place', async () => {
    const first = await run(WA);
    const id = first.quarantined[0]!.id;
    const { r, messages, quarantined } = await run(WA, { restore: new Map([[id, { sentAt: '2024-05-01T10:02:00+03:00' }]]) });
    expect(quarantined).toEqual([]);
    expect(r.tally).toEqual({ in: 12, kept: 8, merged: 4, quarantined: 0, excluded: 0, restored: 1 });
    expect([...r.restored]).toEqual([id]);
    const i = messages.findIndex((m) => m.text === 'строка без даты');
    expect(i).toBe(5); // after "Как дела?" (10:01), before "Новое" (10:05)
    expect(messages[i]).toMatchObject({ sentAt: '2024-05-01T10:02:00+03:00', restored: true });
  });

  it('restores an entry without a time at the end of its chat', async () => {
    const id = (await run(WA)).quarantined[0]!.id;
    const { messages } = await run(WA, { restore: new Map([[id, {}]]) });
    expect(messages.at(-1)).toMatchObject({ text: 'строка без даты', sentAt: null, restored: true });
  });

  it('counts the messages of unticked chats as excluded', async () => {
    const { r, messages, quarantined } = await run(WA, { exclude: new Set(['wa:0123456789abcdef']) });
    expect(r.tally).toEqual({ in: 12, kept: 0, merged: 0, quarantined: 0, excluded: 12, restored: 0 });
    expect(messages).toEqual([]);
    expect(quarantined).toEqual([]);
  });

  it('gives the same timeline when the sort spills to many chunk files', async () => {
    const whole = await run(WA);
    const spilled = await run(WA, { chunkBytes: 300 });
    expect(whole.r.chunks).toBe(1);
    expect(spilled.r.chunks).toBeGreaterThan(3);
    expect(spilled.messages).toEqual(whole.messages);
  });

  it('quarantines lines that are not messages, with the line number', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-timeline-'));
    const input = path.join(dir, 'messages.jsonl');
    writeFileSync(input, ['{"chat":"tg:1"', readFileSync(WA, 'utf8').split('\n')[0], '{"no":"chat"}', ''].join('\n'));
    const { r, quarantined } = await run(input);
    expect(r.tally).toMatchObject({ in: 3, kept: 1, quarantined: 2 });
    expect(quarantined.map((q) => [q.reason, q.file, q.line, q.restorable])).toEqual([
      ['unreadable', input, 1, false],
      ['unreadable', input, 3, false],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: overlapping exports of generated histories
// ---------------------------------------------------------------------------------------------

interface Gen {
  sender: string;
  text: string;
  /** minutes (WhatsApp) or seconds (Telegram) from the start */
  t: number;
}

function line(chat: string, file: string, i: number, g: Gen, unit: number): string {
  const m: MessageLine = {
    chat, id: chat.startsWith('tg:') ? String(i + 1) : `${chat}:${file}:${i}`, kind: 'message',
    sentAt: new Date(Date.UTC(2024, 0, 1) + g.t * unit).toISOString(), sender: { name: g.sender, id: chat.startsWith('tg:') ? g.sender : null },
    text: g.text, replyTo: null, forwardedFrom: null, editedAt: null, attachments: [], source: { file, line: i + 1 },
  };
  return JSON.stringify(m);
}

/** A history whose times never go back; several messages may share one time. */
const history = fc
  .array(fc.record({ sender: fc.constantFrom('ivan', 'maria'), text: fc.constantFrom('ok', 'да', '👍', 'Привет'), dt: fc.nat(2) }), { minLength: 1, maxLength: 40 })
  .map((xs) => {
    let t = 0;
    return xs.map(({ sender, text, dt }) => ({ sender, text, t: (t += dt) }));
  });

async function overlap(chat: string, unit: number, parts: { file: string; from: number; to: number }[], h: Gen[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-timeline-prop-'));
  const input = path.join(dir, 'in.jsonl');
  const lines: string[] = [];
  for (const p of parts) for (let i = p.from; i < p.to; i++) lines.push(line(chat, p.file, i, h[i]!, unit));
  writeFileSync(input, lines.join('\n') + '\n');
  return run(input, { chunkBytes: 2_000 });
}

describe('buildTimeline properties', () => {
  it('WhatsApp: an early export and the later full one give back exactly the history, in order', async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.nat(), fc.boolean(), async (h, cut, laterFirst) => {
        const j = cut % (h.length + 1);
        const early = { file: 'early.txt', from: 0, to: j };
        const full = { file: 'full.txt', from: 0, to: h.length };
        const { r, messages } = await overlap('wa:prop', 60_000, laterFirst ? [full, early] : [early, full], h);
        const got = messages.map((m) => `${m.sentAt} ${m.sender!.name} ${m.text}`);
        const want = h.map((g) => `${new Date(Date.UTC(2024, 0, 1) + g.t * 60_000).toISOString()} ${g.sender} ${g.text}`);
        return isBalanced(r.tally) && r.tally.merged === j && JSON.stringify(got) === JSON.stringify(want);
      }),
      { numRuns: 60 },
    );
  });

  it('Telegram: any two overlapping windows give back the union, each message once, by id', async () => {
    await fc.assert(
      fc.asyncProperty(history, fc.nat(), fc.nat(), fc.nat(), async (h, a, b, c) => {
        // window 1 = [i1, to1); window 2 = [from2, end) starting no later than right after window 1: no gap
        const i1 = a % h.length;
        const to1 = i1 + 1 + (c % (h.length - i1));
        const from2 = Math.min(b % h.length, to1);
        const { r, messages } = await overlap('tg:prop', 1000, [{ file: 'a.json', from: i1, to: to1 }, { file: 'b.json', from: from2, to: h.length }], h);
        const ids = messages.map((m) => Number(m.id));
        const start = Math.min(i1, from2);
        const want = Array.from({ length: h.length - start }, (_, k) => start + k + 1);
        const overlapSize = Math.max(0, to1 - Math.max(i1, from2));
        return isBalanced(r.tally) && r.tally.merged === overlapSize && JSON.stringify(ids) === JSON.stringify(want);
      }),
      { numRuns: 60 },
    );
  });
});
