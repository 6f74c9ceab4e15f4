/**
 * Every real Slack, Discord and Messenger sample (../shared/fixtures/real, read in place) through
 * the real entry points: registry detection + inventory counting, and the parsers for spot checks.
 *
 * Expected numbers were derived from the files themselves, not from the parsers: the Slack zip was
 * unpacked and its day files counted with `jq -s 'add | length'` (16 entries; subtypes
 * channel_join and tombstone are events, the other 14 messages; 2 entries carry one `files` item
 * each); users.json entries that are not bots/Slackbot are contacts (4; the loose sample: 6, of
 * which the owner, the member of the self-DM DGSP8D83S, is not counted: 5). Discord
 * `jq '[.messages[].type] | group_by(.)'` (Default → messages, the rest events) and
 * `attachments + stickers`. Messenger: entries per file, media entries (`photos`, `files`,
 * `audio_files`, `sticker`) none of which exist on disk. Times by `date -u -d @<seconds>`.
 */
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, SourceInventory } from '../../shared/model/index.js';
import { runInventory } from '../../main/engine/pipeline/inventory.js';
import { discordJson } from '../../main/engine/sources/discord-json.js';
import { discordPackage } from '../../main/engine/sources/discord-package.js';
import { mapMessengerMessage, messengerJson } from '../../main/engine/sources/messenger-json.js';
import { FileContainer } from '../../main/engine/sources/container.js';
import { openSource } from '../../main/engine/sources/registry.js';
import { parseSource, type ParsedSource } from '../helpers/source-harness.js';
import { skypeJson } from '../../main/engine/sources/skype-json.js';
import { slackZip } from '../../main/engine/sources/slack-zip.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const realDir = path.resolve(here, '../../../shared/fixtures/real');
const real = (...p: string[]) => path.join(realDir, ...p);
const SLACK_ZIP = real('slack/slackdump__source_export.zip');
const DM = real('discord/chat-analytics__DM_2A_2M.json');
const GC = real('discord/chat-analytics__GC_3A_5M.json');
const SV = real('discord/chat-analytics__SV_5A_5M.json');
const FB = real('messenger/chat-analytics__2A_7M.json');
const MOJIBAKE = real('messenger/messenger_message_1_mojibake.json');

const asOf = new Date('2026-01-01T00:00:00Z');
const noProgress = { progress: { report() {} } };

type Parsed = ParsedSource;

const parse = parseSource;

const counts = (s: SourceInventory) => ({
  format: s.format,
  contacts: s.contacts,
  chats: s.chats,
  messages: s.messages,
  events: s.events,
  attachments: s.attachments,
  attachmentsMissing: s.attachmentsMissing,
});
const msg = (r: Parsed, id: string): Message => {
  const m = r.messages.find((x) => x.id === id);
  if (!m) throw new Error(`no message ${id}`);
  return m;
};

let looseSlack = '';
beforeAll(async () => {
  // The loose Slack files are parts of one export: put them together under their export names.
  looseSlack = await mkdtemp(path.join(os.tmpdir(), 'pereezd-slack-loose-'));
  for (const name of ['users', 'channels', 'dms', 'mpims']) await copyFile(real(`slack/slackdump__export_${name}.json`), path.join(looseSlack, `${name}.json`));
});
afterAll(async () => {
  if (looseSlack) await rm(looseSlack, { recursive: true, force: true });
});

