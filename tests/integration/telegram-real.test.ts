/**
 * The four real Telegram samples (../shared/fixtures/real/telegram, read in place) through the
 * real entry points: registry detection + inventory counting, and the parser for spot checks.
 *
 * Every expected number below was derived by reading the JSON files themselves, not from this
 * parser: counted by hand and cross-checked with a throwaway jq query over `.messages[]` /
 * `.chats.list[].messages[]` (type=="message" → messages, other types → events; `photo`, `file`,
 * `contact_vcard` values → attachments; `(`-prefixed placeholder values → missing; contacts =
 * `.contacts.list | length`: the inventory does not count the owner's own `personal_information`). Times were converted with
 * `date -u -d @<date_unixtime>`; entries without `date_unixtime` keep their wall-clock `date`
 * read as UTC.
 */
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryResult, SourceInventory } from '../../shared/model/index.js';
import { runInventory } from '../../main/engine/pipeline/inventory.js';
import { parseSource } from '../helpers/source-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const realDir = path.resolve(here, '../../../shared/fixtures/real/telegram');
const DM = path.join(realDir, 'chat-analytics__DM_2A_7M.json');
const SUPERGROUP = path.join(realDir, 'chat-history-manager__telegram_2021-06_supergroup__result.json');
const AUDIO_VIDEO = path.join(realDir, 'chat-history-manager__telegram_2023-10_audio-video__result.json');
const Y2025 = path.join(realDir, 'chat-history-manager__telegram_2025-12__result.json');

const asOf = new Date('2026-01-01T00:00:00Z');
const noProgress = { progress: { report() {} } };

const parse = parseSource;

const counts = (s: SourceInventory) => ({
  contacts: s.contacts,
  chats: s.chats,
  messages: s.messages,
  events: s.events,
  attachments: s.attachments,
  attachmentsMissing: s.attachmentsMissing,
});
const chatCounts = (s: SourceInventory) =>
  s.chatList.map((c) => ({
    id: c.id,
    title: c.title,
    type: c.type,
    messages: c.messages,
    events: c.events,
    attachments: c.attachments,
    attachmentsMissing: c.attachmentsMissing,
    members: c.members,
    firstAt: c.firstAt,
    lastAt: c.lastAt,
  }));

