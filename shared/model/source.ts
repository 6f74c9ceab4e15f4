import { z } from 'zod';
import { ProblemSchema } from './problem.js';
import { ChatTypeSchema } from './chat.js';

/** Every format the registry knows. A new format = an id here, a parser in main/engine/sources, a name in both catalogues. */
export const FormatIdSchema = z.enum([
  'telegram-json',
  'whatsapp-txt',
  'vcard',
  'contacts-csv',
  'slack-zip',
  'skype-json',
  'discord-json',
  'discord-package',
  'messenger-json',
]);
export type FormatId = z.infer<typeof FormatIdSchema>;

/** How to read day/month/year in exports that do not say (WhatsApp). */
export const DateOrderSchema = z.enum(['dmy', 'mdy', 'ymd']);
export type DateOrder = z.infer<typeof DateOrderSchema>;

/** What the user told us about one source (answers to its questions). */
export const SourceOptionsSchema = z
  .object({
    dateOrder: DateOrderSchema.optional(),
    /** IANA zone for exports that carry wall-clock times only (`Europe/Moscow`). */
    timeZone: z.string().min(1).max(64).optional(),
  })
  .strict();
export type SourceOptions = z.infer<typeof SourceOptionsSchema>;

/** Something only the user can decide before a source can be read exactly. */
export const SourceQuestionSchema = z.object({
  kind: z.literal('date-order'),
  /** The orders that fit every date in the file. */
  candidates: z.array(DateOrderSchema).min(2),
  /** A few dates from the file as written, to show the user. */
  samples: z.array(z.string()).max(5),
});
export type SourceQuestion = z.infer<typeof SourceQuestionSchema>;

export const SourceKindSchema = z.enum(['file', 'folder', 'zip']);
export type SourceKind = z.infer<typeof SourceKindSchema>;

/** What `sources:detect` says of one path the user gave. */
export const DetectedSourceSchema = z.object({
  path: z.string(),
  kind: SourceKindSchema.nullable(),
  /** null: not recognised (see `problem`). */
  format: FormatIdSchema.nullable(),
  /** 0..1 */
  confidence: z.number().min(0).max(1),
  /** The file inside a folder that will be read (`result.json`). */
  entry: z.string().optional(),
  /** Size in bytes of what will be read. */
  size: z.number().int().nonnegative(),
  /** Variant inside the format (`single-chat`, `full-account`). */
  variant: z.string().optional(),
  problem: ProblemSchema.optional(),
  /** Asked before reading (the wizard shows it; the CLI needs the matching option). */
  question: SourceQuestionSchema.optional(),
});
export type DetectedSource = z.infer<typeof DetectedSourceSchema>;

export const ChatSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  type: ChatTypeSchema,
  rawType: z.string().optional(),
  left: z.boolean().optional(),
  /** Distinct people seen as authors or actors. */
  members: z.number().int().nonnegative(),
  messages: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  attachments: z.number().int().nonnegative(),
  attachmentsMissing: z.number().int().nonnegative(),
  /** Bytes of attachments present in the export. */
  mediaBytes: z.number().int().nonnegative(),
  firstAt: z.string().nullable(),
  lastAt: z.string().nullable(),
  /** Messages (authored) in the 90 days before `InventoryResult.asOf`. */
  last90: z.number().int().nonnegative(),
  /** Authored messages per calendar month (UTC), `YYYY-MM` → count. */
  activity: z.record(z.string(), z.number().int().nonnegative()),
  /** Suggested order of moving, with the reasons (the user decides). */
  priority: z
    .object({
      level: z.enum(['high', 'normal', 'low']),
      reasons: z.array(z.enum(['active', 'many-members', 'announcements', 'confidential', 'inactive', 'left', 'empty'])),
    })
    .optional(),
});
export type ChatSummary = z.infer<typeof ChatSummarySchema>;

export const CountsSchema = z.object({
  contacts: z.number().int().nonnegative(),
  chats: z.number().int().nonnegative(),
  messages: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  attachments: z.number().int().nonnegative(),
  attachmentsMissing: z.number().int().nonnegative(),
});
export type Counts = z.infer<typeof CountsSchema>;

/** The inventory of one source. The first fields are the stable `inspect --json` shape. */
export const SourceInventorySchema = CountsSchema.extend({
  path: z.string(),
  format: FormatIdSchema.nullable(),
  problems: z.array(ProblemSchema),
  variant: z.string().optional(),
  bytes: z.number().int().nonnegative(),
  chatList: z.array(ChatSummarySchema),
  /** The account owner, when the export names them. */
  owner: z.string().optional(),
  /** True when reading stopped early (cancel); counts cover what was read. */
  partial: z.boolean().optional(),
});
export type SourceInventory = z.infer<typeof SourceInventorySchema>;

export const InventoryResultSchema = z.object({
  sources: z.array(SourceInventorySchema),
  totals: CountsSchema,
  /** Reference instant for `last90` (ISO). */
  asOf: z.string(),
});
export type InventoryResult = z.infer<typeof InventoryResultSchema>;
