/**
 * Upload → read back against a real Synapse (profile 'fast'): rooms, DM + m.direct, chronological history with
 * the original time and sender in the body and in the provenance field, replies as relations, media uploaded
 * and re-downloaded with the same SHA-256, checkpoint + index in account data; a re-run (also with the local
 * journal deleted) creates nothing; an interrupted run resumes without duplicates; pause holds the sends;
 * pilot room; verify-target finds a hole and --resend fills exactly that hole.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobProgress } from '../../shared/model/index.js';
import { MatrixClient, type RoomEvent } from '../../main/engine/matrix/client.js';
import { CHECKPOINT_TYPE, INDEX_TYPE, PROVENANCE_KEY, SOURCE_STATE } from '../../main/engine/matrix/txn.js';
import { createPauseControl, runUpload, type UploadInput } from '../../main/engine/matrix/upload.js';
import { runVerifyTarget } from '../../main/engine/matrix/verify-target.js';
import { runConvert } from '../../main/engine/pipeline/convert.js';
import { makeModel, type MadeModel } from '../fixtures/matrix/make-model.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';
import { repoRoot } from '../helpers/build-cli.js';

const noProgress = { report() {} };
const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), `pereezd-mx-${p}-`));

/** Every reply in the group room (messages 7, 14, … reply to 5, 12, …) points at the first event of its target. */
async function expectRepliesLinked(c: MatrixClient, roomId: string): Promise<number> {
  const msgs = (await roomMessages(c, roomId)).filter((e) => e.type === 'm.room.message');
  const pv = (e: RoomEvent) => e.content[PROVENANCE_KEY] as { msg_id: string; part: string };
  const first = new Map<string, string>();
  for (const e of msgs) if (!first.has(pv(e).msg_id)) first.set(pv(e).msg_id, e.event_id);
  let n = 0;
  for (const e of msgs) {
    const id = Number(pv(e).msg_id);
    const isFirst = first.get(pv(e).msg_id) === e.event_id;
    const rel = e.content['m.relates_to'] as { 'm.in_reply_to'?: { event_id: string } } | undefined;
    if (id % 7 === 0 && isFirst) {
      expect(rel?.['m.in_reply_to']?.event_id, `reply of message ${id}`).toBe(first.get(String(id - 2)));
      n++;
    } else expect(rel, `message ${pv(e).part} is not a reply`).toBeUndefined();
  }
  return n;
}

async function roomMessages(c: MatrixClient, roomId: string): Promise<RoomEvent[]> {
  const out: RoomEvent[] = [];
  for await (const page of c.allMessages(roomId, { dir: 'f', limit: 1000 })) out.push(...page);
  return out;
}

