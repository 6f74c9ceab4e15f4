/**
 * The Backup step's channels end to end through the contract: every request goes through
 * `dispatch` (strict zod validation, then the handler), against the REAL Secret Service of the
 * throwaway keyring started by scripts/with-keyring.sh, on real files.
 *
 * The keychain entries of these tests live under a service name of their own, so they never race
 * with the CLI tests (which use the app's default entry) when test files run in parallel; the real
 * wiring (createService with the OS keychain) is exercised read-only here and, without any
 * keychain, in a child process whose D-Bus address points at nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupContents, BackupJobOutput, BackupStatus, CopyJobOutput, RestoreJobOutput, VerifyJobOutput } from '../../shared/ipc/backup.js';
import type { JobState } from '../../shared/model/index.js';
import { generateKeyPair, unprotectIdentityFile } from '../../main/engine/backup/keys.js';
import { OsKeychain } from '../../main/engine/backup/secret-store.js';
import { dispatch } from '../../main/engine/dispatch.js';
import { verifyAuditChain } from '../../main/engine/finish/audit.js';
import { createJobRunner, type JobRunner } from '../../main/engine/jobs/job-runner.js';
import { createService, type Service } from '../../main/engine/service.js';
import { createBackupService } from '../../main/engine/services/backup.js';
import { createSettingsStore } from '../../main/engine/settings.js';
import { makeTelegramExport, media } from '../helpers/backup-fixtures.js';
import { repoRoot } from '../helpers/build-cli.js';
import { bundleProgram, requireKeyringSession } from '../helpers/keyring-session.js';

const temps: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};

interface Harness {
  configDir: string;
  jobs: JobRunner;
  sent: unknown[];
  store: OsKeychain;
  call<T = unknown>(channel: string, req: unknown): Promise<T>;
  raw(channel: string, req: unknown): Promise<Awaited<ReturnType<typeof dispatch>>>;
}

function harness(): Harness {
  const configDir = tmp('pereezd-bsvc-config-');
  const sent: unknown[] = [];
  const send = ((_ch: string, payload: unknown) => sent.push(payload)) as Parameters<typeof createJobRunner>[0]['send'];
  const jobs = createJobRunner({ send, throttleMs: 20 });
  const store = new OsKeychain(`com.pereezd.test-service-${randomUUID()}`);
  const area = { deps: { host: 'web' as const, send, version: 'test' }, jobs, settings: createSettingsStore(configDir), configDir };
  const service = createBackupService(area, { store, scryptLogN: 10, stagingDir: tmp('pereezd-bsvc-staging-') }) as unknown as Service;
  const raw = (channel: string, req: unknown) => dispatch(service, channel, req);
  return {
    configDir,
    jobs,
    sent,
    store,
    raw,
    async call<T>(channel: string, req: unknown): Promise<T> {
      const env = await raw(channel, req);
      if (!env.ok) throw new Error(`${channel}: ${env.error.code} ${env.error.message}`);
      return env.value as T;
    },
  };
}

async function settled(h: Harness, jobId: string): Promise<JobState> {
  const s = await h.jobs.settled(jobId);
  expect(s).not.toBeNull();
  return s!;
}

/** Every file under `dir` (names and contents), to prove a secret was never written there. */
function allText(dir: string): string {
  if (!existsSync(dir)) return '';
  let out = '';
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    out += d.name + '\n' + (d.isDirectory() ? allText(p) : readFileSync(p).toString('latin1'));
  }
  return out;
}

let exportDir: string;
let destDir: string;
let copyDir: string;

beforeAll(() => {
  requireKeyringSession();
  const root = tmp('pereezd-bsvc-data-');
  exportDir = makeTelegramExport(path.join(root, 'export'), [
    { id: 501, name: 'Мама', messages: [{ text: 'Привет' }, { text: 'Фото', photo: media('photos/p1.jpg', 5000, 'p1') }, { text: 'Пока' }] },
    { id: 502, name: 'Work', type: 'private_group', messages: [{ text: 'hello', file: media('files/report.pdf', 70_000, 'r') }] },
  ]);
  destDir = path.join(root, 'dest');
  copyDir = path.join(root, 'other-drive');
  mkdirSync(destDir);
  mkdirSync(copyDir);
});

afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('backup channels: requests are validated before anything runs', () => {
  const h = () => harness();
  it.each([
    ['relative source path', 'backup:start', { paths: ['export'], dest: { dir: '/tmp', name: 'a.msgbak' } }],
    ['name without .msgbak', 'backup:start', { paths: ['/tmp'], dest: { dir: '/tmp', name: 'a.zip' } }],
    ['name with a folder in it', 'backup:start', { paths: ['/tmp'], dest: { dir: '/tmp', name: '../a.msgbak' } }],
    ['hidden name', 'backup:start', { paths: ['/tmp'], dest: { dir: '/tmp', name: '.msgbak' } }],
    ['unknown key', 'backup:start', { paths: ['/tmp'], dest: { dir: '/tmp', name: 'a.msgbak' }, overwrite: true }],
    ['NUL in a path', 'backup:copy', { file: '/tmp/a\0.msgbak', destDir: '/tmp' }],
    ['not a backup file', 'backup:verify', { file: '/etc/passwd', mode: 'quick' }],
    ['unknown verify mode', 'backup:verify', { file: '/tmp/a.msgbak', mode: 'deep' }],
    ['short passphrase', 'backup:save-identity', { file: '/tmp/a.msgbak', key: 'x', dest: { dir: '/tmp', name: 'k.age' }, passphrase: 'short' }],
    ['identity file not .age', 'backup:save-identity', { file: '/tmp/a.msgbak', key: 'x', dest: { dir: '/tmp', name: 'k.txt' }, passphrase: 'long enough passphrase' }],
    ['job id not a uuid', 'backup:recovery-key', { jobId: 'abc' }],
    ['empty typed key', 'backup:recovery-test', { file: '/tmp/a.msgbak', key: '' }],
  ])('refuses a request with %s', async (_what, channel, req) => {
    const env = await h().raw(channel, req);
    expect(env).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining(channel) } });
  });
});

