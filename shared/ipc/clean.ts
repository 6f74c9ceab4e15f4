/**
 * Channels of the clean area. Spread into THE table in ../ipc-contract.ts; each entry gets one function in
 * main/engine/services/clean.ts.
 *
 * A clean run works on one set of sources (the paths the inventory read). Its output is private
 * working data (plaintext messages), so it lives in the config folder, one directory per source set
 * (`<config>/clean/<workId>`, mode 0700), never in the user's export folder. `clean:start` runs it as a
 * job (progress, ETA, cancel); the big results — duplicate groups, quarantine, the plan — are fetched
 * page by page. The user's decisions go to the run's merge log (merges.jsonl) at once and are applied
 * by the next run (`clean:start` again), which also re-applies them on every later run.
 */
import { z } from 'zod';
import { SourceOptionsSchema, type ChatPlan } from '../model/index.js';

/** Type-only marker: carries a response type without a runtime schema. */
const shape = <T>() => undefined as unknown as T;

const path = z.string().min(1).max(4096);
/** The source set's directory name: 16 hex digits of SHA-256 over its sorted paths. */
export const WorkIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'work ids look like 0123456789abcdef');
export const GroupIdSchema = z.string().regex(/^g-[0-9a-f]{16}$/, 'group ids look like g-0123456789abcdef');
export const QuarantineIdSchema = z.string().regex(/^q-[0-9a-f]{16}$/, 'quarantine ids look like q-0123456789abcdef');
/** ISO 3166-1 alpha-2 region for phone numbers written without a country code; null: none. */
export const RegionSchema = z.string().regex(/^[A-Z]{2}$/, 'regions are two capital letters such as RU').nullable();

export const CleanSourcesSchema = z
  .object({
    paths: z.array(path).min(1).max(200),
    /** The answers per source path, as sent to `inventory:start`. */
    options: z.record(path, SourceOptionsSchema).optional(),
  })
  .strict();

/** What the user may change when merging a group (decision `edit`). */
export const CleanEditSchema = z
  .object({
    name: z.string().trim().min(1).max(500).optional(),
    org: z.string().max(500).nullable().optional(),
    phones: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
    emails: z.array(z.string().trim().min(1).max(320)).max(50).optional(),
  })
  .strict()
  .refine((e) => Object.keys(e).length > 0, { message: 'an edit changes at least one field' });
export type CleanEdit = z.infer<typeof CleanEditSchema>;

export const GroupFilterSchema = z.enum(['all', 'review', 'strong', 'weak', 'decided', 'unapplied']);
export type GroupFilter = z.infer<typeof GroupFilterSchema>;

const page = { offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(500) };

export interface Tally {
  in: number;
  kept: number;
  merged: number;
  quarantined: number;
  excluded: number;
}

export interface CleanRunInfo {
  finishedAt: string;
  region: string | null;
  accounting: {
    contacts: Tally;
    participants: Tally;
    chats: Tally;
    messages: Tally & { restored: number };
    problems: number;
  };
  groups: {
    total: number;
    strong: number;
    weak: number;
    merged: number;
    rejected: number;
    pending: number;
    reProposed: number;
    stale: number;
  };
  /** Contacts written to contacts.vcf / contacts.csv. */
  exported: number;
  /** Entries in quarantine.jsonl, and how many of them can be put back. */
  quarantined: number;
  restorable: number;
  /** Chats left out because the user unticked them. */
  excludedChats: number;
  /** Decisions taken over from an earlier run of overlapping sources (first run of this set only). */
  seededDecisions: number;
  sources: { path: string; format: string | null; contacts: number; chats: number; messages: number; problems: number }[];
  /** Present when the engine produced a plan (plan.json). */
  plan: CleanPlanTotals | null;
  /** Counts of the identity map (identities.jsonl): one identity per person across sources. */
  identities: CleanIdentityCounts | null;
}

export interface CleanIdentityCounts {
  total: number;
  contacts: number;
  participantsOnly: number;
  withPhone: number;
  withEmail: number;
  withUserId: number;
  withHandle: number;
  nameOnly: number;
  /** With a target account already (from the stored identity map). */
  mapped: number;
  /** Timeline entries whose sender resolved to an identity, and authored messages whose sender did not. */
  sendersResolved: number;
  sendersUnresolved: number;
}

export interface CleanSummary {
  workId: string;
  /** The private working folder of this source set. */
  outDir: string;
  /** The last finished run; null before the first. */
  run: CleanRunInfo | null;
  /** A clean job of this set that is still running. */
  runningJobId: string | null;
  /** Decisions and restores saved in the merge log that the last run has not applied yet. */
  unapplied: { decisions: number; restores: number };
  /** The chats unticked on the Inventory step changed since the last run (it left out others). */
  excludedChanged: boolean;
  /** The decision `clean:undo` would take back. */
  undo: { groupId: string; decision: 'accept' | 'reject' | 'edit'; name: string } | null;
}

export interface CleanGroupReason {
  kind: 'phone' | 'email' | 'handle' | 'user-id' | 'name';
  /** The shared value as stored (`+79161234567`, `tg:user1`, a name skeleton). */
  value: string;
  /** For showing: a formatted phone (`+7 916 123-45-67`), the e-mail, `@name`, the user id. */
  display: string;
  /** Messenger of a handle or user id (`Telegram`). */
  network?: string;
  /** For a name reason: the names as the members write them. */
  names?: string[];
  transliterated?: boolean;
  members: string[];
}

export interface CleanGroupMember {
  key: string;
  kind: 'contact' | 'participant';
  name: string;
  /** Formatted for showing. */
  phones: string[];
  emails: string[];
  org: string | null;
  source: { file: string; line: number | null };
  /** Where the record comes from, for showing: the file's name, or the messenger whose chats it was seen in. */
  where: string;
}

