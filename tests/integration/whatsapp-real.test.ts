/**
 * Every real WhatsApp sample (../shared/fixtures/real/whatsapp, read in place; see INDEX.md there)
 * through the real entry points: registry detection + inventory counting, and the parser for spot
 * checks.
 *
 * Every expected number was derived from the files themselves, not from this parser: header lines
 * counted with `grep -cE '^dd/mm/yyyy, hh:mm - '` (and the equivalents per file), continuation
 * lines listed with awk, placeholders counted with `grep -c '<Media omitted>$'`, `(file attached)$`,
 * `: null$`, `omitted|weggelassen|ausgelassen` and the Arabic placeholders, then classified by hand:
 * lines without `author: ` (encryption notice, group changes), iOS texts after the chat name that
 * start with U+200E (encryption notice, security code) and missed calls are events; everything else
 * with an author is a message. Files named in the chat are not beside the samples, so every
 * attached file is missing. Times: wall-clock read in Europe/Moscow (+03:00 all year since 2014).
 */
import { copyFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, InventoryResult, Message, Problem, SourceInventory, SourceOptions } from '../../shared/model/index.js';
import { runInventory } from '../../main/engine/pipeline/inventory.js';
import { formatById, openSource } from '../../main/engine/sources/registry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const realDir = path.resolve(here, '../../../shared/fixtures/real/whatsapp');
const real = (name: string) => path.join(realDir, name);
const GROUP_TXT = real('chat-analytics__4A_11M.txt');
const GROUP_ZIP = real('chat-analytics__4A_11M.zip');
const WHATSR_ANDROID = real('whats_json__WhatsR_englishandroidampm.txt');
const WHATSR_IOS = real('whats_json__WhatsR_englishiosampm.txt');
const ARABIC = real('whats_json__arabic_ios.txt');
const DUTCH = real('whats_json__dutch_android_media.txt');
const EN_ANDROID = real('whats_json__english_android_media.txt');
const EN_IOS = real('whats_json__english_ios_media.txt');
const GERMAN = real('whats_json__german_ios.txt');
const RUSSIAN = real('whats_json__russian_android.txt');
const ALL = [GROUP_TXT, GROUP_ZIP, WHATSR_ANDROID, WHATSR_IOS, ARABIC, DUTCH, EN_ANDROID, EN_IOS, GERMAN, RUSSIAN];

const asOf = new Date('2026-01-01T00:00:00Z');
const noProgress = { progress: { report() {} } };
const MOSCOW: SourceOptions = { timeZone: 'Europe/Moscow' };

interface Parsed {
  messages: Message[];
  chats: Chat[];
  problems: Problem[];
}

/** Detect through the registry, then parse with the detected format into plain arrays. */
async function parse(p: string, options: SourceOptions = MOSCOW): Promise<Parsed> {
  const opened = await openSource(p);
  if (!opened.container || !opened.detection) throw new Error(`not detected: ${p}`);
  const out: Parsed = { messages: [], chats: [], problems: [] };
  try {
    await formatById(opened.detection.format)!.parse(
      opened.container,
      opened.detection,
      { message: (m) => out.messages.push(m), chat: (c) => out.chats.push(c), contact: () => {}, problem: (x) => out.problems.push(x) },
      { progress() {}, options },
      new AbortController().signal,
    );
  } finally {
    await opened.container.close();
  }
  return out;
}

const line = (r: Parsed, n: number) => {
  const m = r.messages.find((x) => x.source.line === n);
  if (!m) throw new Error(`no message at line ${n}`);
  return m;
};

const counts = (s: SourceInventory) => ({ chats: s.chats, messages: s.messages, events: s.events, attachments: s.attachments, attachmentsMissing: s.attachmentsMissing });
const chatOf = (s: SourceInventory) => {
  expect(s.chatList).toHaveLength(1);
  const c = s.chatList[0]!;
  return { title: c.title, type: c.type, members: c.members, firstAt: c.firstAt, lastAt: c.lastAt };
};
const problemsOf = (s: SourceInventory) => s.problems.map((p) => [p.code, p.severity, p.params]);

