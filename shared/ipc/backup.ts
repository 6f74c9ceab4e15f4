/**
 * Channels of the backup area (wizard step 4). Spread into THE table in ../ipc-contract.ts; each
 * entry gets one function in main/engine/services/backup.ts.
 *
 * Long work (backup, verify, copy) is a job: the reply carries its id and the UI follows it through
 * `job:progress`; the job's `output` is a small JSON summary (shapes below). Secrets: the recovery
 * key travels from the core to the window once (`backup:recovery-key`), and back only when the user
 * types it for the test or saves it as a passphrase-protected file; it is never put in settings,
 * logs, job state or the backup catalogue.
 */
import { z } from 'zod';
import { SourceOptionsSchema, type JobKind } from '../model/index.js';

/** Type-only marker: carries a response type without a runtime schema. */
const shape = <T>() => undefined as unknown as T;

export const BACKUP_FILE_EXTENSION = '.msgbak';

/**
 * An absolute path (POSIX `/…`, Windows `C:\…` or UNC `\\server\…`): the core never resolves a
 * relative path against its own working folder on the window's behalf.
 */
export const AbsolutePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a path cannot contain a NUL character')
  .refine((p) => /^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'the path must be absolute');

/** A backup file: an absolute path ending in .msgbak. */
export const BackupFilePathSchema = AbsolutePathSchema.refine((p) => p.toLowerCase().endsWith(BACKUP_FILE_EXTENSION), 'a backup file name ends with .msgbak');

/** Why a file name cannot be used (null: it can). Shared by the schema and the step's form. */
export function fileNameProblem(name: string, extension: string): 'empty' | 'characters' | 'dot' | 'extension' | 'long' | null {
  if (name.trim() === '') return 'empty';
  if (name.length > 200) return 'long';
  // Separators, characters Windows refuses, control characters; spaces around the name get lost.
  if (/[/\\:*?"<>|]/.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) || name.trim() !== name) return 'characters';
  if (name.startsWith('.')) return 'dot';
  if (!name.toLowerCase().endsWith(extension) || name.length <= extension.length) return 'extension';
  return null;
}

const fileName = (extension: string) =>
  z
    .string()
    .max(4096)
    .superRefine((n, ctx) => {
      const problem = fileNameProblem(n, extension);
      if (problem) ctx.addIssue({ code: 'custom', message: `not a usable file name (${problem}); it must end with ${extension}` });
    });

const jobId = z.string().uuid();
/** What the user typed as their recovery key (spaces and line breaks allowed; checked in the core). */
const typedKey = z.string().min(1).max(512);

/**
 * The stages of a backup job, in order: its progress carries `counters.stage` (an index into this
 * list), `counters.stageDone` and `counters.stageTotal` (-1 while unknown) beside one growing
 * `done` of `total` for the whole backup.
 */
export const BACKUP_STAGES = ['prepare', 'read', 'index', 'hash', 'write', 'verify', 'copy'] as const;
export type BackupStage = (typeof BACKUP_STAGES)[number];

export const KeychainProblemSchema = z.enum(['no-session', 'no-service', 'locked', 'denied', 'failed']);
export type KeychainProblemCode = z.infer<typeof KeychainProblemSchema>;

export const VerifyModeSchema = z.enum(['quick', 'full', 'sample']);
export type BackupVerifyMode = z.infer<typeof VerifyModeSchema>;

/** The system keychain as the core found it just now. */
export type KeychainState = { available: true } | { available: false; problem: KeychainProblemCode; message: string };

/** A backup the app made (from the backup catalogue in the config folder; no secrets). */
export interface BackupRecord {
  file: string;
  sideFile: string;
  created: string;
  size: number;
  sha256: string;
  /** The file is still where it was written (checked when the status is asked for). */
  exists: boolean;
  counts: { sources: number; originalFiles: number; contacts: number; chats: number; messages: number; attachments: number };
  /** Which keys open it. */
  opensWith: ('keychain' | 'recovery' | 'extra')[];
  /** When each kind of check last passed (ISO), null when never. `written`: the full check right after writing. */
  verified: { written: string | null; quick: string | null; full: string | null; sample: string | null };
  /** When the user proved their recovery key opens this file. */
  recoveryTestedAt: string | null;
  /** Second copies, each checked against the original's SHA-256 when written. */
  copies: { file: string; sideFile: string; verifiedAt: string; exists: boolean }[];
}

export interface BackupStatus {
  keychain: KeychainState;
  /** Whether this computer's keychain holds the backup key (unknown while the keychain cannot be reached). */
  keychainKey: 'present' | 'absent' | 'unknown';
  /**
   * The recovery key every new backup is encrypted to. `shown`: the app showed it (true), created it
   * but it was never taken (false: lost, make a new one), or it was set up outside the app, e.g. by
   * the command line (null). `testedAt`: the last successful test of this key.
   */
  recovery: { created: string; fingerprint: string; shown: boolean | null; testedAt: string | null } | null;
  /** A backup job whose new recovery key has not been taken yet (`backup:recovery-key`). */
  pendingRecoveryKey: string | null;
  /** Newest first. */
  backups: BackupRecord[];
  /** Backup-area jobs still running (a reloaded window follows them again). */
  running: { jobId: string; kind: JobKind; file: string }[];
  /** A sensible folder to propose for the backup (Documents, else home). */
  defaultDir: string;
  /** Free bytes in `defaultDir` (null when unknown). */
  defaultDirFree: number | null;
}

/** Why `backup:start` did not start (nothing was created). */
export type BackupRefusal =
  | 'no-sources'
  | 'source-missing'
  | 'dest-missing'
  | 'exists'
  | 'partial-exists'
  | 'inside-source'
  | 'busy'
  | 'conflicting-answers';

/** `output` of a finished backup job. */
export interface BackupJobOutput {
  file: string;
  sideFile: string;
  size: number;
  sha256: string;
  /** Read back and fully checked before it got its final name. */
  verified: boolean;
  /** A new recovery key was made for this backup: take it with `backup:recovery-key`. */
  newRecoveryKey: boolean;
  /** existing / created: the keychain key opens it too; unavailable: the recovery key only. */
  keychain: 'existing' | 'created' | 'unavailable';
  keychainProblem: KeychainProblemCode | null;
  counts: BackupRecord['counts'];
  /** Warnings of the readers (English, for the helpdesk), at most 20, and how many there were. */
  warnings: string[];
  warningCount: number;
}

/** `output` of a finished verify job. */
export interface VerifyJobOutput {
  file: string;
  mode: BackupVerifyMode;
  ok: boolean;
  entries: { checked: number; total: number };
  chunks: { checked: number; total: number };
  sideFile: 'match' | 'mismatch' | 'missing' | 'invalid' | 'not-checked';
  /** Findings in plain English (helpdesk detail), at most 20, and how many there were. */
  problems: string[];
  problemCount: number;
  /** Which key opened it (full, sample). */
  openedWith: 'keychain' | 'recovery' | null;
}

/** `output` of a finished copy job. */
export interface CopyJobOutput {
  file: string;
  sideFile: string;
  size: number;
  sha256: string;
}

/** What to take out of a backup. */
export const RestoreSelectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }).strict(),
  z.object({ kind: z.literal('contacts') }).strict(),
  z.object({ kind: z.literal('chat'), id: z.string().min(1).max(4096) }).strict(),
]);
export type RestoreSelect = z.infer<typeof RestoreSelectSchema>;

