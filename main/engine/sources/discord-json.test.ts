/**
 * DiscordChatExporter JSON. Expected values come from reading the fixtures in
 * tests/fixtures/discord-json (line numbers are where each message object's `{` is) and the byte
 * sizes of the downloaded media files.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import { discordJson, sniffDiscordExport } from './discord-json.js';
import { discordChatType } from './other/discord.js';
import { chunksOf, collect, countsOf, fileContainer, folderContainer, memoryContainer, mutate, tinyChunked, withTimeout } from './other/testkit.js';
import type { Detection } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fx = (...p: string[]) => path.join(repo, 'tests/fixtures/discord-json', ...p);
const real = (...p: string[]) => path.join(repo, '../shared/fixtures/real', ...p);

describe('discord-json detect', () => {
  it('claims DiscordChatExporter files (guild + channel + messages in the head)', async () => {
    for (const f of ['chat-analytics__DM_2A_2M.json', 'chat-analytics__GC_3A_5M.json', 'chat-analytics__SV_5A_5M.json']) {
      const d = await discordJson.detect(fileContainer(real('discord', f)));
      expect(d, f).toMatchObject({ format: 'discord-json', entry: f, variant: 'channel' });
      expect(d!.confidence).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('claims a folder of exported channels, only the files that are exports, sized together', async () => {
    const d = await discordJson.detect(folderContainer(fx('server-export')));
    const size = (await readFile(fx('server-export/announcements.json'))).length + (await readFile(fx('server-export/general.json'))).length;
    expect(d).toMatchObject({ format: 'discord-json', entry: 'announcements.json', variant: 'channels', size });
  });

  it("refuses the other formats' inputs", async () => {
    for (const f of [
      'telegram/chat-analytics__DM_2A_7M.json',
      'telegram/chat-history-manager__telegram_2021-06_supergroup__result.json',
      'messenger/chat-analytics__2A_7M.json',
      'messenger/messenger_message_1_mojibake.json',
      'slack/slackdump__export_channels.json',
      'slack/slackdump__export_users.json',
    ]) {
      expect(await discordJson.detect(fileContainer(real(f))), f).toBeNull();
    }
    expect(await discordJson.detect(folderContainer(real('messenger')))).toBeNull();
    expect(sniffDiscordExport(Buffer.from('{"userId": "live:x", "exportDate": "2024", "conversations": []}'))).toBe(0);
    expect(sniffDiscordExport(Buffer.from('{"channel": {}, "messages": []}'))).toBe(0);
    expect(sniffDiscordExport(Buffer.from('[{"ID": 1, "Contents": "package messages.json"}]'))).toBe(0);
  });
});

describe('discord-json parse', () => {
  it('maps kinds: authored messages, replies in the same channel, edits, events, unknown kinds', async () => {
    const r = await collect(discordJson, fileContainer(fx('kinds-replies-edits.json')));
    expect(r.chats).toEqual([
      {
        id: 'discord:900000000000000010',
        title: 'general (Café Club)',
        type: 'group',
        rawType: 'GuildTextChat',
        source: { file: fx('kinds-replies-edits.json'), line: 3, id: '900000000000000010' },
      },
    ]);
    expect(r.messages.map((m) => [m.id, m.kind, m.action ?? null, m.sender, m.sentAt, m.replyTo ?? null])).toEqual([
      ['900000000000000100', 'event', 'join', { name: 'Ada L.', id: '800000000000000001' }, '2024-03-01T10:00:00.000Z', null],
      ['900000000000000101', 'message', null, { name: 'Ada L.', id: '800000000000000001' }, '2024-03-01T10:30:15.500Z', null],
      ['900000000000000102', 'message', null, { name: 'grace', id: '800000000000000002' }, '2024-03-01T10:32:00.000Z', '900000000000000101'],
      ['900000000000000103', 'message', null, { name: 'News Bot', id: '800000000000000003' }, '2024-03-01T10:33:00.000Z', null],
      ['900000000000000104', 'event', 'pin_message', { name: 'Ada L.', id: '800000000000000001' }, '2024-03-01T10:34:00.000Z', '900000000000000101'],
      ['900000000000000105', 'event', 'thread_created', { name: 'grace', id: '800000000000000002' }, '2024-03-01T10:35:00.000Z', null],
      ['900000000000000106', 'event', 'UserPremiumGuildSubscription', { name: 'grace', id: '800000000000000002' }, '2024-03-01T10:36:00.000Z', null],
      ['900000000000000108', 'message', null, { name: 'grace', id: '800000000000000002' }, null, null],
    ]);
    const edited = r.messages[1]!;
    expect(edited.editedAt).toBe('2024-03-01T10:31:00.000Z');
    expect(edited.text).toBe('Hello @grace, see attached');
    expect(edited.attachments).toEqual([
      { name: 'plan v2.pdf', kind: 'file', size: 20480, missing: true, missingReason: 'not-included' },
      { name: 'Wave', kind: 'sticker', missing: true, missingReason: 'not-included' },
    ]);
    expect(countsOf(r)).toEqual({ contacts: 0, chats: 1, messages: 4, events: 4, attachments: 2, attachmentsMissing: 2 });
    expect(r.problems.map((p) => [p.code, p.line, p.params?.count ?? null])).toEqual([
      ['bad-value', 53, null],
      ['bad-value', 57, null],
      ['media-not-included', 12, 2],
      ['unknown-action', 47, 1],
    ]);
    for (const m of r.messages) expect(MessageSchema.safeParse(m).success).toBe(true);
  });

  it('an announcement channel is a channel; DMs personal, group DMs group (type table)', async () => {
    const r = await collect(discordJson, fileContainer(fx('announcements-channel.json')));
    expect(r.chats).toEqual([expect.objectContaining({ id: 'discord:900000000000000020', title: 'announcements (Café Club)', type: 'channel' })]);
    expect(r.messages).toEqual([]);
    expect([discordChatType('DirectTextChat'), discordChatType('DirectGroupTextChat'), discordChatType('GuildTextChat'), discordChatType('GuildPublicThread'), discordChatType('GuildNewsChat'), discordChatType('GuildCategory')]).toEqual(
      ['personal', 'group', 'group', 'group', 'channel', 'unknown'],
    );
    expect([discordChatType(1), discordChatType(3), discordChatType(0), discordChatType(5), discordChatType('GROUP_DM'), discordChatType('DM')]).toEqual(['personal', 'group', 'group', 'channel', 'group', 'personal']);
  });

  it('links attachments the exporter downloaded next to the file (also percent-encoded); reports the missing one', async () => {
    const r = await collect(discordJson, folderContainer(fx('downloaded-media')));
    expect(r.chats).toEqual([expect.objectContaining({ id: 'discord:910000000000000001', title: 'bob', type: 'personal', rawType: 'DirectTextChat' })]);
    expect(r.messages[0]!.attachments).toEqual([
      { name: 'photo.jpg', kind: 'photo', path: 'dm-with-bob.json_Files/photo-9F8E7.jpg', size: 12, missing: false },
      { name: 'holiday video.mp4', kind: 'video', path: 'dm-with-bob.json_Files/holiday video-1C2D3.mp4', size: 3, missing: false },
      { name: 'deleted.png', kind: 'photo', path: 'dm-with-bob.json_Files/deleted-4E5F6.png', size: 10, missing: true, missingReason: 'not-found' },
    ]);
    expect(r.messages[1]).toMatchObject({ kind: 'event', action: 'phone_call', text: 'Started a call that lasted 5 minutes.' });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'media-missing', line: 6, params: { count: 1 } })]);
  });

  it('reads every export in a folder of channels, one chat each', async () => {
    const r = await collect(discordJson, folderContainer(fx('server-export')));
    expect(r.chats.map((c) => c.id)).toEqual(['discord:900000000000000020', 'discord:900000000000000010']);
    expect(countsOf(r)).toEqual({ contacts: 0, chats: 2, messages: 4, events: 4, attachments: 2, attachmentsMissing: 2 });
    expect(r.progress.at(-1)).toBe(r.detection.size);
  });

  it('a truncated file keeps the complete messages and says where it ends', async () => {
    const r = await collect(discordJson, fileContainer(fx('truncated.json')));
    expect(r.chats.map((c) => c.id)).toEqual(['discord:900000000000000010']);
    expect(r.messages.map((m) => m.id)).toEqual(['900000000000000100']);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'truncated', file: fx('truncated.json'), line: 17 })]);
  });

  it('reads identically in 1–7 byte chunks', async () => {
    const whole = await collect(discordJson, fileContainer(fx('kinds-replies-edits.json')));
    const tiny = await collect(discordJson, tinyChunked(fileContainer(fx('kinds-replies-edits.json')), 11));
    expect(tiny.messages).toEqual(whole.messages);
    expect(tiny.problems).toEqual(whole.problems);
  });

  it('cancellation between chunks throws the abort reason', async () => {
    const ac = new AbortController();
    const c = tinyChunked(fileContainer(fx('kinds-replies-edits.json')), 5);
    const d = (await discordJson.detect(c))!;
    const seen: string[] = [];
    await expect(
      discordJson.parse(c, d, { chat() {}, contact() {}, problem() {}, message: (m) => (seen.push(m.id), ac.abort()) }, { progress() {} }, ac.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(8);
  });
});

describe('discord-json parse: robustness (property)', () => {
  let sources: Buffer[] = [];
  beforeAll(async () => {
    sources = await Promise.all([fx('kinds-replies-edits.json'), fx('downloaded-media/dm-with-bob.json'), real('discord/chat-analytics__SV_5A_5M.json')].map((f) => readFile(f)));
  });

  it('mutated and truncated inputs never throw, never hang, and every problem has file and line', async () => {
    const detection: Detection = { format: 'discord-json', confidence: 1, entry: 'x.json' };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 4 }),
        fc.integer({ min: 1, max: 512 }),
        async (which, cut, edits, chunk) => {
          const c = memoryContainer({ 'x.json': mutate(sources[which]!, cut, edits) }, { chunks: chunksOf(chunk) });
          const r = await withTimeout(collect(discordJson, c, detection));
          for (const p of r.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file).toBe('/mem/x.json');
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
