/**
 * Skype messages.json. Expected values come from reading the fixtures in
 * tests/fixtures/skype-json (line numbers are where each MessageList entry's `{` is).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, ContactSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import { htmlToText } from './other/text.js';
import { chunksOf, collect, countsOf, fileContainer, folderContainer, memoryContainer, mutate, tinyChunked, withTimeout } from './other/testkit.js';
import { skypeChatType, skypeJson, skypeMembers, sniffSkype } from './skype-json.js';
import type { Detection } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fx = (...p: string[]) => path.join(repo, 'tests/fixtures/skype-json', ...p);
const real = (...p: string[]) => path.join(repo, '../shared/fixtures/real', ...p);

describe('skype-json detect', () => {
  it('claims messages.json in a folder, or the file alone, by its head', async () => {
    const d = await skypeJson.detect(folderContainer(fx('one-to-one-and-group')));
    const size = (await readFile(fx('one-to-one-and-group/messages.json'))).length;
    expect(d).toEqual({ format: 'skype-json', confidence: 0.95, entry: 'messages.json', size });
    expect(await skypeJson.detect(fileContainer(fx('calls-partlist.json')))).toMatchObject({ format: 'skype-json', entry: 'calls-partlist.json' });
  });

  it("refuses the other formats' inputs", async () => {
    for (const f of [
      'telegram/chat-analytics__DM_2A_7M.json',
      'telegram/chat-history-manager__telegram_2023-10_audio-video__result.json',
      'messenger/chat-analytics__2A_7M.json',
      'discord/chat-analytics__DM_2A_2M.json',
      'slack/slackdump__export_dms.json',
    ]) {
      expect(await skypeJson.detect(fileContainer(real(f))), f).toBeNull();
    }
    expect(await skypeJson.detect(folderContainer(path.join(repo, 'tests/fixtures/slack-zip/workspace')))).toBeNull();
    expect(sniffSkype(Buffer.from('{"conversations": []}'))).toBe(0);
    expect(sniffSkype(Buffer.from('{"chats": {"list": []}, "userId": 1}'))).toBe(0);
  });
});

describe('skype-json parse', () => {
  it('1:1 conversations vs 19:…@thread.skype groups; members given as a JSON string; bots', async () => {
    const r = await collect(skypeJson, folderContainer(fx('one-to-one-and-group')));
    expect(r.chats.map((c) => [c.id, c.title, c.type])).toEqual([
      ['skype:8:live:bob', 'Bob Brown', 'personal'],
      ['skype:19:0a1b2c3d4e5f@thread.skype', 'Project & Plans', 'group'],
      ['skype:19:nonames@thread.skype', 'Bob Brown, Carol Cruz', 'group'],
      ['skype:28:concierge', 'Skype Concierge', 'bot'],
    ]);
    expect(r.contacts).toEqual([
      {
        id: 'skype:8:live:bob', name: 'Bob Brown', phones: [], emails: [], handles: [{ value: 'live:bob', type: 'skype' }], sourceUserId: '8:live:bob',
        source: { file: fx('one-to-one-and-group/messages.json'), line: 5, id: '8:live:bob' },
      },
    ]);
    expect(r.messages.map((m) => [m.chat, m.id, m.kind, m.action ?? null, m.sender, m.text])).toEqual([
      ['skype:8:live:bob', '1704189600000', 'message', null, { name: 'Bob Brown', id: '8:live:bob' }, 'Hi Alice'],
      ['skype:8:live:bob', '1704189660000', 'message', null, { name: null, id: '8:live:alice' }, 'Hi Bob'],
      ['skype:8:live:bob', '1704189720000', 'event', 'chat_created', { name: 'Bob Brown', id: '8:live:bob' }, ''],
      ['skype:19:0a1b2c3d4e5f@thread.skype', '1704276000000', 'message', null, { name: 'Carol Cruz', id: '8:live:carol' }, 'Welcome'],
      ['skype:19:0a1b2c3d4e5f@thread.skype', '1704276060000', 'event', 'invite_members', { name: null, id: '8:live:alice' }, 'Carol Cruz added Bob Brown, live:dave'],
      ['skype:19:0a1b2c3d4e5f@thread.skype', '1704276120000', 'event', 'remove_members', { name: 'Carol Cruz', id: '8:live:carol' }, 'Carol Cruz removed live:dave'],
      ['skype:19:0a1b2c3d4e5f@thread.skype', '1704276180000', 'event', 'edit_group_title', { name: 'Carol Cruz', id: '8:live:carol' }, 'Project & Plans'],
      ['skype:28:concierge', '1704362400000', 'message', null, { name: 'Skype Concierge', id: '28:concierge' }, 'Hello from a bot'],
    ]);
    expect(r.messages[2]!.sentAt).toBe('2024-01-02T10:02:00.123Z');
    expect(countsOf(r)).toEqual({ contacts: 1, chats: 4, messages: 4, events: 4, attachments: 0, attachmentsMissing: 0 });
    expect(r.problems).toEqual([]);
    expect(r.progress.at(-1)).toBe(r.detection.size);
    for (const c of r.chats) expect(ChatSchema.safeParse(c).success).toBe(true);
    for (const c of r.contacts) expect(ContactSchema.safeParse(c).success).toBe(true);
    expect(skypeMembers('["8:a","8:b"]')).toEqual(['8:a', '8:b']);
    expect(skypeMembers(['8:a', 3])).toEqual(['8:a']);
    expect(skypeMembers('not json')).toEqual([]);
    expect([skypeChatType('8:live:x'), skypeChatType('19:x@thread.v2'), skypeChatType('28:bot'), skypeChatType('48:calllogs')]).toEqual(['personal', 'group', 'bot', 'unknown']);
  });

  it('HTML/XML content is never kept as HTML: tags stripped to text, entities decoded, NFC', async () => {
    const r = await collect(skypeJson, fileContainer(fx('html-never-kept-as-html.json')));
    expect(r.messages.map((m) => m.text)).toEqual([
      'It\'s bold, italic & struck "quoted" <tag> 😀 😀',
      'Smile :) and Alice',
      'See the page (https://example.com/page?a=1&b=2) or https://example.org',
      "[09:00, 1 Feb 2024] Bob Brown: It's bold\n\n<<< Yes it is",
      'line one\nline two\nline three',
      'Erin Example (live:erin)',
      'Berlin, Germany (https://www.bing.com/maps/search?q=52.52,13.40)',
      'Plain text with a < sign and 3 > 2',
      'Caf\u00e9 ok',
    ]);
    for (const m of r.messages) {
      expect(m.kind).toBe('message');
      // None of the source's markup survives ('<tag>' above was escaped text in the source).
      expect(m.text).not.toMatch(/<\/?(b|i|s|a|ss|at|quote|legacyquote|br|e_m|contacts|c|location|script|img)\b/i);
    }
    expect(htmlToText('<b>x</b>&nbsp;&copy;&#0;&#xD800;&unknown;')).toBe('x\u00a0©\ufffd\ufffd&unknown;');
  });

  it('Event/Call <partlist>: started, ended with the longest duration, missed', async () => {
    const r = await collect(skypeJson, fileContainer(fx('calls-partlist.json')));
    expect(r.messages.map((m) => [m.kind, m.action, m.text])).toEqual([
      ['event', 'phone_call', 'Call started'],
      ['event', 'phone_call', 'Call ended (2 min 5 s)'],
      ['event', 'phone_call', 'Missed call'],
      ['event', 'phone_call', 'Call ended (42 s)'],
    ]);
  });

  it('edittime, deletetime, URIObject media and amsreferences (missing, not included), unknown types, bad times', async () => {
    const r = await collect(skypeJson, fileContainer(fx('edits-deletes-and-media.json')));
    expect(r.messages.map((m) => [m.id, m.kind, m.action ?? null, m.text, m.editedAt ?? null, m.sentAt])).toEqual([
      ['100', 'message', null, 'Fixed typo', '2024-03-01T08:02:00.000Z', '2024-03-01T08:00:00.000Z'],
      ['101', 'event', 'message_deleted', '', null, '2024-03-01T08:01:00.000Z'],
      ['102', 'message', null, '', null, '2024-03-01T08:02:00.000Z'],
      ['103', 'message', null, '', null, '2024-03-01T08:03:00.000Z'],
      ['104', 'message', null, '', null, '2024-03-01T08:04:00.000Z'],
      ['105', 'message', null, '', null, '2024-03-01T08:05:00.000Z'],
      ['106', 'event', 'Brand/NewType', 'new', null, '2024-03-01T08:06:00.000Z'],
      ['107', 'message', null, 'time is broken', null, null],
    ]);
    expect(r.messages.slice(2, 6).map((m) => m.attachments)).toEqual([
      [{ name: 'holiday.jpg', kind: 'photo', missing: true, missingReason: 'not-included' }],
      [{ name: 'report.pdf', kind: 'file', size: 48213, missing: true, missingReason: 'not-included' }],
      [{ name: 'audio-message.m4a', kind: 'voice', size: 2048, missing: true, missingReason: 'not-included' }],
      [{ name: '0-weu-d4-jkl', kind: 'video', missing: true, missingReason: 'not-included' }],
    ]);
    expect(countsOf(r)).toMatchObject({ messages: 6, events: 2, attachments: 4, attachmentsMissing: 4 });
    expect(r.problems.map((p) => [p.code, p.line, p.params?.count ?? null])).toEqual([
      ['bad-value', 108, null],
      ['media-not-included', 40, 4],
      ['unknown-action', 96, 1],
    ]);
  });

  it('a truncated file keeps what came before, names the conversation it was in, and says where it ends', async () => {
    const r = await collect(skypeJson, fileContainer(fx('truncated.json')));
    expect(r.chats.map((c) => [c.id, c.title])).toEqual([
      ['skype:8:live:bob', 'Bob Brown'],
      ['skype:19:0a1b2c3d4e5f@thread.skype', 'Team'],
    ]);
    expect(r.messages.map((m) => m.text)).toEqual(['complete conversation', 'kept']);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'truncated', file: fx('truncated.json'), line: 53 })]);
  });

  it('reads identically in 1–7 byte chunks', async () => {
    const whole = await collect(skypeJson, folderContainer(fx('one-to-one-and-group')));
    const tiny = await collect(skypeJson, tinyChunked(folderContainer(fx('one-to-one-and-group')), 9));
    expect(tiny.messages).toEqual(whole.messages);
    expect(tiny.chats).toEqual(whole.chats);
  });

  it('cancellation between chunks throws the abort reason', async () => {
    const ac = new AbortController();
    const c = tinyChunked(folderContainer(fx('one-to-one-and-group')), 3);
    const d = (await skypeJson.detect(c))!;
    let n = 0;
    await expect(
      skypeJson.parse(c, d, { chat() {}, contact() {}, problem() {}, message: () => (n++, ac.abort()) }, { progress() {} }, ac.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(8);
  });
});

describe('skype-json parse: robustness (property)', () => {
  let sources: Buffer[] = [];
  beforeAll(async () => {
    sources = await Promise.all(['one-to-one-and-group/messages.json', 'html-never-kept-as-html.json', 'edits-deletes-and-media.json'].map((f) => readFile(fx(f))));
  });

  it('mutated and truncated inputs never throw, never hang, and every problem has file and line', async () => {
    const detection: Detection = { format: 'skype-json', confidence: 1, entry: 'messages.json' };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 512 }),
        async (which, cut, edits, chunk) => {
          const c = memoryContainer({ 'messages.json': mutate(sources[which]!, cut, edits) }, { chunks: chunksOf(chunk) });
          const r = await withTimeout(collect(skypeJson, c, detection));
          for (const p of r.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file).toBe('/mem/messages.json');
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
