/**
 * Discord data package. Expected values come from reading the fixtures in
 * tests/fixtures/discord-package (CSV lines counted by hand: a record's line is where it starts).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, ContactSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import { discordPackage } from './discord-package.js';
import { CsvReader } from './other/csv.js';
import { quoteBigInts } from './other/json-walk.js';
import { chunksOf, collect, countsOf, fileContainer, folderContainer, memoryContainer, mutate, tinyChunked, withTimeout } from './other/testkit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fx = (...p: string[]) => path.join(repo, 'tests/fixtures/discord-package', ...p);
const real = (...p: string[]) => path.join(repo, '../shared/fixtures/real', ...p);

function csv(text: string, pieces = 0): { records: [string[], number][]; open: number | null } {
  const records: [string[], number][] = [];
  const r = new CsvReader((f, line) => records.push([f, line]));
  if (pieces === 0) r.push(text);
  else for (let i = 0; i < text.length; i += pieces) r.push(text.slice(i, i + pieces));
  return { records, open: r.end() };
}

describe('discord-package: CSV reader and exact ids', () => {
  it('reads quoted multi-line fields, doubled quotes, CRLF, blank lines, a BOM; records know their line', () => {
    const text = '\uFEFFID,Contents\r\n1,"two\r\nlines, ""quoted"""\r\n\r\n2,plain\n3,"x"y,\n';
    const expected = { records: [[['ID', 'Contents'], 1], [['1', 'two\r\nlines, "quoted"'], 2], [['2', 'plain'], 5], [['3', 'xy', ''], 6]], open: null };
    expect(csv(text)).toEqual(expected);
    for (const n of [1, 2, 3, 5]) expect(csv(text, n)).toEqual(expected);
    expect(csv('1,"never closed\nmore')).toEqual({ records: [], open: 1 });
    expect(csv('a,b')).toEqual({ records: [[['a', 'b'], 1]], open: null });
  });

  it('quotes integers of 16+ digits outside strings, so snowflakes survive JSON.parse', () => {
    expect(JSON.parse(quoteBigInts('{"ID": 710000000000000001, "n": 12, "s": "1234567890123456789", "f": 1.2345678901234567e5}'))).toEqual({
      ID: '710000000000000001', n: 12, s: '1234567890123456789', f: 123456.78901234567,
    });
    expect(quoteBigInts('[-7100000000000000012, "a\\"1234567890123456789"]')).toBe('["-7100000000000000012", "a\\"1234567890123456789"]');
  });
});

describe('discord-package detect', () => {
  it('claims old and new packages (case-insensitive folder names) and a bare messages folder', async () => {
    const old = await discordPackage.detect(folderContainer(fx('old-csv-package')));
    let size = 0;
    for (const f of ['messages/index.json', 'account/user.json', ...[1, 2, 3].flatMap((n) => [`messages/60000000000000000${n}/channel.json`, `messages/60000000000000000${n}/messages.csv`])]) {
      size += (await stat(fx('old-csv-package', f))).size;
    }
    expect(old).toEqual({ format: 'discord-package', confidence: 0.95, entry: 'messages/index.json', variant: 'data-package', size });
    expect(await discordPackage.detect(folderContainer(fx('new-json-package')))).toMatchObject({ confidence: 0.95, entry: 'Messages/index.json' });
    expect(await discordPackage.detect(folderContainer(fx('messages-folder-only')))).toMatchObject({ confidence: 0.95, entry: 'index.json' });
  });

  it("refuses an index.json that is not Discord's, single files, and the other formats' inputs", async () => {
    expect(await discordPackage.detect(folderContainer(fx('not-a-package')))).toBeNull();
    expect(await discordPackage.detect(fileContainer(fx('old-csv-package/messages/index.json')))).toBeNull();
    expect(await discordPackage.detect(fileContainer(real('discord/chat-analytics__DM_2A_2M.json')))).toBeNull();
    expect(await discordPackage.detect(folderContainer(real('discord')))).toBeNull();
    expect(await discordPackage.detect(folderContainer(path.join(repo, 'tests/fixtures/slack-zip/workspace')))).toBeNull();
    expect(await discordPackage.detect(folderContainer(path.join(repo, 'tests/fixtures/messenger-json/facebook-multi-file-thread')))).toBeNull();
    expect(await discordPackage.detect(folderContainer(path.join(repo, 'tests/fixtures/telegram-json/full-account')))).toBeNull();
  });
});

describe('discord-package parse', () => {
  it('old package: CSV messages, index.json names, the owner and friends from account/user.json', async () => {
    const r = await collect(discordPackage, folderContainer(fx('old-csv-package')));
    const userFile = fx('old-csv-package/account/user.json');
    expect(r.owner).toEqual(['Olga O.']);
    expect(r.contacts).toEqual([
      {
        id: 'discord:111111111111111111', name: 'Olga O.', phones: [], emails: [{ value: 'olga@example.com' }], handles: [{ value: 'olga', type: 'discord' }],
        sourceUserId: '111111111111111111', self: true, source: { file: userFile, line: 1, id: '111111111111111111' },
      },
      {
        id: 'discord:222222222222222222', name: 'bob', phones: [], emails: [], handles: [{ value: 'bob#4321', type: 'discord' }],
        sourceUserId: '222222222222222222', source: { file: userFile, line: 9, id: '222222222222222222' },
      },
      {
        id: 'discord:444444444444444444', name: 'Best Friend', phones: [], emails: [], handles: [{ value: 'carol', type: 'discord' }],
        sourceUserId: '444444444444444444', source: { file: userFile, line: 31, id: '444444444444444444' },
      },
    ]);
    for (const c of r.contacts) expect(ContactSchema.safeParse(c).success).toBe(true);
    expect(r.chats.map((c) => [c.id, c.title, c.type, c.rawType])).toEqual([
      ['discord:600000000000000001', 'Direct Message with bob#4321', 'personal', '1'],
      ['discord:600000000000000002', 'general in Café Club', 'group', '0'],
      ['discord:600000000000000003', 'announcements in Café Club', 'channel', '5'],
    ]);
    const olga = { name: 'Olga O.', id: '111111111111111111' };
    expect(r.messages.map((m) => [m.chat.slice(-2), m.id, m.sentAt, m.text, m.sender, m.source.line])).toEqual([
      ['01', '700000000000000003', '2020-04-29T19:37:33.587Z', 'A message\nover two lines, with "quotes"', olga, 2],
      ['01', '700000000000000002', '2020-04-29T19:30:00.000Z', 'Photos!', olga, 4],
      ['01', '700000000000000001', null, 'Hi Bob', olga, 6],
      ['02', '700000000000000010', '2021-01-01T00:00:00.000Z', 'Happy new year ', olga, 2],
      ['03', '700000000000000020', '2021-02-01T10:00:00.000Z', 'Read the rules', olga, 2],
    ]);
    expect(r.messages[1]!.attachments).toEqual([
      { name: 'IMG_0001.jpg', kind: 'photo', missing: true, missingReason: 'not-included' },
      { name: 'clip one.mp4', kind: 'video', missing: true, missingReason: 'not-included' },
    ]);
    expect(countsOf(r)).toEqual({ contacts: 2, chats: 3, messages: 5, events: 0, attachments: 2, attachmentsMissing: 2 });
    const ch = (n: number) => fx(`old-csv-package/messages/60000000000000000${n}/messages.csv`);
    expect(r.problems.map((p) => [p.file, p.code, p.line, p.params?.count ?? null])).toEqual([
      [ch(1), 'bad-value', 6, null],
      [ch(2), 'bad-value', 3, null],
      [ch(3), 'truncated', 3, null],
      [ch(1), 'media-not-included', 4, 2],
    ]);
    expect(r.progress.at(-1)).toBe(r.detection.size);
    for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
  });

  it('new package: Capitalised folders, c/C prefixes, string types, JSON messages with numeric snowflakes kept exact', async () => {
    const r = await collect(discordPackage, folderContainer(fx('new-json-package')));
    expect(r.owner).toEqual(['olga']);
    expect(countsOf(r)).toEqual({ contacts: 0, chats: 2, messages: 3, events: 0, attachments: 1, attachmentsMissing: 1 });
    expect(r.chats.map((c) => [c.id, c.title, c.type, c.rawType, path.basename(c.source.file)])).toEqual([
      ['discord:610000000000000001', 'Direct Message with Unknown Participant', 'personal', 'DM', 'channel.json'],
      ['discord:610000000000000002', 'Group chat', 'group', 'GROUP_DM', 'Channel.json'],
    ]);
    expect(r.messages.map((m) => [m.id, m.sentAt, m.text])).toEqual([
      ['710000000000000001', '2024-05-18T10:22:10.000Z', 'Hello from the new format'],
      ['710000000000000002', '2024-05-18T10:23:11.000Z', 'Zo\u00eb (decomposed) and a number 12345678901234567890 in text'],
      ['710000000000000010', '2024-06-01T06:00:00.500Z', 'With an offset'],
    ]);
    expect(r.messages[1]!.attachments).toEqual([{ name: 'doc.pdf', kind: 'file', missing: true, missingReason: 'not-included' }]);
    expect(r.problems.map((p) => [path.basename(p.file), p.code, p.line])).toEqual([
      ['Messages.json', 'bad-value', 8],
      ['messages.json', 'media-not-included', 8],
    ]);
  });

  it('the messages folder alone: no owner, senders unknown', async () => {
    const r = await collect(discordPackage, folderContainer(fx('messages-folder-only')));
    expect(r.chats).toEqual([expect.objectContaining({ id: 'discord:620000000000000001', title: 'thread-talk in Café Club', type: 'group', rawType: '11' })]);
    expect(r.messages).toEqual([expect.objectContaining({ id: '720000000000000001', sender: null, sentAt: '2022-02-02T02:02:02.000Z', text: 'In a thread' })]);
    expect(r.contacts).toEqual([]);
    for (const c of r.chats) expect(ChatSchema.safeParse(c).success).toBe(true);
  });

  it('reads identically in 1–7 byte chunks (CSV and JSON)', async () => {
    for (const dir of ['old-csv-package', 'new-json-package']) {
      const whole = await collect(discordPackage, folderContainer(fx(dir)));
      const tiny = await collect(discordPackage, tinyChunked(folderContainer(fx(dir)), 13));
      expect(tiny.messages, dir).toEqual(whole.messages);
      expect(tiny.problems, dir).toEqual(whole.problems);
    }
  });

  it('cancellation between channels throws the abort reason', async () => {
    const ac = new AbortController();
    const c = folderContainer(fx('old-csv-package'));
    const d = (await discordPackage.detect(c))!;
    let n = 0;
    await expect(
      discordPackage.parse(c, d, { chat() {}, contact() {}, problem() {}, message: () => (n++, ac.abort()) }, { progress() {} }, ac.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(5);
  });
});

describe('discord-package parse: robustness (property)', () => {
  const files: Record<string, Buffer> = {};
  const targets = ['messages/index.json', 'account/user.json', 'messages/600000000000000001/messages.csv', 'messages/600000000000000001/channel.json', 'messages/600000000000000002/messages.json'];
  beforeAll(async () => {
    for (const f of ['messages/index.json', 'account/user.json', 'messages/600000000000000001/channel.json', 'messages/600000000000000001/messages.csv']) {
      files[f] = await readFile(fx('old-csv-package', f));
    }
    files['messages/600000000000000002/channel.json'] = await readFile(fx('new-json-package/Messages/c610000000000000001/channel.json'));
    files['messages/600000000000000002/messages.json'] = await readFile(fx('new-json-package/Messages/c610000000000000001/messages.json'));
  });

  it('a mutated or truncated file never throws, never hangs, and every problem has file and line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: targets.length - 1 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 256 }),
        async (which, cut, edits, chunk) => {
          const t = targets[which]!;
          const c = memoryContainer({ ...files, [t]: mutate(files[t]!, cut, edits) }, { kind: 'folder', chunks: chunksOf(chunk) });
          const d = await discordPackage.detect(c);
          if (!d) return; // a mutated index.json may no longer look like Discord's
          const r = await withTimeout(collect(discordPackage, c, d));
          for (const p of r.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file.startsWith('/mem/')).toBe(true);
            expect(p.line).toBeGreaterThanOrEqual(1);
          }
          for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
          for (const ch of r.chats) expect(ChatSchema.safeParse(ch).success).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });
});
