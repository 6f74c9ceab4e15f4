/**
 * Facebook / Instagram Messenger JSON. Expected values come from reading the fixtures in
 * tests/fixtures/messenger-json (written for these cases; mojibake strings are the UTF-8 bytes of
 * the text as \u00XX escapes, the way Facebook writes them) and the byte sizes of the media files.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import { openZipContainer } from '../archive/zip.js';
import { writeZip } from '../../../tests/helpers/zip-writer.js';
import { BUFFER_LIMIT, mapMessengerMessage, messengerJson, sniffMessenger } from './messenger-json.js';
import {
  chunksOf,
  collect,
  countsOf,
  fileContainer,
  folderContainer,
  memoryContainer,
  mutate,
  tinyChunked,
  withTimeout,
} from './other/testkit.js';
import { repairMojibake } from './other/text.js';
import type { Detection } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fx = (...p: string[]) => path.join(repo, 'tests/fixtures/messenger-json', ...p);
const real = (...p: string[]) => path.join(repo, '../shared/fixtures/real', ...p);

describe('messenger-json: mojibake repair', () => {
  it('re-decodes latin-1 mojibake only when every code point is ≤ 0xFF and the bytes are UTF-8', () => {
    expect(repairMojibake('\u00d0\u009c\u00d0\u00b0\u00d1\u0080\u00d0\u00b8\u00d1\u008f')).toBe('Мария');
    expect(repairMojibake('M\u00c3\u00bcller')).toBe('Müller');
    expect(repairMojibake('\u00e2\u009d\u00a4')).toBe('❤');
    expect(repairMojibake('caf\u00e9')).toBe('café'); // [63 61 66 e9] is not UTF-8: real Latin-1 stays
    expect(repairMojibake('Ã© and Ж')).toBe('Ã© and Ж'); // a code point above 0xFF: not mojibake
    expect(repairMojibake('plain')).toBe('plain');
    expect(repairMojibake('Cafe\u00cc\u0081')).toBe('Caf\u00e9'); // decomposed after repair → NFC
  });
});

describe('messenger-json detect', () => {
  it('claims a single message file by its content, whatever its name', async () => {
    const d = await messengerJson.detect(fileContainer(real('messenger/chat-analytics__2A_7M.json')));
    expect(d).toMatchObject({ format: 'messenger-json', entry: 'chat-analytics__2A_7M.json', variant: 'single-thread' });
    expect(d!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('claims Facebook and Instagram folder trees, sizing every message_N.json', async () => {
    const fb = await messengerJson.detect(folderContainer(fx('facebook-multi-file-thread')));
    const base = 'your_facebook_activity/messages';
    expect(fb).toMatchObject({ format: 'messenger-json', variant: 'facebook', entry: `${base}/archived_threads/oldgroup_456/message_1.json` });
    let size = 0;
    for (const f of [`${base}/inbox/anna_123/message_1.json`, `${base}/inbox/anna_123/message_2.json`, `${base}/archived_threads/oldgroup_456/message_1.json`]) {
      size += (await readFile(fx('facebook-multi-file-thread', f))).length;
    }
    expect(fb!.size).toBe(size);
    const ig = await messengerJson.detect(folderContainer(fx('instagram-layout')));
    expect(ig).toMatchObject({ format: 'messenger-json', variant: 'instagram' });
    expect(ig!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it("refuses the other formats' inputs", async () => {
    for (const f of [
      'telegram/chat-analytics__DM_2A_7M.json',
      'telegram/chat-history-manager__telegram_2025-12__result.json',
      'discord/chat-analytics__DM_2A_2M.json',
      'slack/slackdump__export_users.json',
      'slack/slackdump__export_channels.json',
    ]) {
      expect(await messengerJson.detect(fileContainer(real(f))), f).toBeNull();
    }
    expect(await messengerJson.detect(folderContainer(real('telegram')))).toBeNull();
    expect(await messengerJson.detect(folderContainer(fx('../telegram-json/single-chat-basic')))).toBeNull();
    expect(sniffMessenger(Buffer.from('{"participants": [], "title": "no messages key"}'))).toBe(0);
    expect(sniffMessenger(Buffer.from('{"userId": "x", "conversations": []}'))).toBe(0);
    expect(sniffMessenger(Buffer.from('[{"participants": [], "messages": []}]'))).toBe(0);
  });
});

describe('messenger-json parse', () => {
  it('merges message_1.json and message_2.json of one folder into one chat, oldest first', async () => {
    const r = await collect(messengerJson, folderContainer(fx('facebook-multi-file-thread')));
    expect(r.chats.map((c) => [c.id, c.title, c.type])).toEqual([
      ['fb:archived_threads/oldgroup_456', 'Old group', 'group'],
      ['fb:inbox/anna_123', 'Anna Berg', 'personal'],
    ]);
    const anna = r.messages.filter((m) => m.chat === 'fb:inbox/anna_123');
    expect(anna.map((m) => [m.id, m.text, m.sentAt, m.sender])).toEqual([
      ['1700000000000-0', 'oldest', '2023-11-14T22:13:20.000Z', { name: 'Anna Berg', id: null }],
      ['1700000100000-0', 'second oldest', '2023-11-14T22:15:00.000Z', { name: 'Owner Person', id: null }],
      ['1700000200000-0', 'same ms first', '2023-11-14T22:16:40.000Z', { name: 'Anna Berg', id: null }],
      ['1700000200000-1', 'same ms second', '2023-11-14T22:16:40.000Z', { name: 'Owner Person', id: null }],
      ['1700000300000-0', 'newest', '2023-11-14T22:18:20.000Z', { name: 'Anna Berg', id: null }],
    ]);
    expect(anna[0]!.source.file).toBe(fx('facebook-multi-file-thread/your_facebook_activity/messages/inbox/anna_123/message_2.json'));
    expect(countsOf(r)).toEqual({ contacts: 0, chats: 2, messages: 6, events: 0, attachments: 0, attachmentsMissing: 0 });
    expect(r.problems).toEqual([]);
    // Progress ends at the detected total and never goes back.
    expect(r.progress.at(-1)).toBe(r.detection.size);
    expect([...r.progress].sort((a, b) => a - b)).toEqual(r.progress);
    for (const c of r.chats) expect(ChatSchema.safeParse(c).success).toBe(true);
    for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
  });

  it('links photos, videos, audio_files, files, gifs and stickers present on disk; the others are missing', async () => {
    const r = await collect(messengerJson, folderContainer(fx('media-present-and-missing')));
    const atts = r.messages.flatMap((m) => m.attachments.map((a) => [a.kind, a.name, a.missing, a.missingReason ?? null, a.size ?? null, a.path]));
    expect(atts).toEqual([
      ['video', 'missing.mp4', true, 'not-found', null, 'messages/inbox/bob_1/videos/missing.mp4'],
      ['photo', 'remote.jpg', true, 'not-included', null, undefined],
      ['photo', 'p1.jpg', false, null, 12, 'messages/inbox/bob_1/photos/p1.jpg'],
      ['photo', 'lost.jpg', true, 'not-found', null, 'messages/inbox/bob_1/photos/lost.jpg'],
      ['video', 'v1.mp4', false, null, 12, 'messages/inbox/bob_1/videos/v1.mp4'],
      ['audio', 'a1.mp4', false, null, 5, 'messages/inbox/bob_1/audio/a1.mp4'],
      ['file', 'report.pdf', false, null, 13, 'messages/inbox/bob_1/files/report.pdf'],
      ['animation', 'g1.gif', false, null, 6, 'messages/inbox/bob_1/gifs/g1.gif'],
      ['sticker', 'gone.png', true, 'not-found', null, 'messages/stickers_used/gone.png'],
      ['sticker', 's1.png', false, null, 10, 'messages/stickers_used/s1.png'],
    ]);
    expect(countsOf(r)).toMatchObject({ chats: 1, messages: 9, attachments: 10, attachmentsMissing: 4 });
    const missing = r.problems.filter((p) => p.code === 'media-missing');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ params: { count: 3 }, severity: 'warning' });
    expect(missing[0]!.line).toBeGreaterThanOrEqual(1);
    expect(r.problems.filter((p) => p.code === 'media-not-included')).toHaveLength(1);
  });

  it('resolves media from a zip rooted inside the export (its shared top folders are stripped)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-messenger-'));
    try {
      const files = [
        'messages/inbox/bob_1/message_1.json', 'messages/inbox/bob_1/photos/p1.jpg', 'messages/inbox/bob_1/videos/v1.mp4',
        'messages/inbox/bob_1/audio/a1.mp4', 'messages/inbox/bob_1/files/report.pdf', 'messages/inbox/bob_1/gifs/g1.gif',
        'messages/stickers_used/s1.png',
      ];
      const zip = path.join(dir, 'facebook-export.zip');
      await writeZip(zip, await Promise.all(files.map(async (f) => ({ name: `facebook-owner-2024/${f}`, data: await readFile(fx('media-present-and-missing', f)) }))));
      const c = await openZipContainer(zip);
      try {
        const r = await collect(messengerJson, c);
        expect(countsOf(r)).toMatchObject({ messages: 9, attachments: 10, attachmentsMissing: 4 });
        // Every entry sits under facebook-owner-2024/messages/, so that is the container root.
        expect(r.messages.flatMap((m) => m.attachments).filter((a) => !a.missing).map((a) => a.path)).toEqual([
          'inbox/bob_1/photos/p1.jpg', 'inbox/bob_1/videos/v1.mp4', 'inbox/bob_1/audio/a1.mp4',
          'inbox/bob_1/files/report.pdf', 'inbox/bob_1/gifs/g1.gif', 'stickers_used/s1.png',
        ]);
      } finally {
        await c.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a container rooted at the thread folder still finds the thread media (not the export-wide stickers)', async () => {
    const r = await collect(messengerJson, folderContainer(fx('media-present-and-missing/messages/inbox/bob_1')));
    // messages/stickers_used/ lies outside the container: never reached through it.
    const present = r.messages.flatMap((m) => m.attachments).filter((a) => !a.missing);
    expect(present.map((a) => a.name)).toEqual(['p1.jpg', 'v1.mp4', 'a1.mp4', 'report.pdf', 'g1.gif']);
    expect(present.map((a) => a.path)).toEqual(['photos/p1.jpg', 'videos/v1.mp4', 'audio/a1.mp4', 'files/report.pdf', 'gifs/g1.gif']);
  });

  it('reads the Instagram your_instagram_activity/messages/inbox layout', async () => {
    const r = await collect(messengerJson, folderContainer(fx('instagram-layout')));
    expect(r.chats).toHaveLength(1);
    expect(r.chats[0]).toMatchObject({ id: 'fb:inbox/carol_17841400000000000', title: 'carol.k', type: 'personal' });
    expect(r.messages.map((m) => [m.sender?.name, m.text, m.attachments.map((a) => [a.name, a.missing, a.size])])).toEqual([
      ['carol.k', 'Ночной город\nhttps://www.instagram.com/p/ABC123/', []],
      ['Ольга', '', [['ig1.jpg', false, 7]]],
      ['carol.k', 'Liked a message', []],
    ]);
  });

  it('repairs mojibake in names, content, title, file names and reactions; NFC', async () => {
    const r = await collect(messengerJson, fileContainer(fx('mojibake-everywhere.json')));
    expect(r.chats).toEqual([
      expect.objectContaining({ id: 'fb:inbox/zoe_9', title: 'Zoë и Иван', type: 'personal', rawType: 'Regular' }),
    ]);
    expect(r.messages.map((m) => [m.sender?.name, m.text])).toEqual([
      ['Zoë Ångström', 'decomposed Caf\u00e9'],
      ['Zoë Ångström', 'plain latin-1 café stays'],
      ['Zoë Ångström', 'Grüße aus Köln'],
      ['Иван Петров', 'Ещё раз 👍 — café'],
    ]);
    expect(r.messages[2]!.attachments).toEqual([
      { name: 'отчёт.pdf', kind: 'file', path: 'messages/inbox/zoe_9/files/отчёт.pdf', missing: true, missingReason: 'not-found' },
    ]);
    // Reactions are not in the shared model yet; the mapper repairs them.
    const raw = JSON.parse(await readFile(fx('mojibake-everywhere.json'), 'utf8')) as { messages: Record<string, unknown>[] };
    const mapped = mapMessengerMessage(raw.messages[0]!, { chat: 'fb:x', id: 'i', file: 'f', line: 1 });
    expect(mapped.reactions).toEqual([{ reaction: '😆', actor: 'Zoë Ångström' }]);
  });

  it('is_unsent, call_duration, Subscribe/Unsubscribe are events; shares add their link; a left group', async () => {
    const r = await collect(messengerJson, fileContainer(fx('unsent-call-share-group.json')));
    expect(r.chats[0]).toMatchObject({ id: 'fb:inbox/weekendplans_777', title: 'Weekend plans', type: 'group', rawType: 'RegularGroup', left: true });
    expect(r.messages.map((m) => [m.kind, m.action ?? null, m.sender?.name, m.text])).toEqual([
      ['message', null, 'Dana', 'Hans hat einen Anhang gesendet.'],
      ['event', 'join', 'Dana', 'Dana added Fay to the group.'],
      ['event', 'phone_call', 'Eli', 'Call (0 s)'],
      ['event', 'phone_call', 'Eli', 'The video chat ended.'],
      ['event', 'message_deleted', 'Dana', 'Dana unsent a message'],
      ['message', null, 'Eli', 'An article\nhttps://example.org/b'],
      ['message', null, 'Dana', 'look https://example.org/a'],
      ['event', 'leave', 'Fay', 'Fay left the group.'],
    ]);
    expect(countsOf(r)).toMatchObject({ messages: 3, events: 5 });
  });

  it('a truncated file keeps the messages before the cut, names the chat from the file, reports file and line', async () => {
    const r = await collect(messengerJson, fileContainer(fx('truncated.json')));
    expect(r.messages.map((m) => m.text)).toEqual(['kept 2', 'kept 1']);
    expect(r.chats).toEqual([expect.objectContaining({ id: 'fb:truncated', title: 'Gus, Hal', type: 'personal' })]);
    const t = r.problems.filter((p) => p.code === 'truncated');
    expect(t).toHaveLength(1);
    expect(t[0]).toMatchObject({ file: fx('truncated.json'), line: 6 });
  });

  it('entries that are not objects or have no time are reported with their line', async () => {
    const r = await collect(messengerJson, fileContainer(fx('bad-entries.json')));
    expect(r.messages.map((m) => [m.id, m.text, m.sentAt])).toEqual([
      ['1660000001000-0', 'also fine', '2022-08-08T23:06:41.000Z'],
      ['none-0', 'no time', null],
      ['1660000003000-0', 'fine', '2022-08-08T23:06:43.000Z'],
    ]);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ['bad-value', 6],
      ['bad-value', 5],
    ]);
  });

  it('a message_N.json that holds no thread makes no chat and is reported', async () => {
    const c = memoryContainer({ 'inbox/x_1/message_1.json': '{"something": "else"}', 'inbox/y_2/message_1.json': '{"participants": [{"name": "Y"}], "messages": []}' }, { kind: 'folder' });
    const r = await collect(messengerJson, c, { format: 'messenger-json', confidence: 1, entry: 'inbox/y_2/message_1.json' });
    expect(r.chats.map((ch) => [ch.id, ch.title])).toEqual([['fb:inbox/y_2', 'Y']]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'bad-value', file: '/mem/inbox/x_1/message_1.json', line: 1 })]);
  });

  it('reads the same thread identically in 1–7 byte chunks', async () => {
    const whole = await collect(messengerJson, folderContainer(fx('facebook-multi-file-thread')));
    const tiny = await collect(messengerJson, tinyChunked(folderContainer(fx('facebook-multi-file-thread')), 3));
    expect(tiny.messages).toEqual(whole.messages);
    expect(tiny.chats).toEqual(whole.chats);
  });

  it(`a file with more than ${BUFFER_LIMIT} messages is handed over as read (bounded memory), every message once`, async () => {
    const n = BUFFER_LIMIT + 1234;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`{"sender_name":"S","timestamp_ms":${1600000000000 + (n - i) * 1000},"content":"m${n - i}"}`);
    const json = `{"participants":[{"name":"S"},{"name":"T"}],"messages":[${parts.join(',')}],"title":"Big","thread_path":"inbox/big_1"}`;
    const r = await collect(messengerJson, memoryContainer({ 'message_1.json': json }, { chunks: chunksOf(1 << 16) }));
    expect(r.messages).toHaveLength(n);
    expect(new Set(r.messages.map((m) => m.id)).size).toBe(n);
    expect(r.chats).toHaveLength(1);
    // Read before the end of the file was reached: the thread path was not known yet, the file name stands in.
    expect(r.chats[0]!.id).toBe('fb:message_1');
    expect(r.messages[0]!.text).toBe(`m${n}`);
  });

  it('cancellation stops between files and throws the abort reason', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    const c = folderContainer(fx('facebook-multi-file-thread'));
    const d = (await messengerJson.detect(c))!;
    const run = messengerJson.parse(
      c,
      d,
      { chat() {}, contact() {}, problem() {}, message: (m) => (seen.push(m.id), ac.abort()) },
      { progress() {} },
      ac.signal,
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(6);
    const pre = new AbortController();
    pre.abort();
    await expect(messengerJson.parse(c, d, { chat() {}, contact() {}, problem() {}, message() {} }, { progress() {} }, pre.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('messenger-json parse: cancellation from a timer', () => {
  it('a timer can cancel a big in-memory read (the reader yields to the event loop)', async () => {
    const n = 300_000;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`{"sender_name":"S","timestamp_ms":${1600000000000 + (n - i) * 1000},"content":"message number ${n - i}"}`);
    const bytes = Buffer.from(`{"participants":[{"name":"S"}],"messages":[${parts.join(',')}],"title":"Big","thread_path":"inbox/big_1"}`);
    const c = memoryContainer({ 'message_1.json': bytes }, { chunks: chunksOf(1 << 16) });
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 20);
    const progress: number[] = [];
    const d = (await messengerJson.detect(c))!;
    await expect(
      messengerJson.parse(c, d, { chat() {}, contact() {}, problem() {}, message() {} }, { progress: (b) => progress.push(b) }, ac.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    clearTimeout(timer);
    expect(progress.at(-1) ?? 0).toBeLessThan(bytes.length);
  });
});

describe('messenger-json parse: robustness (property)', () => {
  let sources: Buffer[] = [];
  beforeAll(async () => {
    sources = await Promise.all(
      [fx('mojibake-everywhere.json'), fx('unsent-call-share-group.json'), fx('media-present-and-missing/messages/inbox/bob_1/message_1.json'), real('messenger/chat-analytics__2A_7M.json')].map((f) => readFile(f)),
    );
  });
  afterAll(() => {
    sources = [];
  });

  it('mutated and truncated inputs never throw, never hang, and every problem has file and line', async () => {
    const detection: Detection = { format: 'messenger-json', confidence: 1, entry: 'message_1.json', variant: 'single-thread' };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 512 }),
        async (which, cut, edits, chunk) => {
          const bytes = mutate(sources[which]!, cut, edits);
          const c = memoryContainer({ 'message_1.json': bytes }, { chunks: chunksOf(chunk) });
          const r = await withTimeout(collect(messengerJson, c, detection));
          for (const p of r.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file).toBe('/mem/message_1.json');
            expect(p.line).toBeGreaterThanOrEqual(1);
          }
          for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
          for (const ch of r.chats) expect(ChatSchema.safeParse(ch).success).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
