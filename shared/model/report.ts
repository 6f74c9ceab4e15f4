/**
 * The finish area's shapes (wizard step 8, `pereezd report|cleanup|support-bundle`): the migration report,
 * the audit chain status, the deactivation checklist, the announcement, the clean-up plan and the helpdesk
 * status line. The engine (main/engine/finish) fills them; the Verify & report step renders them.
 *
 * Units: contacts, chats and messages are counted as the Clean step counts them (messages = authored
 * messages + service events). What goes to the target is counted in PARTS: one event per message text and
 * one per attachment (a photo with a caption is two parts), because that is what the server holds and what
 * the read-back can count.
 */
import { z } from 'zod';

const Count = z.number().int().nonnegative();
const Iso = z.string().min(1).max(64);
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Text = z.string().max(4096);

export const ReportLangSchema = z.enum(['ru', 'en']);
export type ReportLang = z.infer<typeof ReportLangSchema>;

/** in = kept + merged + quarantined + excluded. */
export const TallySchema = z.object({ in: Count, kept: Count, merged: Count, quarantined: Count, excluded: Count }).strict();
export type ReportTally = z.infer<typeof TallySchema>;

export const ReportSourceFileSchema = z
  .object({
    /** Relative to the source (a folder), or the file's own name (a .zip or single file). */
    path: Text,
    size: Count,
    /** null: could not be read (see `error`). */
    sha256: Sha256.nullable(),
    error: Text.optional(),
  })
  .strict();

export const ReportSourceSchema = z
  .object({
    /** As the user gave it. */
    path: Text,
    kind: z.enum(['folder', 'file', 'zip', 'missing']),
    /** Format id (`telegram-json`, `whatsapp-txt`, …); null: not recognised. */
    format: z.string().max(64).nullable(),
    files: z.array(ReportSourceFileSchema),
    /** More files than listed (the list is capped; the digest covers all). */
    filesOmitted: Count,
    bytes: Count,
    /** SHA-256 over the sorted lines `<sha256>  <path>` of every file: one value that names the whole source. */
    digest: Sha256.nullable(),
    counts: z.object({ contacts: Count, chats: Count, messages: Count, problems: Count }).strict().nullable(),
  })
  .strict();
export type ReportSource = z.infer<typeof ReportSourceSchema>;

export const ChatTargetSchema = z
  .object({
    roomId: z.string().max(512).nullable(),
    /** Parts the plan sends. */
    expected: Count,
    /** Parts sent (this run and earlier runs); null: no upload result known. */
    uploaded: Count.nullable(),
    /** Parts found by the read-back, null: not verified. */
    verified: Count.nullable(),
    missing: Count.nullable(),
    duplicates: Count.nullable(),
    mediaChecked: Count.nullable(),
    mediaMismatched: Count.nullable(),
    status: z.enum(['ok', 'no-room', 'missing', 'duplicates', 'media-mismatch', 'empty', 'not-verified']),
  })
  .strict();
export type ChatTarget = z.infer<typeof ChatTargetSchema>;

export const ReportChatSchema = z
  .object({
    id: z.string().max(512),
    /** Untrusted (from the export): escape wherever shown. */
    title: Text,
    type: z.string().max(64),
    messages: TallySchema,
    balanced: z.boolean(),
    /** null: not uploaded (excluded, empty, or no upload yet). */
    target: ChatTargetSchema.nullable(),
  })
  .strict();
export type ReportChat = z.infer<typeof ReportChatSchema>;

export const DiscrepancyCodeSchema = z.enum([
  'accounting-unbalanced',
  'missing-in-target',
  'duplicates-in-target',
  'media-mismatch',
  'no-room',
  'not-uploaded',
  'not-verified',
  'unknown-in-target',
  'quarantined',
  'backup-missing',
  'backup-not-verified',
  'backup-check-failed',
  'source-unreadable',
  'audit-broken',
  'upload-problems',
]);
export type DiscrepancyCode = z.infer<typeof DiscrepancyCodeSchema>;

export const DiscrepancySchema = z
  .object({
    code: DiscrepancyCodeSchema,
    /** `loss`: something may be missing (nothingLost is false); `warning`: accounted for, but worth a look. */
    severity: z.enum(['loss', 'warning']),
    chatId: z.string().max(512).nullable(),
    count: Count,
    /** Up to 20 ids (source ids of missing parts, quarantine ids, record numbers). */
    ids: z.array(z.string().max(512)).max(20),
    /** English, for the CLI and logs; the HTML report words it from `code` in its own language. */
    message: Text,
  })
  .strict();
export type Discrepancy = z.infer<typeof DiscrepancySchema>;

export const ReportBackupSchema = z
  .object({
    file: Text,
    size: Count,
    sha256: Sha256,
    created: Iso,
    exists: z.boolean(),
    checks: z.object({ written: Iso.nullable(), quick: Iso.nullable(), full: Iso.nullable(), sample: Iso.nullable() }).strict(),
    recoveryTestedAt: Iso.nullable(),
    copies: z.array(z.object({ file: Text, verifiedAt: Iso, exists: z.boolean() }).strict()),
    counts: z.object({ sources: Count, originalFiles: Count, contacts: Count, chats: Count, messages: Count, attachments: Count }).strict(),
  })
  .strict();
export type ReportBackup = z.infer<typeof ReportBackupSchema>;

