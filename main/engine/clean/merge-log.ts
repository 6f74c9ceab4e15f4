/**
 * The merge log (`merges.jsonl`): the user's decisions per duplicate group — accept, reject, edit —
 * with the time, kept as a journal (the latest entry for a group wins) and applied again on every
 * re-run. A group is named by a hash of its sorted member ids, so a decision applies only to
 * exactly the people it was made for: when a re-run finds a group whose members changed (a new
 * export added someone), the old decision is not applied — the group is proposed again.
 *
 * Every merge can be undone: {@link undoEntry} writes the entry that reverses a decision. The
 * same journal carries "restore this quarantined entry" decisions (`{"restore":"q-…"}`).
 */
import { z } from 'zod';
import { UnionFind, type EditedFields, type Group } from './contacts-dedupe.js';

const text = (max: number) => z.string().max(max);

export const EditedFieldsSchema = z
  .object({
    name: text(500).optional(),
    given: text(500).nullable().optional(),
    family: text(500).nullable().optional(),
    org: text(500).nullable().optional(),
    note: text(20_000).nullable().optional(),
    phones: z.array(text(100)).max(100).optional(),
    emails: z.array(text(320)).max(100).optional(),
  })
  .strict();

export const DecisionSchema = z.enum(['accept', 'reject', 'edit', 'proposed']);
export type Decision = z.infer<typeof DecisionSchema>;

export const MergeEntrySchema = z
  .object({
    group: z.string().regex(/^g-[0-9a-f]{16}$/, 'group ids look like g-0123456789abcdef'),
    /** The member ids the decision was made for (written by Pereezd; optional when hand-written). */
    members: z.array(z.string()).optional(),
    /** `proposed` from the user clears an earlier decision (back to what Pereezd proposes). */
    decision: DecisionSchema,
    by: z.enum(['user', 'auto']).default('user'),
    edited: EditedFieldsSchema.optional(),
    reasons: z.array(z.string()).optional(),
    status: z.string().optional(),
    undoes: DecisionSchema.optional(),
    at: z.string().optional(),
  })
  .refine((d) => d.decision !== 'edit' || d.edited !== undefined, { message: 'decision "edit" needs "edited" fields' });
export type MergeEntry = z.infer<typeof MergeEntrySchema>;

export const RestoreEntrySchema = z
  .object({
    restore: z.string().regex(/^q-[0-9a-f]{16}$/, 'quarantine ids look like q-0123456789abcdef'),
    /** The time to give an entry that had none (ISO 8601 with offset); without it the entry is kept undated. */
    sentAt: z.iso.datetime({ offset: true }).optional(),
    by: z.literal('user').default('user'),
    at: z.string().optional(),
  })
  .strict();
export type RestoreEntry = z.infer<typeof RestoreEntrySchema>;

export interface ParsedDecisions {
  merges: MergeEntry[];
  restores: RestoreEntry[];
  errors: { line: number; message: string }[];
}

/** Reads a decisions file (JSON Lines; blank lines and `#` comments allowed). Bad lines are reported, never guessed. */
export function parseDecisions(content: string): ParsedDecisions {
  const out: ParsedDecisions = { merges: [], restores: [], errors: [] };
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.errors.push({ line: i + 1, message: 'not valid JSON' });
      return;
    }
    if (value && typeof value === 'object' && 'restore' in value) {
      const r = RestoreEntrySchema.safeParse(value);
      if (r.success) out.restores.push(r.data);
      else out.errors.push({ line: i + 1, message: r.error.issues.map((x) => `${x.path.join('.') || 'entry'}: ${x.message}`).join('; ') });
      return;
    }
    const r = MergeEntrySchema.safeParse(value);
    if (r.success) out.merges.push(r.data);
    else out.errors.push({ line: i + 1, message: r.error.issues.map((x) => `${x.path.join('.') || 'entry'}: ${x.message}`).join('; ') });
  });
  return out;
}

/**
 * decided: the user's decision applies; auto: a strong group merged because nobody objected;
 * pending: a weak group waiting for the user; re-proposed: the user decided about other members
 * of this group before, so nothing is applied until they decide again.
 */
export type GroupStatus = 'decided' | 'auto' | 'pending' | 're-proposed';

export interface GroupState {
  group: Group;
  decision: Decision;
  by: 'user' | 'auto';
  status: GroupStatus;
  edited?: EditedFields;
  /** Earlier decisions about some of these members (for a re-proposed group). */
  previous?: { group: string; decision: Decision; at?: string }[];
  /** When the applied user decision was made. */
  decidedAt?: string;
}

export interface Resolution {
  states: GroupState[];
  /** Latest user decisions whose group no longer exists and that overlap no current group. */
  stale: MergeEntry[];
}

