import { z } from 'zod';
import { ProvenanceSchema } from './provenance.js';

export const TypedValueSchema = z.object({ value: z.string(), type: z.string().optional() });
export type TypedValue = z.infer<typeof TypedValueSchema>;

/** A person as one source describes them (a contact-list entry, a vCard, a CSV row, the account owner). */
export const ContactSchema = z.object({
  id: z.string(),
  name: z.string(),
  given: z.string().optional(),
  family: z.string().optional(),
  phones: z.array(TypedValueSchema),
  emails: z.array(TypedValueSchema),
  handles: z.array(TypedValueSchema).optional(),
  org: z.string().optional(),
  note: z.string().optional(),
  /** The export's own id for this person (Telegram `user123`), when it has one. */
  sourceUserId: z.string().optional(),
  /** True for the account owner (Telegram `personal_information`). */
  self: z.boolean().optional(),
  source: ProvenanceSchema,
});
export type Contact = z.infer<typeof ContactSchema>;