describe('a backup through the service, with the real keychain', () => {
  const h = harness();
  let file = '';
  let key = '';
  let jobId = '';

  it('starts with nothing set up and the keychain reachable', async () => {
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s).toMatchObject({ keychain: { available: true }, keychainKey: 'absent', recovery: null, pendingRecoveryKey: null, backups: [], running: [] });
    expect(path.isAbsolute(s.defaultDir)).toBe(true);
  });

  it('refuses to start where it cannot, saying which path, and creates nothing', async () => {
    const start = (req: object) => h.call<{ ok: boolean; reason?: string; path?: string | null }>('backup:start', { paths: [exportDir], dest: { dir: destDir, name: 'x.msgbak' }, ...req });
    expect(await start({ paths: [path.join(exportDir, 'nope')] })).toEqual({ ok: false, reason: 'source-missing', path: path.join(exportDir, 'nope') });
    expect(await start({ dest: { dir: path.join(destDir, 'nope'), name: 'x.msgbak' } })).toEqual({ ok: false, reason: 'dest-missing', path: path.join(destDir, 'nope') });
    expect(await start({ dest: { dir: exportDir, name: 'x.msgbak' } })).toEqual({ ok: false, reason: 'inside-source', path: exportDir });
    expect(await start({ options: { [exportDir]: { dateOrder: 'dmy' }, '/other': { dateOrder: 'mdy' } } })).toEqual({ ok: false, reason: 'conflicting-answers', path: null });
    writeFileSync(path.join(destDir, 'taken.msgbak'), 'x');
    expect(await start({ dest: { dir: destDir, name: 'taken.msgbak' } })).toEqual({ ok: false, reason: 'exists', path: path.join(destDir, 'taken.msgbak') });
    writeFileSync(path.join(destDir, 'half.msgbak.partial'), 'x');
    expect(await start({ dest: { dir: destDir, name: 'half.msgbak' } })).toEqual({ ok: false, reason: 'partial-exists', path: path.join(destDir, 'half.msgbak.partial') });
    rmSync(path.join(destDir, 'taken.msgbak'));
    rmSync(path.join(destDir, 'half.msgbak.partial'));
    // No keys were set up by refused starts.
    expect(readdirSync(h.configDir)).toEqual([]);
  });

  it('backs up, verified, with a new recovery key handed over exactly once', async () => {
    const r = await h.call<{ ok: true; jobId: string; file: string; newRecoveryKey: boolean; keychain: string }>('backup:start', {
      paths: [exportDir],
      dest: { dir: destDir, name: 'first.msgbak' },
    });
    expect(r).toMatchObject({ ok: true, file: path.join(destDir, 'first.msgbak'), newRecoveryKey: true, keychain: 'created' });
    jobId = r.jobId;
    file = r.file;
    // While it runs, the status knows it (a reloaded window follows it again) and that a key waits.
    const during = await h.call<BackupStatus>('backup:status', {});
    expect(during.pendingRecoveryKey).toBe(jobId);
    expect(during.running).toEqual([{ jobId, kind: 'backup', file }]);
    // A second backup cannot start while one runs.
    expect(await h.call('backup:start', { paths: [exportDir], dest: { dir: destDir, name: 'second.msgbak' } })).toEqual({ ok: false, reason: 'busy', path: null });

    const taken = await h.call<{ key: string; created: string; fingerprint: string }>('backup:recovery-key', { jobId });
    expect(taken.key).toMatch(/^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/);
    key = taken.key;
    const again = await h.raw('backup:recovery-key', { jobId });
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const state = await settled(h, jobId);
    expect(state.phase).toBe('done');
    const out = state.output as unknown as BackupJobOutput;
    expect(out).toMatchObject({ file, sideFile: `${file}.json`, verified: true, newRecoveryKey: true, keychain: 'created', keychainProblem: null });
    // Two contacts and the account owner.
    expect(out.counts).toMatchObject({ sources: 1, chats: 2, messages: 4, attachments: 2, contacts: 3 });
    expect(statSync(file).size).toBe(out.size);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const side = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { sha256: string; recipients: { role: string }[] };
    expect(side.sha256).toBe(out.sha256);
    expect(side.recipients.map((x) => x.role)).toEqual(['keychain', 'recovery']);

    // The progress reached the window as one growing figure with the stage named.
    const snaps = h.sent.filter((p): p is JobState => (p as JobState).jobId === jobId);
    const running = snaps.filter((p) => p.phase === 'running' && p.progress.total === 10_000);
    expect(running.length).toBeGreaterThan(1);
    const dones = running.map((p) => p.progress.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(new Set(running.map((p) => p.progress.counters?.stage)).size).toBeGreaterThan(2);

    // The secret is nowhere but in the reply: not in any event, job state, the catalogue or settings.
    expect(JSON.stringify(h.sent)).not.toContain(key);
    expect(JSON.stringify(await h.jobs.get(jobId))).not.toContain(key);
    expect(allText(h.configDir)).not.toContain(key);
    expect(allText(h.configDir)).not.toContain(key.slice(16));
  });

  it('lists the backup, with the key shown but not yet tested', async () => {
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s.keychainKey).toBe('present');
    expect(s.pendingRecoveryKey).toBeNull();
    expect(s.recovery).toMatchObject({ shown: true, testedAt: null });
    expect(s.backups).toHaveLength(1);
    expect(s.backups[0]).toMatchObject({ file, exists: true, opensWith: ['keychain', 'recovery'], recoveryTestedAt: null, copies: [] });
    expect(s.backups[0]!.verified.written).not.toBeNull();
  });

  it('tests the recovery key: a stranger key, a typo and gibberish fail; the key as typed from paper passes', async () => {
    const stranger = await generateKeyPair();
    expect(await h.call('backup:recovery-test', { file, key: stranger.identity })).toEqual({ ok: false, reason: 'wrong-key', length: 74 });
    // One character changed: the key's checksum catches it.
    const i = 30;
    const swapped = key.slice(0, i) + (key[i] === 'Q' ? 'P' : 'Q') + key.slice(i + 1);
    expect(await h.call('backup:recovery-test', { file, key: swapped })).toEqual({ ok: false, reason: 'typo', length: 74 });
    expect(await h.call('backup:recovery-test', { file, key: key.slice(0, 60) })).toEqual({ ok: false, reason: 'not-a-key', length: 60 });
    // Lower case, in groups of four, over two lines, without the prefix's dashes: still the key.
    const body = key.slice(16).toLowerCase();
    const typed = `age secret key 1\n${body.match(/.{1,4}/g)!.join(' ')}`;
    expect(await h.call('backup:recovery-test', { file, key: typed })).toEqual({ ok: true });
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s.recovery?.testedAt).not.toBeNull();
    expect(s.backups[0]!.recoveryTestedAt).not.toBeNull();
  });

  it('saves the key as a passphrase-protected age identity file (one scrypt stanza) that the age CLI opens', async () => {
    const keysDir = tmp('pereezd-bsvc-keys-');
    const passphrase = 'correct horse battery staple';
    const stranger = await generateKeyPair();
    expect(await h.call('backup:save-identity', { file, key: stranger.identity, dest: { dir: keysDir, name: 'rk.age' }, passphrase })).toEqual({
      ok: false,
      reason: 'wrong-key',
      path: null,
    });
    const saved = await h.call<{ ok: true; file: string }>('backup:save-identity', { file, key, dest: { dir: keysDir, name: 'rk.age' }, passphrase });
    expect(saved).toEqual({ ok: true, file: path.join(keysDir, 'rk.age') });
    expect(statSync(saved.file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(saved.file);
    const header = bytes.subarray(0, bytes.indexOf('\n---')).toString('latin1');
    expect(header.match(/^-> /gm)).toEqual(['-> ']);
    expect(header).toMatch(/^-> scrypt /m);
    expect(bytes.toString('latin1')).not.toContain(key);
    expect(await unprotectIdentityFile(bytes, passphrase)).toContain(key);
    expect(await h.call('backup:save-identity', { file, key, dest: { dir: keysDir, name: 'rk.age' }, passphrase })).toEqual({ ok: false, reason: 'exists', path: saved.file });

    // Restore without Pereezd: age asks for the passphrase on the terminal (util-linux `script` gives it one).
    const zip = path.join(keysDir, 'backup.zip');
    const res = spawnSync('script', ['-qec', `age -d -i '${saved.file}' -o '${zip}' '${file}'`, '/dev/null'], { input: `${passphrase}\n`, encoding: 'utf8', timeout: 60_000 });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n')).toContain('manifest.json');
  });

  it('verifies quick (no key) and full (the keychain key), and records when', async () => {
    const quick = await h.call<{ ok: true; jobId: string }>('backup:verify', { file, mode: 'quick' });
    const q = await settled(h, quick.jobId);
    expect(q.kind).toBe('verify');
    expect(q.output).toMatchObject({ ok: true, mode: 'quick', sideFile: 'match', problemCount: 0, openedWith: null });
    const full = await h.call<{ ok: true; jobId: string }>('backup:verify', { file, mode: 'full' });
    const f = await settled(h, full.jobId);
    const out = f.output as unknown as VerifyJobOutput;
    expect(out).toMatchObject({ ok: true, mode: 'full', openedWith: 'keychain', problemCount: 0 });
    expect(out.entries.checked).toBe(out.entries.total);
    expect(out.entries.total).toBeGreaterThan(5);
    const sample = await settled(h, (await h.call<{ jobId: string }>('backup:verify', { file, mode: 'sample' })).jobId);
    expect(sample.output).toMatchObject({ ok: true, mode: 'sample' });
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s.backups[0]!.verified.quick).not.toBeNull();
    expect(s.backups[0]!.verified.full).not.toBeNull();
    expect(s.backups[0]!.verified.sample).not.toBeNull();
  });

  it('shows what is inside and restores one chat, the contacts, or everything into a new folder each time', async () => {
    const contents = await h.call<{ ok: true; contents: BackupContents }>('backup:contents', { file });
    expect(contents.ok).toBe(true);
    expect(contents.contents).toMatchObject({ file, openedWith: 'keychain', counts: { chats: 2, messages: 4, contacts: 3, originalFiles: 3 } });
    expect(contents.contents.chats.map((c) => [c.id, c.title, c.messages, c.attachments])).toEqual(
      expect.arrayContaining([
        ['tg:501', 'Мама', 3, 1],
        ['tg:502', 'Work', 1, 1],
      ]),
    );
    // Refusals name what is wrong and start nothing.
    const into = tmp('pereezd-bsvc-restore-');
    expect(await h.call('backup:restore', { file, select: { kind: 'all' }, into: path.join(into, 'nope') })).toEqual({ ok: false, reason: 'into-missing', path: path.join(into, 'nope') });
    expect(await h.call('backup:restore', { file, select: { kind: 'chat', id: 'tg:999' }, into })).toEqual({ ok: false, reason: 'unknown-chat', path: null });
    const stranger = (await generateKeyPair()).identity;
    expect(await h.call('backup:restore', { file, select: { kind: 'all' }, into, key: stranger })).toEqual({ ok: false, reason: 'wrong-key' });
    expect(await h.raw('backup:restore', { file, select: { kind: 'chat' }, into })).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(readdirSync(into)).toEqual([]);

    const run = async (select: object, withKey?: string) => {
      const r = await h.call<{ ok: true; jobId: string; to: string }>('backup:restore', { file, select, into, ...(withKey ? { key: withKey } : {}) });
      expect(r.ok).toBe(true);
      const state = await settled(h, r.jobId);
      expect(state).toMatchObject({ kind: 'restore', phase: 'done' });
      return { to: r.to, out: state.output as unknown as RestoreJobOutput };
    };
    const chat = await run({ kind: 'chat', id: 'tg:501' });
    expect(path.dirname(chat.to)).toBe(into);
    expect(path.basename(chat.to)).toMatch(/^first-restored-\d{4}-\d{2}-\d{2}$/);
    expect(chat.out).toMatchObject({ to: chat.to, select: 'chat', chatTitle: 'Мама', problemCount: 0 });
    const photo = readdirSync(chat.to, { recursive: true }).map(String).find((f) => f.endsWith('p1.jpg'))!;
    expect(readFileSync(path.join(chat.to, photo)).equals(readFileSync(path.join(exportDir, 'photos/p1.jpg')))).toBe(true);

    // The recovery key opens it too; contacts only.
    const contacts = await run({ kind: 'contacts' }, key);
    expect(contacts.to).toBe(`${chat.to}-2`);
    expect(readFileSync(path.join(contacts.to, 'contacts.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);

    // Everything: the export byte for byte.
    const all = await run({ kind: 'all' });
    expect(all.to).toBe(`${chat.to}-3`);
    expect(all.out.files).toBeGreaterThan(5);
    const restored = path.join(all.to, 'originals', readdirSync(path.join(all.to, 'originals'))[0]!);
    for (const rel of ['result.json', 'photos/p1.jpg', 'files/report.pdf']) expect(readFileSync(path.join(restored, rel)).equals(readFileSync(path.join(exportDir, rel))), rel).toBe(true);
  });

  it('makes a second copy in another folder, checks it, and lists it; refuses the same folder or an existing copy', async () => {
    expect(await h.call('backup:copy', { file, destDir })).toEqual({ ok: false, reason: 'same-folder', path: destDir });
    expect(await h.call('backup:copy', { file, destDir: path.join(copyDir, 'nope') })).toEqual({ ok: false, reason: 'dest-missing', path: path.join(copyDir, 'nope') });
    const r = await h.call<{ ok: true; jobId: string }>('backup:copy', { file, destDir: copyDir });
    const state = await settled(h, r.jobId);
    expect(state.phase).toBe('done');
    const out = state.output as unknown as CopyJobOutput;
    const copy = path.join(copyDir, 'first.msgbak');
    expect(out).toMatchObject({ file: copy, sideFile: `${copy}.json` });
    expect(readFileSync(copy).equals(readFileSync(file))).toBe(true);
    expect(await h.call('backup:copy', { file, destDir: copyDir })).toEqual({ ok: false, reason: 'exists', path: copy });
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s.backups[0]!.copies).toEqual([{ file: copy, sideFile: `${copy}.json`, verifiedAt: expect.any(String), exists: true }]);
    // The copy opens with the same recovery key.
    expect(await h.call('backup:recovery-test', { file: copy, key })).toEqual({ ok: true });
  });

  it('finds a damaged copy: quick and full verification fail with reasons', async () => {
    const copy = path.join(copyDir, 'first.msgbak');
    const bytes = readFileSync(copy);
    const at = bytes.length - 100;
    bytes[at] = bytes[at]! ^ 0x40;
    writeFileSync(copy, bytes);
    const q = await settled(h, (await h.call<{ jobId: string }>('backup:verify', { file: copy, mode: 'quick' })).jobId);
    expect(q.output).toMatchObject({ ok: false, sideFile: 'mismatch' });
    expect((q.output as unknown as VerifyJobOutput).problems.join(' ')).toMatch(/SHA-256/);
    const f = await settled(h, (await h.call<{ jobId: string }>('backup:verify', { file: copy, mode: 'full' })).jobId);
    // A damaged chunk fails the job or the report, never passes.
    expect(f.phase === 'failed' || (f.output as unknown as VerifyJobOutput).ok === false).toBe(true);
  });

  it('makes a new recovery key on request: the old key still opens the old backup only', async () => {
    const r = await h.call<{ ok: true; jobId: string; file: string; newRecoveryKey: boolean }>('backup:start', {
      paths: [exportDir],
      dest: { dir: destDir, name: 'second.msgbak' },
      newRecoveryKey: true,
    });
    expect(r.newRecoveryKey).toBe(true);
    const fresh = (await h.call<{ key: string }>('backup:recovery-key', { jobId: r.jobId })).key;
    expect(fresh).not.toBe(key);
    expect((await settled(h, r.jobId)).phase).toBe('done');
    expect(await h.call('backup:recovery-test', { file: r.file, key: fresh })).toEqual({ ok: true });
    expect(await h.call('backup:recovery-test', { file: r.file, key })).toMatchObject({ ok: false, reason: 'wrong-key' });
    expect(await h.call('backup:recovery-test', { file, key })).toEqual({ ok: true });
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s.recovery).toMatchObject({ shown: true, testedAt: expect.any(String) });
    expect(s.backups.map((b) => path.basename(b.file))).toEqual(['second.msgbak', 'first.msgbak']);
  });

  it('shreds the keychain key, honestly: the recovery key still opens the backup', async () => {
    const r = await h.call('backup:shred', { file });
    expect(r).toEqual({ ok: true, deleted: true, recoveryStillOpens: true });
    const s = await h.call<BackupStatus>('backup:status', {});
    expect(s.keychainKey).toBe('absent');
    for (const b of s.backups) expect(b.opensWith).toEqual(['recovery']);
    // Full verification now needs the recovery key…
    expect(await h.call('backup:verify', { file, mode: 'full' })).toEqual({ ok: false, reason: 'needs-key', keychain: { available: true } });
    expect(await h.call('backup:verify', { file, mode: 'full', key: 'AGE-SECRET-KEY-1' })).toEqual({ ok: false, reason: 'not-a-key' });
    const v = await h.call<{ ok: true; jobId: string }>('backup:verify', { file, mode: 'full', key });
    expect((await settled(h, v.jobId)).output).toMatchObject({ ok: true, openedWith: 'recovery' });
    // …and there is nothing left to shred.
    expect(await h.call('backup:shred', { file })).toEqual({ ok: false, reason: 'no-key', problem: null });
    // The audit journal recorded the backups, checks, the copy and the shred, in one unbroken chain.
    const ops = readFileSync(path.join(h.configDir, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string; outcome: string; refs: Record<string, unknown> });
    expect(new Set(ops.map((o) => o.op))).toEqual(new Set(['backup', 'verify', 'restore', 'copy', 'shred']));
    expect(ops.filter((o) => o.op === 'shred')).toEqual([expect.objectContaining({ outcome: 'ok', refs: { file } })]);
    expect(ops.filter((o) => o.op === 'verify').every((o) => o.refs.file !== undefined)).toBe(true);
    expect(await verifyAuditChain(path.join(h.configDir, 'audit.jsonl'))).toMatchObject({ ok: true, records: ops.length });
  });
});