/** Applies the journal to this run's groups. */
export function resolveDecisions(groups: readonly Group[], journal: readonly MergeEntry[]): Resolution {
  const latest = new Map<string, MergeEntry>();
  for (const e of journal) if (e.by === 'user') latest.set(e.group, e);
  const current = new Set(groups.map((g) => g.id));
  const byMember = new Map<string, MergeEntry[]>();
  for (const e of latest.values()) {
    if (current.has(e.group) || e.decision === 'proposed') continue;
    for (const m of e.members ?? []) {
      const list = byMember.get(m);
      if (list) list.push(e);
      else byMember.set(m, [e]);
    }
  }
  const used = new Set<string>();
  const states: GroupState[] = groups.map((group) => {
    const d = latest.get(group.id);
    if (d && d.decision !== 'proposed') {
      return {
        group, decision: d.decision, by: 'user', status: 'decided',
        ...(d.edited ? { edited: d.edited } : {}), ...(d.at ? { decidedAt: d.at } : {}),
      };
    }
    const previous = new Map<string, MergeEntry>();
    for (const m of group.members) for (const e of byMember.get(m) ?? []) previous.set(e.group, e);
    if (previous.size > 0) {
      for (const k of previous.keys()) used.add(k);
      return {
        group, decision: 'proposed', by: 'auto', status: 're-proposed',
        previous: [...previous.values()].map((e) => ({ group: e.group, decision: e.decision, ...(e.at ? { at: e.at } : {}) })),
      };
    }
    return group.strength === 'strong'
      ? { group, decision: 'accept', by: 'auto', status: 'auto' }
      : { group, decision: 'proposed', by: 'auto', status: 'pending' };
  });
  const stale = [...latest.values()].filter((e) => !current.has(e.group) && e.decision !== 'proposed' && !used.has(e.group));
  return { states, stale };
}

/** The entry that reverses a group's current decision: a merge becomes a reject; a reject goes back to the proposal. */
export function undoEntry(state: GroupState, at: string): MergeEntry {
  const merged = state.decision === 'accept' || state.decision === 'edit';
  return { group: state.group.id, members: state.group.members, decision: merged ? 'reject' : 'proposed', by: 'user', undoes: state.decision, at };
}

/** A user decision about a group, ready to append to the journal. */
export function decisionEntry(group: Group, decision: Exclude<Decision, 'proposed'>, at: string, edited?: EditedFields): MergeEntry {
  return { group: group.id, members: group.members, decision, by: 'user', ...(edited ? { edited } : {}), at };
}

/**
 * The journal to write back: the user's entries as they were (history, so every decision can be
 * undone and audited), their restore entries, then one `auto` line per group of this run (what
 * Pereezd did or proposes; ignored when the file is read back).
 */
export function journalLines(history: readonly MergeEntry[], restores: readonly RestoreEntry[], res: Resolution, at: string): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<string>();
  const push = (v: unknown) => {
    const k = JSON.stringify(v);
    if (seen.has(k)) return; // the same entry read twice (the output's own log and --decisions)
    seen.add(k);
    out.push(v);
  };
  const staleIds = new Set(res.stale.map((e) => e.group));
  const membersOf = new Map(res.states.map((s) => [s.group.id, s.group.members]));
  for (const e of history) {
    if (e.by !== 'user') continue;
    const { status: _old, ...rest } = e;
    // A hand-written decision names only the group: record whom it was about, so that a later
    // change of members is noticed (and the group proposed again) instead of the decision going stale.
    const members = rest.members ?? membersOf.get(rest.group);
    const entry = members ? { ...rest, members } : rest;
    push(staleIds.has(e.group) ? { ...entry, status: 'stale' } : entry);
  }
  for (const r of restores) push(r);
  for (const s of res.states) {
    if (s.by === 'user') continue;
    push({
      group: s.group.id, members: s.group.members, decision: s.decision, by: 'auto', status: s.status,
      reasons: s.group.reasons.map((r) => r.text), ...(s.previous ? { previous: s.previous } : {}), at,
    });
  }
  return out;
}

/**
 * The final partition of people: every accepted (or edited) group joins its members. Returns the
 * union-find and, per final component root, the user's edits in the order groups were given
 * (strong groups before the weak group that contains them, so the larger decision wins).
 */
export function finalPartition(count: number, states: readonly GroupState[]): { uf: UnionFind; edits: Map<number, EditedFields[]> } {
  const uf = new UnionFind(count);
  for (const s of states) {
    if (s.decision !== 'accept' && s.decision !== 'edit') continue;
    const [first, ...rest] = s.group.indices;
    for (const i of rest) uf.union(first!, i);
  }
  const edits = new Map<number, EditedFields[]>();
  for (const s of states) {
    if (s.decision !== 'edit' || !s.edited) continue;
    const root = uf.find(s.group.indices[0]!);
    const list = edits.get(root);
    if (list) list.push(s.edited);
    else edits.set(root, [s.edited]);
  }
  return { uf, edits };
}
