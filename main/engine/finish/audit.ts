/**
 * The audit journal: `<configDir>/audit.jsonl`, append-only JSON Lines, one record per finished operation
 * (read, clean decision, backup, verify, copy, upload batch, verify-target, delete, report, …) with its time,
 * outcome, counts and references (file paths and hashes — never message text, names or secrets).
 *
 * Tamper-evident: every record carries `prev` (the SHA-256 of the previous record's canonical form, 64 zeros
 * for the first) and its own `hash`; `verifyAuditChain()` recomputes the chain and names the first record
 * that does not fit. Each append is one write of one line, fdatasync'ed; appends within this process are
 * serialised, and across processes (the app and the CLI) a lock file `audit.jsonl.lock` is taken.
 * A chain proves order and integrity of what is there; truncating the tail is detected only against a head
 * hash written down elsewhere (the report prints it).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { AuditStatus } from '../../../shared/model/index.js';

export const AUDIT_FILE = 'audit.jsonl';
const ZERO = '0'.repeat(64);

export const AuditOpSchema = z.enum([
  'read', 'clean', 'clean-decision', 'backup', 'verify', 'copy', 'restore', 'shred', 'upload-batch', 'upload', 'verify-target', 'delete', 'cleanup',
  'report', 'support-bundle', 'checklist',
]);
export type AuditOp = z.infer<typeof AuditOpSchema>;

export const AuditOutcomeSchema = z.enum(['ok', 'failed', 'cancelled', 'partial']);
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

const RefValue = z.string().max(4096);
export const AuditEntrySchema = z
  .object({
    op: AuditOpSchema,
    outcome: AuditOutcomeSchema,
    counts: z.record(z.string().max(64), z.number().finite()).default({}),
    refs: z.record(z.string().max(64), z.union([RefValue, z.array(RefValue).max(64)])).default({}),
    /** Short English note (an error message, a mode); never message text. */
    note: z.string().max(1024).optional(),
  })
  .strict();
export type AuditEntry = z.input<typeof AuditEntrySchema>;

export const AuditRecordSchema = z
  .object({
    seq: z.number().int().positive(),
    time: z.string().min(1).max(64),
    op: AuditOpSchema,
    outcome: AuditOutcomeSchema,
    counts: z.record(z.string(), z.number()),
    refs: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
    note: z.string().optional(),
    prev: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** JSON with object keys sorted at every level: the form that is hashed. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export function recordHash(r: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _h, ...rest } = r as AuditRecord;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

export function auditFile(configDir: string): string {
  return path.join(configDir, AUDIT_FILE);
}

/** The last complete line of a file (reads the tail only), or null for an empty/missing file. */
async function lastLine(file: string): Promise<string | null> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await fh.stat()).size;
    let window = 8192;
    for (;;) {
      const start = Math.max(0, size - window);
      const buf = Buffer.alloc(size - start);
      await fh.read(buf, 0, buf.length, start);
      const text = buf.toString('utf8').replace(/\n+$/, '');
      const nl = text.lastIndexOf('\n');
      if (nl >= 0 || start === 0) return text.slice(nl + 1) || null;
      window *= 4;
    }
  } finally {
    await fh.close();
  }
}

async function withLock<T>(lock: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const fh = await open(lock, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than 30 s belongs to a process that died mid-append.
      const s = await stat(lock).catch(() => null);
      if (s && Date.now() - s.mtimeMs > 30_000) await unlink(lock).catch(() => undefined);
      else if (Date.now() > deadline) throw new Error(`the audit journal is locked (${lock}); if no other Pereezd is running, delete that file`);
      else await new Promise((r) => setTimeout(r, 25));
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

export interface AuditJournal {
  readonly file: string;
  /** Appends one record (validated; fsync'ed before it resolves) and returns it. */
  append(entry: AuditEntry): Promise<AuditRecord>;
  verify(): Promise<AuditStatus>;
}

const queues = new Map<string, Promise<unknown>>();

export function openAudit(configDir: string, opts: { now?: () => Date } = {}): AuditJournal {
  const file = auditFile(configDir);
  const now = opts.now ?? (() => new Date());
  return {
    file,
    append(entry) {
      const parsed = AuditEntrySchema.safeParse(entry);
      if (!parsed.success) return Promise.reject(new Error(`audit record refused: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`));
      const e = parsed.data;
      const run = async (): Promise<AuditRecord> => {
        await mkdir(configDir, { recursive: true, mode: 0o700 });
        return withLock(`${file}.lock`, async () => {
          const last = await lastLine(file);
          let seq = 1;
          let prev = ZERO;
          if (last) {
            const p = AuditRecordSchema.safeParse(safeJson(last));
            if (!p.success) throw new Error(`the audit journal ${file} ends with a damaged record; run the chain check (pereezd report) before appending`);
            seq = p.data.seq + 1;
            prev = p.data.hash;
          }
          const base: Omit<AuditRecord, 'hash'> = {
            seq, time: now().toISOString(), op: e.op, outcome: e.outcome, counts: e.counts, refs: e.refs, ...(e.note ? { note: e.note } : {}), prev,
          };
          const rec: AuditRecord = { ...base, hash: recordHash(base) };
          const fh = await open(file, 'a', 0o600);
          try {
            await fh.write(`${JSON.stringify(rec)}\n`);
            await fh.datasync();
          } finally {
            await fh.close();
          }
          return rec;
        });
      };
      const q = (queues.get(file) ?? Promise.resolve()).then(run, run);
      queues.set(file, q.catch(() => undefined));
      return q;
    },
    verify: () => verifyAuditChain(file),
  };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Recomputes the chain of `file`; names the first line that breaks it (missing file: ok, 0 records). */
export async function verifyAuditChain(file: string): Promise<AuditStatus> {
  const status = (records: number, head: string | null, firstBroken: number | null, reason: string | null): AuditStatus => ({
    file, records, ok: firstBroken === null, firstBroken, reason, head,
  });
  try {
    await stat(file);
  } catch {
    return status(0, null, null, null);
  }
  const rl = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let prev = ZERO;
  let n = 0;
  let line = 0;
  try {
    for await (const text of rl) {
      line++;
      if (!text) return status(n, n ? prev : null, line, 'empty line inside the journal');
      const p = AuditRecordSchema.safeParse(safeJson(text));
      if (!p.success) return status(n, n ? prev : null, line, 'not a journal record (damaged or edited)');
      const r = p.data;
      if (r.seq !== n + 1) return status(n, n ? prev : null, line, `record number ${r.seq} where ${n + 1} was expected (a record was removed or inserted)`);
      if (r.prev !== prev) return status(n, n ? prev : null, line, 'does not follow the previous record (a record before it was changed or removed)');
      if (recordHash(r) !== r.hash) return status(n, n ? prev : null, line, 'its content does not match its hash (the record was changed)');
      prev = r.hash;
      n++;
    }
  } finally {
    rl.close();
  }
  return status(n, n ? prev : null, null, null);
}

/** Every record (for the report and the support bundle); damaged lines are skipped (verify names them). */
export async function readAudit(file: string, limit = 10_000): Promise<AuditRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  const out: AuditRecord[] = [];
  for (const l of text.split('\n')) {
    const p = AuditRecordSchema.safeParse(safeJson(l));
    if (p.success) out.push(p.data);
  }
  return out.slice(-limit);
}
