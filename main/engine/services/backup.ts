/**
 * Handlers for the channels in shared/ipc/backup.ts: the wizard's Backup step over the engine in
 * main/engine/backup (the same functions `pereezd backup | verify | shred` use).
 *
 * Secrets: a new recovery key is held in memory by this module from the moment it is created
 * until the window takes it (`backup:recovery-key`, once); it is never written to settings, the
 * catalogue, logs, job state or any error message. The keychain key is read only for a full or
 * sample check and lives in that job's closure. Without a reachable keychain, backups are made
 * for the recovery key alone and the window says so (`keychain: 'unavailable'`).
 */
import { lstat, rm, stat, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type {
  BackupContents, BackupJobOutput, BackupRecord, backupInvoke, BackupStatus, CopyJobOutput, KeychainProblemCode, KeychainState, RestoreJobOutput, VerifyJobOutput,
} from '../../../shared/ipc/backup.js';
import type { JobKind, SourceOptions } from '../../../shared/model/index.js';
import { PARTIAL_SUFFIX } from '../backup/age-file.js';
import { copyBackup, runBackup } from '../backup/backup.js';
import { auditSafe, recordBackup } from '../finish/hooks.js';
import { generateKeyPair, type KeyPair } from '../backup/keys.js';
import { recipientFingerprint } from '../backup/manifest.js';
import { DEFAULT_PROFILE, keychainIdentity, loadProfile, NoKeychainKeyError, prepareBackupKeys, saveProfile } from '../backup/profile.js';
import { RecoveryFileExistsError, readTypedRecoveryKey, saveRecoveryKeyFile, testRecoveryKey } from '../backup/recovery-test.js';
import { KeychainUnavailableError, OsKeychain, type KeychainProblem, type SecretStore } from '../backup/secret-store.js';
import { ShredError, shredKeychainKey } from '../backup/shred.js';
import { readSideFile, verifyBackup } from '../backup/verify.js';
import { listBackup } from '../backup/list.js';
import { runRestore } from '../backup/restore.js';
import { combinedBackupProgress } from './backup-progress.js';
import { catalogRecordOf, createBackupCatalog, findRecord, type CatalogRecord } from './backup-catalog.js';
import type { AreaContext, AreaService } from './types.js';

// The engine's keychain problems and the contract's are the same list.
const sameProblems: [KeychainProblem, KeychainProblemCode] extends [KeychainProblemCode, KeychainProblem] ? true : never = true;
void sameProblems;

export interface BackupServiceOptions {
  /** Where the keychain key lives (default: the OS keychain, Secret Service pinned on Linux). */
  store?: SecretStore;
  /** Parent of the backup's private staging folder (default: the system temp folder). */
  stagingDir?: string;
  /** scrypt work factor of saved recovery key files (default 18, age's; tests use less). */
  scryptLogN?: number;
  /** Entries checked by a sample verification. */
  sampleEntries?: number;
}

type Running = { kind: JobKind; file: string };

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isFile() ?? false;
}