export interface CleanGroupField {
  field: 'name' | 'given' | 'family' | 'org' | 'note' | 'phones' | 'emails';
  /** The value per member, in member order (empty string: none). */
  values: string[];
  /** What the merge keeps. */
  merged: string;
  /** The members disagree (a value is missing or different). */
  conflict: boolean;
}

export interface CleanGroupView {
  id: string;
  strength: 'strong' | 'weak';
  /** From the last run: auto (strong, merged), pending (weak, waiting), decided, re-proposed. */
  status: 'decided' | 'auto' | 'pending' | 're-proposed';
  /** The decision in force: the user's latest (even if not applied yet), else Pereezd's. */
  decision: 'accept' | 'reject' | 'edit' | 'proposed';
  by: 'user' | 'auto';
  /** The last run's output already reflects `decision`. */
  applied: boolean;
  edited?: CleanEdit;
  reasons: CleanGroupReason[];
  members: CleanGroupMember[];
  /** The merged contact, field by field. */
  fields: CleanGroupField[];
  /** The merged name (after the user's edit, when there is one). */
  name: string;
  /** The merged values as the edit form starts from them (phones as stored, not formatted). */
  merged: { name: string; org: string | null; phones: string[]; emails: string[] };
  decidedAt?: string;
}

export interface CleanGroupsPage {
  total: number;
  offset: number;
  items: CleanGroupView[];
  counts: Record<GroupFilter, number>;
}

export interface CleanQuarantineItem {
  id: string;
  kind: 'message' | 'contact';
  reason: 'no-date' | 'bad-date' | 'unreadable' | 'empty';
  file: string;
  line: number | null;
  chat: string | null;
  /** A short, untrusted excerpt (text or name) for recognising the entry; shown as text only. */
  preview: string;
  restorable: boolean;
  /** A restore is saved in the merge log and waits for the next run. */
  restoreRequested: boolean;
}

export interface CleanQuarantinePage {
  total: number;
  offset: number;
  items: CleanQuarantineItem[];
}

/** The plan's totals (model/plan.ts), and the assumptions behind the estimates, stated to the user. */
export interface CleanPlanTotals {
  chats: number;
  create: number;
  skip: number;
  merge: number;
  messages: number;
  events: number;
  media: number;
  mediaBytes: number;
  /** Every planned chat one after another, at Synapse's default limits and with the limits lifted. */
  estimateMs: number;
  estimateFastMs: number;
  /** The default profile's message rate (events per second), null when not limited. */
  messagesPerSecond: number | null;
  /** The upload bandwidth assumed for media. */
  uploadBytesPerSecond: number;
}

export type CleanPlanRow = Pick<
  ChatPlan,
  'chatId' | 'title' | 'type' | 'action' | 'reason' | 'messages' | 'events' | 'media' | 'mediaBytes' | 'mediaMissing' | 'estimateMs' | 'estimateFastMs'
>;

export interface CleanPlanPage {
  total: number;
  offset: number;
  items: CleanPlanRow[];
}

export interface CleanRegions {
  /** Regions the phone library knows. */
  regions: string[];
  /** From the OS locale (as reported by `app:info`); null when it names no region. */
  defaultRegion: string | null;
}

export const cleanInvoke = {
  'clean:regions': { req: z.object({}).strict(), res: shape<CleanRegions>() },
  /** The last run of this source set (from disk: survives reloads and restarts), or a fresh work id. */
  'clean:summary': { req: CleanSourcesSchema, res: shape<CleanSummary>() },
  /** Runs clean as a job over these sources (the unticked chats come from the settings). */
  'clean:start': {
    req: z.object({ paths: CleanSourcesSchema.shape.paths, options: CleanSourcesSchema.shape.options, region: RegionSchema }).strict(),
    res: shape<{ jobId: string; workId: string; outDir: string }>(),
  },
  'clean:groups': {
    req: z
      .object({ workId: WorkIdSchema, ...page, filter: GroupFilterSchema.default('all'), query: z.string().max(200).default('') })
      .strict(),
    res: shape<CleanGroupsPage>(),
  },
  'clean:decide': {
    req: z
      .object({ workId: WorkIdSchema, groupId: GroupIdSchema, decision: z.enum(['accept', 'reject', 'edit']), edited: CleanEditSchema.optional() })
      .strict()
      .refine((r) => (r.decision === 'edit') === (r.edited !== undefined), { message: 'decision "edit" needs "edited", and only it', path: ['edited'] }),
    res: shape<{ group: CleanGroupView; summary: CleanSummary }>(),
  },
  /** Takes back the latest decision not yet taken back (again for the one before). */
  'clean:undo': {
    req: z.object({ workId: WorkIdSchema }).strict(),
    res: shape<{ groupId: string | null; group: CleanGroupView | null; summary: CleanSummary }>(),
  },
  'clean:quarantine': {
    req: z.object({ workId: WorkIdSchema, ...page }).strict(),
    res: shape<CleanQuarantinePage>(),
  },
  'clean:restore': {
    req: z.object({ workId: WorkIdSchema, ids: z.array(QuarantineIdSchema).min(1).max(10_000) }).strict(),
    res: shape<{ requested: number; summary: CleanSummary }>(),
  },
  /** Writes the cleaned contacts of the last run into `dir` (never over an existing file). */
  'clean:export': {
    req: z.object({ workId: WorkIdSchema, format: z.enum(['vcard', 'csv']), dir: path }).strict(),
    res: shape<{ file: string; contacts: number }>(),
  },
  'clean:plan': {
    req: z.object({ workId: WorkIdSchema, ...page }).strict(),
    res: shape<CleanPlanPage>(),
  },
} as const;
