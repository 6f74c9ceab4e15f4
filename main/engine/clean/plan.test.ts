/**
 * The plan from a hand-written timeline: actions and reasons per chat, what is sent for each entry
 * (texts, media, notices, files left out), merges that send only the missing entries, invites,
 * sender resolution (and the unresolved listed with their reason), and estimates worked out by
 * hand from the requests.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_PROFILE, SYNAPSE_DEFAULT_PROFILE, type Identity, type RateProfile } from '../../../shared/model/index.js';
import { scanAndPlan, type PlanChatInfo } from './plan.js';
import type { AttachmentLine, MessageLine } from './types.js';

const LIMITS_ONLY: RateProfile = { ...SYNAPSE_DEFAULT_PROFILE, requestsPerSecond: null };
const signal = new AbortController().signal;

function identity(id: string, senders: string[], extra: Partial<Identity> = {}): Identity {
  return {
    id, name: id, names: [], phones: [], emails: [], handles: [], userIds: [], senders, contacts: [], line: { file: 'participants', id },
    keys: [], mapKeys: [], networks: [], self: false, messages: 0, chats: 0, account: null, mapping: null, ...extra,
  };
}
let seq = 0;
function msg(chat: string, sender: MessageLine['sender'], text: string, attachments: Partial<AttachmentLine>[] = [], kind: MessageLine['kind'] = 'message'): MessageLine {
  return {
    chat, id: String(++seq), kind, sentAt: `2024-03-01T10:${String(seq % 60).padStart(2, '0')}:00Z`, sender, text, replyTo: null, forwardedFrom: null, editedAt: null,
    attachments: attachments.map((a) => ({ name: 'f', kind: 'photo', mime: null, size: null, sha256: null, missing: false, ...a })),
    source: { file: 'x', line: seq },
  };
}
function timeline(lines: MessageLine[]): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pereezd-plan-')), 'messages.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

const ivan = { name: 'Иван Петров', id: 'user1001' };
const maria = { name: 'Мария Соколова', id: 'user5000' };
const chats: PlanChatInfo[] = [
  { id: 'tg:1', title: 'Иван Петров', type: 'personal', excluded: false },
  { id: 'tg:2', title: 'Проект', type: 'group', excluded: false },
  { id: 'wa:3', title: 'Семья', type: 'group', excluded: false },
  { id: 'tg:4', title: 'Пусто', type: 'group', excluded: false },
  { id: 'tg:5', title: 'Личное', type: 'saved', excluded: true, entries: 42 },
];
const lines = [
  msg('tg:1', ivan, 'Привет'),
  msg('tg:1', ivan, '', [{ size: 2_500_000 }]), // photo, no caption: upload + media event
  msg('tg:1', ivan, 'План', [{ missing: true, size: 20480 }]), // file left out: the text says so
  msg('tg:1', ivan, '', [{ missing: true }]), // nothing but a missing file: still one text event
  msg('tg:1', maria, 'Смотри', [{ size: 1_250_000 }, { size: 0 }]), // two files and a caption
  msg('tg:2', maria, 'Группа создана', [], 'event'),
  msg('tg:2', ivan, 'Раз'),
  msg('tg:2', { name: null, id: 'user1099' }, 'удалённый аккаунт'),
  msg('tg:2', { name: null, id: null }, 'без отправителя'),
  msg('tg:2', null, 'Закреплено', [], 'event'),
  msg('wa:3', { name: 'Оля', id: null }, 'Привет'),
  msg('wa:3', { name: 'Оля', id: null }, 'Как дела?'),
  msg('wa:3', { name: '+7 916 123-45-67', id: null }, 'Хорошо'),
];
const people = () => [
  identity('i-ivan', ['tg:user1001', 'wa:name:+7 916 123-45-67'], { account: '@ivan:example.org' }),
  identity('i-maria', ['tg:user5000'], { self: true, account: '@maria:example.org' }),
  identity('i-olga', ['wa:name:оля'], { account: '@olga:example.org' }),
];

describe('scanAndPlan', () => {
  it('plans each chat, counts what the target receives, and resolves every sender (or says why not)', async () => {
    const ids = people();
    const r = await scanAndPlan({ messages: timeline(lines), chats, identities: ids, options: { rate: LIMITS_ONLY }, signal });
    const byId = Object.fromEntries(r.plan.chats.map((c) => [c.chatId, c]));
    expect(r.plan.chats.map((c) => c.chatId)).toEqual(['tg:1', 'tg:2', 'wa:3', 'tg:4', 'tg:5']);
    expect(byId['tg:1']).toMatchObject({
      action: 'create', reason: 'new', type: 'personal', entries: 5, messages: 5, events: 0, media: 3, mediaBytes: 3_750_000, mediaMissing: 2,
      // texts: Привет, План, (missing only), Смотри = 4; media events: 3
      sends: 7, invites: 0, alreadySent: 0,
    });
    expect(byId['tg:2']).toMatchObject({ action: 'create', reason: 'new', entries: 5, messages: 3, events: 2, sends: 5 });
    expect(byId['wa:3']).toMatchObject({ action: 'create', messages: 3, sends: 3 });
    expect(byId['tg:4']).toMatchObject({ action: 'skip', reason: 'empty', entries: 0, messages: 0, sends: 0, estimateMs: 0, estimateFastMs: 0 });
    expect(byId['tg:5']).toMatchObject({ action: 'skip', reason: 'excluded', entries: 42, messages: 0, sends: 0, estimateMs: 0 });
    expect(r.plan.totals).toMatchObject({
      chats: 5, create: 3, merge: 0, skip: 2, skipped: { excluded: 1, empty: 1, alreadyUploaded: 0 }, messages: 11, events: 2, media: 3, mediaBytes: 3_750_000,
      mediaMissing: 2, sends: 15, invites: 0, uploadedElsewhere: 0,
    });
    // senders: 13 entries = 10 resolved + 1 system notice + 2 unresolved (tg:user1099 is nobody here; one names no one)
    expect(r.senders).toEqual({ resolved: 10, unresolved: 2, system: 1 });
    expect(r.unresolved).toEqual([
      { chat: 'tg:2', sender: null, reason: 'no-sender', messages: 1 },
      { chat: 'tg:2', sender: 'tg:user1099', reason: 'unknown-sender', messages: 1 },
    ]);
    expect(ids.map((i) => [i.messages, i.chats])).toEqual([[6, 3], [1, 2], [2, 1]]);
    expect(r.badLines).toEqual([]);
  });

  it('estimates each chat alone and all chats by one account, request by request', async () => {
    const r = await scanAndPlan({ messages: timeline(lines), chats, identities: people(), options: { rate: LIMITS_ONLY }, signal });
    const byId = Object.fromEntries(r.plan.chats.map((c) => [c.chatId, c]));
    // tg:1 alone: createRoom + 7 sends = 8 message actions (within the burst) + 3.75 MB at 1.25 MB/s = 3 s
    expect(byId['tg:1']!.estimateMs).toBe(3_000);
    // tg:2 alone: 1 + 5 actions: burst only
    expect(byId['tg:2']!.estimateMs).toBe(0);
    // all: 3 rooms + 15 sends = 18 message actions. tg:1 takes actions 1–8 and its uploads end at 3 s
    // (the photo upload 2 s after action 2, the two files 1 s after action 6); tg:2: actions 9–14:
    // 9, 10 at once, 11 allowed at 5 s, 12 at 10, 13 at 15, 14 at 20; wa:3: 15–18 at 25, 30, 35, 40 s.
    expect(r.plan.totals.estimateMs).toBe(40_000);
    // fast (100 requests/s): tg:1 has 8 requests and 3 uploads (the photo, the two files; a missing file is
    // not uploaded) = 11 × 0.01 s, + 3 s of bytes; all chats: 18 + 3 = 21 requests
    expect(byId['tg:1']!.estimateFastMs).toBe(3_000 + 11 * 10);
    expect(r.plan.totals.estimateFastMs).toBe(3_000 + 21 * 10);
    expect(r.plan.rate).toEqual({ default: LIMITS_ONLY, fast: FAST_PROFILE });
    expect(r.plan.options).toEqual({ includeEvents: true, invite: false });
  });

  it('merges into rooms the target has: only the entries after those sent, no new room; all sent: skip', async () => {
    const r = await scanAndPlan({
      messages: timeline(lines), chats, identities: people(), signal,
      options: { rate: LIMITS_ONLY, uploaded: { 'tg:1': { roomId: '!a:example.org', messagesSent: 3 }, 'tg:2': { roomId: '!b:example.org', messagesSent: 99 }, 'tg:9': { roomId: '!c:example.org', messagesSent: 1 } } },
    });
    const byId = Object.fromEntries(r.plan.chats.map((c) => [c.chatId, c]));
    expect(byId['tg:1']).toMatchObject({ action: 'merge', reason: 'partly-uploaded', roomId: '!a:example.org', alreadySent: 3, messages: 2, media: 2, mediaMissing: 1, sends: 4 });
    expect(byId['tg:2']).toMatchObject({ action: 'skip', reason: 'already-uploaded', roomId: '!b:example.org', alreadySent: 5, messages: 0, sends: 0 });
    expect(r.plan.totals).toMatchObject({ create: 1, merge: 1, skip: 3, skipped: { excluded: 1, empty: 1, alreadyUploaded: 1 }, uploadedElsewhere: 1 });
    // the senders of entries already sent still resolve
    expect(r.senders).toEqual({ resolved: 10, unresolved: 2, system: 1 });
    const fresh = await scanAndPlan({
      messages: timeline(lines), chats, identities: people(), signal, options: { rate: LIMITS_ONLY, uploaded: { 'wa:3': { roomId: '!w:example.org', messagesSent: 0 } } },
    });
    expect(fresh.plan.chats.find((c) => c.chatId === 'wa:3')).toMatchObject({ action: 'merge', reason: 'room-exists', messages: 3, sends: 3, alreadySent: 0 });
  });

  it('without notices, a chat of service entries only is empty; with invites, mapped members other than the owner are invited after the history', async () => {
    const onlyEvents = [msg('tg:7', maria, 'Группа создана', [], 'event'), msg('tg:7', null, 'Звонок', [], 'event')];
    const chats7: PlanChatInfo[] = [{ id: 'tg:7', title: 'Звонки', type: 'group', excluded: false }];
    const quiet = await scanAndPlan({ messages: timeline(onlyEvents), chats: chats7, identities: people(), signal, options: { includeEvents: false } });
    expect(quiet.plan.chats[0]).toMatchObject({ action: 'skip', reason: 'empty', entries: 2, events: 0 });
    const inv = await scanAndPlan({ messages: timeline(lines), chats, identities: people(), signal, options: { rate: LIMITS_ONLY, invite: true } });
    const byId = Object.fromEntries(inv.plan.chats.map((c) => [c.chatId, c]));
    expect([byId['tg:1']!.invites, byId['tg:2']!.invites, byId['wa:3']!.invites]).toEqual([1, 1, 2]);
    expect(inv.plan.totals.invites).toBe(4);
    expect(inv.plan.options).toEqual({ includeEvents: true, invite: true });
    // 4 more message actions: 22 in all; the 18 before end at 40 s as above plus the invites interleaved:
    // tg:1 actions 1–9 (its invite is the 9th), tg:2 10–16 (11th at 5 s … 16th at 30 s), wa:3 17–22 at 35 … 60 s
    expect(inv.plan.totals.estimateMs).toBe(60_000);
  });

  it('lists a line that is not JSON instead of failing', async () => {
    const file = timeline([lines[0]!]);
    writeFileSync(file, `${JSON.stringify(lines[0])}\n{"chat":"tg:1",\n`);
    const r = await scanAndPlan({ messages: file, chats, identities: people(), signal });
    expect(r.badLines).toEqual([2]);
    expect(r.plan.totals.messages).toBe(1);
  });
});
