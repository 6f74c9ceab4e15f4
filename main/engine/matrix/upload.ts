/**
 * Upload a cleaned (or converted) model to Matrix, resumably (matrix.md §2–4, §6).
 *
 * Per chat kept: a private room (name and topic say where it came from, provenance state event
 * `org.pereezd.migration.source`), or a DM recorded in m.direct for a one-to-one chat with a mapped person;
 * invites are off unless asked. History goes in chronological order, one event per part (render.ts), each with
 * a deterministic txnId (txn.ts). What was done is recorded three times: the local fsync'ed journal
 * (journal.ts), the room account data checkpoint, and the global index `org.pereezd.migration.index`. A resume
 * never trusts the local state alone: it pages the room back from the newest event to the last source id
 * written and continues after it, so a re-run of a finished migration creates nothing new.
 *
 * Application-service mode (`appservice: true`, the client holds the AS token): rooms are created as the user
 * himself, every message is sent as its original sender (a mapped account, else a ghost `@mig_…`) with
 * `?ts=` = the original time, so origin_server_ts and senders are the original ones.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { JobProgress } from '../../../shared/model/index.js';
import type { MessageLine } from '../clean/types.js';
import type { IProgress } from '../progress.js';
import { MatrixClient, MatrixError, serverOf, sleep } from './client.js';
import { Journal } from './journal.js';
import { MediaResolver } from './media.js';
import { loadModel, readChatMessages, type ModelChat } from './model.js';
import { displayTime, msgtypeOf, planChat, provenanceOf, senderName, type Part } from './render.js';
import {
  CHECKPOINT_TYPE, chatKey, FORMAT_VERSION, INDEX_TYPE, MIGRATED_TAG, networkOf, PROVENANCE_KEY, shortHash, SOURCE_STATE, txnIdFor,
} from './txn.js';

export interface UploadInput {
  /** Model folders (clean or convert output). */
  models: string[];
  /** Where the journal lives (created if needed). */
  journalDir: string;
  /** Upload this one chat into a pilot room (its own room and ids, separate from the real run). */
  pilot?: string;
  /** Only these chats (ids as in chats.jsonl). */
  only?: string[];
  excludeChats?: string[];
  /** Old sender id (`user123`, or `tg:user123`) → Matrix user id. Unmapped people keep their old name. */
  people?: Record<string, string>;
  /** Invite mapped people to their rooms (off by default). */
  invite?: boolean;
  /** Extra folders to look for attachment files in. */
  mediaRoots?: string[];
  /** The client holds an application-service token: send as the original senders with original timestamps. */
  appservice?: boolean;
  /** The user the migration belongs to (required in appservice mode; else from whoami). */
  userId?: string;
  /** Ghost user localpart prefix in appservice mode (default `mig_`). */
  ghostPrefix?: string;
  /** Checkpoint to room account data every N events (default 100). */
  checkpointEvery?: number;
  /** fsync the journal after each record (default true). */
  fsync?: boolean;
  /** Repair mode (verify-target --resend): per chat key, exactly these source ids are sent; nothing else. */
  repair?: Record<string, string[]>;
  /**
   * Chats (rooms) uploaded at the same time (default 1). Inside a room events still go strictly one after another
   * with the same txnIds and resume rules; only different rooms overlap. For a homeserver with relaxed limits.
   */
  concurrency?: number;
}

export interface PauseControl {
  readonly paused: boolean;
  pause(): void;
  resume(): void;
  /** Resolves at once when running; while paused, when resumed (or rejects on abort). */
  wait(signal: AbortSignal): Promise<void>;
}

