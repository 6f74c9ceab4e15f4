/**
 * The migration plan, from one pass over the cleaned timeline (messages.jsonl, grouped by chat and
 * chronological within a chat). The same pass resolves every entry's sender to an identity.
 *
 * Per chat:
 *   excluded          the user unticked it: skip;
 *   nothing to send   skip, `empty`, or `already-uploaded` when the caller says the target has it all;
 *   in the target     (`uploaded`: chat id → room and how many timeline entries are in it, counted
 *                     from the first) merge: only the entries after those are planned, no new room;
 *   otherwise         create: a new room, then the history.
 * What the target receives, request by request, in timeline order (rate-model.ts prices them):
 *   an authored message   one upload and one media event per attachment present in the export,
 *                         then one text event when it has text or nothing could be uploaded (a
 *                         message whose files the export left out still arrives, naming them);
 *   a service entry       one notice (unless `includeEvents` is false);
 *   invites               with `invite`, after the chat's history (members are not notified of
 *                         every imported message): every mapped account that appears in the chat,
 *                         except the owner's.
 * Estimates: each chat alone with fresh limits (`estimateMs`, `estimateFastMs`), and all planned
 * chats back to back by one account in this order (`totals`): the bursts are used once there, so
 * the total is less than the sum of the chats'. `chats` lists the chats in upload order (the order
 * of messages.jsonl), then those with nothing in it.
 */
import {
  ChatTypeSchema, FAST_PROFILE, SYNAPSE_DEFAULT_PROFILE, type ChatPlan, type ChatType, type Identity, type IdentitySummary, type Plan,
  type PlanReason, type RateProfile, type UnresolvedSender, type UploadedChat,
} from '../../../shared/model/index.js';
import { senderKeyOf } from './identity.js';
import { LineReader, yieldNow } from './line-reader.js';
import { UploadSchedule } from './rate-model.js';
import type { MessageLine } from './types.js';

export interface PlanOptions {
  /** The target's limits (default: Synapse's defaults). */
  rate?: RateProfile;
  /** Limits lifted (default: {@link FAST_PROFILE}; give a measured `requestsPerSecond`). */
  fast?: RateProfile;
  /** What the target has already (the upload engine's journal). */
  uploaded?: Readonly<Record<string, UploadedChat>>;
  /** Send service entries (joins, calls, pins) as notices (default true: nothing left behind). */
  includeEvents?: boolean;
  /** Invite the chat's mapped members (default false, as the upload does). */
  invite?: boolean;
}

export interface PlanChatInfo {
  id: string;
  title: string;
  type: string;
  excluded: boolean;
  /** For an excluded chat: the timeline entries left out (kept chats are counted by the scan). */
  entries?: number;
}

export interface PlanScanInput {
  /** The cleaned messages.jsonl. */
  messages: string;
  /** Every chat of the run, kept and excluded, in chats.jsonl order. */
  chats: readonly PlanChatInfo[];
  /** The run's identities: `messages` and `chats` are counted into them. */
  identities: Identity[];
  options?: PlanOptions;
  signal: AbortSignal;
  progress?(lines: number): void;
}

export interface PlanScanResult {
  plan: Plan;
  senders: IdentitySummary['senders'];
  /** Every unresolved sender, most messages first. */
  unresolved: UnresolvedSender[];
  /** Lines of messages.jsonl that were not JSON (an internal error: clean writes it). */
  badLines: number[];
}

interface ChatRun {
  info: PlanChatInfo;
  uploaded: UploadedChat | null;
  /** Timeline entries seen. */
  entries: number;
  messages: number;
  events: number;
  media: number;
  mediaBytes: number;
  mediaMissing: number;
  sends: number;
  invites: number;
  /** The room exists in the simulations (created, or given by the caller). */
  opened: boolean;
  invited: boolean;
  alone: UploadSchedule;
  aloneFast: UploadSchedule;
  /** Identities seen sending in this chat (indices). */
  senders: Set<number>;
}

const chatType = (t: string): ChatType => (ChatTypeSchema.safeParse(t).success ? (t as ChatType) : 'unknown');

