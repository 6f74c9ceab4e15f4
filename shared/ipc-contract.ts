/**
 * THE channel table: every call from the renderer to the Node side and every event back.
 * A new channel = one entry here + one function in main/engine/service.ts. Preload, the Electron IPC
 * registration, the loopback web host and the renderer client are all derived from this table; no
 * channel string is written anywhere else. Areas with many channels keep them in shared/ipc/<area>.ts
 * (spread in below) so their handlers live in main/engine/services/<area>.ts.
 */
import { z } from 'zod';
import { backupInvoke } from './ipc/backup.js';
import { cleanInvoke } from './ipc/clean.js';
import { finishInvoke } from './ipc/finish.js';
import { matrixInvoke } from './ipc/matrix.js';
import { SettingsPatchSchema, SourceOptionsSchema, type DetectedSource, type JobState, type Settings } from './model/index.js';

/** Type-only marker: carries a response/payload type without a runtime schema. */
const shape = <T>() => undefined as unknown as T;

const path = z.string().min(1).max(4096);
const jobId = z.string().uuid();

export const AppInfoHostSchema = z.enum(['electron', 'web']);
export interface AppInfo {
  name: string;
  version: string;
  host: z.infer<typeof AppInfoHostSchema>;
  platform: string;
  /** OS locale (BCP 47), used for the default UI language. */
  locale: string;
  /** True when the host has a native open dialog (`sources:pick`). */
  nativeDialog: boolean;
  /** Starting folder for the in-app folder browser. */
  homeDir: string;
}

export interface FsEntry {
  name: string;
  path: string;
  kind: 'file' | 'folder';
  size: number;
}
export interface FsListing {
  dir: string;
  parent: string | null;
  entries: FsEntry[];
  /** Entries not listed because the folder is very large. */
  omitted: number;
  /** Places to jump to (home, filesystem roots). */
  places: { name: string; path: string }[];
}

export const invoke = {
  'app:info': { req: z.object({}).strict(), res: shape<AppInfo>() },
  'sources:detect': {
    req: z.object({ paths: z.array(path).min(1).max(200) }).strict(),
    res: shape<{ sources: DetectedSource[] }>(),
  },
  'sources:pick': {
    req: z.object({ mode: z.enum(['files', 'folder']) }).strict(),
    res: shape<{ paths: string[] }>(),
  },
  'fs:list': {
    req: z.object({ dir: path.nullable() }).strict(),
    res: shape<FsListing>(),
  },
  'inventory:start': {
    req: z
      .object({
        paths: z.array(path).min(1).max(200),
        /** Answers per path (date order, time zone) for sources that asked a question. */
        options: z.record(path, SourceOptionsSchema).optional(),
      })
      .strict(),
    res: shape<{ jobId: string }>(),
  },
  'job:get': { req: z.object({ jobId }).strict(), res: shape<JobState | null>() },
  'settings:get': { req: z.object({}).strict(), res: shape<Settings>() },
  'settings:set': { req: SettingsPatchSchema, res: shape<Settings>() },
  'job:cancel': { req: z.object({ jobId }).strict(), res: shape<{ cancelled: boolean }>() },
  ...cleanInvoke,
  ...backupInvoke,
  ...matrixInvoke,
  ...finishInvoke,
} as const;

export const events = {
  'job:progress': shape<JobState>(),
} as const;

export type InvokeTable = typeof invoke;
export type InvokeChannel = keyof InvokeTable;
export type EventTable = typeof events;
export type EventChannel = keyof EventTable;
/** What the caller passes (before defaults/coercion). */
export type InvokeRequest<C extends InvokeChannel> = z.input<InvokeTable[C]['req']>;
/** What the handler receives after validation. */
export type InvokeParsed<C extends InvokeChannel> = z.output<InvokeTable[C]['req']>;
export type InvokeResponse<C extends InvokeChannel> = InvokeTable[C]['res'];
export type EventPayload<E extends EventChannel> = EventTable[E];

export const invokeChannels = Object.keys(invoke) as InvokeChannel[];
export const eventChannels = Object.keys(events) as EventChannel[];

export function isInvokeChannel(ch: unknown): ch is InvokeChannel {
  return typeof ch === 'string' && Object.prototype.hasOwnProperty.call(invoke, ch);
}
export function isEventChannel(ch: unknown): ch is EventChannel {
  return typeof ch === 'string' && Object.prototype.hasOwnProperty.call(events, ch);
}

/**
 * Every reply crosses the boundary as an envelope, so both transports carry the same typed
 * errors (Electron would otherwise prefix and flatten thrown errors).
 */
export interface RemoteError {
  code: 'invalid-request' | 'rejected-sender' | 'unsupported' | 'not-found' | 'failed';
  message: string;
}
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: RemoteError };

/** Validate a request against the table; the same check in Electron IPC and the web host. */
export function parseRequest<C extends InvokeChannel>(
  channel: C,
  raw: unknown,
): { ok: true; value: InvokeParsed<C> } | { ok: false; error: RemoteError } {
  const r = invoke[channel].req.safeParse(raw);
  if (r.success) return { ok: true, value: r.data as InvokeParsed<C> };
  const issue = r.error.issues[0];
  const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
  return { ok: false, error: { code: 'invalid-request', message: `${channel}: ${issue?.message ?? 'invalid'}${where}` } };
}