/** `child` is `parent` or inside it (after resolving both). */
function within(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * One set of answers for the whole backup (the engine reads every export with the same options;
 * an answer only settles what an export leaves open, so sharing it is safe), or null when two
 * exports were given different answers.
 */
export function mergeSourceOptions(options: Record<string, SourceOptions> | undefined): SourceOptions | null {
  const merged: SourceOptions = {};
  for (const o of Object.values(options ?? {})) {
    for (const k of ['dateOrder', 'timeZone'] as const) {
      const v = o[k];
      if (v === undefined) continue;
      if (merged[k] !== undefined && merged[k] !== v) return null;
      (merged as Record<string, string>)[k] = v;
    }
  }
  return merged;
}

function keychainStateOf(err: KeychainUnavailableError): KeychainState {
  return { available: false, problem: err.problem, message: err.message };
}

function toRecord(r: CatalogRecord, present: (p: string) => boolean): BackupRecord {
  return {
    file: r.file,
    sideFile: r.sideFile,
    created: r.created,
    size: r.size,
    sha256: r.sha256,
    exists: present(r.file),
    counts: r.counts,
    opensWith: r.opensWith,
    verified: r.verified,
    recoveryTestedAt: r.recoveryTestedAt,
    copies: r.copies.map((c) => ({ ...c, exists: present(c.file) })),
  };
}

export function createBackupService(ctx: AreaContext, opts: BackupServiceOptions = {}): AreaService<keyof typeof backupInvoke> {
  const store = opts.store ?? new OsKeychain();
  const configDir = ctx.configDir;
  const catalog = createBackupCatalog(configDir);
  const nowIso = () => new Date(ctx.deps.now?.() ?? Date.now()).toISOString();
  /** The recovery key made for a backup job and not yet taken by the window. Memory only. */
  let pending: { jobId: string; key: string; created: string; fingerprint: string } | null = null;
  const running = new Map<string, Running>();

  const track = (jobId: string, r: Running) => {
    running.set(jobId, r);
    void ctx.jobs.settled(jobId).finally(() => running.delete(jobId));
  };

  /** Marks a passed check on the backup (or on the copy) it was made on. */
  const markVerified = (file: string, mode: 'quick' | 'full' | 'sample', at: string) =>
    catalog.update((c) => {
      const main = c.backups.find((b) => b.file === file);
      if (main) main.verified[mode] = at;
      for (const b of c.backups) for (const copy of b.copies) if (copy.file === file) copy.verifiedAt = at;
    });

  /** The keychain key, when it can be read and opens `file`; otherwise why not. */
  const keychainKeyFor = async (file: string): Promise<{ key: string } | { keychain: KeychainState }> => {
    let key: string;
    try {
      key = await keychainIdentity(store, configDir);
    } catch (err) {
      if (err instanceof KeychainUnavailableError) return { keychain: keychainStateOf(err) };
      if (err instanceof NoKeychainKeyError) return { keychain: { available: true } };
      throw err;
    }
    const opens = await testRecoveryKey(file, key);
    return opens.ok ? { key } : { keychain: { available: true } };
  };

  /** The key that opens `file`: the typed recovery key when given, else the keychain key; or why none does. */
  const identityFor = async (
    file: string,
    key: string | undefined,
  ): Promise<{ identity: string; openedWith: 'keychain' | 'recovery' } | { ok: false; reason: 'needs-key'; keychain: KeychainState } | { ok: false; reason: 'not-a-key' | 'typo' | 'wrong-key' }> => {
    if (key !== undefined) {
      const typed = await readTypedRecoveryKey(key);
      if (!typed.ok) return { ok: false, reason: typed.reason };
      const r = await testRecoveryKey(file, typed.identity);
      if (!r.ok) return { ok: false, reason: r.reason };
      return { identity: typed.identity, openedWith: 'recovery' };
    }
    const k = await keychainKeyFor(file);
    if (!('key' in k)) return { ok: false, reason: 'needs-key', keychain: k.keychain };
    return { identity: k.key, openedWith: 'keychain' };
  };

  /** A folder that does not exist yet inside `dir`, named after the backup and the day. */
  const freshFolder = async (dir: string, file: string): Promise<string> => {
    const day = new Date(ctx.deps.now?.() ?? Date.now()).toISOString().slice(0, 10);
    const base = `${path.basename(file, path.extname(file))}-restored-${day}`;
    for (let n = 1; ; n++) {
      const candidate = path.join(dir, n === 1 ? base : `${base}-${n}`);
      if (!(await exists(candidate))) return candidate;
    }
  };

  return {
    async 'backup:status'() {
      let keychain: KeychainState = { available: true };
      let keychainKey: BackupStatus['keychainKey'] = 'absent';
      try {
        await keychainIdentity(store, configDir);
        keychainKey = 'present';
      } catch (err) {
        if (err instanceof KeychainUnavailableError) {
          keychain = keychainStateOf(err);
          keychainKey = 'unknown';
        } else if (!(err instanceof NoKeychainKeyError)) throw err;
      }
      const profile = await loadProfile(configDir);
      const cat = await catalog.read();
      let recovery: BackupStatus['recovery'] = null;
      if (profile) {
        const fingerprint = recipientFingerprint(profile.recovery.recipient);
        const ours = cat.recovery?.fingerprint === fingerprint ? cat.recovery : null;
        recovery = {
          created: profile.recovery.created,
          fingerprint,
          shown: ours ? ours.shownAt !== null || pending?.fingerprint === fingerprint : null,
          testedAt: ours?.testedAt ?? null,
        };
      }
      const files = cat.backups.flatMap((b) => [b.file, ...b.copies.map((c) => c.file)]);
      const present = new Set<string>();
      await Promise.all(files.map(async (f) => (await isFile(f)) && present.add(f)));
      const documents = path.join(os.homedir(), 'Documents');
      const defaultDir = (await isDir(documents)) ? documents : os.homedir();
      const free = await statfs(defaultDir).then(
        (s) => s.bavail * s.bsize,
        () => null,
      );
      return {
        keychain,
        keychainKey,
        recovery,
        pendingRecoveryKey: pending?.jobId ?? null,
        backups: [...cat.backups].reverse().map((r) => toRecord(r, (p) => present.has(p))),
        running: [...running].map(([jobId, r]) => ({ jobId, ...r })),
        defaultDir,
        defaultDirFree: free,
      };
    },

    async 'backup:start'({ paths, options, modelDir, dest, newRecoveryKey }) {
      if ([...running.values()].some((r) => r.kind === 'backup')) return { ok: false, reason: 'busy', path: null };
      const sources = [...new Set([...paths, ...(modelDir ? [modelDir] : [])].map((p) => path.resolve(p)))];
      if (sources.length === 0) return { ok: false, reason: 'no-sources', path: null };
      for (const s of sources) if (!(await exists(s))) return { ok: false, reason: 'source-missing', path: s };
      const merged = mergeSourceOptions(options);
      if (!merged) return { ok: false, reason: 'conflicting-answers', path: null };
      const dir = path.resolve(dest.dir);
      if (!(await isDir(dir))) return { ok: false, reason: 'dest-missing', path: dir };
      const out = path.join(dir, dest.name);
      if ((await exists(out)) || (await exists(`${out}.json`))) return { ok: false, reason: 'exists', path: out };
      if (await exists(out + PARTIAL_SUFFIX)) return { ok: false, reason: 'partial-exists', path: out + PARTIAL_SUFFIX };
      for (const s of sources) if ((await isDir(s)) && within(out, s)) return { ok: false, reason: 'inside-source', path: s };

      // Keys first: a new recovery key exists (and is waiting for the window) before any byte is written.
      const delivered: { made: { pair: KeyPair; created: Date } | null } = { made: null };
      const deliverRecoveryKey = async (pair: KeyPair, created: Date) => {
        delivered.made = { pair, created };
      };
      const existing = await loadProfile(configDir);
      if (existing && newRecoveryKey) {
        const pair = await generateKeyPair();
        const created = new Date(ctx.deps.now?.() ?? Date.now());
        await deliverRecoveryKey(pair, created);
        await saveProfile(configDir, { ...existing, recovery: { recipient: pair.recipient, created: created.toISOString() } });
      }
      const setup = await prepareBackupKeys({ store, configDir, deliverRecoveryKey });
      const made = delivered.made;
      const recoveryFp = recipientFingerprint(setup.profile.recovery.recipient);
      if (made) {
        await catalog.update((c) => {
          c.recovery = { fingerprint: recoveryFp, shownAt: null, testedAt: null };
        });
      }

      const stagingDir = opts.stagingDir;
      const jobId = ctx.jobs.run('backup', async ({ signal, progress }) => {
        const r = await runBackup(
          { paths: sources, out, recipients: setup.recipients, ...(Object.keys(merged).length ? { options: merged } : {}) },
          { progress: combinedBackupProgress(progress, sources.length), ...(stagingDir ? { stagingDir } : {}) },
          signal,
        );
        const record = catalogRecordOf(r, setup.recipients, nowIso());
        const counts = record.counts;
        await catalog.update((cat) => {
          cat.backups = cat.backups.filter((b) => b.file !== r.file);
          cat.backups.push(record);
        });
        await recordBackup(ctx.configDir, r);
        const warnings = r.problems.filter((p) => p.severity !== 'info');
        const output: BackupJobOutput = {
          file: r.file,
          sideFile: r.sideFile,
          size: r.size,
          sha256: r.sha256,
          verified: r.verified?.ok === true,
          newRecoveryKey: made !== null,
          keychain: setup.keychain,
          keychainProblem: setup.keychainError?.problem ?? null,
          counts,
          warnings: warnings.slice(0, 20).map((p) => p.message),
          warningCount: warnings.length,
        };
        return { ...output };
      });
      if (made) pending = { jobId, key: made.pair.identity, created: made.created.toISOString(), fingerprint: recoveryFp };
      track(jobId, { kind: 'backup', file: out });
      return { ok: true, jobId, file: out, newRecoveryKey: made !== null, keychain: setup.keychain, keychainProblem: setup.keychainError?.problem ?? null };
    },

    async 'backup:recovery-key'({ jobId }) {
      if (!pending || pending.jobId !== jobId) {
        throw Object.assign(new Error('there is no new recovery key for this backup: a recovery key is shown once, when it is created'), { code: 'ENOENT' });
      }
      const { key, created, fingerprint } = pending;
      pending = null;
      await catalog.update((c) => {
        if (c.recovery?.fingerprint === fingerprint) c.recovery.shownAt = nowIso();
      });
      return { key, created, fingerprint };
    },

    async 'backup:recovery-test'({ file, key }) {
      const target = path.resolve(file);
      const r = await testRecoveryKey(target, key);
      if (!r.ok) return r;
      const fp = recipientFingerprint(r.recipient);
      const at = nowIso();
      await catalog.update((c) => {
        const rec = findRecord(c, target);
        if (rec) rec.recoveryTestedAt = at;
        if (c.recovery?.fingerprint === fp) c.recovery.testedAt = at;
      });
      return { ok: true };
    },

    async 'backup:save-identity'({ file, key, dest, passphrase }) {
      const typed = await readTypedRecoveryKey(key);
      if (!typed.ok) return { ok: false, reason: typed.reason, path: null };
      const opens = await testRecoveryKey(path.resolve(file), typed.identity);
      if (!opens.ok) return { ok: false, reason: 'wrong-key', path: null };
      const dir = path.resolve(dest.dir);
      if (!(await isDir(dir))) return { ok: false, reason: 'dest-missing', path: dir };
      const target = path.join(dir, dest.name);
      if (await exists(target)) return { ok: false, reason: 'exists', path: target };
      const profile = await loadProfile(configDir);
      const created = profile && profile.recovery.recipient === typed.recipient ? new Date(profile.recovery.created) : new Date(ctx.deps.now?.() ?? Date.now());
      try {
        await saveRecoveryKeyFile(target, typed.identity, passphrase, created, opts.scryptLogN);
      } catch (err) {
        if (err instanceof RecoveryFileExistsError) return { ok: false, reason: 'exists', path: target };
        throw err;
      }
      return { ok: true, file: target };
    },

    async 'backup:verify'({ file, mode, key }) {
      const target = path.resolve(file);
      if (!(await isFile(target))) return { ok: false, reason: 'missing' };
      let identity: string | null = null;
      let openedWith: VerifyJobOutput['openedWith'] = null;
      if (mode !== 'quick') {
        const k = await identityFor(target, key);
        if ('ok' in k) return k;
        ({ identity, openedWith } = k);
      }
      const sample = opts.sampleEntries ?? 20;
      const jobId = ctx.jobs.run('verify', async ({ signal, progress }) => {
        const r = await verifyBackup(target, { mode, sample, identities: identity ? [identity] : [] }, { progress }, signal);
        if (r.ok) await markVerified(target, mode, nowIso());
        await auditSafe(ctx.configDir, {
          op: 'verify', outcome: r.ok ? 'ok' : 'failed', counts: { entriesChecked: r.entries.checked, entries: r.entries.total, chunksChecked: r.chunks.checked, chunks: r.chunks.total, problems: r.problems.length }, refs: { file: target }, note: `mode ${mode}`,
        });
        const output: VerifyJobOutput = {
          file: target,
          mode,
          ok: r.ok,
          entries: r.entries,
          chunks: r.chunks,
          sideFile: r.sideFile,
          problems: r.problems.slice(0, 20),
          problemCount: r.problems.length,
          openedWith,
        };
        return { ...output };
      });
      track(jobId, { kind: 'verify', file: target });
      return { ok: true, jobId };
    },

    async 'backup:contents'({ file, key }) {
      const target = path.resolve(file);
      if (!(await isFile(target))) return { ok: false, reason: 'missing' };
      const k = await identityFor(target, key);
      if ('ok' in k) return k;
      const l = await listBackup(target, [k.identity]);
      const c = l.counts;
      const contents: BackupContents = {
        file: target,
        created: l.created,
        counts: { sources: c.sources, originalFiles: c.originalFiles, originalBytes: c.originalBytes, contacts: c.contacts, chats: c.chats, messages: c.messages, attachments: c.attachments.referenced },
        chats: l.chats.map((x) => ({ id: x.id, title: x.title, type: x.type, messages: x.messages, attachments: x.attachments })),
        openedWith: k.openedWith,
      };
      return { ok: true, contents };
    },

    async 'backup:restore'({ file, key, select, into }) {
      const target = path.resolve(file);
      if (!(await isFile(target))) return { ok: false, reason: 'missing' };
      const dir = path.resolve(into);
      if (!(await isDir(dir))) return { ok: false, reason: 'into-missing', path: dir };
      const k = await identityFor(target, key);
      if ('ok' in k) return k;
      let chatTitle: string | null = null;
      if (select.kind === 'chat') {
        const chat = (await listBackup(target, [k.identity])).chats.find((c) => c.id === select.id);
        if (!chat) return { ok: false, reason: 'unknown-chat', path: null };
        chatTitle = chat.title;
      }
      const to = await freshFolder(dir, target);
      const identity = k.identity;
      const jobId = ctx.jobs.run('restore', async ({ signal, progress }) => {
        let r: Awaited<ReturnType<typeof runRestore>>;
        try {
          r = await runRestore({ file: target, to, select, identities: [identity] }, { progress }, signal);
        } catch (err) {
          await auditSafe(ctx.configDir, { op: 'restore', outcome: signal.aborted ? 'cancelled' : 'failed', refs: { file: target, to }, note: `select ${select.kind}` });
          throw err;
        }
        await auditSafe(ctx.configDir, {
          op: 'restore', outcome: r.problems.length ? 'partial' : 'ok', counts: { files: r.files.length, bytes: r.bytes, problems: r.problems.length }, refs: { file: target, to }, note: `select ${select.kind}`,
        });
        const output: RestoreJobOutput = {
          file: target, to, select: select.kind, chatTitle, files: r.files.length, bytes: r.bytes, problems: r.problems.slice(0, 20), problemCount: r.problems.length,
        };
        return { ...output };
      });
      track(jobId, { kind: 'restore', file: target });
      return { ok: true, jobId, to };
    },

    async 'backup:copy'({ file, destDir }) {
      const source = path.resolve(file);
      if (!(await isFile(source))) return { ok: false, reason: 'missing', path: source };
      const { side } = await readSideFile(source);
      if (!side) return { ok: false, reason: 'no-side-file', path: `${source}.json` };
      const dir = path.resolve(destDir);
      if (!(await isDir(dir))) return { ok: false, reason: 'dest-missing', path: dir };
      if (dir === path.dirname(source)) return { ok: false, reason: 'same-folder', path: dir };
      const dest = path.join(dir, path.basename(source));
      if ((await exists(dest)) || (await exists(`${dest}.json`)) || (await exists(dest + PARTIAL_SUFFIX))) return { ok: false, reason: 'exists', path: dest };
      if ([...running.values()].some((r) => r.kind === 'copy' && r.file === dest)) return { ok: false, reason: 'busy', path: dest };
      const jobId = ctx.jobs.run('copy', async ({ signal, progress }) => {
        let copied: Awaited<ReturnType<typeof copyBackup>>;
        try {
          copied = await copyBackup(source, side, dir, (done, total) => progress.report({ done, total, unit: 'bytes', current: dest }), signal);
        } catch (err) {
          // Cancelled or failed after the rename but before its side file: no copy that looks complete stays behind.
          if (!(await exists(`${dest}.json`))) await rm(dest, { force: true });
          await auditSafe(ctx.configDir, { op: 'copy', outcome: signal.aborted ? 'cancelled' : 'failed', refs: { file: source, dest } });
          throw err;
        }
        const at = nowIso();
        await catalog.update((c) => {
          const rec = c.backups.find((b) => b.file === source);
          if (rec) {
            rec.copies = rec.copies.filter((x) => x.file !== copied.file);
            rec.copies.push({ file: copied.file, sideFile: copied.sideFile, verifiedAt: at });
          }
        });
        await auditSafe(ctx.configDir, { op: 'copy', outcome: 'ok', counts: { bytes: side.size }, refs: { file: source, dest: copied.file, sha256: copied.sha256 } });
        const output: CopyJobOutput = { file: copied.file, sideFile: copied.sideFile, size: side.size, sha256: copied.sha256 };
        return { ...output };
      });
      track(jobId, { kind: 'copy', file: dest });
      return { ok: true, jobId };
    },

    async 'backup:shred'({ file }) {
      const target = path.resolve(file);
      if (!(await isFile(target))) return { ok: false, reason: 'missing', problem: null };
      const before = await loadProfile(configDir);
      try {
        const r = await shredKeychainKey(target, { store, configDir, profile: DEFAULT_PROFILE });
        const shreddedFp = before?.keychain ? recipientFingerprint(before.keychain.recipient) : null;
        if (shreddedFp) {
          await catalog.update((c) => {
            for (const b of c.backups) if (b.keychainFingerprint === shreddedFp) b.opensWith = b.opensWith.filter((x) => x !== 'keychain');
          });
        }
        // Any recovery key the file was made for still opens it (also one replaced since), as its side file says.
        const { side } = await readSideFile(target);
        const recoveryStillOpens = side ? side.recipients.some((x) => x.role === 'recovery') : r.recoveryStillOpens;
        await auditSafe(ctx.configDir, { op: 'shred', outcome: 'ok', refs: { file: target }, note: `keychain identity ${r.deleted ? 'deleted' : 'already absent'}; recovery key ${recoveryStillOpens ? 'still opens it' : 'not a recipient'}` });
        return { ok: true, deleted: r.deleted, recoveryStillOpens };
      } catch (err) {
        if (err instanceof ShredError) return { ok: false, reason: err.code, problem: null };
        if (err instanceof KeychainUnavailableError) return { ok: false, reason: 'keychain-unavailable', problem: err.problem };
        throw err;
      }
    },
  };
}