describe('cancelling a backup midway', () => {
  it('leaves no file that looks complete: no backup, no .partial, no side file', async () => {
    const h = harness();
    const big = tmp('pereezd-bsvc-big-');
    const exp = makeTelegramExport(path.join(big, 'export'), [{ id: 7, name: 'Big', messages: [{ text: 'x' }] }]);
    // Incompressible bytes beside the export: the write stage takes long enough to cancel inside it.
    const chunk = randomBytes(1 << 20);
    const blob = path.join(exp, 'files');
    mkdirSync(blob);
    for (let f = 0; f < 6; f++) writeFileSync(path.join(blob, `video-${f}.bin`), Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.concat([chunk, Buffer.from([f, i])]))));
    const r = await h.call<{ ok: true; jobId: string; file: string }>('backup:start', { paths: [exp], dest: { dir: big, name: 'cancelled.msgbak' } });
    const writeStage = 4; // BACKUP_STAGES.indexOf('write')
    await expect
      .poll(() => (h.jobs.get(r.jobId)?.progress.counters?.stage ?? 0) >= writeStage || h.jobs.get(r.jobId)?.phase !== 'running', { timeout: 60_000, interval: 20 })
      .toBe(true);
    expect(h.jobs.get(r.jobId)?.phase).toBe('running');
    expect(h.jobs.cancel(r.jobId)).toBe(true);
    const state = await settled(h, r.jobId);
    expect(state.phase).toBe('cancelled');
    expect(readdirSync(big).filter((n) => n.startsWith('cancelled'))).toEqual([]);
    // The catalogue has no record of it.
    expect((await h.call<BackupStatus>('backup:status', {})).backups).toEqual([]);
  });
});

