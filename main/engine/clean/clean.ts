/**
 * The clean step: `convert` into a temporary folder of the output (the parsers run once, through
 * the registry), then
 *   messages  one timeline per chat (timeline.ts): overlapping exports deduplicated, undated
 *             entries quarantined, unticked chats excluded;
 *   contacts  normalised (E.164 phones, e-mails, names), duplicate groups found across contact
 *             lists, vCards, CSVs and chat participants (contacts-dedupe.ts), the user's decisions
 *             applied from the merge log (merge-log.ts), merged field by field;
 *   exports   contacts.vcf (vCard 4.0) and contacts.csv (Google);
 *   accounting.json, checked: in = kept + merged + quarantined + excluded for every kind and chat.
 *
 * Output folder: contacts.jsonl chats.jsonl messages.jsonl problems.jsonl (convert's shapes, plus
 * fields), participants.jsonl (people seen in chats who are not contacts), groups.jsonl (every
 * duplicate group with reasons, members, proposed merge and status: what the Clean step shows),
 * merges.jsonl (the decision journal), quarantine.jsonl, accounting.json, contacts.vcf, contacts.csv,
 * identities.jsonl (one person per line across sources, with the stored target account: identity.ts)
 * and plan.json (per chat: create, skip or merge, sizes and time at the target's limits: plan.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import type { IdentitySummary, JobProgress, Plan, SourceInventory, SourceOptions } from '../../../shared/model/index.js';
import { runConvert } from '../pipeline/convert.js';
import { NO_NAME } from '../sources/contacts/contact-build.js';
import { JsonlWriter } from '../pipeline/jsonl-writer.js';
import type { IProgress } from '../progress.js';
import { assertAccounting, emptyTally, type Accounting, type Tally } from './accounting.js';
import {
  applyEdits, cleanContactOf, createNormaliser, findGroups, groupId, mergePeople, readPeople, type CleanContact, type Person,
} from './contacts-dedupe.js';
import { csvFile } from './export-csv.js';
import type { IdentityComponent } from './identity.js';
import { identitiesAndPlan } from './identity-plan.js';
import { vcardFile } from './export-vcard.js';
import { LineReader, yieldNow } from './line-reader.js';
import {
  finalPartition, journalLines, parseDecisions, resolveDecisions, type GroupState, type MergeEntry, type ParsedDecisions, type RestoreEntry,
} from './merge-log.js';
import { defaultRegion } from './phone.js';
import type { PlanOptions } from './plan.js';
import { buildTimeline, quarantineId, type SourceRange } from './timeline.js';
import type { ChatLine, ContactLine, QuarantineLine } from './types.js';

export interface CleanInput {
  paths: string[];
  outDir: string;
  /** Applied to every source (date order, time zone), as for convert. */
  options?: SourceOptions;
  /** Region for numbers written without a country code. Undefined: from the OS locale; null: none. */
  region?: CountryCode | null;
  /** Decisions to apply after those already in `<outDir>/merges.jsonl` (e.g. from `--decisions FILE`). */
  decisions?: ParsedDecisions;
  /** Chats the user unticked (ids as in chats.jsonl: `tg:123`). */
  excludeChats?: string[];
  /** Quarantine ids to put back (`--restore-quarantined`). */
  restore?: string[];
  asOf?: Date;
  /** Clock for the merge log (tests pin it). */
  now?: () => Date;
  /** Bytes of messages sorted in memory at once (default 32 MiB). */
  chunkBytes?: number;
  /** Keep convert's output (`.convert-*` in the output folder) instead of removing it. */
  keepConverted?: boolean;
  /** Largest name block for name-only matching (default 25). */
  nameBlockLimit?: number;
  /** The stored identity map (`<config>/identity-map.json`) whose accounts the identities take; none: no accounts. */
  identityMap?: string;
  /** Rate profiles, what the target has already, and what to send (plan.ts). */
  plan?: PlanOptions;
}

export interface CleanDeps {
  progress: IProgress<JobProgress>;
}