describe('real samples: inventory counts through the registry', () => {
  it('every real Slack, Discord and Messenger sample, exact counts', async () => {
    const paths = [SLACK_ZIP, looseSlack, DM, GC, SV, FB, MOJIBAKE];
    const inv = await runInventory({ paths, asOf }, noProgress, new AbortController().signal);
    expect(inv.sources.map(counts)).toEqual([
      { format: 'slack-zip', contacts: 4, chats: 1, messages: 14, events: 2, attachments: 2, attachmentsMissing: 2 },
      { format: 'slack-zip', contacts: 5, chats: 12, messages: 0, events: 0, attachments: 0, attachmentsMissing: 0 },
      { format: 'discord-json', contacts: 0, chats: 1, messages: 2, events: 1, attachments: 0, attachmentsMissing: 0 },
      { format: 'discord-json', contacts: 0, chats: 1, messages: 3, events: 3, attachments: 0, attachmentsMissing: 0 },
      { format: 'discord-json', contacts: 0, chats: 1, messages: 5, events: 0, attachments: 2, attachmentsMissing: 2 },
      { format: 'messenger-json', contacts: 0, chats: 1, messages: 7, events: 0, attachments: 4, attachmentsMissing: 4 },
      { format: 'messenger-json', contacts: 0, chats: 1, messages: 2, events: 0, attachments: 1, attachmentsMissing: 1 },
    ]);
    expect(inv.totals).toEqual({ contacts: 9, chats: 18, messages: 33, events: 6, attachments: 9, attachmentsMissing: 9 });
    expect(inv.sources[0]!.variant).toBe('workspace');
    expect(inv.sources[1]!.variant).toBe('metadata-only');
    expect(inv.sources[1]!.owner).toBe('Charlie Smith');
    // Sizes: the zip is read entry by entry (uncompressed bytes of what is parsed); single files by their size.
    expect(inv.sources[2]!.bytes).toBe((await stat(DM)).size);
    for (const s of inv.sources) expect(s.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('a lone users.json (or channels.json) is not taken for a chat export', async () => {
    for (const f of ['users', 'channels', 'dms', 'mpims']) {
      const p = real(`slack/slackdump__export_${f}.json`);
      const c = new FileContainer(p, (await stat(p)).size);
      for (const format of [slackZip, skypeJson, discordJson, discordPackage, messengerJson]) expect(await format.detect(c), `${format.id} ${f}`).toBeNull();
      const opened = await openSource(p);
      await opened.container?.close();
      expect(['slack-zip', 'skype-json', 'discord-json', 'discord-package', 'messenger-json']).not.toContain(opened.detected.format);
    }
  });
});

describe('real Slack export zip', () => {
  let r: Parsed;
  beforeAll(async () => {
    r = await parse(SLACK_ZIP);
  });

  it('is read as a zip; the channel folder is named by channel name, the chat by id', () => {
    expect(r.format).toBe('slack-zip');
    expect(r.chats).toEqual([
      expect.objectContaining({ id: 'slack:CO69735E8A', title: 'B75B4C7', type: 'group', rawType: 'public_channel' }),
    ]);
    expect(r.chats[0]!.source.file).toBe(`${SLACK_ZIP}!/channels.json`);
    expect(r.contacts.map((c) => c.sourceUserId)).toEqual(['UO1D8E698D', 'UOF82F39AE', 'UO9EBC728B', 'UOB5F987BF17']);
    expect(r.owner).toBeUndefined(); // dms.json is empty
  });

  it('a thread reply in the next day file is linked to its parent with replyTo', () => {
    const parent = msg(r, '1736478630.905399');
    expect(parent.source.file).toBe(`${SLACK_ZIP}!/B75B4C7/2025-01-10.json`);
    const reply = msg(r, '1736554746.482349');
    expect(reply.source.file).toBe(`${SLACK_ZIP}!/B75B4C7/2025-01-11.json`);
    expect(reply.replyTo).toBe('1736478630.905399');
    expect(reply.sender).toEqual({ name: 'AlkShc6v9A9fU08d', id: 'UOB5F987BF17' });
    expect(msg(r, '1736554783.040199').replyTo).toBe('1736478630.905399');
  });

  it('dates, events, edits and files without bytes', () => {
    expect(r.messages[0]).toMatchObject({ id: '1736478514.897649', sentAt: '2025-01-10T03:08:34.897Z', kind: 'message', text: 'CYmxt38hm' });
    expect(r.messages.at(-1)).toMatchObject({ id: '1737716342.919259', sentAt: '2025-01-24T10:59:02.919Z' });
    expect(msg(r, '1736554636.807919')).toMatchObject({ kind: 'event', action: 'join' });
    expect(msg(r, '1736554828.343759')).toMatchObject({ kind: 'event', action: 'message_deleted', text: '' });
    expect(msg(r, '1737160363.583369')).toMatchObject({ editedAt: '2025-01-18T00:32:51.000Z', sender: { name: 'RLEA', id: 'UO0EC43A4792' } });
    expect(msg(r, '1736582524.607359')).toMatchObject({
      text: '',
      attachments: [{ name: 'befvnsUNVjwGzKFcKxuIlJ2dYo5z59neCfT8P2Y3t', kind: 'photo', mime: 'image/jpeg', size: 239922, missing: true, missingReason: 'not-included' }],
    });
    expect(r.problems.map((p) => [p.code, p.params?.count])).toEqual([['media-not-included', 2]]);
  });
});

describe('real DiscordChatExporter files', () => {
  it('DM: a reaction-bearing message, a bot author, a call event', async () => {
    const r = await parse(DM);
    expect(r.format).toBe('discord-json');
    expect(r.chats).toEqual([expect.objectContaining({ id: 'discord:530805775262679064', title: 'Someones name', type: 'personal', rawType: 'DirectTextChat' })]);
    // The reactions (👆 ×42) are not in the shared model; the message itself is read in full.
    expect(msg(r, '530805779645595660')).toMatchObject({ kind: 'message', text: 'blah', sentAt: '2019-01-04T17:52:39.762Z', sender: { name: 'mlomb', id: '111111111111111111' } });
    expect(msg(r, '538148765782114306').sender).toEqual({ name: 'Someones nickname', id: '444444444444444444' });
    expect(msg(r, '100')).toMatchObject({ kind: 'event', action: 'phone_call', sentAt: '2020-07-17T17:03:14.366Z', text: 'Started a call that lasted 251 minutes.' });
  });

  it('group DM: rename and icon events, a reply, nickname over name', async () => {
    const r = await parse(GC);
    expect(r.chats).toEqual([expect.objectContaining({ id: 'discord:1064990764406419508', title: 'a group chat', type: 'group' })]);
    expect(r.messages.map((m) => [m.id, m.kind, m.action ?? null])).toEqual([
      ['1064990775659729017', 'event', 'edit_group_title'],
      ['1064990824305274930', 'message', null],
      ['1064991038751649806', 'event', 'edit_group_photo'],
      ['1064991070322180096', 'message', null],
      ['530805779645595660', 'message', null],
      ['100', 'event', 'phone_call'],
    ]);
    expect(msg(r, '530805779645595660').replyTo).toBe('1064990824305274930');
    expect(msg(r, '1064990824305274930').sender).toEqual({ name: 'theplant', id: '333333333333333333' });
  });

  it('server channel: edits, a deleted user, attachments and stickers as links, reactions', async () => {
    const r = await parse(SV);
    expect(r.chats).toEqual([expect.objectContaining({ id: 'discord:253601524398293010', title: 'general-chiptune (DefleMask)', type: 'group', rawType: 'GuildTextChat' })]);
    const edited = r.messages[0]!;
    expect(edited).toMatchObject({ id: '459136077417021488', editedAt: '2018-05-20T16:09:56.439Z', sender: { name: 'Deleted User', id: '555555555555555555' } });
    // The exporter wrote that entry twice; both are kept (de-duplication is the cleaning step's job).
    expect(r.messages.filter((m) => m.id === '459136077417021488')).toHaveLength(2);
    expect(msg(r, '447793085255123004').sender).toEqual({ name: 'mlomb', id: '111111111111111111' });
    expect(msg(r, '447793085255123005').attachments).toEqual([
      { name: 'unknown.png', kind: 'photo', size: 165152, missing: true, missingReason: 'not-included' },
      { name: 'Laugh', kind: 'sticker', missing: true, missingReason: 'not-included' },
    ]);
    expect(msg(r, '447793085255123006')).toMatchObject({ kind: 'message', text: 'This message has reactions.' });
  });
});

describe('real Messenger files', () => {
  it('Facebook thread: BOM, newest first read oldest first, media named but not on disk', async () => {
    const r = await parse(FB);
    expect(r.format).toBe('messenger-json');
    expect(r.chats).toEqual([expect.objectContaining({ id: 'fb:inbox/alice_aaaaaaaaaa', title: 'Alice', type: 'personal', rawType: 'Regular' })]);
    expect(r.messages.map((m) => [m.sentAt, m.sender?.name, m.text, m.attachments.map((a) => [a.kind, a.name, a.missingReason])])).toEqual([
      ['2014-11-05T00:27:20.411Z', 'Bob', '', [['photo', '123123123123123.jpg', 'not-found']]],
      ['2014-11-05T00:27:34.275Z', 'Bob', '', [['sticker', '123123123123123.png', 'not-found']]],
      ['2014-11-05T00:28:17.141Z', 'Alice', '', [['audio', 'audioclip11111.mp4', 'not-found']]],
      ['2014-11-05T00:28:28.604Z', 'Bob', '', [['file', 'blabla.docx', 'not-found']]],
      ['2014-11-05T00:28:45.354Z', 'Bob', 'you what', []],
      ['2014-11-05T00:34:41.489Z', 'Bob', 'Whats up!', []],
      ['2014-11-05T00:35:32.056Z', 'Alice', 'Hello', []],
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'media-missing', file: FB, params: { count: 4 } })]);
  });

  it('mojibake repaired to Cyrillic and accents in title, names, content and reactions', async () => {
    const r = await parse(MOJIBAKE);
    expect(r.chats).toEqual([expect.objectContaining({ id: 'fb:inbox/mariaivanova_10150000000000000', title: 'Мария Иванова', type: 'personal' })]);
    expect(r.messages.map((m) => [m.id, m.sentAt, m.sender?.name, m.text])).toEqual([
      ['1700000000000-0', '2023-11-14T22:13:20.000Z', 'John Doe', 'Müller sent a photo.'],
      ['1700000005000-0', '2023-11-14T22:13:25.000Z', 'Мария Иванова', 'Привет! 👋'],
    ]);
    const raw = JSON.parse(await readFile(MOJIBAKE, 'utf8')) as { messages: Record<string, unknown>[] };
    expect(mapMessengerMessage(raw.messages[0]!, { chat: 'fb:x', id: 'x', file: MOJIBAKE, line: 1 }).reactions).toEqual([{ reaction: '❤', actor: 'John Doe' }]);
  });
});

describe('detectors do not claim each other’s inputs', () => {
  const fixtures = path.resolve(here, '../fixtures');
  const mine = [slackZip, skypeJson, discordJson, discordPackage, messengerJson];
  const cases: [string, string][] = [
    [SLACK_ZIP, 'slack-zip'],
    [path.join(fixtures, 'slack-zip/workspace'), 'slack-zip'],
    [path.join(fixtures, 'skype-json/one-to-one-and-group'), 'skype-json'],
    [path.join(fixtures, 'skype-json/calls-partlist.json'), 'skype-json'],
    [DM, 'discord-json'],
    [path.join(fixtures, 'discord-json/server-export'), 'discord-json'],
    [path.join(fixtures, 'discord-package/old-csv-package'), 'discord-package'],
    [path.join(fixtures, 'discord-package/new-json-package'), 'discord-package'],
    [path.join(fixtures, 'discord-package/messages-folder-only'), 'discord-package'],
    [FB, 'messenger-json'],
    [MOJIBAKE, 'messenger-json'],
    [path.join(fixtures, 'messenger-json/facebook-multi-file-thread'), 'messenger-json'],
    [path.join(fixtures, 'messenger-json/instagram-layout'), 'messenger-json'],
    [real('telegram/chat-analytics__DM_2A_7M.json'), 'telegram-json'],
    [real('telegram/chat-history-manager__telegram_2025-12__result.json'), 'telegram-json'],
    [path.join(fixtures, 'telegram-json/full-account'), 'telegram-json'],
  ];

  it.each(cases)('%s is %s, and only that one of these parsers claims it', async (p, expected) => {
    const opened = await openSource(p);
    try {
      expect(opened.detected.format).toBe(expected);
      if (!opened.container) throw new Error('not opened');
      for (const f of mine) {
        const d = await f.detect(opened.container);
        if (f.id === expected) expect(d?.confidence, f.id).toBeGreaterThanOrEqual(0.9);
        else expect(d, f.id).toBeNull();
      }
    } finally {
      await opened.container?.close();
    }
  });
});