export async function scanAndPlan(input: PlanScanInput): Promise<PlanScanResult> {
  const opts = input.options ?? {};
  const rate = opts.rate ?? SYNAPSE_DEFAULT_PROFILE;
  const fast = opts.fast ?? FAST_PROFILE;
  const includeEvents = opts.includeEvents ?? true;
  const invite = opts.invite ?? false;
  const uploaded = opts.uploaded ?? {};
  const ids = input.identities;
  for (const id of ids) {
    id.messages = 0;
    id.chats = 0;
  }
  const senderIndex = new Map<string, number>();
  ids.forEach((id, i) => {
    for (const s of id.senders) senderIndex.set(s, i);
  });
  const ownAccounts = new Set(ids.filter((i) => i.self && i.account).map((i) => i.account!));
  const infoById = new Map(input.chats.map((c) => [c.id, c]));
  const runs = new Map<string, ChatRun>();
  const total = new UploadSchedule(rate);
  const totalFast = new UploadSchedule(fast);
  const senders: IdentitySummary['senders'] = { resolved: 0, unresolved: 0, system: 0 };
  const unresolved = new Map<string, UnresolvedSender>();
  const badLines: number[] = [];

  const startRun = (chat: string): ChatRun => {
    const info = infoById.get(chat) ?? { id: chat, title: chat, type: 'unknown', excluded: false };
    const up = Object.hasOwn(uploaded, chat) ? uploaded[chat]! : null;
    return {
      info, uploaded: up, entries: 0, messages: 0, events: 0, media: 0, mediaBytes: 0, mediaMissing: 0, sends: 0, invites: 0,
      opened: up !== null, invited: up !== null, alone: new UploadSchedule(rate), aloneFast: new UploadSchedule(fast), senders: new Set(),
    };
  };
  const each = (r: ChatRun, f: (s: UploadSchedule) => void) => {
    f(r.alone);
    f(r.aloneFast);
    f(total);
    f(totalFast);
  };
  const open = (r: ChatRun) => {
    if (r.opened) return;
    r.opened = true;
    each(r, (s) => s.createRoom());
  };
  const send = (r: ChatRun) => {
    r.sends++;
    each(r, (s) => s.send());
  };
  /** The chat's history is in: invite its members (once). */
  const closeRun = (r: ChatRun) => {
    if (r.invited || !r.opened || !invite) return;
    r.invited = true;
    const accounts = new Set<string>();
    for (const i of r.senders) {
      const a = ids[i]!.account;
      if (a && !ids[i]!.self && !ownAccounts.has(a)) accounts.add(a);
    }
    for (const a of [...accounts].sort()) {
      r.invites++;
      each(r, (s) => s.invite(a));
    }
  };

  const reader = new LineReader(input.messages);
  let current = null as ChatRun | null;
  let n = 0;
  try {
    for (let line = reader.next(); line !== null; line = reader.next()) {
      if ((++n & 4095) === 0) {
        await yieldNow();
        input.signal.throwIfAborted();
        input.progress?.(n);
      }
      if (!line) continue;
      let m: MessageLine;
      try {
        m = JSON.parse(line) as MessageLine;
      } catch {
        badLines.push(reader.lineNo);
        continue;
      }
      if (current?.info.id !== m.chat) {
        if (current) closeRun(current);
        current = runs.get(m.chat) ?? null;
        if (!current) runs.set(m.chat, (current = startRun(m.chat)));
      }
      const r = current;
      r.entries++;

      // ---- who sent it ------------------------------------------------------------------------
      const key = senderKeyOf(m.chat, m.sender);
      const at = key === null ? undefined : senderIndex.get(key);
      if (at !== undefined) {
        senders.resolved++;
        r.senders.add(at);
        if (m.kind === 'message') ids[at]!.messages++;
      } else if (key === null && m.kind === 'event') senders.system++;
      else {
        senders.unresolved++;
        const reason = key === null ? 'no-sender' : 'unknown-sender';
        const k = `${m.chat}\u0000${key ?? ''}\u0000${reason}`;
        const u = unresolved.get(k);
        if (u) u.messages++;
        else unresolved.set(k, { chat: m.chat, sender: key, reason, messages: 1 });
      }

      // ---- what the target receives ----------------------------------------------------------
      if (r.info.excluded) continue; // not in a cleaned timeline; kept for hand-made input
      if (r.uploaded && r.entries <= r.uploaded.messagesSent) continue;
      if (m.kind === 'event') {
        if (!includeEvents) continue;
        open(r);
        r.events++;
        send(r);
        continue;
      }
      open(r);
      r.messages++;
      let uploadedHere = 0;
      for (const a of m.attachments ?? []) {
        if (a.missing) {
          r.mediaMissing++;
          continue;
        }
        const bytes = typeof a.size === 'number' && a.size > 0 ? a.size : 0;
        r.media++;
        r.mediaBytes += bytes;
        uploadedHere++;
        each(r, (s) => s.upload(bytes));
        send(r);
      }
      if (uploadedHere === 0 || m.text.trim() !== '') send(r);
    }
    if (current) closeRun(current);
  } finally {
    reader.close();
  }

  for (const r of runs.values()) for (const i of r.senders) ids[i]!.chats++;

  // ---- the plan -----------------------------------------------------------------------------
  const chats: ChatPlan[] = [];
  const planOf = (info: PlanChatInfo, r: ChatRun | null): ChatPlan => {
    const up = Object.hasOwn(uploaded, info.id) ? uploaded[info.id]! : null;
    const entries = r?.entries ?? 0;
    const planned = r ? r.messages + r.events : 0;
    let action: ChatPlan['action'];
    let reason: PlanReason;
    if (info.excluded) [action, reason] = ['skip', 'excluded'];
    else if (planned === 0) [action, reason] = ['skip', up && entries > 0 ? 'already-uploaded' : 'empty'];
    else if (up) [action, reason] = ['merge', up.messagesSent > 0 ? 'partly-uploaded' : 'room-exists'];
    else [action, reason] = ['create', 'new'];
    const doing = action !== 'skip';
    return {
      chatId: info.id, title: info.title, type: chatType(info.type), action, reason,
      entries: info.excluded ? (info.entries ?? entries) : entries,
      messages: doing ? r!.messages : 0, events: doing ? r!.events : 0, media: doing ? r!.media : 0, mediaBytes: doing ? r!.mediaBytes : 0,
      mediaMissing: doing ? r!.mediaMissing : 0, sends: doing ? r!.sends : 0, invites: doing ? r!.invites : 0,
      alreadySent: up ? Math.min(up.messagesSent, entries) : 0, ...(up ? { roomId: up.roomId } : {}),
      estimateMs: doing ? r!.alone.elapsedMs : 0, estimateFastMs: doing ? r!.aloneFast.elapsedMs : 0,
    };
  };
  for (const [id, r] of runs) chats.push(planOf(r.info.id === id ? r.info : { ...r.info, id }, r));
  for (const c of input.chats) if (!runs.has(c.id)) chats.push(planOf(c, null));

  const sum = (f: (c: ChatPlan) => number) => chats.reduce((s, c) => s + f(c), 0);
  const count = (f: (c: ChatPlan) => boolean) => chats.filter(f).length;
  const known = new Set(chats.map((c) => c.chatId));
  const plan: Plan = {
    version: 1,
    chats,
    totals: {
      chats: chats.length,
      create: count((c) => c.action === 'create'),
      merge: count((c) => c.action === 'merge'),
      skip: count((c) => c.action === 'skip'),
      skipped: {
        excluded: count((c) => c.reason === 'excluded'),
        empty: count((c) => c.reason === 'empty'),
        alreadyUploaded: count((c) => c.reason === 'already-uploaded'),
      },
      messages: sum((c) => c.messages),
      events: sum((c) => c.events),
      media: sum((c) => c.media),
      mediaBytes: sum((c) => c.mediaBytes),
      mediaMissing: sum((c) => c.mediaMissing),
      sends: sum((c) => c.sends),
      invites: sum((c) => c.invites),
      estimateMs: total.elapsedMs,
      estimateFastMs: totalFast.elapsedMs,
      uploadedElsewhere: Object.keys(uploaded).filter((id) => !known.has(id)).length,
    },
    rate: { default: rate, fast },
    options: { includeEvents, invite },
  };
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const list = [...unresolved.values()].sort(
    (a, b) => b.messages - a.messages || cmp(a.chat, b.chat) || cmp(a.reason, b.reason) || cmp(a.sender ?? '', b.sender ?? ''),
  );
  return { plan, senders, unresolved: list, badLines };
}
