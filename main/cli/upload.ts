/**
 * `pereezd upload` and `pereezd verify-target`: the Matrix upload engine (main/engine/matrix) on the command line.
 * The password comes from PEREEZD_MATRIX_PASSWORD or a hidden prompt, never from argv; the access token is kept
 * in the system keychain only. Progress goes to stderr. Ctrl+C stops after the current event; the next run
 * continues where this one stopped.
 * Exit codes: 0 ok; 1 failed (or, for verify-target, something missing, duplicated or different); 2 usage; 130 cancelled.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { JobProgress } from '../../shared/model/index.js';
import { KeychainUnavailableError, type SecretStore } from '../engine/backup/secret-store.js';
import { discoverHomeserver, MatrixClient, MatrixError } from '../engine/matrix/client.js';
import { ModelError } from '../engine/matrix/model.js';
import { matrixKeychain, SignInError, signIn } from '../engine/matrix/session.js';
import { runUpload, UploadError, type UploadInput } from '../engine/matrix/upload.js';
import { runVerifyTarget } from '../engine/matrix/verify-target.js';
import type { IProgress } from '../engine/progress.js';
import { configDir } from '../engine/config-dir.js';
import { workIdOfModel } from '../engine/finish/cli-runs.js';
import { recordUpload, recordVerifyTarget } from '../engine/finish/hooks.js';
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { readHidden } from './backup.js';

export const UPLOAD_USAGE = `  pereezd upload --homeserver URL --user @ID:SERVER MODEL... [--pilot CHAT] [--only CHAT,CHAT]
                 [--people FILE] [--invite] [--appservice FILE] [--journal DIR] [--media DIR] [--concurrency N] [--json]
        upload cleaned chats (folders written by "pereezd clean" or "convert") to Matrix; resumable:
        run it again after an interruption and it continues where it stopped
  pereezd verify-target --homeserver URL --user @ID:SERVER MODEL... [--resend] [--no-media] [same options]
        read every room back and compare with the model: counts, duplicates, missing, media SHA-256

  --homeserver  the homeserver URL or server name (found through .well-known)
  --people      JSON file {"old sender id": "@person:server"}; unmapped people keep their old name
  --appservice  an application-service registration (admins): original senders and timestamps
  --journal     where the upload journal lives (default: MODEL/matrix-journal)
  --concurrency  chats uploaded at once (1–8, default 1; order inside each room is always kept).
                More than 1 helps only when the server's rate limits are lifted for you
  password: PEREEZD_MATRIX_PASSWORD, or asked; the sign-in is kept in the system keychain
`;

export interface UploadCliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
  store: SecretStore;
}

const defaultIo = (): UploadCliIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, store: matrixKeychain() });

/** Reads the as_token of an application-service registration (YAML, flat keys). */
export function readRegistration(file: string): { asToken: string; senderLocalpart: string | null } {
  if (!existsSync(file)) throw new UsageError(`--appservice: ${file} not found`);
  const text = readFileSync(file, 'utf8');
  const value = (key: string) => {
    const m = new RegExp(`^${key}:[ \\t]*(?:"([^"\\n]*)"|'([^'\\n]*)'|([^#\\n]*?))[ \\t]*(?:#.*)?$`, 'm').exec(text);
    return m ? (m[1] ?? m[2] ?? m[3] ?? '').trim() : null;
  };
  const asToken = value('as_token');
  if (!asToken) throw new UsageError(`--appservice: ${file} has no as_token (is it an application-service registration?)`);
  return { asToken, senderLocalpart: value('sender_localpart') };
}

function readPeople(file: string): Record<string, string> {
  if (!existsSync(file)) throw new UsageError(`--people: ${file} not found`);
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--people: ${file} is not JSON (${(err as Error).message})`);
  }
  if (!j || typeof j !== 'object' || Array.isArray(j)) throw new UsageError(`--people: ${file} must be an object {"old id": "@user:server"}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(j)) {
    if (typeof v !== 'string' || !/^@[^:\s]+:\S+$/.test(v)) throw new UsageError(`--people: ${file}: "${k}" maps to ${JSON.stringify(v)}, not a Matrix id like @name:server`);
    out[k] = v;
  }
  return out;
}