describe('real WhatsApp exports: detection', () => {
  it('every sample is recognised as whatsapp-txt with the right variant; the one whose dates all read both ways asks', async () => {
    const seen: Record<string, unknown> = {};
    for (const p of ALL) {
      const o = await openSource(p);
      await o.container?.close();
      seen[path.basename(p)] = [o.detected.format, o.detected.variant, o.detected.entry, o.detected.question?.candidates ?? null];
    }
    expect(seen).toEqual({
      'chat-analytics__4A_11M.txt': ['whatsapp-txt', 'android', 'chat-analytics__4A_11M.txt', ['dmy', 'mdy', 'ymd']],
      'chat-analytics__4A_11M.zip': ['whatsapp-txt', 'android', '_chat.txt', ['dmy', 'mdy', 'ymd']],
      'whats_json__WhatsR_englishandroidampm.txt': ['whatsapp-txt', 'android', 'whats_json__WhatsR_englishandroidampm.txt', null],
      'whats_json__WhatsR_englishiosampm.txt': ['whatsapp-txt', 'ios', 'whats_json__WhatsR_englishiosampm.txt', null],
      'whats_json__arabic_ios.txt': ['whatsapp-txt', 'ios', 'whats_json__arabic_ios.txt', null],
      'whats_json__dutch_android_media.txt': ['whatsapp-txt', 'android', 'whats_json__dutch_android_media.txt', null],
      'whats_json__english_android_media.txt': ['whatsapp-txt', 'android', 'whats_json__english_android_media.txt', null],
      'whats_json__english_ios_media.txt': ['whatsapp-txt', 'ios', 'whats_json__english_ios_media.txt', null],
      'whats_json__german_ios.txt': ['whatsapp-txt', 'ios', 'whats_json__german_ios.txt', null],
      'whats_json__russian_android.txt': ['whatsapp-txt', 'android', 'whats_json__russian_android.txt', null],
    });
  });
});

