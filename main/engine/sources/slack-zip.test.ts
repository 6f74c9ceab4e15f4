/**
 * Slack export. The fixture tests/fixtures/slack-zip/workspace is one export whose channels are
 * named after the edge cases they hold; expected values come from reading its files (line numbers
 * are where each array element's `{` is; times from `date -u -d @<ts seconds>`).
 */
import { readdir, readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, ContactSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import { openZipContainer } from '../archive/zip.js';
import { writeZip } from '../../../tests/helpers/zip-writer.js';
import { mrkdwnToText } from './other/mrkdwn.js';
import { chunksOf, type Collected, collect, countsOf, fileContainer, folderContainer, memoryContainer, mutate, tinyChunked, withTimeout } from './other/testkit.js';
import { isoFromTs, slackZip } from './slack-zip.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const WS = path.join(repo, 'tests/fixtures/slack-zip/workspace');
const ws = (...p: string[]) => path.join(WS, ...p);
const real = (...p: string[]) => path.join(repo, '../shared/fixtures/real', ...p);

async function allFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await allFiles(dir, child)));
    else out.push(child);
  }
  return out.sort();
}

const inChat = (r: Collected, chat: string) => r.messages.filter((m) => m.chat === chat);

describe('slack-zip: mrkdwn and ts', () => {
  const names = { user: (id: string) => ({ U1: 'Ann' })[id] ?? null, channel: (id: string) => ({ C1: 'general' })[id] ?? null };
  it('decodes mentions, channel links, labelled links and the three entities', () => {
    expect(mrkdwnToText('<@U1> in <#C1|general> <#C1> read <https://x|label> &amp; &lt;b&gt;', names)).toBe('@Ann in #general #general read label (https://x) & <b>');
    expect(mrkdwnToText('<@U2|bea> <@U3> <!here> <https://a.example/x?y=1&amp;z=2>', names)).toBe('@bea @U3 @here https://a.example/x?y=1&z=2');
    expect(mrkdwnToText('a < b and c > d', names)).toBe('a < b and c > d');
    expect(mrkdwnToText('unterminated <@U1', names)).toBe('unterminated <@U1');
  });
  it('ts strings become UTC instants with milliseconds; junk does not', () => {
    expect(isoFromTs('1736554636.807919')).toBe('2025-01-11T00:17:16.807Z');
    expect(isoFromTs('1704103200')).toBe('2024-01-01T10:00:00.000Z');
    expect(isoFromTs(1704103200)).toBeNull();
    expect(isoFromTs('17041032x0.1')).toBeNull();
  });
});

