import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, ContactSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import type { Chat, Contact, Message, Problem } from '../../../shared/model/index.js';
import { FileContainer, FolderContainer } from './container.js';
import { telegramJson } from './telegram-json.js';
import type { Container, Detection } from './types.js';
import { memoryContainer, tinyChunks } from '../../../tests/helpers/source-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(repo, 'tests/fixtures/telegram-json');
const fx = (...p: string[]) => path.join(fixtures, ...p);

interface Result {
  messages: Message[];
  chats: Chat[];
  contacts: Contact[];
  problems: Problem[];
  owner: string[];
  progress: number[];
}

async function run(container: Container, detection?: Detection, signal = new AbortController().signal): Promise<Result> {
  const d = detection ?? (await telegramJson.detect(container));
  if (!d) throw new Error('not detected');
  const r: Result = { messages: [], chats: [], contacts: [], problems: [], owner: [], progress: [] };
  await telegramJson.parse(
    container,
    d,
    {
      message: (m) => r.messages.push(m),
      chat: (c) => r.chats.push(c),
      contact: (c) => r.contacts.push(c),
      problem: (p) => r.problems.push(p),
      owner: (n) => r.owner.push(n),
    },
    { progress: (n) => r.progress.push(n) },
    signal,
  );
  return r;
}

const fileContainer = (p: string) => new FileContainer(p, statSync(p).size);
const folder = (p: string) => new FolderContainer(p);
const msg = (r: Result, chat: string, id: string) => {
  const m = r.messages.find((x) => x.chat === chat && x.id === id);
  if (!m) throw new Error(`no message ${chat}/${id}`);
  return m;
};

/** A real folder/file container whose `open` hands out the entry in 1–7 byte chunks. */
function tinyChunked(inner: Container, seed: number): Container {
  return {
    kind: inner.kind,
    path: inner.path,
    list: () => inner.list(),
    listAll: (limit) => inner.listAll(limit),
    readHead: (rel, max) => inner.readHead(rel, max),
    open: (rel) => Readable.from(tinyChunks(readFileSync(path.join(inner.kind === 'file' ? path.dirname(inner.path) : inner.path, rel)), seed)),
    stat: (rel) => inner.stat(rel),
    display: (rel) => inner.display(rel),
    close: () => inner.close(),
  };
}

const memory = (name: string, bytes: Buffer, chunks?: (b: Buffer) => Iterable<Buffer>): Container => memoryContainer(name, bytes, { chunks });
const singleChat: Detection = { format: 'telegram-json', confidence: 1, entry: 'x.json', variant: 'single-chat' };