describe('real WhatsApp exports: inventory counts', () => {
  let result: InventoryResult;
  beforeAll(async () => {
    const options = Object.fromEntries(ALL.map((p) => [p, p === GROUP_TXT || p === GROUP_ZIP ? { ...MOSCOW, dateOrder: 'mdy' as const } : MOSCOW]));
    result = await runInventory({ paths: ALL, options, asOf }, noProgress, new AbortController().signal);
  });
  const source = (p: string) => {
    const s = result.sources.find((x) => x.path === p);
    if (!s) throw new Error(`no inventory for ${p}`);
    return s;
  };

  it('chat-analytics 4A_11M (.txt and .zip): a group, 11 messages, 3 system events, read as m/d/y', async () => {
    for (const p of [GROUP_TXT, GROUP_ZIP]) {
      const s = source(p);
      expect(s).toMatchObject({ format: 'whatsapp-txt', variant: 'android' });
      expect(counts(s)).toEqual({ chats: 1, messages: 11, events: 3, attachments: 0, attachmentsMissing: 0 });
      expect(chatOf(s)).toEqual({
        title: 'chat-analytics__4A_11M',
        type: 'group',
        members: 5, // Bob, Eve, Alice, Mallory, Trent
        firstAt: '2020-12-09T23:16:00+03:00', // line 2, "created group", dated before the notice on line 1
        lastAt: '2020-12-09T23:56:00+03:00',
      });
      expect(problemsOf(s)).toEqual([]);
    }
    expect(source(GROUP_TXT).bytes).toBe((await stat(GROUP_TXT)).size);
    expect(source(GROUP_ZIP).bytes).toBe(627); // _chat.txt inside the zip (CRLF)
    // Same title and first line: the same chat, whichever way it was handed over.
    expect(source(GROUP_ZIP).chatList[0]!.id).toBe(source(GROUP_TXT).chatList[0]!.id);
  });

  it('WhatsR Android and iOS (12 h, BOM line): 42 messages, 8 events, one voice note named, one omitted', () => {
    for (const [p, firstAt, lastAt] of [
      [WHATSR_ANDROID, '2018-01-29T12:24:00+03:00', '2018-01-30T00:23:00+03:00'],
      [WHATSR_IOS, '2018-01-29T12:24:03+03:00', '2018-01-30T00:23:03+03:00'],
    ] as const) {
      const s = source(p);
      expect(counts(s)).toEqual({ chats: 1, messages: 42, events: 8, attachments: 2, attachmentsMissing: 2 });
      expect(chatOf(s)).toEqual({ title: path.basename(p, '.txt'), type: 'group', members: 5, firstAt, lastAt });
      expect(problemsOf(s)).toEqual([
        ['media-missing', 'warning', { count: 1 }],
        ['media-not-included', 'info', { count: 1, notIncluded: 1, unavailable: 0 }],
      ]);
    }
  });

  it('Arabic iOS: 22 messages, the encryption notice, 14 placeholders', () => {
    const s = source(ARABIC);
    expect(counts(s)).toEqual({ chats: 1, messages: 22, events: 1, attachments: 14, attachmentsMissing: 14 });
    expect(chatOf(s)).toEqual({ title: 'whats_json__arabic_ios', type: 'personal', members: 2, firstAt: '2022-03-18T14:56:00+03:00', lastAt: '2022-03-27T21:56:45+03:00' });
    expect(problemsOf(s)).toEqual([['media-not-included', 'info', { count: 14, notIncluded: 14, unavailable: 0 }]]);
  });

  it('Dutch Android with media: 38 messages, 3 events, 12 omitted + 1 view-once + 9 named files', () => {
    const s = source(DUTCH);
    expect(counts(s)).toEqual({ chats: 1, messages: 38, events: 3, attachments: 22, attachmentsMissing: 22 });
    expect(chatOf(s)).toEqual({ title: 'whats_json__dutch_android_media', type: 'personal', members: 2, firstAt: '2022-03-18T14:56:00+03:00', lastAt: '2023-01-07T23:32:00+03:00' });
    expect(problemsOf(s)).toEqual([
      ['media-missing', 'warning', { count: 9 }],
      ['media-not-included', 'info', { count: 13, notIncluded: 12, unavailable: 1 }],
    ]);
  });

  it('English Android with media: 57 messages, 3 events, 18 omitted + 2 view-once + 11 named files', () => {
    const s = source(EN_ANDROID);
    expect(counts(s)).toEqual({ chats: 1, messages: 57, events: 3, attachments: 31, attachmentsMissing: 31 });
    expect(chatOf(s)).toEqual({ title: 'whats_json__english_android_media', type: 'personal', members: 2, firstAt: '2022-03-18T14:56:00+03:00', lastAt: '2023-01-07T23:32:00+03:00' });
    expect(problemsOf(s)).toEqual([
      ['media-missing', 'warning', { count: 11 }],
      ['media-not-included', 'info', { count: 20, notIncluded: 18, unavailable: 2 }],
    ]);
  });

  it('English iOS with media: 22 messages, 3 events, 13 attached + 1 omitted', () => {
    const s = source(EN_IOS);
    expect(counts(s)).toEqual({ chats: 1, messages: 22, events: 3, attachments: 14, attachmentsMissing: 14 });
    expect(chatOf(s)).toEqual({ title: 'whats_json__english_ios_media', type: 'personal', members: 2, firstAt: '2022-03-18T14:56:01+03:00', lastAt: '2023-01-07T23:32:30+03:00' });
    expect(problemsOf(s)).toEqual([
      ['media-missing', 'warning', { count: 13 }],
      ['media-not-included', 'info', { count: 1, notIncluded: 1, unavailable: 0 }],
    ]);
  });

  it('German iOS (US dates): 22 messages, 1 event, 14 placeholders', () => {
    const s = source(GERMAN);
    expect(counts(s)).toEqual({ chats: 1, messages: 22, events: 1, attachments: 14, attachmentsMissing: 14 });
    expect(chatOf(s)).toEqual({ title: 'whats_json__german_ios', type: 'personal', members: 2, firstAt: '2022-03-18T14:56:00+03:00', lastAt: '2022-03-27T21:56:45+03:00' });
    expect(problemsOf(s)).toEqual([['media-not-included', 'info', { count: 14, notIncluded: 14, unavailable: 0 }]]);
  });

  it('Russian Android: 57 messages, 3 events, 27 omitted + 2 view-once + 2 named contact cards', () => {
    const s = source(RUSSIAN);
    expect(counts(s)).toEqual({ chats: 1, messages: 57, events: 3, attachments: 31, attachmentsMissing: 31 });
    expect(chatOf(s)).toEqual({ title: 'whats_json__russian_android', type: 'personal', members: 2, firstAt: '2022-03-18T14:56:00+03:00', lastAt: '2023-01-07T23:32:00+03:00' });
    expect(problemsOf(s)).toEqual([
      ['media-missing', 'warning', { count: 2 }],
      ['media-not-included', 'info', { count: 29, notIncluded: 27, unavailable: 2 }],
    ]);
  });

  it('totals over all ten sources', () => {
    expect(result.totals).toEqual({ contacts: 0, chats: 10, messages: 11 + 11 + 42 + 42 + 22 + 38 + 57 + 22 + 22 + 57, events: 3 + 3 + 8 + 8 + 1 + 3 + 3 + 3 + 1 + 3, attachments: 0 + 0 + 2 + 2 + 14 + 22 + 31 + 14 + 14 + 31, attachmentsMissing: 0 + 0 + 2 + 2 + 14 + 22 + 31 + 14 + 14 + 31 });
  });
});

