/**
 * The inventory step: read every source the user gave, count what is in it, and summarise each chat
 * (members, messages, events, media, date range, last-90-days activity, activity per month).
 * Counting happens here, once, for every host: CLI, desktop and browser show the same numbers.
 */
import type {
  Chat,
  ChatSummary,
  Counts,
  InventoryResult,
  JobProgress,
  Message,
  Problem,
  SourceInventory,
  SourceOptions,
} from '../../../shared/model/index.js';
import type { IProgress } from '../progress.js';
import { containerProblems, formatById, openSource } from '../sources/registry.js';
import { suggestPriority } from './priority.js';
import type { SourceSink } from '../sources/types.js';

export interface InventoryInput {
  paths: string[];
  /** Answers per source path (as given in `paths`), e.g. the date order of a WhatsApp export. */
  options?: Record<string, SourceOptions>;
  /** Reference instant for `last90`; defaults to now. */
  asOf?: Date;
}

export interface InventoryDeps {
  progress: IProgress<JobProgress>;
}

const DAY_MS = 86_400_000;

interface ChatAcc {
  chat: Chat | null;
  members: Set<string>;
  messages: number;
  events: number;
  attachments: number;
  attachmentsMissing: number;
  mediaBytes: number;
  first: number | null;
  last: number | null;
  firstIso: string | null;
  lastIso: string | null;
  last90: number;
  activity: Map<string, number>;
}

function newAcc(): ChatAcc {
  return {
    chat: null, members: new Set(), messages: 0, events: 0, attachments: 0, attachmentsMissing: 0, mediaBytes: 0,
    first: null, last: null, firstIso: null, lastIso: null, last90: 0, activity: new Map(),
  };
}

export const emptyCounts = (): Counts => ({ contacts: 0, chats: 0, messages: 0, events: 0, attachments: 0, attachmentsMissing: 0 });

/** Accumulates one source's items into its inventory. Exported for the CLI and tests. */
export function createInventorySink(path: string, asOf: Date) {
  const chats = new Map<string, ChatAcc>();
  const problems: Problem[] = [];
  const counts = emptyCounts();
  const since90 = asOf.getTime() - 90 * DAY_MS;
  let owner: string | undefined;
  const acc = (id: string) => {
    let a = chats.get(id);
    if (!a) chats.set(id, (a = newAcc()));
    return a;
  };
  const sink: SourceSink = {
    contact(c) {
      // The account owner (Telegram `personal_information`) is not one of their contacts; it is
      // reported as `owner`.
      if (!c.self) counts.contacts++;
    },
    chat(c) {
      acc(c.id).chat = c;
    },
    message(m: Message) {
      const a = acc(m.chat);
      if (m.kind === 'message') {
        a.messages++;
        counts.messages++;
      } else {
        a.events++;
        counts.events++;
      }
      if (m.sender?.id) a.members.add(m.sender.id);
      else if (m.sender?.name) a.members.add(`name:${m.sender.name}`);
      for (const att of m.attachments) {
        a.attachments++;
        counts.attachments++;
        if (att.missing) {
          a.attachmentsMissing++;
          counts.attachmentsMissing++;
        } else if (att.size) a.mediaBytes += att.size;
      }
      if (m.sentAt) {
        const t = Date.parse(m.sentAt);
        if (!Number.isNaN(t)) {
          if (a.first === null || t < a.first) {
            a.first = t;
            a.firstIso = m.sentAt;
          }
          if (a.last === null || t > a.last) {
            a.last = t;
            a.lastIso = m.sentAt;
          }
          if (m.kind === 'message') {
            if (t >= since90 && t <= asOf.getTime()) a.last90++;
            const month = new Date(t).toISOString().slice(0, 7);
            a.activity.set(month, (a.activity.get(month) ?? 0) + 1);
          }
        }
      }
    },
    problem(p) {
      problems.push(p);
    },
    owner(name) {
      owner = name;
    },
  };
  const summary = (): { chatList: ChatSummary[]; counts: Counts; problems: Problem[]; owner?: string } => {
    const chatList: ChatSummary[] = [];
    for (const [id, a] of chats) {
      const summary: Omit<ChatSummary, 'priority'> = {
        id,
        title: a.chat?.title ?? id,
        type: a.chat?.type ?? 'unknown',
        ...(a.chat?.rawType !== undefined ? { rawType: a.chat.rawType } : {}),
        ...(a.chat?.left ? { left: true } : {}),
        members: a.members.size,
        messages: a.messages,
        events: a.events,
        attachments: a.attachments,
        attachmentsMissing: a.attachmentsMissing,
        mediaBytes: a.mediaBytes,
        firstAt: a.firstIso,
        lastAt: a.lastIso,
        last90: a.last90,
        activity: Object.fromEntries([...a.activity.entries()].sort(([x], [y]) => (x < y ? -1 : 1))),
      };
      chatList.push({ ...summary, priority: suggestPriority(summary) });
    }
    return { chatList, counts: { ...counts, chats: chats.size }, problems, ...(owner ? { owner } : {}) };
  };
  return { sink, summary, liveCounts: () => ({ ...counts, chats: chats.size }) };
}