/** What a backup holds (from its manifest), to choose what to restore. Titles are untrusted text. */
export interface BackupContents {
  file: string;
  created: string;
  counts: { sources: number; originalFiles: number; originalBytes: number; contacts: number; chats: number; messages: number; attachments: number };
  chats: { id: string; title: string | null; type: string; messages: number; attachments: number }[];
  openedWith: 'keychain' | 'recovery';
}

/** `output` of a finished restore job. */
export interface RestoreJobOutput {
  file: string;
  /** The new folder everything was written into. */
  to: string;
  select: RestoreSelect['kind'];
  /** The chat restored (select 'chat'): its title as the backup has it. */
  chatTitle: string | null;
  files: number;
  bytes: number;
  /** What could not be restored (plain English, helpdesk detail), at most 20, and how many. */
  problems: string[];
  problemCount: number;
}

/** Why a key did not open a backup. */
type KeyRefusal = { ok: false; reason: 'needs-key'; keychain: KeychainState } | { ok: false; reason: 'not-a-key' | 'typo' | 'wrong-key' | 'missing' };

export const backupInvoke = {
  /** Keychain reachable? Keys set up? Which backups exist, which checks passed, what is running. */
  'backup:status': { req: z.object({}).strict(), res: shape<BackupStatus>() },
  /**
   * Starts a backup of the wizard's sources (plus the cleaned model folder, when the Clean step made
   * one) into `dest.dir/dest.name`. The first backup (or `newRecoveryKey`) creates a recovery key.
   */
  'backup:start': {
    req: z
      .object({
        paths: z.array(AbsolutePathSchema).min(1).max(200),
        /** The answers per source (date order, time zone), as for `inventory:start`. */
        options: z.record(z.string().max(4096), SourceOptionsSchema).optional(),
        modelDir: AbsolutePathSchema.optional(),
        dest: z.object({ dir: AbsolutePathSchema, name: fileName(BACKUP_FILE_EXTENSION) }).strict(),
        /** Replace the recovery key (the old one still opens the older backups). */
        newRecoveryKey: z.boolean().optional(),
      })
      .strict(),
    res: shape<
      | {
          ok: true;
          jobId: string;
          file: string;
          /** A recovery key was made for this backup: take it now with `backup:recovery-key`. */
          newRecoveryKey: boolean;
          /** existing / created: the keychain key opens it too; unavailable: the recovery key only. */
          keychain: 'existing' | 'created' | 'unavailable';
          keychainProblem: KeychainProblemCode | null;
        }
      | { ok: false; reason: BackupRefusal; path: string | null }
    >(),
  },
  /** The new recovery key of a backup job, ONCE; afterwards the core no longer has it. */
  'backup:recovery-key': {
    req: z.object({ jobId }).strict(),
    res: shape<{ key: string; created: string; fingerprint: string }>(),
  },
  /** Proves the typed key opens this backup (its header only: no decryption of the contents). */
  'backup:recovery-test': {
    req: z.object({ file: BackupFilePathSchema, key: typedKey }).strict(),
    res: shape<{ ok: true } | { ok: false; reason: 'not-a-key' | 'typo' | 'wrong-key'; length: number }>(),
  },
  /** Saves the recovery key as an age identity file protected by a passphrase (scrypt, alone in its header). */
  'backup:save-identity': {
    req: z
      .object({
        /** The backup the key belongs to: the key must open it. */
        file: BackupFilePathSchema,
        key: typedKey,
        dest: z.object({ dir: AbsolutePathSchema, name: fileName('.age') }).strict(),
        passphrase: z.string().min(10).max(1024),
      })
      .strict(),
    res: shape<{ ok: true; file: string } | { ok: false; reason: 'dest-missing' | 'exists' | 'wrong-key' | 'not-a-key' | 'typo'; path: string | null }>(),
  },
  /**
   * quick: the file against its side file (no key); full: decrypt and check everything; sample: a
   * few entries. full/sample use the keychain key, or `key` (the recovery key) when given.
   */
  'backup:verify': {
    req: z
      .object({
        file: BackupFilePathSchema,
        mode: VerifyModeSchema,
        key: typedKey.optional(),
      })
      .strict(),
    res: shape<
      | { ok: true; jobId: string }
      | { ok: false; reason: 'needs-key'; keychain: KeychainState }
      | { ok: false; reason: 'not-a-key' | 'typo' | 'wrong-key' | 'missing' }
    >(),
  },
  /**
   * What a backup holds (its chats, counts), read from its manifest: a few chunks at its end. Opened
   * with the keychain key, or `key` (the recovery key) when given.
   */
  'backup:contents': {
    req: z.object({ file: BackupFilePathSchema, key: typedKey.optional() }).strict(),
    res: shape<{ ok: true; contents: BackupContents } | KeyRefusal>(),
  },
  /**
   * Restores everything (the exports byte for byte, the model), the contacts only, or one chat into a
   * NEW folder made inside `into` (which must exist); nothing that exists is ever replaced.
   */
  'backup:restore': {
    req: z.object({ file: BackupFilePathSchema, key: typedKey.optional(), select: RestoreSelectSchema, into: AbsolutePathSchema }).strict(),
    res: shape<{ ok: true; jobId: string; to: string } | KeyRefusal | { ok: false; reason: 'into-missing' | 'unknown-chat'; path: string | null }>(),
  },
  /** A second copy in another folder (ideally another drive), re-read and compared with the original's SHA-256. */
  'backup:copy': {
    req: z.object({ file: BackupFilePathSchema, destDir: AbsolutePathSchema }).strict(),
    res: shape<{ ok: true; jobId: string } | { ok: false; reason: 'missing' | 'no-side-file' | 'dest-missing' | 'same-folder' | 'exists' | 'busy'; path: string | null }>(),
  },
  /** Deletes this computer's keychain key that opens the backup; the recovery key still opens it. */
  'backup:shred': {
    req: z.object({ file: BackupFilePathSchema }).strict(),
    res: shape<
      | { ok: true; deleted: boolean; recoveryStillOpens: boolean | null }
      | { ok: false; reason: 'no-key' | 'not-this-key' | 'keychain-unavailable' | 'missing'; problem: KeychainProblemCode | null }
    >(),
  },
} as const;