describe('the real wiring: createService with the OS keychain', () => {
  it('answers backup:status through dispatch (read-only: the shared keychain entry is not touched)', async () => {
    const configDir = tmp('pereezd-bsvc-wiring-');
    const { service, dispose } = createService({ host: 'web', send: () => undefined, version: 'test', configDir });
    try {
      const env = await dispatch(service, 'backup:status', {});
      expect(env.ok).toBe(true);
      const s = (env as { ok: true; value: BackupStatus }).value;
      expect(s.keychain).toEqual({ available: true });
      expect(s.backups).toEqual([]);
    } finally {
      dispose();
    }
  });
});

describe('without a keychain (no D-Bus session bus)', () => {
  it('says so in plain words and makes a backup that opens with the recovery key only', async () => {
    const work = tmp('pereezd-bsvc-nokc-');
    const exp = makeTelegramExport(path.join(work, 'export'), [{ id: 9, name: 'Solo', messages: [{ text: 'one' }, { text: 'two' }] }]);
    const probe = await bundleProgram(`
      import { createService } from './main/engine/service.ts';
      import { dispatch } from './main/engine/dispatch.ts';
      const [configDir, exp, dest] = process.argv.slice(2);
      const { service, jobs, dispose } = createService({ host: 'web', send: () => {}, version: 'test', configDir });
      const call = async (ch, req) => { const e = await dispatch(service, ch, req); if (!e.ok) throw new Error(ch + ': ' + e.error.message); return e.value; };
      const out = {};
      out.status = await call('backup:status', {});
      const start = await call('backup:start', { paths: [exp], dest: { dir: dest, name: 'solo.msgbak' } });
      out.start = start;
      const { key } = await call('backup:recovery-key', { jobId: start.jobId });
      out.job = await jobs.settled(start.jobId);
      out.verifyNoKey = await call('backup:verify', { file: start.file, mode: 'full' });
      const v = await call('backup:verify', { file: start.file, mode: 'full', key });
      out.verifyWithKey = (await jobs.settled(v.jobId)).output;
      out.test = await call('backup:recovery-test', { file: start.file, key });
      out.shred = await call('backup:shred', { file: start.file });
      out.keyLooksRight = /^AGE-SECRET-KEY-1/.test(key);
      out.keyInOutput = JSON.stringify(out).includes(key);
      dispose();
      console.log(JSON.stringify(out));
    `);
    temps.push(path.dirname(probe));
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(work, 'no-such-bus')}` };
    const r = spawnSync(process.execPath, [probe, path.join(work, 'config'), exp, work], { env, encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out.status.keychain).toMatchObject({ available: false, problem: 'no-session' });
    expect(out.status.keychain.message).toMatch(/^The system keychain cannot be reached/);
    expect(out.status.keychainKey).toBe('unknown');
    expect(out.start).toMatchObject({ ok: true, newRecoveryKey: true, keychain: 'unavailable', keychainProblem: 'no-session' });
    expect(out.job.phase).toBe('done');
    expect(out.job.output).toMatchObject({ keychain: 'unavailable', keychainProblem: 'no-session', verified: true });
    const side = JSON.parse(readFileSync(path.join(work, 'solo.msgbak.json'), 'utf8')) as { recipients: { role: string }[] };
    expect(side.recipients.map((x) => x.role)).toEqual(['recovery']);
    expect(out.verifyNoKey).toMatchObject({ ok: false, reason: 'needs-key', keychain: { available: false, problem: 'no-session' } });
    expect(out.verifyWithKey).toMatchObject({ ok: true, openedWith: 'recovery' });
    expect(out.test).toEqual({ ok: true });
    expect(out.shred).toEqual({ ok: false, reason: 'keychain-unavailable', problem: 'no-session' });
    expect(out.keyLooksRight).toBe(true);
    expect(out.keyInOutput).toBe(false);
  });
});
