/**
 * `pereezd backup | verify | restore | list | shred`: the encrypted backup from the command line.
 * The engine does the work; this host reads the terminal (hidden passphrase input), shows the new
 * recovery key once, and prints progress to stderr. Secrets are never printed except the recovery
 * key, once, on first setup, to the terminal (or to `--recovery-key-out`, mode 0600).
 *
 * Environment: PEREEZD_CONFIG_DIR (where the public backup keys are kept; default: the user's
 * config folder), PEREEZD_PASSPHRASE (tests only: answers passphrase prompts).
 */
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Identity } from 'age-encryption';
import { AgeHeaderError } from '../engine/backup/age-header.js';
import { AgePayloadError } from '../engine/backup/age-stream.js';
import { BackupError, type BackupProgress, runBackup } from '../engine/backup/backup.js';
import { IdentityFileError, isIdentity, type KeyPair, protectIdentityFile, readIdentityFile, recoveryKeyFile } from '../engine/backup/keys.js';
import { listBackup } from '../engine/backup/list.js';
import { keychainIdentity, NoKeychainKeyError, prepareBackupKeys } from '../engine/backup/profile.js';
import { BackupFormatError } from '../engine/backup/reader.js';
import { RestoreError, type RestoreSelection, runRestore } from '../engine/backup/restore.js';
import { KeychainUnavailableError, OsKeychain, type SecretStore } from '../engine/backup/secret-store.js';
import { ShredError, shredKeychainKey } from '../engine/backup/shred.js';
import { verifyBackup, type VerifyMode } from '../engine/backup/verify.js';
import type { IProgress } from '../engine/progress.js';
import type { JobProgress } from '../../shared/model/index.js';
import { parseArgs, type ParsedArgs, sourceOptions, UsageError } from './args.js';

export const BACKUP_COMMANDS = ['backup', 'verify', 'restore', 'list', 'shred'] as const;
export type BackupCommand = (typeof BACKUP_COMMANDS)[number];

export const BACKUP_USAGE = `  pereezd backup PATH... --out FILE [--recovery-key-out FILE [--protect-recovery-key]] [--copy-to DIR]
        one encrypted backup file (age format): the exports byte for byte and the normalised model;
        the key is kept in the system keychain; the first backup creates your recovery key
  pereezd verify FILE [--full | --sample N] [--identity FILE]
        quick (default, no key): the file against its side file FILE.json;
        --full: decrypt and check every entry; --sample N: N random entries
  pereezd restore FILE --to DIR [--chat ID | --contacts] [--identity FILE]
        everything (the exports as they were, and the model), one chat, or the contacts
  pereezd list FILE [--identity FILE] [--json]
        what the backup holds (sources, counts, chats), without restoring
  pereezd shred FILE
        delete this computer's keychain key for backups (the recovery key still opens them)

  --identity    your recovery key file (AGE-SECRET-KEY-1…, or the passphrase-protected .age file);
                without it the key in the system keychain is used
`;

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  store: SecretStore;
}

const defaultIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, store: new OsKeychain() });

/** Where the public backup keys live (never a secret). */
export { configDir } from '../engine/config-dir.js';
import { configDir } from '../engine/config-dir.js';
import { recordBackup } from '../engine/finish/hooks.js';
import { catalogRecordOf, createBackupCatalog } from '../engine/services/backup-catalog.js';

/** 1234567 → "1.2 MB" (binary multiples, as file managers show on Linux). */
export function humanSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
const mb = humanSize;

/** Reads a line from the terminal without echoing it. */
export async function readHidden(prompt: string, io: CliIo): Promise<string> {
  const stdin = io.stdin;
  if (!stdin.isTTY) throw new UsageError('a passphrase or key is needed here: run this in a terminal');
  io.stderr.write(prompt);
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err: Error | null) => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.off('data', onData);
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function askPassphrase(io: CliIo, prompt: string, confirm: boolean): Promise<string> {
  const fromEnv = io.env.PEREEZD_PASSPHRASE;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const first = await readHidden(prompt, io);
  if (!confirm) return first;
  if (first.length < 10) throw new UsageError('the passphrase must be at least 10 characters (a few random words are best)');
  const again = await readHidden('Repeat the passphrase: ', io);
  if (again !== first) throw new UsageError('the passphrases differ');
  return first;
}

