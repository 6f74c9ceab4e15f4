import { z } from 'zod';

/** Where a fact came from: the source file and, when known, the line and the id the export gave it. */
export const ProvenanceSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative().optional(),
  id: z.string().optional(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;
