import { z } from 'zod';
import { ProvenanceSchema } from './provenance.js';

export const AttachmentKindSchema = z.enum([
  'photo', 'video', 'audio', 'voice', 'video-message', 'sticker', 'animation', 'file', 'contact', 'other',
]);
export type AttachmentKind = z.infer<typeof AttachmentKindSchema>;

export const AttachmentSchema = z.object({
  name: z.string(),
  kind: AttachmentKindSchema,
  /** Path relative to the export root, when the export gave one. */
  path: z.string().optional(),
  mime: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  sha256: z.string().optional(),
  /** The file is not in the export (left out by the exporter, or not found on disk). */
  missing: z.boolean(),
  missingReason: z.enum(['not-included', 'too-large', 'unavailable', 'not-found']).optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const SenderSchema = z.object({ name: z.string().nullable(), id: z.string().nullable() });
export type Sender = z.infer<typeof SenderSchema>;

/**
 * One entry of a chat's history. `kind: 'message'` is something a person authored (media-only
 * included); `kind: 'event'` is a service/system entry (joins, calls, pins, encryption notices…).
 */
export const MessageSchema = z.object({
  chat: z.string(),
  id: z.string(),
  kind: z.enum(['message', 'event']),
  /** ISO 8601 with offset; null when the export gave no usable time. */
  sentAt: z.string().nullable(),
  sender: SenderSchema.nullable(),
  text: z.string(),
  /** Event name for `kind: 'event'` (`phone_call`, `pin_message`, `unknown`). */
  action: z.string().optional(),
  replyTo: z.string().optional(),
  forwardedFrom: z.string().optional(),
  editedAt: z.string().optional(),
  attachments: z.array(AttachmentSchema),
  source: ProvenanceSchema,
});
export type Message = z.infer<typeof MessageSchema>;