export function createPauseControl(): PauseControl {
  let paused = false;
  let waiters: (() => void)[] = [];
  return {
    get paused() {
      return paused;
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
    async wait(signal) {
      while (paused) {
        signal.throwIfAborted();
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(signal.reason as Error);
          signal.addEventListener('abort', onAbort, { once: true });
          waiters.push(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    },
  };
}

export interface UploadDeps {
  /** Signed in as the user, or (appservice) holding the AS token. */
  client: MatrixClient;
  progress: IProgress<JobProgress>;
  control?: PauseControl;
  log?: (line: string) => void;
  now?: () => number;
}

export interface UploadProblem {
  chat: string;
  sid?: string;
  code: 'media-not-found' | 'media-mismatch' | 'media-unreadable' | 'media-too-large' | 'model' | 'dm-unmapped';
  message: string;
}

export interface ChatUploadResult {
  chatId: string;
  title: string;
  key: string;
  roomId: string | null;
  dm: string | null;
  parts: number;
  /** Events sent in this run. */
  sent: number;
  /** Parts the room already had (found by paging back). */
  alreadyThere: number;
  /** Attachments sent as a notice because the file could not be uploaded. */
  placeholders: number;
  /** Index of the first part sent in this run (0 = fresh). */
  resumedAt: number;
  created: boolean;
  status: 'done' | 'empty';
}

export interface UploadResult {
  userId: string;
  journal: string;
  chats: ChatUploadResult[];
  totals: { chats: number; rooms: number; roomsCreated: number; parts: number; sent: number; alreadyThere: number; placeholders: number; media: number; rateLimited: number };
  problems: UploadProblem[];
  seconds: number;
}

export class UploadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UploadError';
  }
}

interface SourceState {
  key: string;
  source: string;
  chat_id: string;
  title: string;
  type: string;
  pilot: boolean;
  version: number;
}

/** Picks the Matrix id mapped to a message's sender: `tg:user1`, `user1`, then the name. */
export function mappedSender(m: MessageLine, people: Record<string, string> | undefined): string | null {
  if (!people || !m.sender) return null;
  const net = networkOf(m.chat);
  for (const k of [m.sender.id ? `${net}:${m.sender.id}` : null, m.sender.id, m.sender.name]) {
    if (k && Object.hasOwn(people, k) && /^@[^:]+:.+$/.test(people[k]!)) return people[k]!;
  }
  return null;
}

const roomName = (c: ModelChat, pilot: boolean) => `${pilot ? 'Pilot: ' : ''}${c.chat.title || c.chat.id}`.slice(0, 250);

function topicOf(c: ModelChat, parts: number): string {
  const ch = c.chat;
  const span = ch.firstAt && ch.lastAt ? `, ${ch.firstAt.slice(0, 10)} – ${ch.lastAt.slice(0, 10)}` : '';
  return `Moved by Pereezd from ${networkOf(ch.id)} (chat ${ch.id}, ${ch.type}${span}); ${parts} events. Original times and senders are in each message.`.slice(0, 1000);
}

/**
 * Rate of the last sends, for the ETA. `reset()` when the server starts rate-limiting: the burst before the first
 * 429 says nothing about the pace that follows (a normal account: 10 at once, then one per 5 s).
 */
export class RateWindow {
  private times: number[] = [];
  add(t: number) {
    this.times.push(t);
    if (this.times.length > 200) this.times.shift();
  }
  reset() {
    this.times = this.times.slice(-1);
  }
  etaMs(remaining: number): number | null {
    if (this.times.length < 3) return null;
    const span = this.times[this.times.length - 1]! - this.times[0]!;
    if (span <= 0) return null;
    return Math.round((remaining * span) / (this.times.length - 1));
  }
}

export async function runUpload(input: UploadInput, deps: UploadDeps, signal: AbortSignal): Promise<UploadResult> {
  const now = deps.now ?? Date.now;
  const t0 = now();
  const log = deps.log ?? (() => {});
  const faithful = !!input.appservice;
  const control = deps.control ?? createPauseControl();
  const journal = new Journal(input.journalDir, input.fsync ?? true);
  const problems: UploadProblem[] = [];
  const resolver = new MediaResolver(input.mediaRoots ?? []);
  const every = Math.max(1, input.checkpointEvery ?? 100);
  let model: Awaited<ReturnType<typeof loadModel>> | null = null;
  try {
    for (const d of input.models) if (!existsSync(d)) throw new UploadError(`${d}: folder not found`);
    deps.progress.report({ done: 0, total: null, unit: 'items', current: 'reading the model' });
    model = await loadModel(input.models, path.join(input.journalDir, 'work'), signal);
    for (const p of model.problems) problems.push({ chat: '', code: 'model', message: p.message });

    // ---- who and where ------------------------------------------------------------------------
    let userId: string;
    if (faithful) {
      if (!input.userId) throw new UploadError('appservice mode needs the user the migration belongs to (userId)');
      userId = input.userId;
    } else {
      userId = (await deps.client.whoami(signal)).user_id;
      if (input.userId && input.userId !== userId) throw new UploadError(`signed in as ${userId}, not ${input.userId}`);
    }
    const me = faithful ? deps.client.as(userId) : deps.client;
    const server = serverOf(userId);
    const sizeLimit = (await me.mediaConfig(signal))['m.upload.size'] ?? Infinity;

    // ---- which chats --------------------------------------------------------------------------
    const pilot = input.pilot !== undefined;
    let chats = model.chats;
    if (pilot) {
      chats = chats.filter((c) => c.chat.id === input.pilot);
      if (!chats.length) throw new UploadError(`pilot chat ${input.pilot} is not in ${input.models.join(', ')} (see chats.jsonl for the ids)`);
    } else {
      if (input.only?.length) {
        const only = new Set(input.only);
        const unknown = input.only.filter((id) => !model!.chats.some((c) => c.chat.id === id));
        if (unknown.length) throw new UploadError(`chat ${unknown.join(', ')} is not in ${input.models.join(', ')}`);
        chats = chats.filter((c) => only.has(c.chat.id));
      }
      const ex = new Set(input.excludeChats ?? []);
      chats = chats.filter((c) => !ex.has(c.chat.id));
    }
    if (input.repair) chats = chats.filter((c) => Object.hasOwn(input.repair!, chatKey(c.chat.id, pilot)));

    // Plan sizes first (for progress and ETA): one read of each chat's spill file.
    const planSizes = new Map<string, number>();
    let total = 0;
    for (const c of chats) {
      signal.throwIfAborted();
      const n = planChat(readChatMessages(c), faithful).length;
      planSizes.set(c.chat.id, n);
      total += n;
    }

    const index: Record<string, string> = { ...((await me.getAccountData<Record<string, string>>(INDEX_TYPE, signal)) ?? {}) };
    let joined = new Set(await me.joinedRooms(signal));
    const scan: { rooms: Map<string, string> | null } = { rooms: null };
    const scanRooms = async (): Promise<Map<string, string>> => {
      joined = new Set(await me.joinedRooms(signal));
      const found = new Map<string, string>();
      for (const r of joined) {
        const st = await me.getState<Partial<SourceState>>(r, SOURCE_STATE, '', signal).catch((err: unknown) => {
          if (err instanceof MatrixError && err.status === 403) return null;
          throw err;
        });
        if (st && typeof st.key === 'string' && !found.has(st.key)) found.set(st.key, r);
      }
      scan.rooms = found;
      return found;
    };

    const results: ChatUploadResult[] = [];
    const rate = new RateWindow();
    let done = 0;
    let sentTotal = 0;
    let lastReport = 0;
    let mediaUploaded = 0;
    let limitedSeen = deps.client.stats.rateLimited;
    const report = (current: string, force = false) => {
      if (deps.client.stats.rateLimited > limitedSeen && limitedSeen === 0) rate.reset();
      limitedSeen = deps.client.stats.rateLimited;
      const t = now();
      if (!force && t - lastReport < 200) return;
      lastReport = t;
      const eta = rate.etaMs(total - done);
      deps.progress.report({
        done, total, unit: 'items', current,
        counters: {
          sent: sentTotal, rooms: results.length, rateLimited: deps.client.stats.rateLimited, media: mediaUploaded,
          paused: control.paused ? 1 : 0, ...(eta !== null ? { etaMs: eta } : {}),
        },
      });
    };

    const ghosts = new Set<string>();
    // The global index is written whole: one write at a time, each with everything known then, so a slower
    // earlier write can never land after (and erase) a later one when chats run concurrently.
    let indexWrites: Promise<void> = Promise.resolve();
    const saveIndex = (key: string, signal: AbortSignal): Promise<void> => {
      const write = indexWrites.then(async () => {
        if (JSON.stringify(index).length < 60_000) await me.setAccountData(INDEX_TYPE, { ...index }, signal);
        else log(`${INDEX_TYPE} is full (64 KiB); ${key} is found through its provenance state event instead`);
      });
      indexWrites = write.catch(() => {});
      return write;
    };
    // One chat from start to end (`signal` is the run's, or with concurrency the pool's).
    const uploadChat = async (c: ModelChat, signal: AbortSignal): Promise<void> => {
      signal.throwIfAborted();
      const key = chatKey(c.chat.id, pilot);
      const messages = readChatMessages(c);
      const parts = planChat(messages, faithful);
      const res: ChatUploadResult = {
        chatId: c.chat.id, title: c.chat.title, key, roomId: null, dm: null, parts: parts.length, sent: 0, alreadyThere: 0, placeholders: 0,
        resumedAt: 0, created: false, status: parts.length ? 'done' : 'empty',
      };
      results.push(res);
      if (!parts.length) return;
      report(c.chat.title, true);

      // ---- DM? one-to-one chat whose other side is a mapped person ------------------------------
      let dm: string | null = null;
      if (c.chat.type === 'personal' && !pilot) {
        const others = new Set<string>();
        for (const m of messages) {
          const mx = mappedSender(m, input.people);
          if (mx && mx !== userId) others.add(mx);
        }
        if (others.size === 1) dm = [...others][0]!;
      }
      res.dm = dm;

      // ---- the room: journal → index → provenance state in joined rooms → create ---------------
      let roomId: string | null = null;
      for (const cand of [journal.state.rooms.get(key), index[key]]) {
        if (cand && joined.has(cand)) {
          roomId = cand;
          break;
        }
      }
      if (!roomId) roomId = (scan.rooms ?? (await scanRooms())).get(key) ?? null;
      if (!roomId) {
        const state: SourceState = { key, source: networkOf(c.chat.id), chat_id: c.chat.id, title: c.chat.title, type: c.chat.type, pilot, version: FORMAT_VERSION };
        const invite = input.invite && !faithful ? (dm ? [dm] : mappedMembers(messages, input.people, userId)) : [];
        for (let attempt = 1; !roomId; attempt++) {
          try {
            roomId = (
              await me.createRoom(
                {
                  name: roomName(c, pilot), topic: topicOf(c, parts.length), preset: dm ? 'trusted_private_chat' : 'private_chat', visibility: 'private',
                  ...(dm ? { is_direct: true } : {}), invite,
                  initial_state: [{ type: SOURCE_STATE, state_key: '', content: { ...state } }],
                },
                signal,
              )
            ).room_id;
            res.created = true;
          } catch (err) {
            signal.throwIfAborted();
            if (!(err instanceof MatrixError) || (err.kind !== 'network' && !(err.status !== null && err.status >= 500)) || attempt >= 5) throw err;
            // The answer was lost: the room may exist. Look before creating another.
            log(`${key}: createRoom failed (${err.message}); checking whether the room was created`);
            await sleep(Math.min(500 * 2 ** attempt, 15_000), signal);
            roomId = (await scanRooms()).get(key) ?? null;
          }
        }
        joined.add(roomId);
        scan.rooms?.set(key, roomId);
      }
      res.roomId = roomId;
      if (journal.state.rooms.get(key) !== roomId) journal.append({ t: 'room', chat: key, room: roomId, at: now() });
      if (index[key] !== roomId) {
        index[key] = roomId;
        await saveIndex(key, signal);
      }
      // Idempotent; also after a crash between createRoom and here (the chat is not marked done yet).
      if (res.created || !journal.state.done.has(key)) {
        await me.setRoomTag(roomId, MIGRATED_TAG, signal);
        if (dm) await me.addDirect(dm, roomId, signal);
      }

      // ---- resume: page back to the last source id written ------------------------------------
      const sidIndex = new Map(parts.map((p, i) => [p.sid, i]));
      const eventOfMsg = new Map<string, string>();
      const known = journal.state.sent.get(key);
      let start = 0;
      let present: Set<string> | null = null;
      const repair = input.repair?.[key];
      const last = repair ? null : await lastWritten(me, roomId, c.chat.id, signal);
      if (repair) {
        const want = new Set(repair);
        present = new Set(parts.filter((p) => !want.has(p.sid)).map((p) => p.sid));
        await readRoom(me, roomId, c.chat.id, eventOfMsg, null, signal);
      } else if (last) {
        const i = sidIndex.get(last.sid);
        if (i !== undefined) start = i + 1;
        else {
          // The room holds ids this plan does not know (the model changed): send what is absent.
          present = new Set();
          await readRoom(me, roomId, c.chat.id, eventOfMsg, present, signal);
        }
      }
      res.resumedAt = start;
      // Reply targets: the journal knows the event of each part it recorded; when it does not know
      // what the room already has (journal lost or from another machine), read the room once.
      if (start > 0 && parts.slice(0, start).some((p) => !known?.has(p.sid)) && parts.slice(start).some((p) => p.message.replyTo)) {
        await readRoom(me, roomId, c.chat.id, eventOfMsg, null, signal);
      }
      for (const p of parts) {
        const ev = known?.get(p.sid);
        if (ev && !eventOfMsg.has(p.msgId)) eventOfMsg.set(p.msgId, ev);
      }
      res.alreadyThere = present ? parts.filter((p) => present!.has(p.sid)).length : start;
      done += res.alreadyThere;

      // ---- appservice: the senders must be members -------------------------------------------
      const senderOf = new Map<string, MatrixClient>();
      if (faithful) {
        for (const m of messages) {
          const mx = mappedSender(m, input.people) ?? ghostId(m, input.ghostPrefix ?? 'mig_', server);
          if (!senderOf.has(mx)) senderOf.set(mx, deps.client.as(mx));
        }
        for (const mx of senderOf.keys()) {
          if (mx === userId) continue;
          await ensureMember(deps.client, me, roomId, mx, ghosts, messages, input.ghostPrefix ?? 'mig_', signal);
        }
      }

      // ---- send ----------------------------------------------------------------------------------
      let sinceCheckpoint = 0;
      let lastSent: { sid: string; event: string } | null = null;
      for (let i = start; i < parts.length; i++) {
        const p = parts[i]!;
        if (present?.has(p.sid)) continue;
        if (control.paused) report(c.chat.title, true);
        await control.wait(signal);
        signal.throwIfAborted();
        const firstOfMessage = i === 0 || parts[i - 1]!.msgId !== p.msgId;
        const content = await contentOf(p, firstOfMessage, c.chat.id, eventOfMsg, me, resolver, journal, sizeLimit, problems, signal, () => mediaUploaded++);
        if (content.placeholder) res.placeholders++;
        const sender = faithful ? senderOf.get(mappedSender(p.message, input.people) ?? ghostId(p.message, input.ghostPrefix ?? 'mig_', server))! : me;
        const ts = faithful ? provenanceOf(p, c.chat.id).orig_ts ?? undefined : undefined;
        const { event_id } = await sender.sendEvent(roomId, 'm.room.message', txnIdFor(key, p.sid), content.content, { signal, ...(ts !== undefined ? { ts } : {}) });
        journal.append({ t: 'sent', chat: key, sid: p.sid, event: event_id });
        if (!eventOfMsg.has(p.msgId)) eventOfMsg.set(p.msgId, event_id);
        lastSent = { sid: p.sid, event: event_id };
        res.sent++;
        sentTotal++;
        done++;
        rate.add(now());
        report(c.chat.title);
        if (++sinceCheckpoint >= every) {
          sinceCheckpoint = 0;
          await me.setRoomAccountData(roomId, CHECKPOINT_TYPE, checkpoint(c, key, lastSent, i + 1, parts.length, false), signal);
        }
      }
      if (res.sent > 0 || journal.state.done.get(key) !== parts.length) {
        const lastPart = parts[parts.length - 1]!;
        await me.setRoomAccountData(roomId, CHECKPOINT_TYPE, checkpoint(c, key, lastSent ?? { sid: lastPart.sid, event: journal.state.sent.get(key)?.get(lastPart.sid) ?? '' }, parts.length, parts.length, true), signal);
        journal.append({ t: 'chat-done', chat: key, parts: parts.length, at: now() });
      }
      report(c.chat.title, true);
    };
    await forEachChat(chats, input.concurrency ?? 1, uploadChat, signal);

    const totals = {
      chats: results.length, rooms: results.filter((r) => r.roomId).length, roomsCreated: results.filter((r) => r.created).length,
      parts: results.reduce((n, r) => n + r.parts, 0), sent: sentTotal, alreadyThere: results.reduce((n, r) => n + r.alreadyThere, 0),
      placeholders: results.reduce((n, r) => n + r.placeholders, 0), media: mediaUploaded, rateLimited: deps.client.stats.rateLimited,
    };
    deps.progress.report({ done: total, total, unit: 'items', current: 'done', counters: { sent: sentTotal, rooms: totals.rooms, etaMs: 0 } });
    return { userId, journal: journal.file, chats: results, totals, problems, seconds: (now() - t0) / 1000 };
  } finally {
    journal.close();
    model?.dispose();
    await resolver.close();
  }
}

/**
 * Runs `work` for each item, at most `concurrency` at a time, started in order (1 = strictly one after another).
 * The first failure aborts the others' signal and is thrown once every one has settled, so nothing is left running.
 */
export async function forEachChat<T>(items: T[], concurrency: number, work: (item: T, signal: AbortSignal) => Promise<void>, signal: AbortSignal): Promise<void> {
  const width = Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length));
  if (width === 1) {
    for (const item of items) await work(item, signal);
    return;
  }
  const pool = new AbortController();
  const onAbort = () => pool.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item, pool.signal);
      } catch (err) {
        if (!failed) {
          failed = true;
          firstError = err;
          pool.abort(err);
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (failed) throw firstError;
}

function checkpoint(c: ModelChat, key: string, last: { sid: string; event: string } | null, position: number, parts: number, done: boolean) {
  return {
    source: networkOf(c.chat.id), chatId: c.chat.id, key, lastSourceMsgId: last?.sid.replace(/#.*$/, '') ?? null, lastPart: last?.sid ?? null,
    lastEventId: last?.event ?? null, position, parts, done, version: FORMAT_VERSION,
  };
}

function mappedMembers(messages: MessageLine[], people: Record<string, string> | undefined, me: string): string[] {
  const out = new Set<string>();
  for (const m of messages) {
    const mx = mappedSender(m, people);
    if (mx && mx !== me) out.add(mx);
  }
  return [...out];
}

/** `@mig_<hash>:server` for an unmapped sender (stable per network + sender id or name). */
export function ghostId(m: MessageLine, prefix: string, server: string): string {
  const who = m.sender?.id ?? m.sender?.name ?? 'unknown';
  return `@${prefix}${shortHash(`${networkOf(m.chat)}:${who}`, 12)}:${server}`;
}

async function ensureMember(
  as: MatrixClient, me: MatrixClient, roomId: string, mx: string, ghosts: Set<string>, messages: MessageLine[], prefix: string, signal: AbortSignal,
): Promise<void> {
  const localpart = mx.slice(1, mx.indexOf(':'));
  if (localpart.startsWith(prefix) && !ghosts.has(mx)) {
    try {
      await as.request('POST', '/_matrix/client/v3/register', { body: { type: 'm.login.application_service', username: localpart, inhibit_login: true }, signal });
      const sample = messages.find((m) => ghostId(m, prefix, mx.slice(mx.indexOf(':') + 1)) === mx);
      if (sample) await as.as(mx).setDisplayName(mx, senderName(sample), signal);
    } catch (err) {
      if (!(err instanceof MatrixError && err.errcode === 'M_USER_IN_USE')) throw err;
    }
    ghosts.add(mx);
  }
  const member = await me.getState<{ membership?: string }>(roomId, 'm.room.member', mx, signal);
  if (member?.membership === 'join') return;
  if (member?.membership !== 'invite') await me.invite(roomId, mx, signal);
  await as.as(mx).join(roomId, signal);
}

/**
 * Reads the whole room once: for each source message the event of its FIRST part (pages go newest → oldest, so
 * the last write wins), and, when asked, every source id present.
 */
async function readRoom(c: MatrixClient, roomId: string, chatId: string, eventOfMsg: Map<string, string>, present: Set<string> | null, signal: AbortSignal): Promise<void> {
  for await (const page of c.allMessages(roomId, { dir: 'b', limit: 1000, filter: { types: ['m.room.message'] }, signal })) {
    for (const e of page) {
      const pv = e.content[PROVENANCE_KEY] as { part?: unknown; msg_id?: unknown; chat_id?: unknown } | undefined;
      if (!pv || pv.chat_id !== chatId || typeof pv.part !== 'string' || typeof pv.msg_id !== 'string') continue;
      present?.add(pv.part);
      eventOfMsg.set(pv.msg_id, e.event_id);
    }
  }
}

/** The newest event of this chat's provenance in the room (the last source id written), paging back. */
export async function lastWritten(c: MatrixClient, roomId: string, chatId: string, signal: AbortSignal): Promise<{ sid: string; event: string } | null> {
  for await (const page of c.allMessages(roomId, { dir: 'b', limit: 50, filter: { types: ['m.room.message'] }, signal })) {
    for (const e of page) {
      const pv = e.content[PROVENANCE_KEY] as { part?: unknown; chat_id?: unknown } | undefined;
      if (pv && typeof pv.part === 'string' && pv.chat_id === chatId) return { sid: pv.part, event: e.event_id };
    }
  }
  return null;
}

async function contentOf(
  p: Part, firstOfMessage: boolean, chatId: string, eventOfMsg: Map<string, string>, me: MatrixClient, resolver: MediaResolver, journal: Journal,
  sizeLimit: number, problems: UploadProblem[], signal: AbortSignal, onMedia: () => void,
): Promise<{ content: Record<string, unknown>; placeholder: boolean }> {
  // Only the first event of a message is the reply (a caption and its photo are not two replies).
  const reply = p.message.replyTo && firstOfMessage ? eventOfMsg.get(p.message.replyTo) : undefined;
  const rel = reply ? { 'm.relates_to': { 'm.in_reply_to': { event_id: reply } } } : {};
  if (p.kind === 'text') {
    return { content: { msgtype: p.msgtype, body: p.body, ...rel, [PROVENANCE_KEY]: provenanceOf(p, chatId) }, placeholder: false };
  }
  const a = p.attachment!;
  const found = await resolver.read(p.message, a, signal);
  let why: string | null = null;
  if (!found.ok) {
    why = found.message;
    problems.push({ chat: chatId, sid: p.sid, code: found.reason === 'checksum-mismatch' ? 'media-mismatch' : found.reason === 'unreadable' ? 'media-unreadable' : 'media-not-found', message: found.message });
  } else if (found.data.length > sizeLimit) {
    why = `${a.name}: ${found.data.length} bytes, more than the server accepts (${sizeLimit})`;
    problems.push({ chat: chatId, sid: p.sid, code: 'media-too-large', message: why });
  }
  if (!found.ok || why) {
    const body = `[${displayTime(p.message.sentAt)}] ${senderName(p.message)}: [${a.name} could not be uploaded: ${why}]`;
    return { content: { msgtype: 'm.notice', body, ...rel, [PROVENANCE_KEY]: { ...provenanceOf(p, chatId), placeholder: true } }, placeholder: true };
  }
  let mxc = journal.state.media.get(found.sha256);
  if (!mxc) {
    mxc = await me.uploadMedia(found.data, { contentType: a.mime ?? 'application/octet-stream', filename: a.name, signal });
    journal.append({ t: 'media', sha256: found.sha256, mxc });
    onMedia();
  }
  return {
    content: {
      msgtype: msgtypeOf(a), body: a.name, filename: a.name, url: mxc, info: { mimetype: a.mime ?? 'application/octet-stream', size: found.data.length },
      ...rel, [PROVENANCE_KEY]: provenanceOf(p, chatId, found.sha256),
    },
    placeholder: false,
  };
}