describe('real Telegram exports: inventory counts', () => {
  let result: InventoryResult;
  beforeAll(async () => {
    result = await runInventory({ paths: [DM, SUPERGROUP, AUDIO_VIDEO, Y2025], asOf }, noProgress, new AbortController().signal);
  });
  const source = (p: string) => {
    const s = result.sources.find((x) => x.path === p);
    if (!s) throw new Error(`no inventory for ${p}`);
    return s;
  };

  it('chat-analytics DM_2A_7M: single chat, 6 messages + 2 service, 2 photos not included', async () => {
    const s = source(DM);
    expect(s).toMatchObject({ format: 'telegram-json', variant: 'single-chat', bytes: (await stat(DM)).size });
    expect(counts(s)).toEqual({ contacts: 0, chats: 1, messages: 6, events: 2, attachments: 2, attachmentsMissing: 2 });
    expect(chatCounts(s)).toEqual([
      {
        id: 'tg:700000000', title: 'Bob', type: 'personal', messages: 6, events: 2, attachments: 2, attachmentsMissing: 2,
        // user700000000 (Bob) and user300000000 (Alice)
        members: 2,
        // id 2675 has only `date` (read as UTC); id 3674: date_unixtime 1691719862
        firstAt: '2019-07-05T16:55:32Z',
        lastAt: '2023-08-11T02:11:02Z',
      },
    ]);
    // 3 entries (ids 2675, 3644, 3645) have no date_unixtime; 2 photos are the "not included" placeholder.
    expect(s.problems.map((p) => [p.code, p.params])).toEqual([
      ['media-not-included', { count: 2, notIncluded: 2, tooLarge: 0, unavailable: 0 }],
      ['bad-value', { count: 3, field: 'date' }],
    ]);
  });

  it('chat-history-manager 2021-06 supergroup: owner, 3 messages + 1 service, no media', () => {
    const s = source(SUPERGROUP);
    expect(s).toMatchObject({ variant: 'full-account', owner: 'Aaaaa Aaaaaaaaaaa' });
    // contacts.list is empty (personal_information is the owner, not a contact).
    expect(counts(s)).toEqual({ contacts: 0, chats: 1, messages: 3, events: 1, attachments: 0, attachmentsMissing: 0 });
    expect(chatCounts(s)).toEqual([
      {
        id: 'tg:1234567890', title: 'My Supergroup', type: 'group', messages: 3, events: 1, attachments: 0, attachmentsMissing: 0,
        // user222222222, user333333333, user444444444, user11111111
        members: 4,
        firstAt: '2020-12-22T23:11:21Z',
        lastAt: '2021-03-18T17:50:23Z',
      },
    ]);
    // None of the 4 entries has date_unixtime.
    expect(s.problems.map((p) => [p.code, p.params])).toEqual([['bad-value', { count: 4, field: 'date' }]]);
  });

  it('chat-history-manager 2023-10 audio/video: 3 contacts + owner, 4 media paths not on disk', () => {
    const s = source(AUDIO_VIDEO);
    expect(s).toMatchObject({ variant: 'full-account', owner: 'Aaaaa Aaaaaaaaaaa' });
    expect(counts(s)).toEqual({ contacts: 3, chats: 1, messages: 4, events: 0, attachments: 4, attachmentsMissing: 4 });
    expect(chatCounts(s)).toEqual([
      {
        id: 'tg:123123123', title: 'My Group', type: 'group', messages: 4, events: 0, attachments: 4, attachmentsMissing: 4,
        // every message is from user5555555555 (from: null)
        members: 1,
        // 1532249471 and 1665499756
        firstAt: '2018-07-22T08:51:11Z',
        lastAt: '2022-10-11T14:49:16Z',
      },
    ]);
    expect(s.problems.map((p) => [p.code, p.params])).toEqual([['media-missing', { count: 4 }]]);
  });

  it('chat-history-manager 2025-12: a private group and a public channel', () => {
    const s = source(Y2025);
    expect(s).toMatchObject({ variant: 'full-account' });
    // No contacts key; personal_information has only user_id.
    expect(counts(s)).toEqual({ contacts: 0, chats: 2, messages: 4, events: 2, attachments: 1, attachmentsMissing: 1 });
    expect(chatCounts(s)).toEqual([
      {
        id: 'tg:123123123', title: 'Dummy Private Group', type: 'group', messages: 3, events: 2, attachments: 1, attachmentsMissing: 1,
        // channel123123123 and user11111111
        members: 2,
        firstAt: '2022-10-11T14:49:11Z',
        lastAt: '2022-10-11T14:49:15Z',
      },
      {
        id: 'tg:123456789', title: 'Dummy Public Channel', type: 'channel', messages: 1, events: 0, attachments: 0, attachmentsMissing: 0,
        members: 1,
        firstAt: '2022-10-11T14:49:10Z',
        lastAt: '2022-10-11T14:49:10Z',
      },
    ]);
    // The one file is "(File unavailable, please try again later)".
    expect(s.problems.map((p) => [p.code, p.params])).toEqual([['media-not-included', { count: 1, notIncluded: 0, tooLarge: 0, unavailable: 1 }]]);
  });

  it('totals add up over the four files', () => {
    expect(result.totals).toEqual({ contacts: 3, chats: 5, messages: 17, events: 5, attachments: 7, attachmentsMissing: 7 });
  });
});