export const AuditStatusSchema = z
  .object({
    file: Text,
    records: Count,
    ok: z.boolean(),
    /** 1-based line of the first record that does not fit the chain; null when ok. */
    firstBroken: z.number().int().positive().nullable(),
    reason: Text.nullable(),
    /** Hash of the last record (the chain's head; write it down to detect a later truncation). */
    head: Sha256.nullable(),
  })
  .strict();
export type AuditStatus = z.infer<typeof AuditStatusSchema>;

export const CleanupEntrySchema = z
  .object({
    path: Text,
    kind: z.enum(['clean-work', 'convert-temp', 'sort-temp', 'model-spill', 'matrix-model', 'backup-staging', 'partial-backup', 'partial-file', 'extracted']),
    bytes: Count,
    files: Count,
  })
  .strict();
export type CleanupEntry = z.infer<typeof CleanupEntrySchema>;

export const CleanupRecordSchema = z
  .object({
    at: Iso,
    removed: z.array(CleanupEntrySchema),
    bytes: Count,
    failed: z.array(z.object({ path: Text, message: Text }).strict()),
    /** The plaintext scan right after: files where message data was still found (empty = clean). */
    scan: z.object({ filesScanned: Count, hits: z.array(z.object({ path: Text, marker: z.string().max(64) }).strict()) }).strict().nullable(),
  })
  .strict();
export type CleanupRecord = z.infer<typeof CleanupRecordSchema>;

export const ReportModelSchema = z
  .object({
    format: z.literal('pereezd-report'),
    formatVersion: z.literal(1),
    app: z.object({ name: z.string().max(64), version: z.string().max(64) }).strict(),
    generatedAt: Iso,
    /** The source set (`workId` of the Clean step), null when built from explicit inputs only. */
    workId: z.string().max(64).nullable(),
    steps: z
      .object({
        clean: z.object({ finishedAt: Iso.nullable(), seconds: z.number().nonnegative().nullable() }).strict(),
        backup: z.object({ finishedAt: Iso.nullable(), seconds: z.number().nonnegative().nullable() }).strict(),
        upload: z.object({ finishedAt: Iso.nullable(), seconds: z.number().nonnegative().nullable() }).strict(),
        verify: z.object({ finishedAt: Iso.nullable(), seconds: z.number().nonnegative().nullable() }).strict(),
      })
      .strict(),
    sources: z.array(ReportSourceSchema),
    totals: z
      .object({
        contacts: TallySchema.nullable(),
        participants: TallySchema.nullable(),
        chats: TallySchema.nullable(),
        messages: TallySchema.nullable(),
        problems: Count,
        target: z
          .object({ expected: Count, uploaded: Count.nullable(), verified: Count.nullable(), missing: Count.nullable(), duplicates: Count.nullable(), mediaChecked: Count, mediaMismatched: Count })
          .strict()
          .nullable(),
      })
      .strict(),
    chats: z.array(ReportChatSchema),
    target: z.object({ homeserver: Text.nullable(), userId: z.string().max(512).nullable() }).strict().nullable(),
    backups: z.array(ReportBackupSchema),
    discrepancies: z.array(DiscrepancySchema),
    audit: AuditStatusSchema,
    cleanup: CleanupRecordSchema.nullable(),
    /** True only when every count balances, every uploaded chat was read back with 0 missing and 0 media mismatches, and the audit chain is intact. */
    nothingLost: z.boolean(),
  })
  .strict();
export type ReportModel = z.infer<typeof ReportModelSchema>;

export const ChecklistItemSchema = z
  .object({
    id: z.string().max(128),
    /** The messenger it is about (`telegram`, `whatsapp`, …) or `all`. */
    network: z.string().max(32),
    ru: Text,
    en: Text,
    /** Ticked automatically from what the app knows (export read, backup verified), or by the user. */
    auto: z.boolean(),
    done: z.boolean(),
    doneAt: Iso.nullable(),
  })
  .strict();
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;

export const AnnouncementSchema = z
  .object({
    /** `group`: one message to post in the old group; `person`: one to send a contact. */
    kind: z.enum(['group', 'person']),
    chatId: z.string().max(512),
    /** Untrusted (from the export). */
    title: Text,
    /** matrix.to link of the room, or the person's new address (the user's own mxid for 1:1 chats). */
    address: z.string().max(1024).nullable(),
    ru: z.string().max(8192),
    en: z.string().max(8192),
  })
  .strict();
export type Announcement = z.infer<typeof AnnouncementSchema>;

export const StepIdSchema = z.enum(['sources', 'inventory', 'clean', 'backup', 'connect', 'pilot', 'upload', 'verify']);
export type StepId = z.infer<typeof StepIdSchema>;

export const StepStateSchema = z
  .object({
    step: StepIdSchema,
    state: z.enum(['not-started', 'done', 'attention', 'failed']),
    /** Short English facts (counts, dates), never message text or names. */
    detail: z.string().max(512),
    /** The same facts in Russian (the helpdesk line follows the user's language). */
    detailRu: z.string().max(512),
  })
  .strict();
export type StepState = z.infer<typeof StepStateSchema>;

export const HelpdeskStatusSchema = z
  .object({
    steps: z.array(StepStateSchema),
    /** The first step not done (where the user is). */
    current: StepIdSchema,
    /** One line for an agent: where, what is left, what failed. */
    line: z.object({ ru: z.string().max(1024), en: z.string().max(1024) }).strict(),
  })
  .strict();
export type HelpdeskStatus = z.infer<typeof HelpdeskStatusSchema>;