describe('telegram-json detect', () => {
  it('recognises a folder with result.json, single chat and full account', async () => {
    expect(await telegramJson.detect(folder(fx('single-chat-basic')))).toMatchObject({
      format: 'telegram-json', entry: 'result.json', variant: 'single-chat', confidence: expect.any(Number),
    });
    expect((await telegramJson.detect(folder(fx('single-chat-basic'))))!.confidence).toBeGreaterThanOrEqual(0.9);
    const full = await telegramJson.detect(folder(fx('full-account')));
    expect(full).toMatchObject({ entry: 'result.json', variant: 'full-account' });
    expect(full!.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('recognises single .json files, even damaged ones', async () => {
    for (const [name, variant] of [
      ['left-chats.json', 'full-account'],
      ['x-escapes.json', 'single-chat'],
      ['truncated.json', 'single-chat'],
      ['text-variants.json', 'single-chat'],
    ] as const) {
      const d = await telegramJson.detect(fileContainer(fx(name)));
      expect(d, name).toMatchObject({ entry: name, variant });
      expect(d!.confidence, name).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('does not claim other JSON, other files or folders without result.json', async () => {
    for (const name of ['discord-like.json', 'messenger-like.json', 'plain-object.json', 'array-root.json', 'table.csv']) {
      const d = await telegramJson.detect(fileContainer(fx('not-telegram', name)));
      expect(d === null || d.confidence < 0.3, name).toBe(true);
    }
    expect(await telegramJson.detect(folder(fx('not-telegram')))).toBeNull();
  });

  it('reads only the head of the file', async () => {
    const reads: number[] = [];
    const big = Buffer.concat([Buffer.from('{"name": "x", "type": "personal_chat", "id": 1, "messages": ['), Buffer.alloc(1 << 20, 0x20), Buffer.from(']}')]);
    const c = memory('big.json', big);
    const spy: Container = { ...c, readHead: (rel, max) => (reads.push(max), c.readHead(rel, max)), open: () => { throw new Error('detect must not open the stream'); } };
    expect(await telegramJson.detect(spy)).toMatchObject({ variant: 'single-chat' });
    expect(reads).toEqual([64 * 1024]);
  });
});

describe('telegram-json parse: single chat', () => {
  let r: Result;
  const file = fx('single-chat-basic', 'result.json');
  beforeAll(async () => {
    r = await run(folder(fx('single-chat-basic')));
  });

  it('emits the root as one chat', () => {
    expect(r.chats).toEqual([
      { id: 'tg:4242', title: 'Анна Петрова', type: 'personal', rawType: 'personal_chat', source: { file, line: 1, id: '4242' } },
    ]);
  });

  it('maps messages with UTC times, senders, replies and edits', () => {
    expect(r.messages.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(msg(r, 'tg:4242', '1')).toEqual({
      chat: 'tg:4242',
      id: '1',
      kind: 'message',
      sentAt: '2024-01-01T10:00:00Z',
      sender: { name: 'Анна Петрова', id: 'user4242' },
      text: 'Привет! 👋',
      attachments: [],
      source: { file, line: 6, id: '1' },
    });
    expect(msg(r, 'tg:4242', '2').replyTo).toBe('1');
    expect(msg(r, 'tg:4242', '4').editedAt).toBe('2024-01-01T10:10:00Z');
    expect(msg(r, 'tg:4242', '5')).toMatchObject({ kind: 'event', action: 'phone_call', sender: { name: 'Анна Петрова', id: 'user4242' } });
  });

  it('links media present on disk (with size), and marks the missing one', () => {
    expect(msg(r, 'tg:4242', '2').attachments).toEqual([
      { name: 'photo_1@01-01-2024_13-01-00.jpg', kind: 'photo', path: 'photos/photo_1@01-01-2024_13-01-00.jpg', missing: false, size: 9 },
    ]);
    // A name with spaces and " (2)"; the thumbnail is not an attachment.
    expect(msg(r, 'tg:4242', '3').attachments).toEqual([
      { name: 'report (2).pdf', kind: 'file', path: 'files/report (2).pdf', mime: 'application/pdf', missing: false, size: 15 },
    ]);
    expect(msg(r, 'tg:4242', '4').attachments).toEqual([
      { name: 'photo_2@01-01-2024_13-03-00.jpg', kind: 'photo', path: 'photos/photo_2@01-01-2024_13-03-00.jpg', missing: true, missingReason: 'not-found' },
    ]);
  });

  it('reports missing media once per file, with a count', () => {
    expect(r.problems).toEqual([
      { file, line: 56, code: 'media-missing', severity: 'warning', message: expect.stringContaining('photos/photo_2@01-01-2024_13-03-00.jpg'), params: { count: 1 } },
    ]);
  });

  it('reports progress up to the file size', () => {
    expect(r.progress.at(-1)).toBe(statSync(file).size);
  });
});

describe('telegram-json parse: full account', () => {
  let r: Result;
  const file = fx('full-account', 'result.json');
  beforeAll(async () => {
    r = await run(folder(fx('full-account')));
  });

  it('reads contacts and the owner, not frequent contacts', () => {
    expect(r.owner).toEqual(['Иван Смирнов']);
    expect(r.contacts.map((c) => [c.id, c.name, c.phones.map((p) => p.value), c.self ?? false])).toEqual([
      ['tg-contact:user1000', 'Иван Смирнов', ['+7 999 123 4567'], true],
      ['tg-contact:user2001', 'Anna Lee', ['+1 555 0100'], false],
      ['tg-contact:1', 'Anna Lee', ['+1 555 0199'], false],
      ['tg-contact:2', '+44 20 7946 0000', ['+44 20 7946 0000'], false],
      ['tg-contact:3', '', [], false],
    ]);
    expect(r.contacts[0]).toMatchObject({ handles: [{ value: '@ivan', type: 'telegram' }], note: 'Тест', sourceUserId: 'user1000', source: { file, line: 3 } });
  });

  it('reads chats and left chats with their types and titles', () => {
    expect(r.chats.map((c) => [c.id, c.title, c.type, c.rawType, c.left ?? false])).toEqual([
      ['tg:1000', 'Saved Messages', 'saved', 'saved_messages', false],
      ['tg:2001', 'Anna Lee', 'personal', 'personal_chat', false],
      ['tg:3003', 'Deleted Account', 'personal', 'personal_chat', false],
      ['tg:5005', 'Work group', 'group', 'private_supergroup', false],
      ['tg:6006', 'News', 'channel', 'public_channel', false],
      ['tg:7007', 'Mystery', 'unknown', '', false],
      ['tg:8008', 'Helper', 'bot', 'bot_chat', false],
      ['tg:9009', 'Old group', 'group', 'private_group', true],
    ]);
  });

  it('skips unknown top-level keys, even ones holding "messages"', () => {
    expect(r.messages.some((m) => m.text.includes('must not be read'))).toBe(false);
    // 1 saved + 2 + 1 + 4 + 1 + 0 + 1 in chats, 2 in left_chats.
    expect(r.messages).toHaveLength(12);
  });

  it('keeps the same message id in two chats as two messages', () => {
    expect(msg(r, 'tg:1000', '10').text).toBe('note to self');
    expect(msg(r, 'tg:2001', '10').text).toBe('same id as the saved message, other chat');
    expect(msg(r, 'tg:2001', '11')).toMatchObject({ forwardedFrom: 'Someone Else', replyTo: '10' });
  });

  it('keeps from:null senders with their id', () => {
    expect(msg(r, 'tg:3003', '1').sender).toEqual({ name: null, id: 'user3003' });
  });

  it('maps vcards, placeholders and missing files', () => {
    expect(msg(r, 'tg:5005', '2').attachments).toEqual([
      { name: 'contact_1.vcard', kind: 'contact', path: 'chats/chat_004/contacts/contact_1.vcard', mime: 'text/vcard', missing: false, size: 63 },
    ]);
    expect(msg(r, 'tg:5005', '3').attachments).toEqual([{ name: 'video', kind: 'video', mime: 'video/mp4', missing: true, missingReason: 'not-included' }]);
    expect(msg(r, 'tg:5005', '4').attachments).toEqual([
      { name: 'audio_1@01-04-2021_09-03-00.ogg', kind: 'voice', path: 'chats/chat_004/voice_messages/audio_1@01-04-2021_09-03-00.ogg', mime: 'audio/ogg', missing: true, missingReason: 'not-found' },
    ]);
    expect(msg(r, 'tg:8008', '1').text).toBe('/start');
    expect(msg(r, 'tg:9009', '1')).toMatchObject({ kind: 'event', action: 'create_group' });
  });

  it('sums up media problems', () => {
    expect(r.problems.map((p) => [p.code, p.params])).toEqual([
      ['media-missing', { count: 1 }],
      ['media-not-included', { count: 1, notIncluded: 1, tooLarge: 0, unavailable: 0 }],
    ]);
  });
});

describe('telegram-json parse: edge cases', () => {
  it('text as string, entity array, array with "", empty, absent', async () => {
    const r = await run(fileContainer(fx('text-variants.json')));
    expect(r.messages.map((m) => m.text)).toEqual(['plain string', 'Look: https://example.org and this!', '@someone', '', '', '🙂']);
    expect(r.problems).toEqual([]);
  });

  it('\\xHH control characters become characters; \\\\x41 stays literal', async () => {
    const r = await run(fileContainer(fx('x-escapes.json')));
    expect(r.chats[0]!.title).toBe('Esc\u001bChat');
    expect(r.messages.map((m) => m.text)).toEqual([
      'bell\u0007 vtab\u000b end',
      '\\x41 is not an escape',
      '\\\u0007 backslash then bell',
      'part\u0001\u001f bold',
      'Кириллица\u000b и \u2028 разделитель',
    ]);
    expect(r.messages[0]!.sender).toEqual({ name: 'Ольга', id: 'user1' });
    expect(r.problems).toEqual([]);
  });

  it('service entries without actor, unknown actions, information_text, unsupported, unknown types', async () => {
    const file = fx('service-edge-cases.json');
    const r = await run(fileContainer(file));
    const byId = (id: string) => msg(r, 'tg:13', id);
    expect(byId('1')).toMatchObject({ kind: 'event', action: 'proximity_reached', sender: null });
    expect(byId('2')).toMatchObject({ kind: 'event', action: 'future_action_2030' });
    expect(byId('3')).toMatchObject({ kind: 'event', action: 'custom' });
    expect(byId('4')).toMatchObject({ kind: 'event', action: 'unsupported', sentAt: null, sender: null, text: '' });
    expect(byId('5')).toMatchObject({ kind: 'event', action: 'invite_members' });
    expect(byId('6')).toMatchObject({ kind: 'message', sender: { name: null, id: 'user9' } });
    expect(byId('7').sender).toEqual({ name: 'Old Client', id: 'user123456' });
    expect(byId('8')).toMatchObject({ kind: 'event', action: 'unknown' });
    expect(byId('9').editedAt).toBeUndefined();
    expect(byId('10').editedAt).toBe('2023-11-15T00:00:00Z');
    expect(r.messages).toHaveLength(10);
    expect(r.problems).toEqual([
      { file, line: 13, code: 'bad-value', severity: 'warning', message: expect.stringContaining('mystery'), params: { line: 13, field: 'type', value: 'mystery' } },
      { file, line: 7, code: 'unknown-action', severity: 'info', message: expect.stringContaining('future_action_2030'), params: { count: 1, actions: 'future_action_2030' } },
    ]);
  });

  it('old exports: no date_unixtime (read as UTC, one warning), numeric from_id, 1970 edited sentinel', async () => {
    const file = fx('old-2020-no-unixtime.json');
    const r = await run(fileContainer(file));
    expect(r.messages.map((m) => [m.sentAt, m.editedAt, m.sender?.id])).toEqual([
      ['2020-03-01T10:00:00Z', undefined, 'user4242'],
      ['2020-03-01T10:05:00Z', '2020-03-01T10:06:00Z', 'user1000'],
      [null, undefined, 'user1000'],
    ]);
    expect(r.problems).toEqual([
      { file, line: 6, code: 'bad-value', severity: 'warning', message: expect.stringContaining('UTC'), params: { count: 2, field: 'date' } },
    ]);
  });

  it('each placeholder string gives a missing attachment with its reason', async () => {
    const r = await run(folder(fx('placeholders')));
    expect(r.messages.map((m) => m.attachments.map((a) => [a.kind, a.missing, a.missingReason]))).toEqual([
      [['video', true, 'not-included']],
      [['file', true, 'too-large']],
      [['file', true, 'unavailable']],
      [['photo', true, 'not-included']],
      [['photo', true, 'too-large']],
      [['photo', true, 'unavailable']],
      [['file', true, 'not-found']],
    ]);
    expect(r.messages[1]!.attachments[0]!.name).toBe('big.iso');
    expect(r.problems.map((p) => [p.code, p.line, p.params])).toEqual([
      ['media-missing', 21, { count: 1 }],
      ['media-not-included', 15, { count: 6, notIncluded: 2, tooLarge: 2, unavailable: 2 }],
    ]);
    expect(r.owner).toEqual(['Owner']);
  });

  it('left_chats are chats with left: true', async () => {
    const r = await run(fileContainer(fx('left-chats.json')));
    expect(r.chats.map((c) => [c.id, c.title, c.type, c.left])).toEqual([
      ['tg:31', 'Left group', 'group', true],
      ['tg:32', 'Left channel', 'channel', true],
    ]);
    expect(r.messages.map((m) => [m.chat, m.id, m.kind])).toEqual([
      ['tg:31', '1', 'message'],
      ['tg:31', '2', 'event'],
      ['tg:32', '1', 'message'],
    ]);
  });

  it('a truncated file keeps the messages before the cut and says where it ends', async () => {
    const file = fx('truncated.json');
    const r = await run(fileContainer(file));
    expect(r.messages.map((m) => m.text)).toEqual(['first', 'second']);
    expect(r.chats).toMatchObject([{ id: 'tg:555', title: 'Cut short', type: 'group' }]);
    expect(r.problems).toEqual([
      { file, line: 28, offset: 495, code: 'truncated', severity: 'error', message: expect.any(String), params: { line: 28, offset: 495 } },
    ]);
  });

  it('a syntax error mid-file keeps what came before and reports line and offset', async () => {
    const file = fx('syntax-error.json');
    const r = await run(fileContainer(file));
    expect(r.messages.map((m) => m.text)).toEqual(['ok 1', 'ok 2']);
    expect(r.chats.map((c) => c.id)).toEqual(['tg:15']);
    const offset = readFileSync(file).indexOf('@@@');
    expect(r.problems).toEqual([
      { file, line: 8, offset, code: 'syntax', severity: 'error', message: expect.stringContaining('line 8'), params: { line: 8, offset } },
    ]);
  });

  it('a malformed message is reported with its line and skipped; the rest is read', async () => {
    const file = fx('malformed-message.json');
    const r = await run(fileContainer(file));
    expect(r.messages.map((m) => m.id)).toEqual(['1', '3', '6']);
    const bytes = readFileSync(file);
    expect(r.problems.map((p) => [p.code, p.line, p.offset])).toEqual([
      ['syntax', 7, bytes.indexOf('{"id": 2')],
      ['bad-value', 9, bytes.indexOf('{"type": "message"')],
      ['bad-value', 10, bytes.indexOf('"not an object"')],
    ]);
  });

  it('null and other non-objects in a message list are reported, never dropped silently', async () => {
    const bytes = Buffer.from('{"personal_information": 5, "chats": {"list": [{"id": 1, "type": "personal_chat", "messages": [\nnull,\n5,\n{"id": 1, "type": "message", "text": "x"}]}]}}');
    const r = await run(memory('x.json', bytes), singleChat);
    expect(r.messages.map((m) => m.text)).toEqual(['x']);
    expect(r.problems.map((p) => [p.code, p.line])).toEqual([
      ['bad-value', 1],
      ['bad-value', 2],
      ['bad-value', 3],
    ]);
  });

  it('caps individual problems per kind and sums up the rest', async () => {
    const bad = Array.from({ length: 60 }, (_, i) => `{"type": "message", "text": "no id ${i}"}`).join(',\n');
    const bytes = Buffer.from(`{"name": "n", "type": "personal_chat", "id": 1, "messages": [\n${bad}\n]}`);
    const r = await run(memory('x.json', bytes), singleChat);
    expect(r.problems.filter((p) => p.code === 'bad-value' && p.params?.line !== undefined)).toHaveLength(50);
    expect(r.problems.at(-1)).toMatchObject({ code: 'bad-value', params: { count: 10 }, line: 52 });
  });

  it('chats without id get tg:<variant>-<index>', async () => {
    const bytes = Buffer.from('{"chats": {"list": [{"name": "A", "type": "personal_chat", "messages": [{"id": 1, "type": "message", "text": "x"}]}, {"name": "B", "type": "bot_chat", "messages": []}]}}');
    const r = await run(memory('x.json', bytes), { ...singleChat, variant: 'full-account' });
    expect(r.chats.map((c) => c.id)).toEqual(['tg:full-account-0', 'tg:full-account-1']);
    expect(r.messages[0]!.chat).toBe('tg:full-account-0');
    const single = await run(memory('y.json', Buffer.from('{"type": "saved_messages", "messages": [{"id": 1, "type": "message", "text": "x"}]}')), singleChat);
    expect(single.chats).toMatchObject([{ id: 'tg:single-chat-0', title: 'Saved Messages', type: 'saved' }]);
  });

  it('an I/O error mid-stream becomes a problem, not a throw', async () => {
    const head = Buffer.from('{"name": "n", "type": "personal_chat", "id": 1, "messages": [{"id": 1, "type": "message", "text": "kept"},');
    const c: Container = {
      ...memory('x.json', head),
      open: () =>
        Readable.from(
          (async function* () {
            yield head;
            throw Object.assign(new Error('disk gone'), { code: 'EIO' });
          })(),
        ),
    };
    const r = await run(c, singleChat);
    expect(r.messages.map((m) => m.text)).toEqual(['kept']);
    // One problem for the cut: the read error says where reading stopped.
    expect(r.problems).toEqual([
      { file: '/mem/x.json', line: 1, offset: head.length, code: 'unreadable', severity: 'error', message: expect.stringContaining('EIO'), params: { reason: 'EIO', offset: head.length } },
    ]);
    expect(r.chats).toMatchObject([{ id: 'tg:1', title: 'n' }]);
  });
});

describe('telegram-json parse: chunk boundaries', () => {
  const cases: [string, () => Container][] = [
    ['single-chat-basic', () => folder(fx('single-chat-basic'))],
    ['full-account', () => folder(fx('full-account'))],
    ['placeholders', () => folder(fx('placeholders'))],
    ...['x-escapes.json', 'truncated.json', 'left-chats.json', 'text-variants.json', 'service-edge-cases.json', 'old-2020-no-unixtime.json', 'syntax-error.json', 'malformed-message.json'].map(
      (n) => [n, () => fileContainer(fx(n))] as [string, () => Container],
    ),
  ];
  for (const [name, make] of cases) {
    it(`${name}: 1–7 byte chunks give exactly the same result`, async () => {
      const whole = await run(make());
      for (const seed of [1, 7, 42]) {
        const c = make();
        const d = (await telegramJson.detect(c))!;
        const r = await run(tinyChunked(c, seed), d);
        expect({ ...r, progress: [] }).toEqual({ ...whole, progress: [] });
        // Reading stops at a syntax error, so how far it got depends on the chunk size there.
        const stopsEarly = whole.problems.some((p) => p.code === 'syntax' && p.severity === 'error');
        if (!stopsEarly) expect(r.progress.at(-1)).toBe(whole.progress.at(-1));
      }
    });
  }
});

describe('telegram-json parse: robustness (property)', () => {
  const sources = ['full-account/result.json', 'x-escapes.json', 'service-edge-cases.json'].map((n) => readFileSync(fx(n)));
  const interesting = [...'{}[]",:\\x0 \n\u00e9'].map((ch) => Buffer.from(ch));

  it('random truncation and mutation never throw, never hang, and every problem has file and line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: interesting.length - 1 }), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 4096 }),
        async (which, cutSeed, edits, chunk) => {
          let bytes = sources[which]!;
          bytes = bytes.subarray(0, cutSeed % (bytes.length + 1));
          for (const [at, what, insert] of edits) {
            if (bytes.length === 0) break;
            const i = at % bytes.length;
            bytes = Buffer.concat([bytes.subarray(0, i), interesting[what]!, bytes.subarray(insert ? i : i + 1)]);
          }
          const c = memory('m.json', bytes, function* (b) {
            for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
          });
          let timer: NodeJS.Timeout | undefined;
          const r = await Promise.race([
            run(c, singleChat),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('parse hung')), 5000);
            }),
          ]).finally(() => clearTimeout(timer));
          for (const p of r.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file).toBe('/mem/x.json');
            expect(p.line).toBeGreaterThanOrEqual(1);
          }
          for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
          for (const ch of r.chats) expect(ChatSchema.safeParse(ch).success).toBe(true);
          for (const ct of r.contacts) expect(ContactSchema.safeParse(ct).success).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('telegram-json parse: progress and cancellation', () => {
  let dir: string;
  let big: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-tg-'));
    const gen = spawnSync(process.execPath, [path.resolve(repo, '../shared/tools/gen-telegram.mjs'), dir, '20000', '5'], { encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`generator failed: ${gen.stderr}`);
    big = path.join(dir, 'result.json');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a generated export and reports progress at least every few MB', async () => {
    const size = statSync(big).size;
    expect(size).toBeGreaterThan(5_000_000);
    const r = await run(folder(dir));
    expect(r.messages).toHaveLength(20000);
    expect(r.chats).toHaveLength(5);
    expect(r.contacts).toHaveLength(501);
    const gaps = r.progress.map((p, i) => p - (r.progress[i - 1] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(r.progress.at(-1)).toBe(size);
    expect([...r.progress].sort((a, b) => a - b)).toEqual(r.progress);
  });

  it('rejects with AbortError promptly when cancelled mid-file', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const c = folder(dir);
    const d = (await telegramJson.detect(c))!;
    const seen: Message[] = [];
    const chats: Chat[] = [];
    const p = telegramJson.parse(
      c,
      d,
      { message: (m) => seen.push(m), chat: (ch) => chats.push(ch), contact: () => {}, problem: () => {} },
      {
        progress: () => {
          if (!ac.signal.aborted) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      },
      ac.signal,
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(20000);
    // the chat being read when the user cancelled is still named, so partial counts make sense
    const open = seen.at(-1)!.chat;
    expect(chats.find((ch) => ch.id === open)).toMatchObject({ title: expect.stringMatching(/^Chat \d+ /), type: expect.stringMatching(/personal|group/) });
  });

  it('stops an endless stream that ignores the signal, between chunks', async () => {
    const head = Buffer.from('{"name": "n", "type": "personal_chat", "id": 1, "messages": [');
    const one = Buffer.from('{"id": 1, "type": "message", "text": "again"},\n'.repeat(2000));
    const c: Container = {
      ...memory('x.json', head),
      open: () =>
        Readable.from(
          (function* () {
            yield head;
            for (;;) yield one;
          })(),
        ),
    };
    const ac = new AbortController();
    const started = performance.now();
    setTimeout(() => ac.abort(), 50);
    const p = telegramJson.parse(c, singleChat, { message: () => {}, chat: () => {}, contact: () => {}, problem: () => {} }, { progress: () => {} }, ac.signal);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a missing entry is reported as unreadable, not thrown', async () => {
    const r = await run(folder(fx('not-telegram')), { ...singleChat, entry: 'no-such-file.json' });
    expect(r.problems.map((p) => [p.code, p.params?.reason, p.line])).toEqual([['unreadable', 'ENOENT', 1]]);
    expect(r.messages).toEqual([]);
  });

  it('an already aborted signal rejects before reading', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(run(folder(fx('single-chat-basic')), undefined, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