describe('real WhatsApp exports: without the date-order answer', () => {
  it('chat-analytics 4A_11M reads nothing and says why (needs-answer)', async () => {
    const r = await parse(GROUP_TXT);
    expect(r.messages).toEqual([]);
    expect(r.problems.map((p) => [p.code, p.severity, p.line])).toEqual([['needs-answer', 'error', 1]]);
    expect(r.problems[0]!.message).toContain('12/9/20');
    expect(r.problems[0]!.message).toContain('--date-order dmy|mdy|ymd');
  });
});

describe('real WhatsApp exports: spot checks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-wa-real-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('iOS English: the photo of line 3 at 21:41:55 Moscow time, linked by name (not in the samples folder)', async () => {
    const r = await parse(EN_IOS);
    expect(line(r, 3)).toMatchObject({
      kind: 'message',
      sentAt: '2022-03-27T21:41:55+03:00',
      sender: { name: 'Dmitry S', id: null },
      text: '',
      attachments: [{ name: '00000035-PHOTO-2022-03-27-21-41-55.jpg', kind: 'photo', path: '00000035-PHOTO-2022-03-27-21-41-55.jpg', missing: true, missingReason: 'not-found' }],
    });
    expect(line(r, 12).attachments[0]).toMatchObject({ name: '00000046-Some file.txt', kind: 'file' });
    expect(line(r, 24)).toMatchObject({ kind: 'event', action: 'security_code_changed', sender: null, text: 'Your security code with Elon changed. Tap to learn more.' });
    expect(line(r, 21)).toMatchObject({ kind: 'message', action: 'deleted', sender: { name: 'Elon Musk' }, text: 'This message was deleted.' });
  });

  it('Android English copied beside the photo it names: the photo is linked with its size; Cyrillic captions decoded', async () => {
    const copy = path.join(dir, path.basename(EN_ANDROID));
    await copyFile(EN_ANDROID, copy);
    await writeFile(path.join(dir, 'IMG-20220323-WA0002.jpg'), Buffer.alloc(1234));
    const r = await parse(copy);
    const photo = { name: 'IMG-20220323-WA0002.jpg', kind: 'photo', path: 'IMG-20220323-WA0002.jpg', mime: 'image/jpeg', missing: false, size: 1234 };
    expect(line(r, 11)).toMatchObject({ text: '', attachments: [photo] });
    expect(line(r, 12)).toMatchObject({ sender: { name: 'Elon' }, text: 'Титл', attachments: [photo] });
    expect(line(r, 6)).toMatchObject({ text: 'карточка компании', attachments: [{ kind: 'other', missing: true, missingReason: 'not-included' }] });
    expect(line(r, 46).text).toBe('Pimlico Gardens\nLondon, United Kingdom\nhttps://foursquare.com/v/4e89af95e5fa82ad4c0aa03b');
    expect(line(r, 24).attachments).toEqual([{ name: '', kind: 'other', missing: true, missingReason: 'unavailable' }]);
    expect(line(r, 72)).toMatchObject({ kind: 'event', action: 'call', sender: { name: 'Dmitry S' }, sentAt: '2023-01-07T23:32:00+03:00' });
    expect(r.messages.flatMap((m) => m.attachments).filter((a) => a.missing)).toHaveLength(29);
  });

  it('Russian Android: the Cyrillic encryption notice and missed call, deleted messages, the contact card', async () => {
    const r = await parse(RUSSIAN);
    expect(line(r, 1)).toMatchObject({ kind: 'event', action: 'encryption_notice', sender: null, sentAt: '2022-03-23T13:31:00+03:00' });
    expect(line(r, 1).text.startsWith('Сообщения и звонки защищены сквозным шифрованием.')).toBe(true);
    expect(line(r, 61)).toMatchObject({ kind: 'event', action: 'call', sender: { name: 'Dmitry S' }, text: 'Пропущенный аудиозвонок' });
    expect(line(r, 28)).toMatchObject({ kind: 'message', action: 'deleted', sender: { name: 'Elon' }, text: 'Вы удалили данное сообщение' });
    expect(line(r, 13).attachments).toEqual([{ name: 'Alex.vcf', kind: 'contact', path: 'Alex.vcf', mime: 'text/vcard', missing: true, missingReason: 'not-found' }]);
    expect(line(r, 8).text).toBe('местоположение: https://maps.google.com/?q=51.50214569326172,-0.12739796972656');
  });

  it('chat-analytics group: "created group" is a system event; the emoji ZWJ sequence survives', async () => {
    const r = await parse(GROUP_TXT, { ...MOSCOW, dateOrder: 'mdy' });
    expect(line(r, 2)).toMatchObject({ kind: 'event', action: 'create_group', sender: null, text: 'Alice created group "Some cool group chat"', sentAt: '2020-12-09T23:16:00+03:00' });
    expect(line(r, 3)).toMatchObject({ kind: 'event', action: 'invite_members', text: 'Alice added you' });
    expect(line(r, 12)).toMatchObject({ sender: { name: 'Trent' }, text: '👩🏻‍⚖️' });
    expect(r.chats).toEqual([expect.objectContaining({ title: 'chat-analytics__4A_11M', type: 'group' })]);
  });

  it('WhatsR: 0:24 PM is 12:24, the line behind a stray U+FEFF is an event, an empty body stays a message', async () => {
    const r = await parse(WHATSR_ANDROID);
    expect(line(r, 1)).toMatchObject({ kind: 'event', action: 'encryption_notice', sentAt: '2018-01-29T12:24:00+03:00' });
    expect(line(r, 9)).toMatchObject({ kind: 'event', action: 'edit_group_photo', text: "You changed this group's icon" });
    expect(line(r, 36)).toMatchObject({ kind: 'message', sender: { name: 'Carol' }, text: '' });
    expect(line(r, 15).attachments).toEqual([{ name: 'PTT-20180129-WA0025.opus', kind: 'voice', path: 'PTT-20180129-WA0025.opus', mime: 'audio/ogg', missing: true, missingReason: 'not-found' }]);
    const ios = await parse(WHATSR_IOS);
    expect(line(ios, 15).attachments[0]).toMatchObject({ name: 'PTT-20180129-WA0025.opus', kind: 'voice' });
    expect(line(ios, 37).sentAt).toBe('2018-01-30T00:00:03+03:00'); // 12:00:03 AM
  });

  it('Arabic iOS: Arabic-Indic digits with RLM read as 27 March 2022 9:41:35 PM; the phone-number author cleaned', async () => {
    const r = await parse(ARABIC);
    expect(line(r, 2)).toMatchObject({ sentAt: '2022-03-27T21:41:35+03:00', sender: { name: 'Dmitry S' }, text: 'Hello World' });
    expect(line(r, 21)).toMatchObject({ action: 'deleted', sender: { name: '+40 521 028 61 88' } });
    expect(line(r, 13).attachments).toEqual([{ name: 'Resume-Dmitry-Starkov.pdf', kind: 'file', missing: true, missingReason: 'not-included' }]);
  });
});