describe('real Telegram exports: spot checks', () => {
  it('DM_2A_7M: entity-array text, UTC conversion (date − unixtime = −3 h), phone call', async () => {
    const r = await parse(DM);
    const m = (id: string) => r.messages.find((x) => x.id === id)!;
    expect(m('3644')).toMatchObject({ kind: 'message', text: 'https://google.com 👀', sender: { name: 'Bob', id: 'user700000000' } });
    // "date": "2023-08-10T23:11:02", "date_unixtime": "1691719862"
    expect(m('3674')).toMatchObject({ kind: 'event', action: 'phone_call', sentAt: '2023-08-11T02:11:02Z' });
    expect(m('3672').attachments).toEqual([{ name: 'photo', kind: 'photo', missing: true, missingReason: 'not-included' }]);
    expect(m('3644').source).toEqual({ file: DM, line: 16, id: '3644' });
  });

  it('2021-06: negative message ids, emoji text, invite_members', async () => {
    const r = await parse(SUPERGROUP);
    expect(r.messages.map((x) => x.id)).toEqual(['-999681092', '-999681090', '-999681087', '358000']);
    expect(r.messages[0]).toMatchObject({ kind: 'event', action: 'invite_members', sender: { name: 'Sssss Pppppp', id: 'user222222222' } });
    expect(r.messages[1]!.text).toBe('Message text with emoji 🙂');
    expect(r.contacts).toEqual([
      expect.objectContaining({ self: true, name: 'Aaaaa Aaaaaaaaaaa', phones: [{ value: '+998 91 1234567' }], handles: [{ value: '@frozenspider', type: 'telegram' }] }),
    ]);
  });

  it('2023-10: from:null, audio/video kinds, thumbnails are not attachments', async () => {
    const r = await parse(AUDIO_VIDEO);
    expect(r.messages[1]).toMatchObject({
      id: '11112',
      sender: { name: null, id: 'user5555555555' },
      sentAt: '2018-07-22T08:51:12Z',
      attachments: [{ name: 'audio_file.mp3', kind: 'audio', path: 'audio_file.mp3', mime: 'audio/mpeg', missing: true, missingReason: 'not-found' }],
    });
    expect(r.messages[3]!.attachments).toEqual([
      { name: 'video_file.mp4', kind: 'video', path: 'video_file.mp4', mime: 'video/mp4', missing: true, missingReason: 'not-found' },
    ]);
    expect(r.contacts.map((c) => c.name)).toEqual(['Aaaaa Aaaaaaaaaaa', 'Eeeee Eeeeeeeeee', 'Myself', 'Wwwwww Www']);
  });

  it('2025-12: channel sender ids, forwarded_from, a real edit', async () => {
    const r = await parse(Y2025);
    const m = (id: string) => r.messages.find((x) => x.chat === 'tg:123123123' && x.id === id)!;
    expect(m('11112')).toMatchObject({ sender: { name: 'Dummy Private Group', id: 'channel123123123' }, forwardedFrom: 'This Should Not Matter' });
    expect(m('11113').editedAt).toBe('2022-10-11T14:49:14Z');
    expect(m('11114')).toMatchObject({ kind: 'event', action: 'todo_completions' });
    expect(m('11115').attachments).toEqual([{ name: 'file', kind: 'file', missing: true, missingReason: 'unavailable' }]);
    expect(r.owner).toBe('user11111111');
  });
});

describe('real Telegram export in a folder with its media', () => {
  let dir: string;
  beforeAll(async () => {
    // A temporary export folder (outside the project): the 2023-10 result.json plus one of its media files.
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-tg-real-'));
    await copyFile(AUDIO_VIDEO, path.join(dir, 'result.json'));
    await writeFile(path.join(dir, 'audio_file.mp3'), Buffer.alloc(1234, 1));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('links the attachment that is present, with its size', async () => {
    const result = await runInventory({ paths: [dir], asOf }, noProgress, new AbortController().signal);
    const s = result.sources[0]!;
    expect(s).toMatchObject({ format: 'telegram-json', variant: 'full-account' });
    // 2 messages name audio_file.mp3 (present), 2 name video_file.mp4 (absent).
    expect(counts(s)).toEqual({ contacts: 3, chats: 1, messages: 4, events: 0, attachments: 4, attachmentsMissing: 2 });
    expect(s.chatList[0]!.mediaBytes).toBe(2 * 1234);
    const r = await parse(dir);
    expect(r.messages[0]!.attachments).toEqual([{ name: 'audio_file.mp3', kind: 'audio', path: 'audio_file.mp3', mime: 'audio/mpeg', missing: false, size: 1234 }]);
  });
});
