/**
 * The Clean step's working folders: one per set of sources, `<config>/clean/<workId>` (mode 0700),
 * holding what `runClean` writes (plaintext contacts and messages: private working data, never put
 * in the user's export folder) plus `run.json`, what the service records of the last finished run.
 *
 * The user's decisions are appended to the run's merge log (merges.jsonl) as they are made, so they
 * survive a reload or a restart; the next run applies them (runClean reads the log). Between runs the
 * groups are shown with the decision in force — the log's latest — and whether the output has it yet.
 * Files are read once and cached until they change on disk.
 */
import { createHash } from 'node:crypto';
import { appendFile, chmod, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  CleanEdit,
  CleanGroupView,
  CleanPlanRow,
  CleanQuarantineItem,
  CleanRunInfo,
  CleanSummary,
  GroupFilter,
} from '../../../shared/ipc/clean.js';
import { NO_NAME } from '../sources/contacts/contact-build.js';
import { parseDecisions, type MergeEntry, type ParsedDecisions, type RestoreEntry } from '../clean/merge-log.js';
import { PlanSchema, type Plan } from '../../../shared/model/index.js';
import { groupView, searchText, type GroupLine } from './clean-views.js';
import { forEachJsonLine } from '../json-files.js';

/** What `run.json` holds: the sources of the set and the last finished run. */
export interface RunRecord {
  version: 1;
  paths: string[];
  /** The unticked chats (settings) the run left out, sorted. */
  excludedChats: string[];
  run: CleanRunInfo;
}

export const workIdOf = (paths: readonly string[]): string => {
  const sorted = [...new Set(paths.map((p) => path.resolve(p)))].sort();
  return createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 16);
};

interface Stamp {
  size: number;
  mtimeMs: number;
}