function progressPrinter(io: CliIo): IProgress<JobProgress & { step?: BackupProgress['step'] }> & { end(): void } {
  let last = 0;
  let shown = false;
  const labels: Record<string, string> = { prepare: 'preparing', read: 'reading', hash: 'hashing', index: 'indexing', write: 'encrypting', verify: 'verifying', copy: 'copying' };
  return {
    report(p) {
      if (!io.stderr.isTTY) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const pct = p.total ? ` ${Math.min(100, (p.done / p.total) * 100).toFixed(1)}%` : '';
      const amount = p.unit === 'bytes' ? mb(p.done) : `${p.done}`;
      io.stderr.write(`\r\x1b[2K${labels[p.step ?? ''] ?? 'working'}${pct} (${amount})`);
      shown = true;
    },
    end() {
      if (shown) io.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** Shows (or saves) the new recovery key, once. Throws when it cannot be shown safely. */
async function deliverRecoveryKey(pair: KeyPair, created: Date, args: ParsedArgs, io: CliIo): Promise<void> {
  const text = recoveryKeyFile(pair, created);
  const file = args.values.get('--recovery-key-out');
  if (file) {
    const abs = path.resolve(file);
    const data = args.flags.has('--protect-recovery-key')
      ? await protectIdentityFile(text, await askPassphrase(io, 'Passphrase to protect the recovery key file: ', true))
      : Buffer.from(text, 'utf8');
    const fh = await open(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(err.code === 'EEXIST' ? `${abs} already exists; the recovery key is never written over a file` : `${abs}: ${err.message}`);
    });
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    io.stderr.write(
      `Your recovery key was saved to ${abs}${args.flags.has('--protect-recovery-key') ? ' (protected by your passphrase)' : ''}.\n` +
        'Move it off this computer (print it, or a USB stick in a drawer): without it, a lost or broken computer means these backups cannot be opened.\n',
    );
    return;
  }
  if (!io.stdout.isTTY) {
    throw new UsageError('this first backup creates your recovery key, which must be shown to you once: run it in a terminal, or give --recovery-key-out FILE');
  }
  io.stdout.write(
    '\n================ YOUR RECOVERY KEY — shown once, write it down now ================\n' +
      `${pair.identity}\n` +
      '===================================================================================\n' +
      'Without it, a lost or broken computer means these backups cannot be opened. Anyone who has it\n' +
      'can open them. Pereezd does not keep it and cannot show it again.\n' +
      'Without Pereezd: age -d -i recovery-key.txt backup.msgbak > backup.zip && unzip backup.zip\n\n',
  );
}

/** Who can open a backup: --identity FILE, else the keychain key, else the recovery key typed in. */
async function identities(args: ParsedArgs, io: CliIo): Promise<(string | Identity)[]> {
  const file = args.values.get('--identity');
  if (file) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.resolve(file));
    } catch (err) {
      throw new UsageError(`--identity: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    return readIdentityFile(bytes, () => askPassphrase(io, `Passphrase for ${path.basename(file)}: `, false));
  }
  try {
    return [await keychainIdentity(io.store, configDir(io.env))];
  } catch (err) {
    if (!(err instanceof KeychainUnavailableError) && !(err instanceof NoKeychainKeyError)) throw err;
    if (io.stdin.isTTY) {
      io.stderr.write(`${err.message}.\n`);
      const typed = (await readHidden('Recovery key (AGE-SECRET-KEY-1…): ', io)).trim().toUpperCase();
      if (!isIdentity(typed)) throw new UsageError('that is not a recovery key (it starts with AGE-SECRET-KEY-1 and has 74 characters)');
      return [typed];
    }
    throw new NoKeychainKeyError(`${err.message} — give your recovery key with --identity FILE (or run this in a terminal to type it)`);
  }
}

async function backupCmd(args: ParsedArgs, io: CliIo, signal: AbortSignal): Promise<number> {
  const out = args.values.get('--out');
  if (!out) throw new UsageError('--out FILE is required (the backup file to create, e.g. backup.msgbak)');
  if (args.positionals.length === 0) throw new UsageError('give at least one export (folder, .zip or file)');
  if (args.flags.has('--protect-recovery-key') && !args.values.get('--recovery-key-out')) throw new UsageError('--protect-recovery-key needs --recovery-key-out FILE');
  const options = sourceOptions(args);
  const setup = await prepareBackupKeys({ store: io.store, configDir: configDir(io.env), deliverRecoveryKey: (pair, created) => deliverRecoveryKey(pair, created, args, io) });
  if (!setup.createdRecovery && args.values.get('--recovery-key-out')) {
    io.stderr.write(`Note: your recovery key was created with your first backup (${setup.profile.recovery.created}); it is not shown again, --recovery-key-out is ignored.\n`);
  }
  if (setup.keychain === 'unavailable') {
    io.stderr.write(
      `${setup.keychainError?.message ?? 'The system keychain cannot be used'}.\n` +
        'This backup is encrypted to your recovery key only: to verify or restore it you will need the recovery key.\n',
    );
  }
  const progress = progressPrinter(io);
  const started = performance.now();
  try {
    const r = await runBackup(
      { paths: args.positionals, out, recipients: setup.recipients, options, ...(args.values.get('--copy-to') ? { copyTo: args.values.get('--copy-to')! } : {}) },
      { progress },
      signal,
    );
    progress.end();
    // Like the app's backups: in the catalogue (the Backup step lists it) and the audit journal (the report).
    const cfg = configDir(io.env);
    const record = catalogRecordOf(r, setup.recipients, new Date().toISOString());
    await createBackupCatalog(cfg).update((cat) => {
      cat.backups = cat.backups.filter((b) => b.file !== r.file);
      cat.backups.push(record);
    });
    await recordBackup(cfg, r, Math.round((performance.now() - started) / 100) / 10);
    const c = r.manifest.counts;
    io.stdout.write(
      `Backup written and verified: ${r.file} (${mb(r.size)})\n` +
        `  ${c.sources} source(s): ${c.originalFiles} original files (${mb(c.originalBytes)}), ${c.blobs} distinct contents stored\n` +
        `  ${c.contacts} contacts, ${c.chats} chats, ${c.messages} messages, ${c.events} events, ${c.attachments.referenced} attachments` +
        `${c.attachments.missing ? ` (+${c.attachments.missing} referenced but not in the export)` : ''}\n` +
        `  SHA-256 ${r.sha256} (side file ${path.basename(r.sideFile)})\n` +
        `  opens with: ${setup.recipients.map((x) => (x.role === 'keychain' ? "this computer's keychain key" : x.role === 'recovery' ? 'your recovery key' : 'an extra key')).join(', ')}\n`,
    );
    if (r.copy) io.stdout.write(`Second copy written and verified: ${r.copy.file}\n`);
    if (r.copyError) io.stderr.write(`The second copy failed: ${r.copyError}\n`);
    for (const p of r.problems.filter((x) => x.severity !== 'info')) io.stderr.write(`${p.message}\n`);
    return r.copyError ? 1 : 0;
  } finally {
    progress.end();
  }
}

async function verifyCmd(args: ParsedArgs, io: CliIo, signal: AbortSignal): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (!file || extra.length) throw new UsageError('give exactly one backup file');
  const sample = args.values.get('--sample');
  if (args.flags.has('--full') && sample) throw new UsageError('--full and --sample cannot be combined');
  let n = 0;
  if (sample !== undefined) {
    n = Number(sample);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('--sample N needs a whole number of entries, at least 1');
  }
  const mode: VerifyMode = args.flags.has('--full') ? 'full' : sample ? 'sample' : 'quick';
  const ids = mode === 'quick' ? [] : await identities(args, io);
  const progress = progressPrinter(io);
  const r = await verifyBackup(path.resolve(file), { mode, sample: n, identities: ids }, { progress }, signal);
  progress.end();
  if (args.flags.has('--json')) io.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) {
    const what =
      mode === 'quick'
        ? 'size and SHA-256 match the side file (quick check: no key used; run --full to decrypt and check every entry)'
        : mode === 'full'
          ? `every encrypted piece authenticates and all ${r.entries.checked} entries match their SHA-256${r.sideFile === 'match' ? '; the side file matches' : ''}`
          : `${r.entries.checked} random entries match their SHA-256; the first and last pieces authenticate`;
    io.stdout.write(`OK: ${file}: ${what}\n`);
  } else {
    io.stdout.write(`FAILED: ${file}\n`);
    for (const p of r.problems.slice(0, 20)) io.stdout.write(`  ${p}\n`);
    if (r.problems.length > 20) io.stdout.write(`  … and ${r.problems.length - 20} more\n`);
  }
  return r.ok ? 0 : 1;
}

async function restoreCmd(args: ParsedArgs, io: CliIo, signal: AbortSignal): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (!file || extra.length) throw new UsageError('give exactly one backup file');
  const to = args.values.get('--to');
  if (!to) throw new UsageError('--to DIR is required (where to restore)');
  const chat = args.values.get('--chat');
  if (chat && args.flags.has('--contacts')) throw new UsageError('--chat and --contacts cannot be combined');
  const select: RestoreSelection = chat ? { kind: 'chat', id: chat } : args.flags.has('--contacts') ? { kind: 'contacts' } : { kind: 'all' };
  const ids = await identities(args, io);
  const progress = progressPrinter(io);
  const r = await runRestore({ file, to, select, identities: ids }, { progress }, signal);
  progress.end();
  const what = select.kind === 'chat' ? `chat ${r.chat?.title ?? select.id}` : select.kind === 'contacts' ? 'contacts' : 'everything';
  io.stdout.write(`Restored ${what} into ${r.to}: ${r.files.length} files, ${mb(r.bytes)}, each checked against its SHA-256\n`);
  for (const p of r.problems) io.stderr.write(`${p}\n`);
  return r.problems.length ? 1 : 0;
}

async function listCmd(args: ParsedArgs, io: CliIo): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (!file || extra.length) throw new UsageError('give exactly one backup file');
  const l = await listBackup(path.resolve(file), await identities(args, io));
  if (args.flags.has('--json')) {
    io.stdout.write(JSON.stringify(l, null, 2) + '\n');
    return 0;
  }
  const c = l.counts;
  const lines = [
    `${file}: made ${l.created} by ${l.app.name} ${l.app.version}, ${mb(l.size)}`,
    `  ${c.contacts} contacts, ${c.chats} chats, ${c.messages} messages, ${c.events} events, ${c.attachments.referenced} attachments, ${c.originalFiles} original files`,
    'sources:',
    ...l.sources.map((s) => `  ${s.index}  ${s.kind}  ${s.format ?? 'not recognised (stored as is)'}  ${s.path}`),
    'chats (use the id with `pereezd restore FILE --to DIR --chat ID`):',
    ...l.chats.map((ch) => `  ${ch.id}  ${ch.title ?? '(untitled)'}  [${ch.type}]  ${ch.messages} messages, ${ch.attachments} attachments`),
  ];
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function shredCmd(args: ParsedArgs, io: CliIo): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (!file || extra.length) throw new UsageError('give exactly one backup file');
  const r = await shredKeychainKey(path.resolve(file), { store: io.store, configDir: configDir(io.env) });
  io.stdout.write(r.notes.map((n) => `${n}\n`).join(''));
  return 0;
}

const SPECS: Record<BackupCommand, { flags: string[]; values: string[] }> = {
  backup: { flags: ['--protect-recovery-key'], values: ['--out', '--recovery-key-out', '--copy-to', '--date-order', '--tz'] },
  verify: { flags: ['--full', '--json'], values: ['--sample', '--identity'] },
  restore: { flags: ['--contacts'], values: ['--to', '--chat', '--identity'] },
  list: { flags: ['--json'], values: ['--identity'] },
  shred: { flags: [], values: [] },
};

/** Errors the user can act on: one line, no stack. */
function isExpected(err: unknown): boolean {
  return [AgeHeaderError, AgePayloadError, BackupError, BackupFormatError, RestoreError, ShredError, KeychainUnavailableError, NoKeychainKeyError, IdentityFileError].some(
    (E) => err instanceof E,
  ) || (err as { name?: string }).name === 'ZipError' || ['ENOENT', 'EACCES', 'EEXIST', 'ENOSPC', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '');
}

export async function backupCommand(cmd: BackupCommand, argv: string[], usage: string, io: CliIo = defaultIo()): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, SPECS[cmd]);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`pereezd ${cmd}: ${err.message}\n${usage}`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => {
    io.stderr.write('\ncancelling… (nothing half-written is kept)\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    switch (cmd) {
      case 'backup':
        return await backupCmd(args, io, controller.signal);
      case 'verify':
        return await verifyCmd(args, io, controller.signal);
      case 'restore':
        return await restoreCmd(args, io, controller.signal);
      case 'list':
        return await listCmd(args, io);
      case 'shred':
        return await shredCmd(args, io);
    }
  } catch (err) {
    if (controller.signal.aborted) return 130;
    if (err instanceof UsageError) {
      io.stderr.write(`pereezd ${cmd}: ${err.message}\n`);
      return 2;
    }
    if (isExpected(err)) {
      io.stderr.write(`pereezd ${cmd}: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