export interface ProblemLine {
  file: string;
  line: number | null;
  offset: number | null;
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface GroupSummary {
  total: number;
  strong: number;
  weak: number;
  /** Merged in the output (accepted by the user, edited, or strong and not rejected). */
  merged: number;
  rejected: number;
  pending: number;
  reProposed: number;
  /** User decisions whose group no longer exists. */
  stale: number;
  /** Names too common to match people on. */
  commonNames: number;
  /** Phones and e-mails shared by people with unrelated names (not used to join them). */
  sharedKeys: number;
}

export interface CleanResult {
  outDir: string;
  files: Record<
    'contacts' | 'participants' | 'chats' | 'messages' | 'problems' | 'groups' | 'merges' | 'quarantine' | 'accounting' | 'vcard' | 'csv' | 'identities' | 'plan',
    string
  >;
  accounting: Accounting;
  groups: GroupSummary;
  region: CountryCode | null;
  /** What convert found per source (null when cleaning an already converted folder). */
  sources: SourceInventory[] | null;
  /** Clean's own problems (also in problems.jsonl). */
  problems: ProblemLine[];
  /** Quarantine ids restored in this run. */
  restored: string[];
  /** Exported to contacts.vcf / contacts.csv (kept contacts except the account owner). */
  exported: number;
  /** The plan per chat (also plan.json). */
  plan: Plan;
  /** Counts of identities.jsonl, and how the senders of messages.jsonl resolved to them. */
  identities: IdentitySummary;
}

/** Where a converted model lives and, when known, which lines of messages.jsonl each source wrote. */
export interface ConvertedInput {
  dir: string;
  sources?: SourceRange[];
  inventory?: SourceInventory[];
}

function readJsonl<T>(file: string, onBad: (lineNo: number) => void): T[] {
  if (!existsSync(file)) return [];
  const r = new LineReader(file);
  const out: T[] = [];
  try {
    for (let l = r.next(); l !== null; l = r.next()) {
      if (!l) continue;
      try {
        out.push(JSON.parse(l) as T);
      } catch {
        onBad(r.lineNo);
      }
    }
  } finally {
    r.close();
  }
  return out;
}

function writeAtomic(file: string, content: string): void {
  writeFileSync(`${file}.partial`, content, { mode: 0o600 });
  renameSync(`${file}.partial`, file);
}

/** Nothing to know the person by (vCard and CSV parsers name such a card `(no name)`). */
const EMPTY = (c: ContactLine) =>
  (!c.name?.trim() || c.name === NO_NAME) && !c.given?.trim() && !c.family?.trim() && !(c.phones ?? []).some((p) => p.value?.trim()) &&
  !(c.emails ?? []).some((e) => e.value?.trim()) && !(c.handles ?? []).some((h) => h.value?.trim());

/** Runs convert into `<outDir>/.convert-*`, then {@link cleanConverted}. */
export async function runClean(input: CleanInput, deps: CleanDeps, signal: AbortSignal): Promise<CleanResult> {
  mkdirSync(input.outDir, { recursive: true });
  const dir = mkdtempSync(path.join(input.outDir, '.convert-'));
  try {
    const conv = await runConvert({ paths: input.paths, outDir: dir, options: input.options ?? {}, ...(input.asOf ? { asOf: input.asOf } : {}) }, deps, signal);
    let first = 0;
    const sources: SourceRange[] = conv.sources.map((s) => {
      const r = { first, count: s.messages + s.events, format: s.format };
      first += r.count;
      return r;
    });
    if (first !== conv.counts.messages) throw new Error(`internal: convert wrote ${conv.counts.messages} message lines but its sources count ${first}`);
    return await cleanConverted({ dir, sources, inventory: conv.sources }, input, deps, signal);
  } finally {
    if (!input.keepConverted) rmSync(dir, { recursive: true, force: true });
  }
}

/** Cleans a folder written by convert (contacts.jsonl, chats.jsonl, messages.jsonl, problems.jsonl) into `input.outDir`. */
export async function cleanConverted(converted: ConvertedInput, input: CleanInput, deps: CleanDeps, signal: AbortSignal): Promise<CleanResult> {
  const out = input.outDir;
  mkdirSync(out, { recursive: true });
  const now = (input.now ?? (() => new Date()))().toISOString();
  const region = input.region === null ? null : (input.region ?? defaultRegion() ?? null);
  const files: CleanResult['files'] = {
    contacts: path.join(out, 'contacts.jsonl'), participants: path.join(out, 'participants.jsonl'), chats: path.join(out, 'chats.jsonl'),
    messages: path.join(out, 'messages.jsonl'), problems: path.join(out, 'problems.jsonl'), groups: path.join(out, 'groups.jsonl'),
    merges: path.join(out, 'merges.jsonl'), quarantine: path.join(out, 'quarantine.jsonl'), accounting: path.join(out, 'accounting.json'),
    vcard: path.join(out, 'contacts.vcf'), csv: path.join(out, 'contacts.csv'), identities: path.join(out, 'identities.jsonl'),
    plan: path.join(out, 'plan.json'),
  };
  const problems: ProblemLine[] = [];
  const problem = (severity: ProblemLine['severity'], code: string, message: string, file = out, line: number | null = null) =>
    problems.push({ file, line, offset: null, code, severity, message });
  const report = (current: string, done: number) => deps.progress.report({ done, total: null, unit: 'items', current });

  // ---- the decision journal: the output's own log first, then the decisions given now ---------
  const history: MergeEntry[] = [];
  const restores: RestoreEntry[] = [];
  if (existsSync(files.merges)) {
    const own = parseDecisions(readFileSync(files.merges, 'utf8'));
    for (const e of own.errors) problem('warning', 'bad-value', `${files.merges}:${e.line}: ignored (${e.message})`, files.merges, e.line);
    history.push(...own.merges);
    restores.push(...own.restores);
  }
  if (input.decisions) {
    history.push(...input.decisions.merges.map((e) => ({ ...e, at: e.at ?? now })));
    restores.push(...input.decisions.restores.map((r) => ({ ...r, at: r.at ?? now })));
  }
  for (const id of input.restore ?? []) restores.push({ restore: id, by: 'user', at: now });
  const restoreMap = new Map<string, { sentAt?: string }>();
  for (const r of restores) restoreMap.set(r.restore, r.sentAt ? { sentAt: r.sentAt } : {});
  const exclude = new Set(input.excludeChats ?? []);

  const pendingMessages = path.join(out, '.messages.pending.jsonl');
  const sortDir = mkdtempSync(path.join(out, '.sort-'));
  const quarantine = new JsonlWriter(files.quarantine);
  const writers: JsonlWriter[] = [quarantine];
  let ok = false;
  try {
    // ---- messages ----------------------------------------------------------------------------
    report('messages', 0);
    // Written under a temporary name and moved into place with the rest, so a failed run never leaves a new timeline beside old contacts.
    const tl = await buildTimeline({
      input: path.join(converted.dir, 'messages.jsonl'), output: pendingMessages, quarantine, tmpDir: sortDir,
      ...(converted.sources ? { sources: converted.sources } : {}), exclude, restore: restoreMap,
      ...(input.chunkBytes ? { chunkBytes: input.chunkBytes } : {}), signal,
      progress: (n, phase) => report(`messages (${phase})`, n),
    });
    signal.throwIfAborted();

    // ---- chats -------------------------------------------------------------------------------
    const chatTally: Tally = emptyTally();
    const chatLines = readJsonl<ChatLine>(path.join(converted.dir, 'chats.jsonl'), (n) => problem('error', 'internal', `chats.jsonl:${n}: not valid JSON`));
    const chatsById = new Map<string, ChatLine[]>();
    for (const c of chatLines) {
      chatTally.in++;
      if (exclude.has(c.id)) {
        chatTally.excluded++;
        continue;
      }
      const list = chatsById.get(c.id);
      if (list) {
        list.push(c);
        chatTally.merged++;
      } else chatsById.set(c.id, [c]);
    }
    for (const id of exclude) if (!chatLines.some((c) => c.id === id)) problem('warning', 'bad-value', `--exclude-chat ${id}: no chat with this id (chat ids are listed in chats.jsonl)`);
    const chatsOut = new JsonlWriter(files.chats);
    writers.push(chatsOut);
    for (const [id, lines] of chatsById) {
      const first = lines[0]!;
      const t = tl.byChat.get(id);
      chatsOut.write({
        id, title: first.title, type: first.type, members: t?.members ?? 0, messages: t?.messages ?? 0, events: t?.events ?? 0,
        firstAt: t?.firstAt ?? null, lastAt: t?.lastAt ?? null, source: first.source,
        ...(lines.length > 1 ? { sources: lines.map((l) => l.source) } : {}),
      });
      chatTally.kept++;
    }

    // ---- contacts ----------------------------------------------------------------------------
    report('contacts', 0);
    await yieldNow();
    signal.throwIfAborted();
    const contactTally: Tally = emptyTally();
    const participantTally: Tally = emptyTally();
    const restored = new Set(tl.restored);
    const normaliser = createNormaliser({ region: region ?? undefined });
    const people: Person[] = readPeople(path.join(converted.dir, 'contacts.jsonl'), normaliser, {
      onBadLine: (n) => problem('error', 'internal', `contacts.jsonl:${n}: not valid JSON`),
      admit: (c) => {
        contactTally.in++;
        if (!EMPTY(c)) return true;
        const id = quarantineId(['contact', c.source?.file, c.source?.line, c.id]);
        if (restoreMap.has(id)) {
          restored.add(id);
          return true;
        }
        const q: QuarantineLine = {
          id, kind: 'contact', reason: 'empty', message: `${c.source.file}${c.source.line ? `:${c.source.line}` : ''}: contact ${c.id} has no name, phone, e-mail or username`,
          file: c.source.file, line: c.source.line ?? null, itemId: c.id, restorable: true, item: c,
        };
        quarantine.write(q);
        contactTally.quarantined++;
        return false;
      },
    });
    const contactCount = people.length;
    for (const p of tl.participants.values()) {
      participantTally.in++;
      people.push(normaliser.participant(p));
    }
    const grouping = findGroups(people, input.nameBlockLimit ? { nameBlockLimit: input.nameBlockLimit } : {});
    const resolution = resolveDecisions(grouping.groups, history);
    const { uf, edits } = finalPartition(people.length, resolution.states);

    const components = new Map<number, number[]>();
    for (let i = 0; i < people.length; i++) {
      const r = uf.find(i);
      const list = components.get(r);
      if (list) list.push(i);
      else components.set(r, [i]);
    }
    const kept: CleanContact[] = [];
    const identityComponents: IdentityComponent[] = [];
    const contactsOut = new JsonlWriter(files.contacts);
    const participantsOut = new JsonlWriter(files.participants);
    writers.push(contactsOut, participantsOut);
    for (const [root, indices] of components) {
      const nContacts = indices.filter((i) => i < contactCount).length;
      const nParticipants = indices.length - nContacts;
      let c: CleanContact;
      if (indices.length === 1) c = cleanContactOf(people[indices[0]!]!, people[indices[0]!]!.key);
      else c = mergePeople(people, indices, groupId(indices.map((i) => people[i]!.key)));
      for (const e of edits.get(root) ?? []) c = applyEdits(c, e, normaliser);
      if (nContacts > 0) {
        identityComponents.push({ indices, contact: c, line: { file: 'contacts', id: c.id } });
        contactsOut.write(c);
        kept.push(c);
        contactTally.kept++;
        contactTally.merged += nContacts - 1;
        participantTally.merged += nParticipants;
      } else {
        const ps = indices.map((i) => people[i]!);
        const id = indices.length === 1 ? ps[0]!.key : c.id;
        identityComponents.push({ indices, contact: c, line: { file: 'participants', id } });
        participantsOut.write({
          id, name: c.name, phones: c.phones,
          aliases: ps.map((p) => p.key.slice('participant:'.length)),
          messages: ps.reduce((n, p) => n + (tl.participants.get(p.key.slice('participant:'.length))?.messages ?? 0), 0),
        });
        participantTally.kept++;
        participantTally.merged += nParticipants - 1;
      }
    }

    // ---- groups (for review) and the journal --------------------------------------------------
    const groupsOut = new JsonlWriter(files.groups);
    writers.push(groupsOut);
    for (const s of resolution.states) groupsOut.write(groupLine(s, people));
    const summary: GroupSummary = {
      total: resolution.states.length,
      strong: resolution.states.filter((s) => s.group.strength === 'strong').length,
      weak: resolution.states.filter((s) => s.group.strength === 'weak').length,
      merged: resolution.states.filter((s) => s.decision === 'accept' || s.decision === 'edit').length,
      rejected: resolution.states.filter((s) => s.decision === 'reject').length,
      pending: resolution.states.filter((s) => s.status === 'pending').length,
      reProposed: resolution.states.filter((s) => s.status === 're-proposed').length,
      stale: resolution.stale.length,
      commonNames: grouping.commonNames,
      sharedKeys: grouping.sharedKeys,
    };
    for (const e of resolution.stale) {
      problem('warning', 'bad-value', `merge decision for ${e.group} (${e.decision}) no longer matches any group: the people in it changed or are gone`, files.merges);
    }
    for (const s of resolution.states.filter((x) => x.status === 're-proposed')) {
      problem('info', 'needs-answer', `group ${s.group.id} changed since it was decided (${s.previous!.map((p) => `${p.group}: ${p.decision}`).join(', ')}); proposed again, not applied`, files.merges);
    }
    if (grouping.commonNames > 0) problem('info', 'bad-value', `${grouping.commonNames} name(s) are shared by too many people to match on the name alone`);
    if (grouping.sharedKeys > 0) {
      problem('info', 'bad-value', `${grouping.sharedKeys} phone number(s) or e-mail address(es) are shared by people with different names (an office or family line); they join only people with the same name`);
    }
    const unnormalised = people.slice(0, contactCount).reduce((n, p) => n + p.phones.filter((x) => !x.e164).length, 0);
    if (unnormalised > 0) {
      problem('info', 'bad-value', `${unnormalised} phone number(s) could not be read as full international numbers${region ? ` (default region ${region})` : ' (no default region: use --region)'}; kept as written`);
    }
    for (const id of restoreMap.keys()) {
      if (!restored.has(id)) problem('warning', 'bad-value', `restore ${id}: no quarantined entry with this id (ids are listed in quarantine.jsonl)`);
    }

    const journal = new JsonlWriter(files.merges);
    writers.push(journal);
    for (const line of journalLines(history, restores, resolution, now)) journal.write(line);

    // ---- identities and the plan: one pass over the new timeline (identity-plan.ts) -------------
    report('identities', 0);
    await yieldNow();
    signal.throwIfAborted();
    const identitiesOut = new JsonlWriter(files.identities);
    writers.push(identitiesOut);
    const step = await identitiesAndPlan({
      people, components: identityComponents, kept: chatsById, chatLines, exclude, excludedEntries: (id) => tl.byChat.get(id)?.excluded ?? 0,
      messages: pendingMessages, identityMap: input.identityMap, plan: input.plan, out: identitiesOut, problem, progress: (n) => report('plan', n), signal,
    });

    // ---- exports -----------------------------------------------------------------------------
    const exported = kept.filter((c) => !c.self);
    writeAtomic(files.vcard, vcardFile(exported));
    writeAtomic(files.csv, csvFile(exported));

    // ---- problems: convert's, then clean's -----------------------------------------------------
    const problemsOut = new JsonlWriter(files.problems);
    writers.push(problemsOut);
    const convertProblems = readJsonl<unknown>(path.join(converted.dir, 'problems.jsonl'), () => {});
    for (const p of convertProblems) problemsOut.write(p);
    for (const p of problems) problemsOut.write(p);

    // ---- accounting ----------------------------------------------------------------------------
    const byChat: Accounting['messages']['byChat'] = {};
    for (const [id, t] of [...tl.byChat.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      byChat[id] = { in: t.in, kept: t.kept, merged: t.merged, quarantined: t.quarantined, excluded: t.excluded, restored: t.restored };
    }
    const accounting: Accounting = {
      version: 1,
      contacts: contactTally,
      participants: participantTally,
      chats: chatTally,
      messages: { ...tl.tally, byChat },
      problems: problemsOut.lines,
    };
    assertAccounting(accounting);
    for (const w of writers) w.close();
    renameSync(pendingMessages, files.messages);
    writeAtomic(files.plan, `${JSON.stringify(step.plan, null, 1)}\n`);
    writeAtomic(files.accounting, `${JSON.stringify(accounting, null, 2)}\n`);
    ok = true;
    return {
      outDir: out, files, accounting, groups: summary, region, sources: converted.inventory ?? null, problems,
      restored: [...restored].sort(), exported: exported.length, plan: step.plan, identities: step.summary,
    };
  } finally {
    rmSync(sortDir, { recursive: true, force: true });
    if (!ok) {
      rmSync(pendingMessages, { force: true });
      for (const w of writers) {
        try {
          w.abandon();
        } catch {
          // already closed
        }
        rmSync(w.partialPath, { force: true });
      }
    }
  }
}

/** One line of groups.jsonl: what the Clean step shows for a group. */
function groupLine(s: GroupState, people: readonly Person[]) {
  const g = s.group;
  return {
    id: g.id,
    strength: g.strength,
    decision: s.decision,
    by: s.by,
    status: s.status,
    reasons: g.reasons,
    members: g.indices.map((i) => {
      const p = people[i]!;
      return {
        key: p.key, kind: p.kind, name: p.name, phones: p.phones.map((x) => x.e164 ?? x.raw), emails: p.emails.map((x) => x.value),
        org: p.org, source: p.source,
      };
    }),
    proposed: mergePeople(people, g.indices, g.id),
    ...(g.contains ? { contains: g.contains } : {}),
    ...(s.edited ? { edited: s.edited } : {}),
    ...(s.previous ? { previous: s.previous } : {}),
    ...(s.decidedAt ? { decidedAt: s.decidedAt } : {}),
  };
}
