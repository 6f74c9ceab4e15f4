import { z } from 'zod';

/**
 * Problem codes are stable identifiers: the renderer translates them (i18n key `problem.<code>`),
 * the CLI prints the English `message`. Add a code here, then to both catalogues.
 */
export const ProblemCodeSchema = z.enum([
  'not-recognised', // nothing we know how to read
  'not-found', // path does not exist
  'unreadable', // permission denied, I/O error
  'truncated', // file ends in the middle of the data
  'syntax', // malformed content at a position
  'bad-value', // a field has a value we cannot use (kept as raw)
  'unknown-action', // a service/system entry we do not know (kept as a generic event)
  'media-missing', // the export references a file that is not there
  'media-not-included', // the export says it left the file out
  'too-large', // a single item over a safety limit
  'unsafe-entry', // an archive entry that escapes its folder, a symlink, a zip bomb: never opened
  'needs-answer', // the source cannot be read exactly without the user's answer (e.g. date order)
  'encoding', // text was not valid in the detected encoding; repaired or replaced, with the place
  'cancelled', // the user cancelled while this file was being read
  'internal', // a bug: reported, never silent
]);
export type ProblemCode = z.infer<typeof ProblemCodeSchema>;

export const ProblemSeveritySchema = z.enum(['error', 'warning', 'info']);
export type ProblemSeverity = z.infer<typeof ProblemSeveritySchema>;

export const ProblemSchema = z.object({
  /** Path of the file the problem is in (absolute as given by the user, or archive path `a.zip!/x.json`). */
  file: z.string(),
  /** 1-based line, when the format has lines. */
  line: z.number().int().positive().optional(),
  /** 0-based byte offset, when known. */
  offset: z.number().int().nonnegative().optional(),
  code: ProblemCodeSchema,
  severity: ProblemSeveritySchema,
  /** English, for the CLI and logs. The UI uses `code` + `params`. */
  message: z.string(),
  /** Values interpolated into the localised message. Never message text or personal data. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;
