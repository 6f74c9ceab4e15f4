/**
 * Verify an upload by reading every room back (matrix.md §5): /messages from the start, events matched to the
 * plan by their provenance source id; per chat the expected, found, missing, duplicated and unknown parts; media
 * re-downloaded through the authenticated endpoint and their SHA-256 compared with the one recorded at upload
 * (and with the export's, when the model has it). With `resend`, only the missing parts are sent again (same
 * txnIds, through the uploader's repair mode) and the room is read once more.
 */
import path from 'node:path';
import type { JobProgress } from '../../../shared/model/index.js';
import type { IProgress } from '../progress.js';
import { MatrixClient, MatrixError } from './client.js';
import { Journal } from './journal.js';
import { loadModel, readChatMessages } from './model.js';
import { planChat } from './render.js';
import { chatKey, INDEX_TYPE, PROVENANCE_KEY, SOURCE_STATE } from './txn.js';
import { runUpload, type UploadInput, type UploadResult } from './upload.js';

export interface VerifyTargetInput extends Omit<UploadInput, 'checkpointEvery'> {
  /** Re-download and hash media (default true). */
  checkMedia?: boolean;
  /** Send the missing parts again, then verify again. */
  resend?: boolean;
}

export interface ChatVerifyResult {
  chatId: string;
  title: string;
  key: string;
  roomId: string | null;
  expected: number;
  found: number;
  missing: number;
  duplicates: number;
  /** Events with this chat's provenance whose source id is not in the plan. */
  unknown: number;
  media: { expected: number; checked: number; ok: number; mismatched: number; placeholders: number };
  /** First parts out of chronological order (events in the room, compared with the plan). */
  outOfOrder: number;
  firstOrigTs: number | null;
  lastOrigTs: number | null;
  /** Up to 20 missing source ids, for the report. */
  missingIds: string[];
  status: 'ok' | 'no-room' | 'missing' | 'duplicates' | 'media-mismatch' | 'empty';
}

export interface VerifyTargetResult {
  chats: ChatVerifyResult[];
  totals: { chats: number; ok: number; expected: number; found: number; missing: number; duplicates: number; unknown: number; mediaChecked: number; mediaMismatched: number };
  /** Set when resend was asked and something was missing. */
  resent: UploadResult | null;
  seconds: number;
}

export interface VerifyTargetDeps {
  client: MatrixClient;
  progress: IProgress<JobProgress>;
  log?: (line: string) => void;
}

interface Pv {
  part?: unknown;
  chat_id?: unknown;
  orig_ts?: unknown;
  sha256?: unknown;
  placeholder?: unknown;
}

export async function runVerifyTarget(input: VerifyTargetInput, deps: VerifyTargetDeps, signal: AbortSignal): Promise<VerifyTargetResult> {
  const t0 = Date.now();
  const first = await verifyOnce(input, deps, signal);
  let resent: UploadResult | null = null;
  let final = first;
  if (input.resend) {
    const repair: Record<string, string[]> = {};
    for (const c of first.chats) if (c.missing > 0 && c.roomId) repair[c.key] = c.missingAll;
    if (Object.keys(repair).length) {
      resent = await runUpload({ ...input, repair }, { client: deps.client, progress: deps.progress, ...(deps.log ? { log: deps.log } : {}) }, signal);
      final = await verifyOnce(input, deps, signal);
    }
  }
  const chats = final.chats.map(({ missingAll: _m, ...c }) => c);
  const totals = {
    chats: chats.length, ok: chats.filter((c) => c.status === 'ok' || c.status === 'empty').length,
    expected: sum(chats, (c) => c.expected), found: sum(chats, (c) => c.found), missing: sum(chats, (c) => c.missing),
    duplicates: sum(chats, (c) => c.duplicates), unknown: sum(chats, (c) => c.unknown), mediaChecked: sum(chats, (c) => c.media.checked),
    mediaMismatched: sum(chats, (c) => c.media.mismatched),
  };
  return { chats, totals, resent, seconds: (Date.now() - t0) / 1000 };
}

const sum = <T>(xs: T[], f: (x: T) => number) => xs.reduce((n, x) => n + f(x), 0);

