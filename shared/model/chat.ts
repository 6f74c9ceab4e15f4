import { z } from 'zod';
import { ProvenanceSchema } from './provenance.js';

export const ChatTypeSchema = z.enum(['personal', 'group', 'channel', 'saved', 'bot', 'unknown']);
export type ChatType = z.infer<typeof ChatTypeSchema>;

export const ChatSchema = z.object({
  /** Stable across runs and exports of the same chat: `<format>:<export id>` (e.g. `tg:123123123`). */
  id: z.string(),
  title: z.string(),
  type: ChatTypeSchema,
  /** The type as the export spells it (`private_supergroup`). */
  rawType: z.string().optional(),
  /** True when the export lists the chat among chats the owner has left. */
  left: z.boolean().optional(),
  source: ProvenanceSchema,
});
export type Chat = z.infer<typeof ChatSchema>;