async function stampOf(file: string): Promise<Stamp | null> {
  try {
    const s = await stat(file);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}
const sameStamp = (a: Stamp | null, b: Stamp | null) => (a === null ? b === null : b !== null && a.size === b.size && a.mtimeMs === b.mtimeMs);


interface GroupsCache {
  stamp: Stamp | null;
  lines: GroupLine[];
  byId: Map<string, GroupLine>;
  /** Position of each group in `lines`. */
  index: Map<string, number>;
  /** Lower-cased names, phones and e-mails, per line. */
  search: string[];
}

interface JournalCache {
  stamp: Stamp | null;
  /** The user's entries, in the order they were made. */
  user: MergeEntry[];
  restores: RestoreEntry[];
}

interface QuarantineCache {
  stamp: Stamp | null;
  items: Omit<CleanQuarantineItem, 'restoreRequested'>[];
}

/** Control characters and bidi overrides are dropped from previews (they are shown as plain text). */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;
export function preview(text: unknown, max = 160): string {
  if (typeof text !== 'string') return '';
  const flat = text.replace(UNPRINTABLE, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface QuarantineLineIn {
  id: string;
  kind: 'message' | 'contact';
  reason: CleanQuarantineItem['reason'];
  file: string;
  line: number | null;
  chat?: string;
  restorable: boolean;
  item?: { text?: unknown; name?: unknown; sender?: { name?: unknown } | null; id?: unknown };
  raw?: string;
}

function quarantineView(q: QuarantineLineIn): Omit<CleanQuarantineItem, 'restoreRequested'> {
  let text = '';
  if (q.kind === 'message' && q.item) {
    const who = preview(q.item.sender?.name, 40);
    const body = preview(q.item.text);
    text = who && body ? `${who}: ${body}` : who || body;
  } else if (q.kind === 'contact' && q.item) text = q.item.name === NO_NAME ? '' : preview(q.item.name);
  if (!text && q.raw) text = preview(q.raw);
  return {
    id: q.id, kind: q.kind, reason: q.reason, file: q.file, line: q.line ?? null, chat: q.chat ?? null, preview: text,
    restorable: q.restorable === true,
  };
}

/** Per-set state kept between calls (invalidated when a file changes on disk). */
export class Work {
  readonly dir: string;
  readonly files: { groups: string; merges: string; quarantine: string; run: string; plan: string };
  private groups: GroupsCache | null = null;
  private journal: JournalCache | null = null;
  private quarantine: QuarantineCache | null = null;
  private viewCache: { groups: GroupsCache; journal: JournalCache; journalStamp: Stamp | null; views: CleanGroupView[] } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  runningJobId: string | null = null;

  constructor(
    readonly root: string,
    readonly workId: string,
  ) {
    this.dir = path.join(root, workId);
    this.files = {
      groups: path.join(this.dir, 'groups.jsonl'),
      merges: path.join(this.dir, 'merges.jsonl'),
      quarantine: path.join(this.dir, 'quarantine.jsonl'),
      run: path.join(this.dir, 'run.json'),
      plan: path.join(this.dir, 'plan.json'),
    };
  }

  /** The folder, created private (0700) — also tightened when it already existed. */
  async ensureDir(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') {
      await chmod(this.root, 0o700);
      await chmod(this.dir, 0o700);
    }
  }

  /** One change at a time (appends to the log, runs starting). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async record(): Promise<RunRecord | null> {
    try {
      const r = JSON.parse(await readFile(this.files.run, 'utf8')) as RunRecord;
      return r && r.version === 1 && r.run ? r : null;
    } catch {
      return null;
    }
  }

  async loadGroups(): Promise<GroupsCache> {
    const stamp = await stampOf(this.files.groups);
    if (this.groups && sameStamp(this.groups.stamp, stamp)) return this.groups;
    const lines: GroupLine[] = [];
    forEachJsonLine<GroupLine>(this.files.groups, (g) => {
      if (g && typeof g.id === 'string' && Array.isArray(g.members)) lines.push(g);
    });
    // Those waiting for the user first, then merged by name, then the rest; stable until the next run.
    const rank = (g: GroupLine) => (g.status === 'pending' || g.status === 're-proposed' ? 0 : g.strength === 'weak' ? 1 : 2);
    const order = lines.map((g, i) => ({ g, i, r: rank(g) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.g);
    this.groups = { stamp, lines: order, byId: new Map(order.map((g) => [g.id, g])), index: new Map(order.map((g, i) => [g.id, i])), search: order.map(searchText) };
    return this.groups;
  }

  async loadJournal(): Promise<JournalCache> {
    const stamp = await stampOf(this.files.merges);
    if (this.journal && sameStamp(this.journal.stamp, stamp)) return this.journal;
    let parsed: ParsedDecisions = { merges: [], restores: [], errors: [] };
    try {
      parsed = parseDecisions(await readFile(this.files.merges, 'utf8'));
    } catch {
      // no log yet
    }
    this.journal = { stamp, user: parsed.merges.filter((e) => e.by === 'user'), restores: parsed.restores };
    return this.journal;
  }

  async loadQuarantine(): Promise<QuarantineCache> {
    const stamp = await stampOf(this.files.quarantine);
    if (this.quarantine && sameStamp(this.quarantine.stamp, stamp)) return this.quarantine;
    const items: QuarantineCache['items'] = [];
    forEachJsonLine<QuarantineLineIn>(this.files.quarantine, (q) => {
      if (q && typeof q.id === 'string') items.push(quarantineView(q));
    });
    this.quarantine = { stamp, items };
    return this.quarantine;
  }

  /** Appends entries to the merge log (0600) and keeps the cached journal in step. */
  async append(entries: (MergeEntry | RestoreEntry)[]): Promise<void> {
    const journal = await this.loadJournal();
    await appendFile(this.files.merges, entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
    const v = this.viewCache;
    const fresh = v && v.journal === journal && sameStamp(v.journalStamp, journal.stamp) ? v : null;
    for (const e of entries) {
      if ('restore' in e) journal.restores.push(e);
      else journal.user.push(e);
    }
    journal.stamp = await stampOf(this.files.merges);
    // Only the groups these entries are about change: their views are made again, the others kept.
    if (fresh) {
      for (const e of entries) {
        if ('restore' in e) continue;
        const i = fresh.groups.index.get(e.group);
        if (i !== undefined) fresh.views[i] = groupView(fresh.groups.lines[i]!, e);
      }
      fresh.journalStamp = journal.stamp;
    }
  }

  /** Every group with the decision in force (the log's latest user entry, else the run's); cached until either file changes. */
  async views(): Promise<{ groups: GroupsCache; views: CleanGroupView[] }> {
    const groups = await this.loadGroups();
    const journal = await this.loadJournal();
    const v = this.viewCache;
    if (v && v.groups === groups && v.journal === journal && sameStamp(v.journalStamp, journal.stamp)) return { groups, views: v.views };
    const latest = new Map<string, MergeEntry>();
    for (const e of journal.user) latest.set(e.group, e);
    const views = groups.lines.map((g) => groupView(g, latest.get(g.id)));
    this.viewCache = { groups, journal, journalStamp: journal.stamp, views };
    return { groups, views };
  }

  /** The user's decisions not yet taken back, oldest first (an `undoes` entry takes back the latest of its group). */
  async undoStack(): Promise<MergeEntry[]> {
    const groups = await this.loadGroups();
    const journal = await this.loadJournal();
    const stack: MergeEntry[] = [];
    for (const e of journal.user) {
      if (e.undoes !== undefined) {
        for (let i = stack.length - 1; i >= 0; i--) {
          if (stack[i]!.group === e.group) {
            stack.splice(i, 1);
            break;
          }
        }
      } else stack.push(e);
    }
    return stack.filter((e) => groups.byId.has(e.group));
  }

  /** `excludedNow`: the unticked chats in the settings now, to tell whether the last run used the same. */
  async summary(excludedNow: readonly string[]): Promise<CleanSummary> {
    const rec = await this.record();
    const { views } = await this.views();
    const journal = await this.loadJournal();
    const quarantine = await this.loadQuarantine();
    const waiting = new Set(quarantine.items.map((q) => q.id));
    const stack = await this.undoStack();
    const top = stack[stack.length - 1];
    const topView = top ? views.find((v) => v.id === top.group) : undefined;
    return {
      workId: this.workId,
      outDir: this.dir,
      run: rec?.run ?? null,
      runningJobId: this.runningJobId,
      excludedChanged: !!rec && JSON.stringify([...excludedNow].sort()) !== JSON.stringify(rec.excludedChats ?? []),
      unapplied: {
        decisions: rec ? views.filter((v) => !v.applied).length : 0,
        restores: new Set(journal.restores.map((r) => r.restore).filter((id) => waiting.has(id))).size,
      },
      undo:
        top && topView && top.decision !== 'proposed'
          ? { groupId: top.group, decision: top.decision, name: topView.name }
          : null,
    };
  }

  async page(filter: GroupFilter, query: string, offset: number, limit: number) {
    const { groups, views } = await this.views();
    const needle = query.trim().toLocaleLowerCase();
    // A number typed with spaces or dashes ("916 123-45") is looked for by its digits.
    const digits = /^[\d\s()+\-.]+$/.test(needle) ? needle.replace(/\D/g, '') : '';
    const counts: Record<GroupFilter, number> = { all: 0, review: 0, strong: 0, weak: 0, decided: 0, unapplied: 0 };
    const matching: CleanGroupView[] = [];
    views.forEach((v, i) => {
      if (needle && !groups.search[i]!.includes(needle) && !(digits.length >= 3 && groups.search[i]!.includes(digits))) return;
      const is: Record<GroupFilter, boolean> = {
        all: true,
        review: v.by === 'auto' && (v.status === 'pending' || v.status === 're-proposed'),
        strong: v.strength === 'strong',
        weak: v.strength === 'weak',
        decided: v.by === 'user',
        unapplied: !v.applied,
      };
      for (const k of Object.keys(counts) as GroupFilter[]) if (is[k]) counts[k]++;
      if (is[filter]) matching.push(v);
    });
    return { total: matching.length, offset, items: matching.slice(offset, offset + limit), counts };
  }

  async quarantinePage(offset: number, limit: number) {
    const q = await this.loadQuarantine();
    const journal = await this.loadJournal();
    const requested = new Set(journal.restores.map((r) => r.restore));
    return {
      total: q.items.length,
      offset,
      items: q.items.slice(offset, offset + limit).map((x) => ({ ...x, restoreRequested: requested.has(x.id) })),
    };
  }

  /** The engine's plan (plan.json), or null when the run made none or it cannot be read. */
  async plan(): Promise<Plan | null> {
    try {
      const r = PlanSchema.safeParse(JSON.parse(await readFile(this.files.plan, 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }
}

/** The plan's chats as the Clean step lists them. */
export function planRows(plan: Plan | null): CleanPlanRow[] {
  return (plan?.chats ?? []).map((c) => ({
    chatId: c.chatId, title: c.title, type: c.type, action: c.action, reason: c.reason, messages: c.messages, events: c.events,
    media: c.media, mediaBytes: c.mediaBytes, mediaMissing: c.mediaMissing, estimateMs: c.estimateMs, estimateFastMs: c.estimateFastMs,
  }));
}

/** The plan's totals and the assumptions behind its estimates (null when there is no plan). */
export function planTotals(plan: Plan | null): CleanRunInfo['plan'] {
  if (!plan) return null;
  const t = plan.totals;
  return {
    chats: t.chats, create: t.create, skip: t.skip, merge: t.merge, messages: t.messages, events: t.events, media: t.media,
    mediaBytes: t.mediaBytes, estimateMs: t.estimateMs, estimateFastMs: t.estimateFastMs,
    messagesPerSecond: plan.rate.default.message?.perSecond ?? null, uploadBytesPerSecond: plan.rate.default.uploadBytesPerSecond,
  };
}

/**
 * The user's decisions from the latest run of another source set that shares a source with this
 * one: a source added or removed must not lose what the user already decided. Groups whose members
 * changed are proposed again by the run, as the merge log does for any re-run.
 */
export async function seedDecisions(root: string, self: string, paths: readonly string[]): Promise<ParsedDecisions | null> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return null;
  }
  const mine = new Set(paths.map((p) => path.resolve(p)));
  let best: { at: string; dir: string } | null = null;
  for (const name of names) {
    if (name === self || !/^[0-9a-f]{16}$/.test(name)) continue;
    const w = new Work(root, name);
    const rec = await w.record();
    if (!rec || !rec.paths.some((p) => mine.has(path.resolve(p)))) continue;
    if (!best || rec.run.finishedAt > best.at) best = { at: rec.run.finishedAt, dir: w.dir };
  }
  if (!best) return null;
  try {
    const d = parseDecisions(await readFile(path.join(best.dir, 'merges.jsonl'), 'utf8'));
    const merges = d.merges.filter((e) => e.by === 'user');
    return merges.length + d.restores.length ? { merges, restores: d.restores, errors: [] } : null;
  } catch {
    return null;
  }
}

/** The engine's edit fields from the user's: a new name drops the given/family split it no longer matches. */
export function engineEdit(edit: CleanEdit, mergedName: string): NonNullable<MergeEntry['edited']> {
  const out: NonNullable<MergeEntry['edited']> = {};
  if (edit.name !== undefined) {
    out.name = edit.name;
    if (edit.name !== mergedName) {
      out.given = null;
      out.family = null;
    }
  }
  if (edit.org !== undefined) out.org = edit.org === null || edit.org.trim() === '' ? null : edit.org;
  if (edit.phones !== undefined) out.phones = edit.phones;
  if (edit.emails !== undefined) out.emails = edit.emails;
  return out;
}