describe('upload to a real Synapse and read back', { timeout: 180_000 }, () => {
  let hs: Synapse;
  let ivan: RegisteredUser;
  let anna: RegisteredUser;
  let model: MadeModel;
  let client: MatrixClient;
  const people = { user1: '@ivan:localhost', user2: '@anna:localhost' };
  beforeAll(async () => {
    hs = await startSynapse({ profile: 'fast' });
    ivan = await hs.register('ivan');
    anna = await hs.register('anna');
    model = makeModel(tmp('model'));
    client = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: ivan.accessToken, userId: ivan.userId });
  });
  afterAll(async () => {
    await hs?.stop();
  });

  const input = (journalDir: string, extra: Partial<UploadInput> = {}): UploadInput => ({ models: [model.dir], journalDir, people, ...extra });

  it('uploads every chat, then reads back exactly the plan (0 missing, 0 duplicates, media SHA-256 equal)', async () => {
    const journal = tmp('journal');
    const reports: JobProgress[] = [];
    const r = await runUpload(input(journal), { client, progress: { report: (p) => reports.push(p) } }, AbortSignal.timeout(120_000));
    expect(r.totals).toMatchObject({ chats: 3, rooms: 2, roomsCreated: 2, parts: 49, sent: 49, alreadyThere: 0, placeholders: 0, media: 2 });
    expect(r.chats.find((c) => c.chatId === model.empty)).toMatchObject({ status: 'empty', roomId: null });
    expect(reports.at(-1)).toMatchObject({ done: 49, total: 49 });
    expect(reports.some((p) => typeof p.counters?.etaMs === 'number' && p.done < 49)).toBe(true);

    const group = r.chats.find((c) => c.chatId === model.group)!;
    const events = await roomMessages(client, group.roomId!);
    const msgs = events.filter((e) => e.type === 'm.room.message');
    expect(msgs).toHaveLength(44);
    const pv = (e: RoomEvent) => e.content[PROVENANCE_KEY] as Record<string, unknown>;
    // chronological: ids 1..40 in order (the file had 3 and 4 swapped)
    const order = [...new Set(msgs.map((e) => Number(pv(e).msg_id)))];
    expect(order).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(msgs[0]!.content.body).toBe('[2019-05-01 07:01] Anna Lee: message 1 — привет');
    expect(pv(msgs[0]!)).toMatchObject({ source: 'tg', chat_id: 'tg:100', msg_id: '1', orig_ts: Date.parse('2019-05-01T07:01:00Z'), orig_sender: 'user2', orig_sender_name: 'Anna Lee' });
    const pin = msgs.find((e) => pv(e).msg_id === '12')!;
    expect(pin.content).toMatchObject({ msgtype: 'm.notice', body: '[2019-05-01 07:12] Иван Смирнов · pin message: message 10' });
    const fwd = msgs.find((e) => pv(e).msg_id === '16')!;
    expect(fwd.content.body).toBe('[2019-05-01 07:16] Anna Lee: (forwarded from Someone Else) message 16 — привет');
    // replies point at the replied message's event
    const reply = msgs.find((e) => pv(e).msg_id === '14')!;
    const target = msgs.find((e) => pv(e).part === '12#t')!;
    expect(reply.content['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: target.event_id } });
    // media: msgtype, info, provenance sha256; the missing video is named in the text
    const photo = msgs.find((e) => pv(e).part === '5#a0')!;
    expect(photo.content).toMatchObject({ msgtype: 'm.image', body: 'photo1.png', info: { mimetype: 'image/png', size: 40_000 } });
    expect(pv(photo).sha256).toBe(model.media['photo1.png']);
    expect((await client.mediaSha256(String(photo.content.url))).sha256).toBe(model.media['photo1.png']);
    const doc = msgs.find((e) => pv(e).part === '8#a0')!;
    expect(doc.content.msgtype).toBe('m.file');
    expect(msgs.find((e) => pv(e).part === '8#t')!.content.body).toContain('[video not in the export: clip.mp4]');
    // the long message is split, nothing lost
    const long = msgs.filter((e) => pv(e).msg_id === '15').map((e) => String(e.content.body)).join('');
    expect(long).toContain('Длинное сообщение. '.repeat(1500).trim());
    // room: name, topic, provenance state, checkpoint, tag, index
    expect(await client.getState(group.roomId!, 'm.room.name')).toEqual({ name: 'Family' });
    expect(String((await client.getState<{ topic: string }>(group.roomId!, 'm.room.topic'))!.topic)).toMatch(/^Moved by Pereezd from tg \(chat tg:100/);
    expect(await client.getState(group.roomId!, SOURCE_STATE)).toMatchObject({ key: 'tg:100', chat_id: 'tg:100', source: 'tg', pilot: false });
    expect(await client.getRoomAccountData(group.roomId!, CHECKPOINT_TYPE)).toMatchObject({ chatId: 'tg:100', done: true, position: 44, parts: 44, lastPart: '40#t' });
    expect(await client.getAccountData(INDEX_TYPE)).toEqual({ 'tg:100': group.roomId, 'tg:200': r.chats.find((c) => c.chatId === model.personal)!.roomId });
    // DM with the mapped person, in m.direct, nobody invited (invites are off by default)
    const dm = r.chats.find((c) => c.chatId === model.personal)!;
    expect(dm.dm).toBe(anna.userId);
    expect(await client.getDirect()).toEqual({ [anna.userId]: [dm.roomId] });
    expect(await client.getState(dm.roomId!, 'm.room.member', anna.userId)).toBeNull();

    expect(await expectRepliesLinked(client, group.roomId!)).toBe(5);
    const v = await runVerifyTarget(input(journal), { client, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(v.totals).toMatchObject({ chats: 3, ok: 3, expected: 49, found: 49, missing: 0, duplicates: 0, unknown: 0, mediaChecked: 2, mediaMismatched: 0 });
    expect(v.chats.find((c) => c.chatId === model.group)).toMatchObject({ outOfOrder: 0, media: { expected: 2, checked: 2, ok: 2 }, status: 'ok' });
  });

  it('a re-run creates nothing new, with the journal or without it', async () => {
    const journal = tmp('journal-rerun');
    const first = await runUpload(input(journal), { client, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(first.totals).toMatchObject({ sent: 0, roomsCreated: 0, alreadyThere: 49 });
    const rooms = await client.joinedRooms();
    const before = await Promise.all(rooms.map(async (r) => (await roomMessages(client, r)).length));
    rmSync(journal, { recursive: true, force: true });
    const again = await runUpload(input(journal), { client, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(again.totals).toMatchObject({ sent: 0, roomsCreated: 0, alreadyThere: 49 });
    expect(await client.joinedRooms()).toEqual(rooms);
    expect(await Promise.all(rooms.map(async (r) => (await roomMessages(client, r)).length))).toEqual(before);
  });

  it('resumes an interrupted upload from the room (journal deleted), without duplicates; pause holds sending', async () => {
    const user = await hs.register('resumer');
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
    const journal = tmp('journal-resume');
    const ac = new AbortController();
    // A clock that moves 1 s per call lets every progress report through, so the stop is exact: after 23 events
    // (message 19), before message 21 that replies to 19.
    let fake = 0;
    const partial = runUpload(input(journal), {
      client: c,
      now: () => (fake += 1000),
      progress: { report: (p) => (p.counters?.sent ?? 0) >= 23 && ac.abort(new Error('interrupted by test')) },
    }, ac.signal);
    await expect(partial).rejects.toThrow('interrupted by test');
    rmSync(journal, { recursive: true, force: true });

    const control = createPauseControl();
    const index = (await c.getAccountData<Record<string, string>>(INDEX_TYPE))!;
    const count = async () => (await roomMessages(c, index['tg:100']!)).length + (index['tg:200'] ? (await roomMessages(c, index['tg:200']!)).length : 0);
    let pausedAt: number | null = null;
    const heldCounts: number[] = [];
    const pausedReports: number[] = [];
    let holding: Promise<void> | null = null;
    const r = await runUpload(input(journal), {
      client: c,
      control,
      progress: {
        report: (p) => {
          if (p.counters?.paused) pausedReports.push(p.counters.sent ?? 0);
          if ((p.counters?.sent ?? 0) >= 5 && pausedAt === null) {
            pausedAt = p.counters!.sent!;
            control.pause();
            holding = (async () => {
              await new Promise((res) => setTimeout(res, 150));
              heldCounts.push(await count());
              await new Promise((res) => setTimeout(res, 400));
              heldCounts.push(await count());
              control.resume();
            })();
          }
        },
      },
    }, AbortSignal.timeout(120_000));
    await holding;
    expect(pausedAt).not.toBeNull();
    expect(pausedReports.length).toBeGreaterThan(0);
    expect(heldCounts).toHaveLength(2);
    expect(heldCounts[1]).toBe(heldCounts[0]);
    // the group room came back from the server (journal deleted); only the DM, not reached before, is new
    expect(r.chats.find((x) => x.chatId === model.group)!.created).toBe(false);
    expect(r.totals.roomsCreated).toBe(1);
    expect(r.chats.find((x) => x.chatId === model.group)!.resumedAt).toBe(23);
    expect(r.totals.sent + r.totals.alreadyThere).toBe(49);
    const v = await runVerifyTarget(input(journal), { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(v.totals).toMatchObject({ found: 49, missing: 0, duplicates: 0, mediaMismatched: 0 });
    // replies sent after the resume still point at events written before it (found by reading the room)
    expect(await expectRepliesLinked(c, index['tg:100']!)).toBe(5);
  });

  it('uploads several chats at once (concurrency 3): interrupted midway and resumed, still 0 missing, 0 duplicates, order kept', async () => {
    const user = await hs.register('parallel');
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
    const journal = tmp('journal-parallel');
    const ac = new AbortController();
    const partial = runUpload(input(journal, { concurrency: 3 }), {
      client: c,
      progress: { report: (p) => (p.counters?.sent ?? 0) >= 15 && ac.abort(new Error('interrupted by test')) },
    }, ac.signal);
    await expect(partial).rejects.toThrow('interrupted by test');
    const r = await runUpload(input(journal, { concurrency: 3 }), { client: c, progress: noProgress }, AbortSignal.timeout(120_000));
    expect(r.totals.sent + r.totals.alreadyThere).toBe(49);
    expect(r.totals.alreadyThere).toBeGreaterThanOrEqual(15);
    // both rooms are in the index (its writes are serialized), and no extra room was made
    const index = (await c.getAccountData<Record<string, string>>(INDEX_TYPE))!;
    expect(Object.keys(index).sort()).toEqual(['tg:100', 'tg:200']);
    expect((await c.joinedRooms()).sort()).toEqual(Object.values(index).sort());
    const v = await runVerifyTarget(input(journal), { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(v.totals).toMatchObject({ found: 49, missing: 0, duplicates: 0, mediaMismatched: 0 });
    // inside each room the source order is kept
    for (const roomId of Object.values(index)) {
      const ts = (await roomMessages(c, roomId))
        .filter((e) => e.type === 'm.room.message')
        .map((e) => (e.content[PROVENANCE_KEY] as { orig_ts: number }).orig_ts);
      expect(ts.length).toBeGreaterThan(0);
      expect(ts).toEqual([...ts].sort((a, b) => a - b));
    }
    expect(await expectRepliesLinked(c, index['tg:100']!)).toBe(5);
  });

  it('invites mapped people only when asked', async () => {
    const user = await hs.register('inviter');
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
    const r = await runUpload(
      { models: [model.dir], journalDir: tmp('journal-invite'), people: { user1: user.userId, user2: anna.userId, user3: '@bob:localhost' }, invite: true },
      { client: c, progress: noProgress },
      AbortSignal.timeout(60_000),
    );
    const dm = r.chats.find((x) => x.chatId === model.personal)!;
    const group = r.chats.find((x) => x.chatId === model.group)!;
    expect(dm.dm).toBe(anna.userId);
    expect(await c.getState(dm.roomId!, 'm.room.member', anna.userId)).toMatchObject({ membership: 'invite', is_direct: true });
    expect(await c.getState(group.roomId!, 'm.room.member', anna.userId)).toMatchObject({ membership: 'invite' });
    expect(await c.getState(group.roomId!, 'm.room.member', '@bob:localhost')).toMatchObject({ membership: 'invite' });
  });

  it('a file that is gone or changed since the export becomes a visible notice and a problem, never a wrong file', async () => {
    const user = await hs.register('brokenmedia');
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
    const m = makeModel(tmp('model-broken'));
    rmSync(path.join(m.exportDir, 'media', 'report.pdf'));
    writeFileSync(path.join(m.exportDir, 'media', 'photo1.png'), 'not the photo');
    const journal = tmp('journal-broken');
    const r = await runUpload({ models: [m.dir], journalDir: journal, only: [m.group] }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(r.totals).toMatchObject({ sent: 44, placeholders: 2, media: 0 });
    expect(r.problems.map((p) => [p.code, p.sid])).toEqual([['media-mismatch', '5#a0'], ['media-not-found', '8#a0']]);
    expect(r.problems[0]!.message).toMatch(/photo1\.png: the file differs from the one in the export \(SHA-256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\)$/);
    expect(r.problems[1]!.message).toContain('report.pdf: not found (looked in ');
    const msgs = (await roomMessages(c, r.chats[0]!.roomId!)).filter((e) => e.type === 'm.room.message');
    const notice = msgs.find((e) => (e.content[PROVENANCE_KEY] as { part: string }).part === '8#a0')!;
    expect(notice.content).toMatchObject({ msgtype: 'm.notice', [PROVENANCE_KEY]: { placeholder: true } });
    expect(String(notice.content.body)).toMatch(/^\[2019-05-01 07:08\] Bob: \[report\.pdf could not be uploaded: report\.pdf: not found/);
    const v = await runVerifyTarget({ models: [m.dir], journalDir: journal, only: [m.group] }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(v.chats[0]).toMatchObject({ missing: 0, duplicates: 0, status: 'ok', media: { expected: 2, checked: 0, placeholders: 2 } });
  });

  it('pilot: one chat into its own pilot room, apart from the real rooms', async () => {
    const journal = tmp('journal-pilot');
    const r = await runUpload(input(journal, { pilot: model.personal }), { client, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(r.chats).toHaveLength(1);
    expect(r.totals).toMatchObject({ roomsCreated: 1, sent: 5 });
    const room = r.chats[0]!.roomId!;
    expect(await client.getState(room, 'm.room.name')).toEqual({ name: 'Pilot: Anna Lee' });
    expect(await client.getState(room, SOURCE_STATE)).toMatchObject({ key: 'pilot:tg:200', pilot: true });
    expect(r.chats[0]!.dm).toBeNull();
    await expect(runUpload(input(journal, { pilot: 'tg:nope' }), { client, progress: noProgress }, AbortSignal.timeout(10_000))).rejects.toThrow(
      `pilot chat tg:nope is not in ${model.dir} (see chats.jsonl for the ids)`,
    );
  });

  it('verify-target finds a hole left by a later, longer export and --resend fills exactly that hole', async () => {
    const user = await hs.register('holes');
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
    const v1 = makeModel(tmp('model-v1'), { omit: ['20', '21'], noMedia: true });
    const v2 = makeModel(tmp('model-v2'), { noMedia: true });
    const journal = tmp('journal-holes');
    await runUpload({ models: [v1.dir], journalDir: journal }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    const r2 = await runUpload({ models: [v2.dir], journalDir: journal }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(r2.totals.sent).toBe(0);
    const before = await runVerifyTarget({ models: [v2.dir], journalDir: journal, only: [v2.group] }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(before.chats[0]).toMatchObject({ missing: 2, missingIds: ['20#t', '21#t'], status: 'missing', duplicates: 0 });
    const fixed = await runVerifyTarget({ models: [v2.dir], journalDir: journal, only: [v2.group], resend: true }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(fixed.resent!.totals.sent).toBe(2);
    expect(fixed.chats[0]).toMatchObject({ missing: 0, duplicates: 0, status: 'ok', outOfOrder: 1 });
  });

  it('uploads a real converter output (Telegram full-account fixture) and verifies it', async () => {
    const user = await hs.register('tguser');
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
    const out = tmp('convert');
    await runConvert({ paths: [path.join(repoRoot, 'tests/fixtures/telegram-json/full-account')], outDir: out }, { progress: noProgress }, AbortSignal.timeout(60_000));
    const journal = tmp('journal-tg');
    const r = await runUpload({ models: [out], journalDir: journal }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(r.totals.media).toBe(1);
    expect(r.problems.filter((p) => p.code !== 'model')).toEqual([]);
    const v = await runVerifyTarget({ models: [out], journalDir: journal }, { client: c, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(v.totals).toMatchObject({ missing: 0, duplicates: 0, mediaChecked: 1, mediaMismatched: 0 });
    expect(v.totals.found).toBe(r.totals.parts);
  });
});