export async function runInventory(input: InventoryInput, deps: InventoryDeps, signal: AbortSignal): Promise<InventoryResult> {
  const asOf = input.asOf ?? new Date();
  const opened = [];
  // Detect everything first, so the progress total (bytes) is known before reading starts.
  for (const p of input.paths) {
    signal.throwIfAborted();
    opened.push({ ...(await openSource(p)), options: input.options?.[p] ?? {} });
  }
  const total = opened.reduce((n, o) => n + (o.container ? o.detected.size : 0), 0);
  let doneBefore = 0;
  const sources: SourceInventory[] = [];
  const totals = emptyCounts();
  try {
    for (const o of opened) {
      const { detected } = o;
      const inv = createInventorySink(detected.path, asOf);
      let partial = false;
      if (o.container) for (const p of containerProblems(o.container)) inv.sink.problem(p);
      if (o.container && o.detection) {
        const format = formatById(o.detection.format);
        if (!format) throw new Error(`no parser for ${o.detection.format}`);
        let lastReport = 0;
        const report = (read: number) => {
          deps.progress.report({
            done: doneBefore + read,
            total,
            unit: 'bytes',
            current: detected.path,
            counters: { ...inv.liveCounts() },
          });
        };
        try {
          await format.parse(o.container, o.detection, inv.sink, {
            options: o.options,
            progress(read) {
              lastReport = read;
              report(read);
            },
          }, signal);
        } catch (err) {
          if (!signal.aborted) {
            inv.sink.problem({ file: detected.path, code: 'internal', severity: 'error', message: `${detected.path}: ${(err as Error).message}` });
          } else {
            partial = true;
            inv.sink.problem({ file: detected.path, code: 'cancelled', severity: 'warning', message: `${detected.path}: reading was cancelled; counts cover what was read` });
          }
        }
        doneBefore += Math.max(lastReport, partial ? lastReport : detected.size);
      } else if (detected.problem) {
        inv.sink.problem(detected.problem);
      }
      const s = inv.summary();
      const entry: SourceInventory = {
        path: detected.path,
        format: detected.format,
        ...s.counts,
        problems: s.problems,
        ...(detected.variant ? { variant: detected.variant } : {}),
        bytes: detected.size,
        chatList: s.chatList,
        ...(s.owner ? { owner: s.owner } : {}),
        ...(partial ? { partial: true } : {}),
      };
      sources.push(entry);
      for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += s.counts[k];
      if (partial) break;
    }
  } finally {
    await Promise.all(opened.map((o) => o.container?.close()));
  }
  return { sources, totals, asOf: asOf.toISOString() };
}