describe('slack-zip detect', () => {
  it('claims the export folder and sizes every file it will read', async () => {
    const d = await slackZip.detect(folderContainer(WS));
    let size = 0;
    for (const f of await allFiles(WS)) if (/^(users|channels|groups|dms|mpims)\.json$|^[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.test(f)) size += (await stat(ws(f))).size;
    expect(d).toMatchObject({ format: 'slack-zip', confidence: 0.95, variant: 'workspace', entry: 'channels.json', size });
  });

  it('does not claim a lone users.json, nor a folder with users.json only', async () => {
    expect(await slackZip.detect(fileContainer(real('slack/slackdump__export_users.json')))).toBeNull();
    expect(await slackZip.detect(fileContainer(ws('users.json')))).toBeNull();
    expect(await slackZip.detect(memoryContainer({ 'users.json': await readFile(ws('users.json')), 'notes.txt': 'x' }))).toBeNull();
    // users.json must be a list of users.
    expect(await slackZip.detect(memoryContainer({ 'users.json': '{"users": []}', 'channels.json': '[]', 'general/2024-01-01.json': '[]' }))).toBeNull();
  });

  it("refuses the other formats' inputs", async () => {
    expect(await slackZip.detect(folderContainer(path.join(repo, 'tests/fixtures/telegram-json/full-account')))).toBeNull();
    expect(await slackZip.detect(folderContainer(path.join(repo, 'tests/fixtures/messenger-json/facebook-multi-file-thread')))).toBeNull();
    expect(await slackZip.detect(folderContainer(path.join(repo, 'tests/fixtures/discord-json/server-export')))).toBeNull();
    expect(await slackZip.detect(fileContainer(real('discord/chat-analytics__GC_3A_5M.json')))).toBeNull();
    expect(await slackZip.detect(folderContainer(real('messenger')))).toBeNull();
  });
});

describe('slack-zip parse', () => {
  let r: Collected;
  beforeAll(async () => {
    r = await collect(slackZip, folderContainer(WS));
  });

  it('counts: every conversation of the metadata is a chat, people are contacts, the owner is found', () => {
    expect(countsOf(r)).toEqual({ contacts: 3, chats: 13, messages: 29, events: 7, attachments: 4, attachmentsMissing: 4 });
    expect(r.owner).toEqual(['Olga Owner']);
    expect(r.contacts.map((c) => [c.id, c.name, c.self ?? false])).toEqual([
      ['slack:U01ALICE', 'Alice Adams', false],
      ['slack:U02BOB', 'Bob Brown', false],
      ['slack:U03OLGA', 'Olga Owner', true],
      ['slack:U04ZOE', 'Zoë Zed', false],
    ]);
    expect(r.contacts[0]).toMatchObject({
      given: 'Alice', family: 'Adams', note: 'Engineer', phones: [{ value: '+49 30 1234567' }], emails: [{ value: 'alice@example.com' }],
      handles: [{ value: 'alice', type: 'slack' }], sourceUserId: 'U01ALICE', source: { file: ws('users.json'), line: 2, id: 'U01ALICE' },
    });
    for (const c of r.contacts) expect(ContactSchema.safeParse(c).success).toBe(true);
    expect(r.chats.map((c) => [c.id, c.title, c.type, c.rawType])).toEqual([
      ['slack:C01THREAD', 'thread-spanning-day-files', 'group', 'public_channel'],
      ['slack:C02MRKDWN', 'mrkdwn', 'group', 'public_channel'],
      ['slack:C03PEOPLE', 'unknown-deleted-and-bot-senders', 'group', 'public_channel'],
      ['slack:C04EVENTS', 'joins-topics-tombstones', 'group', 'public_channel'],
      ['slack:C05FILES', 'files-without-bytes', 'group', 'public_channel'],
      ['slack:C06BROKEN', 'broken-day-file', 'group', 'public_channel'],
      ['slack:C07EMPTY', 'no-folder', 'group', 'public_channel'],
      ['slack:G01PRIV', 'private-plans', 'group', 'private_channel'],
      ['slack:D01ALICE', 'Alice Adams', 'personal', 'im'],
      ['slack:D02BOB', 'Bob Brown', 'personal', 'im'],
      ['slack:D03SELF', 'Olga Owner', 'saved', 'im'],
      ['slack:G02MPIM', 'Alice Adams, Bob Brown', 'group', 'mpim'],
      ['slack:folder-not-in-metadata', 'folder-not-in-metadata', 'unknown', undefined],
    ]);
    for (const c of r.chats) expect(ChatSchema.safeParse(c).success).toBe(true);
    for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
    expect(r.progress.at(-1)).toBe(r.detection.size);
  });

  it('thread spanning day files: every reply points at the parent ts, which is a message of the chat', () => {
    const t = inChat(r, 'slack:C01THREAD');
    expect(t.map((m) => [m.id, m.replyTo ?? null, m.sentAt])).toEqual([
      ['1704103200.000100', null, '2024-01-01T10:00:00.000Z'],
      ['1704103260.000200', '1704103200.000100', '2024-01-01T10:01:00.000Z'],
      ['1704189600.000300', '1704103200.000100', '2024-01-02T10:00:00.000Z'],
      ['1704189660.000400', '1704103200.000100', '2024-01-02T10:01:00.000Z'],
      ['1704189700.000500', null, '2024-01-02T10:01:40.000Z'],
    ]);
    expect(t[2]!.source.file).toBe(ws('thread-spanning-day-files/2024-01-02.json'));
    expect(t[3]!.kind).toBe('message'); // thread_broadcast is authored
    expect(t[4]!.editedAt).toBe('2024-01-02T10:02:40.000Z');
  });

  it('mrkdwn: mentions resolved to names, channel links, labelled links, entities, NFC', () => {
    expect(inChat(r, 'slack:C02MRKDWN').map((m) => m.text)).toEqual([
      'Hi @Alice Adams and @Bob Brown, see #thread-spanning-day-files and #mrkdwn',
      'Read the doc (https://x.example/doc?a=1&b=2) or https://y.example or z.example; mail olga@example.com',
      'Tom & Jerry <3 > *bold* _it_ ~st~ `code` @here @channel @eng Jan 3, 2024 @U09GHOST',
      'Zoë wrote this (decomposed)',
    ]);
  });

  it('deleted, unknown and external users; bot messages with and without a user', () => {
    expect(inChat(r, 'slack:C03PEOPLE').map((m) => [m.kind, m.sender])).toEqual([
      ['message', { name: 'Bob Brown', id: 'U02BOB' }],
      ['message', { name: null, id: 'U09GHOST' }],
      ['message', { name: 'Erin External', id: 'U08EXT' }],
      ['message', { name: 'deploybot', id: 'B01DEPLOY' }],
      ['message', { name: 'Webhook', id: 'B02HOOK' }],
      ['message', null],
      ['message', { name: 'Deploy Bot', id: 'U05BOT' }],
    ]);
  });

  it('joins, topics, purposes, pins, leaves and tombstones are events; unknown subtypes are listed once', () => {
    expect(inChat(r, 'slack:C04EVENTS').map((m) => [m.kind, m.action ?? null, m.text, m.replyTo ?? null])).toEqual([
      ['event', 'join', '@Alice Adams has joined the channel', null],
      ['event', 'edit_topic', '@Olga Owner set the channel topic: Plans & more', null],
      ['event', 'edit_purpose', '@Olga Owner set the channel purpose: x', null],
      ['event', 'message_deleted', '', null],
      ['message', null, 'Reply under a deleted parent', '1704448980.000400'],
      ['event', 'pin_message', 'pinned a message', null],
      ['event', 'brand_new_subtype', 'something new', null],
      ['event', 'leave', '@Alice Adams has left the channel', null],
    ]);
    const unknown = r.problems.filter((p) => p.code === 'unknown-action');
    expect(unknown).toEqual([
      expect.objectContaining({ file: ws('joins-topics-tombstones/2024-01-05.json'), line: 50, params: { count: 1, actions: 'brand_new_subtype' } }),
    ]);
  });

  it('files without bytes are missing "not-included" with name, type and size; deleted ones "unavailable"', () => {
    expect(inChat(r, 'slack:C05FILES').map((m) => m.attachments)).toEqual([
      [
        { name: 'diagram.png', kind: 'photo', mime: 'image/png', size: 1234, missing: true, missingReason: 'not-included' },
        { name: 'report.pdf', kind: 'file', mime: 'application/pdf', size: 56789, missing: true, missingReason: 'not-included' },
      ],
      [{ name: 'F03GONE', kind: 'file', missing: true, missingReason: 'unavailable' }],
      [{ name: 'clip', kind: 'video', mime: 'video/mp4', size: 99, missing: true, missingReason: 'not-included' }],
    ]);
    expect(r.problems.filter((p) => p.code === 'media-not-included')).toEqual([
      expect.objectContaining({ file: ws('files-without-bytes/2024-01-06.json'), line: 2, params: { count: 4 } }),
    ]);
    expect(r.problems.filter((p) => p.code === 'media-missing')).toEqual([]);
  });

  it('a broken day file is reported with file and line and does not stop the others', () => {
    expect(inChat(r, 'slack:C06BROKEN').map((m) => m.text)).toEqual([
      'before the broken day',
      'kept: before the damage',
      'kept: after the bad entry',
      'after the broken day',
    ]);
    const broken = r.problems.filter((p) => p.file.startsWith(ws('broken-day-file')));
    expect(broken.map((p) => [path.basename(p.file), p.code, p.severity, p.line])).toEqual([
      ['2024-01-08.json', 'syntax', 'warning', 8],
      ['2024-01-08.json', 'syntax', 'error', 20],
      ['2024-01-09.json', 'bad-value', 'warning', 8],
    ]);
    // Later folders were still read.
    expect(inChat(r, 'slack:folder-not-in-metadata').map((m) => m.text)).toEqual(['orphan']);
  });

  it('DM folders by id, channel and group DM folders by name', () => {
    expect(inChat(r, 'slack:D01ALICE').map((m) => m.text)).toEqual(['direct']);
    expect(inChat(r, 'slack:D03SELF').map((m) => m.text)).toEqual(['note to self']);
    expect(inChat(r, 'slack:G02MPIM').map((m) => m.text)).toEqual(['group dm']);
    expect(inChat(r, 'slack:G01PRIV').map((m) => m.text)).toEqual(['private']);
    expect(inChat(r, 'slack:D02BOB')).toEqual([]);
  });

  it('reads the same export from a zip (rooted in its top folder) and in 1–7 byte chunks', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-slack-'));
    try {
      const zip = path.join(dir, 'Acme Slack export.zip');
      const files = await allFiles(WS);
      await writeZip(zip, await Promise.all(files.map(async (f) => ({ name: `Acme Slack export Jan 1 2024 - Jan 11 2024/${f}`, data: await readFile(ws(f)) }))));
      const c = await openZipContainer(zip);
      try {
        const z = await collect(slackZip, c);
        expect(z.detection.size).toBe(r.detection.size);
        expect(z.messages.map((m) => ({ ...m, source: { ...m.source, file: '' } }))).toEqual(r.messages.map((m) => ({ ...m, source: { ...m.source, file: '' } })));
        expect(countsOf(z)).toEqual(countsOf(r));
      } finally {
        await c.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const tiny = await collect(slackZip, tinyChunked(folderContainer(WS), 5));
    expect(tiny.messages).toEqual(r.messages);
    expect(tiny.problems).toEqual(r.problems);
  });

  it('cancellation between files throws the abort reason', async () => {
    const ac = new AbortController();
    const c = folderContainer(WS);
    const d = (await slackZip.detect(c))!;
    let n = 0;
    await expect(
      slackZip.parse(c, d, { chat() {}, contact() {}, problem() {}, message: () => (n++, ac.abort()) }, { progress() {} }, ac.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(36);
  });
});

describe('slack-zip parse: cancellation from a timer', () => {
  it('a timer can cancel a read of thousands of small day files held in memory', async () => {
    const files: Record<string, string> = {
      'users.json': '[{"id": "U1", "name": "a", "real_name": "A"}]',
      'channels.json': '[{"id": "C1", "name": "general", "members": ["U1"]}]',
    };
    for (let d = 0; d < 4000; d++) {
      const day = new Date(Date.UTC(2010, 0, 1) + d * 86_400_000).toISOString().slice(0, 10);
      const ts = 1262304000 + d * 86400;
      files[`general/${day}.json`] = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ type: 'message', user: 'U1', text: `m${i} <@U1>`, ts: `${ts + i}.000100` })));
    }
    const c = memoryContainer(files, { kind: 'folder' });
    const d = (await slackZip.detect(c))!;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 20);
    let n = 0;
    await expect(slackZip.parse(c, d, { chat() {}, contact() {}, problem() {}, message: () => void n++ }, { progress() {} }, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
    clearTimeout(timer);
    expect(n).toBeLessThan(80_000);
  });
});

describe('slack-zip parse: robustness (property)', () => {
  const files: Record<string, Buffer> = {};
  const days = ['thread-spanning-day-files/2024-01-01.json', 'mrkdwn/2024-01-03.json', 'unknown-deleted-and-bot-senders/2024-01-04.json', 'files-without-bytes/2024-01-06.json', 'users.json', 'channels.json'];
  beforeAll(async () => {
    for (const f of await allFiles(WS)) files[f] = await readFile(ws(f));
  });

  it('a mutated or truncated file never throws, never hangs, and every problem has file and line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: days.length - 1 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 256 }),
        async (which, cut, edits, chunk) => {
          const target = days[which]!;
          const c = memoryContainer({ ...files, [target]: mutate(files[target]!, cut, edits) }, { kind: 'folder', chunks: chunksOf(chunk) });
          const d = await slackZip.detect(c);
          if (!d) return; // a mutated users.json may no longer look like one
          const res = await withTimeout(collect(slackZip, c, d));
          for (const p of res.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file.startsWith('/mem/')).toBe(true);
            expect(p.line).toBeGreaterThanOrEqual(1);
          }
          for (const m of res.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
          // The other days are read whatever happened to this one.
          expect(res.messages.some((m) => m.text === 'orphan')).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
