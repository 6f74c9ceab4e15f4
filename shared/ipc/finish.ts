/**
 * Channels of the finish area (wizard step 8: verify & report, audit journal, deactivation checklist,
 * announcement, safe clean-up, support bundle). Spread into THE table in ../ipc-contract.ts; each entry gets
 * one function in main/engine/services/finish.ts.
 *
 * Calls about the migration name the source set as the Clean step does (its `paths`); the engine finds what
 * the earlier steps recorded for that set in the config folder. Making the report reads and hashes every
 * source file, so it is a job (progress, cancel); its `output` is a `FinishReportOutput`. Chat titles and
 * announcement texts come from exports: untrusted, shown as text only.
 */
import { z } from 'zod';
import {
  ReportLangSchema,
  type Announcement,
  type AuditStatus,
  type ChecklistItem,
  type CleanupEntry,
  type CleanupRecord,
  type Discrepancy,
  type HelpdeskStatus,
  type ReportBackup,
  type ReportChat,
  type ReportModel,
} from '../model/index.js';
import { AbsolutePathSchema } from './backup.js';

/** Type-only marker: carries a response type without a runtime schema. */
const shape = <T>() => undefined as unknown as T;

const paths = z.array(z.string().min(1).max(4096)).min(1).max(200);
const offset = z.number().int().min(0).max(10_000_000);

/** The source set, as the Clean step names it. */
export const FinishSetSchema = z.object({ paths }).strict();

/** What a finished report job hands back (JobState.output). */
export interface FinishReportOutput {
  [key: string]: string | number | boolean | null;
  html: string;
  json: string;
  /** Null where the host cannot print to PDF (the browser host). */
  pdf: string | null;
  lang: 'ru' | 'en';
  nothingLost: boolean;
  discrepancies: number;
  chats: number;
  generatedAt: string;
}

/** The last report made for a set: everything the step shows except the per-chat rows (paged). */
export interface FinishReportView {
  generatedAt: string;
  lang: 'ru' | 'en';
  html: string;
  json: string;
  pdf: string | null;
  nothingLost: boolean;
  totals: ReportModel['totals'];
  steps: ReportModel['steps'];
  target: ReportModel['target'];
  discrepancies: Discrepancy[];
  backups: ReportBackup[];
  audit: AuditStatus;
  cleanup: CleanupRecord | null;
  sources: { path: string; format: string | null; files: number; bytes: number; digest: string | null }[];
  chats: { total: number; withProblems: number };
}

export interface FinishChatsPage {
  total: number;
  offset: number;
  items: ReportChat[];
}

export interface FinishAnnouncementPage {
  total: number;
  offset: number;
  /** The signed-in account on the new service, when known (the address people write to). */
  address: string | null;
  items: Announcement[];
}

export interface FinishCleanupList {
  entries: CleanupEntry[];
  bytes: number;
  /** The last clean-up, if any. */
  last: CleanupRecord | null;
}

export interface FinishBundleResult {
  file: string;
  bytes: number;
  /** What was redacted (kinds, for the step to say so) and how many values of each. */
  redacted: Record<string, number>;
}

export const finishInvoke = {
  /** Builds the report of the set (hashes every source file), writes HTML (in `lang`) and JSON into `dir`. */
  'finish:report': {
    req: FinishSetSchema.extend({ lang: ReportLangSchema, dir: AbsolutePathSchema }).strict(),
    res: shape<{ ok: true; jobId: string } | { ok: false; reason: 'dest-missing' | 'busy'; path: string | null }>(),
  },
  /** The last report made for the set in this config folder (null: none yet). */
  'finish:report-view': { req: FinishSetSchema, res: shape<FinishReportView | null>() },
  /** The per-chat rows of the last report (`problems`: only chats that are not ok). */
  'finish:report-chats': {
    req: FinishSetSchema.extend({ offset, limit: z.number().int().min(1).max(500), only: z.enum(['all', 'problems']) }).strict(),
    res: shape<FinishChatsPage>(),
  },
  /** Opens a report file this app wrote with the system's default program (the HTML in the browser). */
  'finish:open-report': {
    req: z.object({ file: AbsolutePathSchema }).strict(),
    res: shape<{ ok: true } | { ok: false; reason: 'unknown-file' | 'missing' | 'no-opener'; message: string }>(),
  },
  /** The deactivation checklist for the messengers of the set, with the ticks kept so far. */
  'finish:checklist': { req: FinishSetSchema, res: shape<{ items: ChecklistItem[] }>() },
  'finish:tick': {
    req: FinishSetSchema.extend({ item: z.string().min(1).max(128), done: z.boolean() }).strict(),
    res: shape<{ items: ChecklistItem[] }>(),
  },
  /** Ready-to-send messages per group and per person (both languages in each item). */
  'finish:announcement': {
    req: FinishSetSchema.extend({ offset, limit: z.number().int().min(1).max(500) }).strict(),
    res: shape<FinishAnnouncementPage>(),
  },
  /** The app's temporary and working folders that can be removed, with sizes. */
  'finish:cleanup-list': { req: FinishSetSchema, res: shape<FinishCleanupList>() },
  /** Removes the listed entries (each must be in the current list), then scans for plaintext left behind. */
  'finish:cleanup': {
    req: FinishSetSchema.extend({ ids: z.array(z.string().min(1).max(4096)).min(1).max(500) }).strict(),
    res: shape<{ ok: true; record: CleanupRecord } | { ok: false; reason: 'not-listed'; path: string }>(),
  },
  /** One redacted file for the helpdesk, written into the folder `dest`. */
  'finish:support-bundle': {
    req: z.object({ dest: AbsolutePathSchema, paths: paths.optional() }).strict(),
    res: shape<{ ok: true; bundle: FinishBundleResult } | { ok: false; reason: 'dest-missing'; path: string }>(),
  },
  /** The helpdesk one-line status of the whole migration (per step: done, attention, failed). */
  'finish:status': { req: z.object({ paths: paths.optional() }).strict(), res: shape<HelpdeskStatus>() },
} as const;