async function verifyOnce(input: VerifyTargetInput, deps: VerifyTargetDeps, signal: AbortSignal): Promise<{ chats: (ChatVerifyResult & { missingAll: string[] })[] }> {
  const faithful = !!input.appservice;
  if (faithful && !input.userId) throw new Error('appservice mode needs the user the migration belongs to (userId)');
  const me = faithful ? deps.client.as(input.userId!) : deps.client;
  if (!faithful) await me.whoami(signal);
  const journal = new Journal(input.journalDir, false);
  const model = await loadModel(input.models, path.join(input.journalDir, 'work'), signal);
  try {
    const pilot = input.pilot !== undefined;
    let chats = pilot ? model.chats.filter((c) => c.chat.id === input.pilot) : model.chats;
    if (input.only?.length) chats = chats.filter((c) => input.only!.includes(c.chat.id));
    if (input.excludeChats?.length) chats = chats.filter((c) => !input.excludeChats!.includes(c.chat.id));
    const index = (await me.getAccountData<Record<string, string>>(INDEX_TYPE, signal)) ?? {};
    const joined = new Set(await me.joinedRooms(signal));
    let byState: Map<string, string> | null = null;
    const out: (ChatVerifyResult & { missingAll: string[] })[] = [];
    let doneChats = 0;
    for (const c of chats) {
      signal.throwIfAborted();
      deps.progress.report({ done: doneChats, total: chats.length, unit: 'items', current: c.chat.title });
      const key = chatKey(c.chat.id, pilot);
      const parts = planChat(readChatMessages(c), faithful);
      const media = { expected: parts.filter((p) => p.kind === 'media').length, checked: 0, ok: 0, mismatched: 0, placeholders: 0 };
      const r: ChatVerifyResult & { missingAll: string[] } = {
        chatId: c.chat.id, title: c.chat.title, key, roomId: null, expected: parts.length, found: 0, missing: parts.length, duplicates: 0, unknown: 0,
        media, outOfOrder: 0, firstOrigTs: null, lastOrigTs: null, missingIds: [], missingAll: [], status: parts.length ? 'no-room' : 'empty',
      };
      out.push(r);
      doneChats++;
      if (!parts.length) continue;
      let roomId = [index[key], journal.state.rooms.get(key)].find((x) => x && joined.has(x)) ?? null;
      if (!roomId) {
        if (!byState) {
          byState = new Map();
          for (const room of joined) {
            const st = await me.getState<{ key?: unknown }>(room, SOURCE_STATE, '', signal).catch((err: unknown) => {
              if (err instanceof MatrixError && err.status === 403) return null;
              throw err;
            });
            if (st && typeof st.key === 'string') byState.set(st.key, room);
          }
        }
        roomId = byState.get(key) ?? null;
      }
      if (!roomId) {
        r.missingAll = parts.map((p) => p.sid);
        r.missingIds = r.missingAll.slice(0, 20);
        continue;
      }
      r.roomId = roomId;
      const planIndex = new Map(parts.map((p, i) => [p.sid, i]));
      const counts = new Map<string, number>();
      const order: number[] = [];
      const mediaEvents: { sid: string; url: string; sha256: string | null }[] = [];
      for await (const page of me.allMessages(roomId, { dir: 'f', limit: 1000, filter: { types: ['m.room.message'] }, signal })) {
        for (const e of page) {
          const pv = e.content[PROVENANCE_KEY] as Pv | undefined;
          if (!pv || typeof pv.part !== 'string' || pv.chat_id !== c.chat.id) continue;
          const n = (counts.get(pv.part) ?? 0) + 1;
          counts.set(pv.part, n);
          const at = planIndex.get(pv.part);
          if (at === undefined) {
            r.unknown++;
            continue;
          }
          if (n > 1) continue;
          order.push(at);
          if (typeof pv.orig_ts === 'number') {
            r.firstOrigTs = r.firstOrigTs === null ? pv.orig_ts : Math.min(r.firstOrigTs, pv.orig_ts);
            r.lastOrigTs = r.lastOrigTs === null ? pv.orig_ts : Math.max(r.lastOrigTs, pv.orig_ts);
          }
          if (parts[at]!.kind === 'media') {
            if (pv.placeholder === true) media.placeholders++;
            else if (typeof e.content.url === 'string') mediaEvents.push({ sid: pv.part, url: e.content.url, sha256: typeof pv.sha256 === 'string' ? pv.sha256 : null });
          }
        }
      }
      for (let i = 1; i < order.length; i++) if (order[i]! < order[i - 1]!) r.outOfOrder++;
      r.found = [...counts.keys()].filter((k) => planIndex.has(k)).length;
      r.duplicates = [...counts.entries()].filter(([k, n]) => planIndex.has(k) && n > 1).reduce((s, [, n]) => s + n - 1, 0);
      r.missingAll = parts.filter((p) => !counts.has(p.sid)).map((p) => p.sid);
      r.missing = r.missingAll.length;
      r.missingIds = r.missingAll.slice(0, 20);
      if (input.checkMedia !== false) {
        for (const m of mediaEvents) {
          signal.throwIfAborted();
          const expectedSha = parts[planIndex.get(m.sid)!]!.attachment?.sha256 ?? m.sha256;
          media.checked++;
          try {
            const got = await me.mediaSha256(m.url, signal);
            if (got.sha256 === m.sha256 && (!expectedSha || got.sha256 === expectedSha)) media.ok++;
            else media.mismatched++;
          } catch (err) {
            signal.throwIfAborted();
            deps.log?.(`${c.chat.id} ${m.sid}: ${(err as Error).message}`);
            media.mismatched++;
          }
        }
      }
      r.status = r.missing ? 'missing' : r.duplicates ? 'duplicates' : media.mismatched ? 'media-mismatch' : 'ok';
    }
    deps.progress.report({ done: chats.length, total: chats.length, unit: 'items', current: 'done' });
    return { chats: out };
  } finally {
    journal.close();
    model.dispose();
  }
}
