/**
 * Channels of the matrix area (wizard steps Connect, Pilot, Upload). Spread into THE table in ../ipc-contract.ts;
 * each entry gets one function in main/engine/services/matrix.ts.
 *
 * The password crosses the boundary once, in `matrix:login`, and is never stored; the access token goes to the
 * OS keychain only and never comes back to the renderer. Calls about the migration name the source set the same
 * way the Clean step does (`paths` + the answers given per source): the upload reads the Clean step's output
 * folder for that set, or, when Clean was not run, a convert of the sources (`matrix:prepare`).
 */
import { z } from 'zod';
import { SourceOptionsSchema, TargetAccountSchema, type PlanTotals } from '../model/index.js';

/** Type-only marker: carries a response type without a runtime schema. */
const shape = <T>() => undefined as unknown as T;

const path = z.string().min(1).max(4096);
const jobId = z.string().uuid();

/** The source set, as the Clean step names it. */
export const MatrixSourcesSchema = z
  .object({
    paths: z.array(path).min(1).max(200),
    options: z.record(path, SourceOptionsSchema).optional(),
  })
  .strict();

/** A server name (`example.org`), a homeserver URL (`https://matrix.example.org`) or a user id (`@me:example.org`). */
export const ServerInputSchema = z
  .string()
  .trim()
  .min(1, 'give the server address')
  .max(500)
  .regex(/^[^\s<>"'`]+$/, 'a server address has no spaces or quotes');

/** `@name:server` or a bare user name (`name`), as people type it. */
export const MatrixUserInputSchema = z
  .string()
  .trim()
  .min(1, 'give the user name')
  .max(255)
  .regex(/^@?[^\s:@]+(?::[^\s]+)?$/, 'a user name looks like @name:server or name');

/** An old participant's id in the people list: the Clean step's identity id. */
export const PersonIdSchema = z.string().regex(/^i-[0-9a-f]{16}$/, 'person ids look like i-0123456789abcdef');

/** Why a sign-in or discovery failed, in words the UI translates. */
export type MatrixProblem =
  | 'unreachable'
  | 'not-matrix'
  | 'wrong-password'
  | 'rate-limited'
  | 'deactivated'
  | 'bad-user'
  | 'keychain'
  | 'failed';

export interface MatrixDiscovery {
  ok: true;
  /** The homeserver's client-server URL (after .well-known). */
  homeserver: string;
  /** Spec versions the server announces (`v1.11` …). */
  versions: string[];
  /** True when the address given was a server name and .well-known (or https://name) answered. */
  viaWellKnown: boolean;
}

export interface MatrixFailure {
  ok: false;
  problem: MatrixProblem;
  /** English detail for the helpdesk (never carries a token or the password). */
  message: string;
  /** For `rate-limited`: how long the server asks us to wait. */
  retryAfterMs?: number;
}

export interface MatrixSession {
  signedIn: boolean;
  homeserver: string | null;
  userId: string | null;
  deviceId: string | null;
  /** Where the token is: the system keychain, or (no keychain reachable) this session's memory only. */
  tokenIn: 'keychain' | 'memory' | null;
  /** The keychain could not be reached (why, for the helpdesk). */
  keychainProblem: string | null;
  /** whoami answered for the token (null: not checked / no token). */
  tokenWorks: boolean | null;
}

/** One old participant, as the Connect step lists them. */
export interface MatrixPerson {
  id: string;
  name: string;
  /** Messengers and files the person was found in (`tg`, `wa`, `vcard`…). */
  networks: string[];
  phones: number;
  emails: number;
  messages: number;
  chats: number;
  /** The account owner (mapped to the signed-in account by default). */
  self: boolean;
  /** The account in force (the stored identity map), or null: they keep their old name. */
  account: string | null;
  /** Who set it: the user, an import, or null. */
  by: 'user' | 'import' | null;
  /** A proposal from the homeserver's user directory (not applied until accepted). */
  suggestion: { account: string; by: 'email' | 'phone' | 'name' | 'self' } | null;
  /** Several accounts answered; the user must pick. */
  candidates: string[];
  /** Stored entries that name different accounts for this person. */
  conflict: string[];
  /** False when nothing of their own can be stored (no phone, e-mail, id or full name only they have). */
  mappable: boolean;
}

export interface MatrixPeoplePage {
  /** Where the people come from: the Clean step's identities, or none (Clean was not run). */
  source: 'clean' | 'none';
  total: number;
  /** Matching the query. */
  matching: number;
  offset: number;
  items: MatrixPerson[];
  counts: { mapped: number; unmapped: number; suggested: number };
  /** Directory searches could not be made (not signed in, server error): why. */
  suggestProblem: string | null;
}

export interface MatrixEstimate {
  /** From the Clean step's plan (plan.json); null when Clean was not run. */
  plan: (Pick<PlanTotals, 'chats' | 'create' | 'merge' | 'skip' | 'messages' | 'events' | 'media' | 'mediaBytes' | 'sends' | 'estimateMs' | 'estimateFastMs'>) | null;
  /** The limits the estimate assumes for a normal account: events per second and burst (Synapse's rc_message). */
  rate: { perSecond: number; burst: number };
}

export type MatrixChatState = 'waiting' | 'running' | 'done' | 'skipped';

export interface MatrixChatRow {
  chatId: string;
  title: string;
  type: string;
  messages: number;
  /** Planned events (Clean's plan) or null when unknown. */
  planned: number | null;
  /** Events recorded as sent in the journal (all runs). */
  sent: number;
  state: MatrixChatState;
  /** Why skipped (unticked, empty). */
  skipReason: 'excluded' | 'empty' | null;
  roomId: string | null;
  /** `https://matrix.to/#/<roomId>`: opens in the user's own client. */
  link: string | null;
  verify: { expected: number; found: number; missing: number; duplicates: number; mediaMismatched: number; status: string } | null;
}

export interface MatrixStatus {
  /** The model the upload reads: the Clean step's output, a convert of the sources, or none yet. */
  model: { kind: 'clean' | 'convert'; dir: string } | null;
  /** A prepare/pilot/upload/verify job of this set still running. */
  running: { jobId: string; kind: 'prepare' | 'pilot' | 'upload' | 'verify'; paused: boolean } | null;
  /** The journal of this set and account: an earlier upload left work to do. */
  journal: { chatsStarted: number; chatsDone: number; sent: number } | null;
  pilot: MatrixPilotResult | null;
  /** The last verification (read-back) of the full upload. */
  verify: MatrixVerifySummary | null;
  estimate: MatrixEstimate;
}

export interface MatrixPilotResult {
  chatId: string;
  title: string;
  roomId: string;
  roomName: string;
  link: string;
  sent: number;
  alreadyThere: number;
  media: number;
  placeholders: number;
  /** The first lines of the room as the server holds them (plain text bodies). */
  lines: { sender: string; body: string; msgtype: string }[];
  finishedAt: string;
}

export interface MatrixVerifySummary {
  chats: number;
  ok: number;
  expected: number;
  found: number;
  missing: number;
  duplicates: number;
  mediaChecked: number;
  mediaMismatched: number;
  finishedAt: string;
}

/** What an upload job's output carries (JobState.output). */
export interface MatrixUploadOutput {
  [key: string]: string | number | boolean | null;
  kind: 'pilot' | 'upload';
  chats: number;
  rooms: number;
  sent: number;
  alreadyThere: number;
  media: number;
  placeholders: number;
  rateLimited: number;
  problems: number;
}

export const matrixInvoke = {
  'matrix:discover': { req: z.object({ server: ServerInputSchema }).strict(), res: shape<MatrixDiscovery | MatrixFailure>() },
  'matrix:login': {
    req: z.object({ server: ServerInputSchema, user: MatrixUserInputSchema, password: z.string().min(1, 'give the password').max(1024) }).strict(),
    res: shape<{ ok: true; session: MatrixSession } | MatrixFailure>(),
  },
  'matrix:session': { req: z.object({}).strict(), res: shape<MatrixSession>() },
  'matrix:logout': { req: z.object({}).strict(), res: shape<MatrixSession>() },
  'matrix:status': { req: MatrixSourcesSchema, res: shape<MatrixStatus>() },
  /** Converts the sources when the Clean step was not run (job kind `upload`, phase "reading the exports"). */
  'matrix:prepare': { req: MatrixSourcesSchema, res: shape<{ jobId: string }>() },
  'matrix:people': {
    req: MatrixSourcesSchema.extend({
      offset: z.number().int().min(0).max(10_000_000),
      limit: z.number().int().min(1).max(200),
      query: z.string().max(200).optional(),
      filter: z.enum(['all', 'unmapped', 'mapped', 'suggested']).optional(),
      /** Ask the homeserver's user directory for the unmapped people of this page. */
      suggest: z.boolean().optional(),
    }).strict(),
    res: shape<MatrixPeoplePage>(),
  },
  'matrix:map': {
    req: MatrixSourcesSchema.extend({ personId: PersonIdSchema, account: TargetAccountSchema.nullable() }).strict(),
    res: shape<{ person: MatrixPerson }>(),
  },
  'matrix:chats': {
    req: MatrixSourcesSchema.extend({ offset: z.number().int().min(0).max(10_000_000), limit: z.number().int().min(1).max(500) }).strict(),
    res: shape<{ total: number; offset: number; items: MatrixChatRow[] }>(),
  },
  'matrix:pilot': { req: MatrixSourcesSchema.extend({ chatId: z.string().min(1).max(1000) }).strict(), res: shape<{ jobId: string }>() },
  'matrix:upload': { req: MatrixSourcesSchema, res: shape<{ jobId: string }>() },
  'matrix:pause': { req: z.object({ jobId, paused: z.boolean() }).strict(), res: shape<{ paused: boolean }>() },
  'matrix:verify': { req: MatrixSourcesSchema.extend({ resend: z.boolean().optional() }).strict(), res: shape<{ jobId: string }>() },
} as const;