async function askPassword(io: UploadCliIo, userId: string): Promise<string> {
  const env = io.env.PEREEZD_MATRIX_PASSWORD;
  if (env) return env;
  if (io.stdin.isTTY) return readHidden(`Password for ${userId}: `, { ...io, store: io.store });
  // Not a terminal: the first line of standard input.
  const rl = createInterface({ input: io.stdin });
  for await (const line of rl) {
    rl.close();
    if (line) return line;
  }
  throw new UsageError(`no password for ${userId}: set PEREEZD_MATRIX_PASSWORD or run in a terminal`);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function progressPrinter(io: UploadCliIo, label: string, noun: string): IProgress<JobProgress> & { end(): void } {
  let last = 0;
  let shown = false;
  return {
    report(p) {
      const now = Date.now();
      if (now - last < (io.stderr.isTTY ? 250 : 10_000)) return;
      last = now;
      const pct = p.total ? ` ${Math.min(100, (p.done / p.total) * 100).toFixed(1)}%` : '';
      const c = p.counters ?? {};
      const eta = typeof c.etaMs === 'number' && c.etaMs > 0 ? `, about ${formatDuration(c.etaMs)} left` : '';
      const limited = c.rateLimited ? `, rate-limited ${c.rateLimited}×` : '';
      const line = `${label}${pct} (${p.done}${p.total ? `/${p.total}` : ''} ${noun}${eta}${limited}) ${p.current ?? ''}`.slice(0, 160);
      if (io.stderr.isTTY) {
        io.stderr.write(`\r\x1b[2K${line}`);
        shown = true;
      } else io.stderr.write(`${line}\n`);
    },
    end() {
      if (shown) io.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.round(h / 24)} days`;
}

const COMMON_VALUES = ['--homeserver', '--user', '--pilot', '--only', '--people', '--appservice', '--journal', '--media', '--concurrency'];

export async function uploadCommand(cmd: 'upload' | 'verify-target', argv: string[], usage: string, io: UploadCliIo = defaultIo()): Promise<number> {
  let args: ParsedArgs;
  let input: UploadInput;
  let homeserverArg: string;
  let userId: string;
  let registration: ReturnType<typeof readRegistration> | null = null;
  try {
    if (argv.some((a) => a.startsWith('--password'))) throw new UsageError('passwords are never given on the command line: set PEREEZD_MATRIX_PASSWORD or type it when asked');
    args = parseArgs(argv, { flags: ['--invite', '--json', ...(cmd === 'verify-target' ? ['--resend', '--no-media'] : [])], values: COMMON_VALUES });
    const hs = args.values.get('--homeserver');
    const user = args.values.get('--user');
    if (!hs) throw new UsageError('--homeserver URL is required');
    if (!user) throw new UsageError('--user @name:server is required');
    if (!/^@[^:\s]+:\S+$/.test(user)) throw new UsageError(`--user: ${user} is not a Matrix id like @name:server`);
    if (args.positionals.length === 0) throw new UsageError('give at least one model folder (the output of "pereezd clean" or "pereezd convert")');
    homeserverArg = hs;
    userId = user;
    const models = args.positionals.map((p) => path.resolve(p));
    for (const m of models) if (!existsSync(path.join(m, 'messages.jsonl'))) throw new UsageError(`${m}: not a model folder (no messages.jsonl); give the output folder of "pereezd clean" or "pereezd convert"`);
    const appservice = args.values.get('--appservice');
    if (appservice) registration = readRegistration(path.resolve(appservice));
    const people = args.values.get('--people');
    const only = args.values.get('--only');
    const media = args.values.get('--media');
    const concurrencyArg = args.values.get('--concurrency');
    const concurrency = concurrencyArg === undefined ? 1 : Number(concurrencyArg);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 8) throw new UsageError(`--concurrency: ${concurrencyArg} is not a whole number from 1 to 8`);
    input = {
      models,
      journalDir: path.resolve(args.values.get('--journal') ?? path.join(models[0]!, 'matrix-journal')),
      userId,
      ...(args.values.get('--pilot') ? { pilot: args.values.get('--pilot')! } : {}),
      ...(only ? { only: only.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      ...(people ? { people: readPeople(path.resolve(people)) } : {}),
      ...(args.flags.has('--invite') ? { invite: true } : {}),
      ...(media ? { mediaRoots: [path.resolve(media)] } : {}),
      ...(registration ? { appservice: true } : {}),
      ...(concurrency > 1 ? { concurrency } : {}),
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`pereezd ${cmd}: ${err.message}\n${usage}`);
    return 2;
  }

  const controller = new AbortController();
  const onSigint = () => {
    io.stderr.write('\nstopping after the current event… (run the same command again to continue)\n');
    controller.abort(new Error('cancelled'));
  };
  process.once('SIGINT', onSigint);
  const progress = cmd === 'upload' ? progressPrinter(io, 'uploading', 'events') : progressPrinter(io, 'verifying', 'chats');
  const log = (line: string) => {
    if (io.env.PEREEZD_DEBUG) io.stderr.write(`${line}\n`);
  };
  try {
    const baseUrl = await discoverHomeserver(homeserverArg, controller.signal);
    let client: MatrixClient;
    if (registration) client = new MatrixClient({ baseUrl, accessToken: registration.asToken, log });
    else {
      client = (
        await signIn({ homeserver: baseUrl, userId, password: () => askPassword(io, userId), stateDir: input.journalDir, store: io.store, client: { log }, signal: controller.signal })
      ).client;
    }
    // A `pereezd clean` output recorded on this computer: the result goes to that source set's report.
    const cfg = configDir(io.env);
    const workId = input.models.length === 1 ? await workIdOfModel(cfg, input.models[0]!) : null;
    const forReport = (what: string) =>
      io.stderr.write(
        workId
          ? `${what} recorded for "pereezd report" (the sources cleaned into ${input.models[0]})
`
          : `${what} not recorded for "pereezd report": ${input.models.length === 1 ? 'this folder is not a "pereezd clean" output made on this computer' : 'several model folders were given'}
`,
      );
    if (cmd === 'upload') {
      const r = await runUpload(input, { client, progress, log }, controller.signal);
      progress.end();
      if (workId) await recordUpload(cfg, workId, r, baseUrl);
      forReport('upload');
      if (args.flags.has('--json')) io.stdout.write(`${JSON.stringify(r)}\n`);
      else {
        io.stdout.write(
          `${input.pilot !== undefined ? 'pilot ' : ''}upload to ${baseUrl} as ${r.userId}: ${plural(r.totals.chats, 'chat')}, ${plural(r.totals.rooms, 'room')} (${r.totals.roomsCreated} new), ` +
            `${plural(r.totals.sent, 'event')} sent, ${r.totals.alreadyThere} already there, ${plural(r.totals.media, 'file')} uploaded in ${r.seconds.toFixed(1)} s` +
            `${r.totals.rateLimited ? ` (waited for rate limits ${r.totals.rateLimited}×)` : ''}\n`,
        );
        for (const c of r.chats) if (c.roomId) io.stdout.write(`  ${c.chatId}  ${c.title} → ${c.roomId}${c.dm ? ` (direct chat with ${c.dm})` : ''}: ${c.sent} sent, ${c.alreadyThere} already there\n`);
        for (const p of r.problems.slice(0, 50)) io.stdout.write(`  ! ${p.message}\n`);
        if (r.problems.length > 50) io.stdout.write(`  … and ${r.problems.length - 50} more problems\n`);
      }
      return 0;
    }
    const v = await runVerifyTarget({ ...input, resend: args.flags.has('--resend'), checkMedia: !args.flags.has('--no-media') }, { client, progress, log }, controller.signal);
    progress.end();
    if (workId) await recordVerifyTarget(cfg, workId, v, baseUrl);
    forReport('read-back');
    if (args.flags.has('--json')) io.stdout.write(`${JSON.stringify(v)}\n`);
    else {
      const t = v.totals;
      io.stdout.write(
        `read back ${plural(t.chats, 'chat')}: ${t.found}/${t.expected} events found, ${t.missing} missing, ${t.duplicates} duplicated, ${t.unknown} unknown; ` +
          `media ${t.mediaChecked - t.mediaMismatched}/${t.mediaChecked} with the same SHA-256${v.resent ? `; re-sent ${v.resent.totals.sent}` : ''}\n`,
      );
      for (const c of v.chats) {
        io.stdout.write(`  ${c.status === 'ok' || c.status === 'empty' ? 'ok' : c.status.toUpperCase()}  ${c.chatId}  ${c.title}: ${c.found}/${c.expected}` +
          `${c.missing ? `, missing ${c.missingIds.join(' ')}${c.missing > c.missingIds.length ? ' …' : ''}` : ''}${c.duplicates ? `, ${c.duplicates} duplicated` : ''}` +
          `${c.media.mismatched ? `, ${c.media.mismatched} files differ` : ''}\n`);
      }
    }
    return v.totals.ok === v.totals.chats ? 0 : 1;
  } catch (err) {
    progress.end();
    if (controller.signal.aborted) return 130;
    if (err instanceof MatrixError || err instanceof SignInError || err instanceof UploadError || err instanceof ModelError || err instanceof KeychainUnavailableError || err instanceof UsageError) {
      io.stderr.write(`pereezd ${cmd}: ${err.message}\n`);
      return err instanceof UsageError ? 2 : 1;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
