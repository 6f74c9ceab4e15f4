/**
 * Handlers for the channels in shared/ipc/matrix.ts: sign-in, people mapping, pilot, upload and read-back for
 * the wizard, on top of the Matrix engine (main/engine/matrix).
 *
 * Secrets: the password is used for one /login and dropped; the access token goes to the OS keychain (service
 * `com.pereezd.matrix`, the CLI's entry) and never to a file or the renderer. When no keychain can be reached
 * the token stays in this process's memory only, and the session says so. `session.json` (homeserver, user id,
 * device id: nothing secret) sits in `<config>/matrix` (0700) so every later sign-in reuses the device.
 *
 * What is uploaded: the Clean step's output folder for the source set (`<config>/clean/<workId>`), or, when
 * Clean was not run, a convert of the sources into `<config>/matrix/work/<workId>/model` (`matrix:prepare`).
 * The journal of each (homeserver, user, source set) lives in `<config>/matrix/journals/<hash>` (0700), so
 * an upload stopped by a crash, a reboot or Cancel continues where it stopped when started again.
 *
 * One Matrix job at a time (sends are serialised per account, matrix.md §3). While the server makes us wait
 * (429), the job's progress carries `waitMs`/`waitUntil` so the UI can say how long.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
  MatrixChatRow, MatrixEstimate, MatrixFailure, MatrixPilotResult, MatrixSession, MatrixStatus, MatrixUploadOutput, MatrixVerifySummary,
} from '../../../shared/ipc/matrix.js';
import type { matrixInvoke } from '../../../shared/ipc/matrix.js';
import { PlanSchema, SYNAPSE_DEFAULT_PROFILE, type JobProgress, type Plan, type SourceOptions } from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';
import { KeychainUnavailableError, type SecretStore } from '../backup/secret-store.js';
import type { ChatLine } from '../clean/types.js';
import { discoverHomeserver, MatrixClient, MatrixError, type RetryPolicy } from '../matrix/client.js';
import { keychainAccount, matrixKeychain, readSessionFile, type SessionFile } from '../matrix/session.js';
import { createPauseControl, runUpload, type PauseControl } from '../matrix/upload.js';
import { runVerifyTarget } from '../matrix/verify-target.js';
import { recordUpload, recordVerifyTarget } from '../finish/hooks.js';
import { runConvert } from '../pipeline/convert.js';
import type { IProgress } from '../progress.js';
import { combineOptions } from './clean.js';
import { workIdOf } from './clean-work.js';
import { JournalWatcher } from './matrix-journal-view.js';
import { PeopleBook } from './matrix-people.js';
import type { AreaContext, AreaService } from './types.js';
import { forEachJsonLine, readJsonFile } from '../json-files.js';

/** A request that cannot be carried out as asked; shown to the user with its message. */
export class MatrixServiceError extends Error {}

export interface MatrixServiceOptions {
  /** Where the access token lives (default: the OS keychain). */
  store?: SecretStore;
  /** Injected for tests. */
  fetchImpl?: typeof fetch;
  retry?: Partial<RetryPolicy>;
  /** fsync the journal after every record (default true). */
  fsync?: boolean;
}

type RunKind = 'prepare' | 'pilot' | 'upload' | 'verify';
interface Running {
  jobId: string;
  kind: RunKind;
  workId: string;
  control: PauseControl | null;
  refresh: () => void;
}

const matrixTo = (roomId: string) => `https://matrix.to/#/${encodeURIComponent(roomId)}`;
const h16 = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

async function privateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(dir, 0o700);
}

/** Sorts a sign-in / discovery failure into what the UI says. */
export function failureOf(err: unknown, retryAfterMs: number | null): MatrixFailure {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof KeychainUnavailableError) return { ok: false, problem: 'keychain', message };
  if (err instanceof MatrixError) {
    if (err.endpoint === 'discovery') return { ok: false, problem: err.unreachable ? 'unreachable' : 'not-matrix', message };
    if (err.status === 429 || err.kind === 'rate-limited') return { ok: false, problem: 'rate-limited', message, ...(retryAfterMs ? { retryAfterMs } : {}) };
    if (err.kind === 'network') return { ok: false, problem: 'unreachable', message };
    if (err.errcode === 'M_USER_DEACTIVATED') return { ok: false, problem: 'deactivated', message };
    if (err.errcode === 'M_FORBIDDEN' || err.status === 403 || err.status === 401) return { ok: false, problem: 'wrong-password', message };
    if (err.errcode === 'M_INVALID_USERNAME' || err.errcode === 'M_INVALID_PARAM' || err.status === 400) return { ok: false, problem: 'bad-user', message };
    if (err.status === 404 || err.status === 405 || err.kind === 'bad-response') return { ok: false, problem: 'not-matrix', message };
  }
  return { ok: false, problem: 'failed', message };
}

/** Wraps a job's progress: adds the pause flag and, while the server makes us wait, the wait. */
function uploadProgress(out: IProgress<JobProgress>, control: PauseControl | null, now: () => number) {
  let last: JobProgress | null = null;
  let waitUntil = 0;
  let waitMs = 0;
  const emit = () => {
    if (!last) return;
    const counters: Record<string, number> = { ...(last.counters ?? {}) };
    if (now() < waitUntil) {
      counters.waitMs = waitMs;
      counters.waitUntil = waitUntil;
    }
    if (control) counters.paused = control.paused ? 1 : 0;
    out.report({ ...last, counters });
  };
  return {
    progress: {
      report(p: JobProgress) {
        last = p;
        emit();
      },
    } satisfies IProgress<JobProgress>,
    limited(ms: number) {
      waitMs = ms;
      waitUntil = now() + ms;
      emit();
    },
    refresh: emit,
  };
}

export function createMatrixService(ctx: AreaContext, opts: MatrixServiceOptions = {}): AreaService<keyof typeof matrixInvoke> {
  const store = opts.store ?? matrixKeychain();
  const stateDir = path.join(ctx.configDir, 'matrix');
  const now = () => ctx.deps.now?.() ?? Date.now();
  const people = new PeopleBook(ctx.configDir);
  const watchers = new Map<string, JournalWatcher>();
  const chatCache = new Map<string, { stamp: string; chats: ChatLine[] }>();
  let running: Running | null = null;
  let client: MatrixClient | null = null;
  let tokenIn: MatrixSession['tokenIn'] = null;
  let keychainProblem: string | null = null;
  let tokenWorks: boolean | null = null;
  /** Set while a job runs: told of every 429 with the wait the server asked for. */
  let onLimited: ((ms: number) => void) | null = null;
  let lastLimitMs = 0;

  const rateLimited = (ms: number) => {
    lastLimitMs = ms;
    onLimited?.(ms);
  };
  const newClient = (baseUrl: string, extra: { accessToken?: string; userId?: string; deviceId?: string; retry?: Partial<RetryPolicy> } = {}) =>
    new MatrixClient({
      baseUrl, ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}), onRateLimited: rateLimited, ...extra, retry: { ...opts.retry, ...extra.retry },
    });

  const session = (): MatrixSession => ({
    signedIn: !!client?.accessToken, homeserver: client?.baseUrl ?? null, userId: client?.userId ?? null, deviceId: client?.deviceId ?? null,
    tokenIn: client?.accessToken ? tokenIn : null, keychainProblem, tokenWorks,
  });

  /** Brings back the sign-in of an earlier start (session.json + the keychain's token). */
  const restore = async (): Promise<void> => {
    if (client) return;
    const saved = readSessionFile(stateDir);
    if (!saved) return;
    let token: string | null = null;
    try {
      token = await store.get(keychainAccount(saved.homeserver, saved.userId));
      keychainProblem = null;
    } catch (err) {
      keychainProblem = (err as Error).message;
      return;
    }
    if (!token) return;
    const c = newClient(saved.homeserver, { accessToken: token, userId: saved.userId, deviceId: saved.deviceId });
    try {
      const who = await c.whoami();
      tokenWorks = who.user_id === saved.userId;
    } catch (err) {
      if (err instanceof MatrixError && (err.status === 401 || err.status === 403)) {
        tokenWorks = false;
        await store.delete(keychainAccount(saved.homeserver, saved.userId)).catch(() => false);
        return;
      }
      tokenWorks = null; // the server did not answer: keep the token, say nothing is known
    }
    client = c;
    tokenIn = 'keychain';
  };

  const signedIn = async (): Promise<MatrixClient> => {
    await restore();
    if (!client?.accessToken || !client.userId) throw new MatrixServiceError('not signed in to the new service: sign in on the Connect step first');
    return client;
  };

  const discover = async (server: string, signal?: AbortSignal): Promise<{ homeserver: string; viaWellKnown: boolean }> => {
    const input = server.trim();
    const fetchOnce = opts.fetchImpl ?? fetch;
    try {
      const homeserver = await discoverHomeserver(input, signal, fetchOnce, { attempts: 2, delayMs: 300 });
      return { homeserver, viaWellKnown: !/^https?:\/\//i.test(input) };
    } catch (err) {
      // A bare loopback address (`127.0.0.1:8008`, `localhost:8008`) is tried over plain http as well.
      if (!/^https?:\/\//i.test(input) && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i.test(input)) {
        const homeserver = await discoverHomeserver(`http://${input}`, signal, fetchOnce, { attempts: 1 });
        return { homeserver, viaWellKnown: false };
      }
      throw err;
    }
  };

  // ---- the source set -----------------------------------------------------------------------------
  const cleanDirOf = (workId: string) => path.join(ctx.configDir, 'clean', workId);
  const convertDirOf = (workId: string) => path.join(stateDir, 'work', workId, 'model');
  const modelOf = (paths: string[]): { workId: string; kind: 'clean' | 'convert'; dir: string } | { workId: string; kind: null; dir: null } => {
    const workId = workIdOf(paths);
    const c = cleanDirOf(workId);
    if (existsSync(path.join(c, 'run.json')) && existsSync(path.join(c, 'messages.jsonl')) && existsSync(path.join(c, 'chats.jsonl'))) return { workId, kind: 'clean', dir: c };
    const v = convertDirOf(workId);
    if (existsSync(path.join(v, '.complete'))) return { workId, kind: 'convert', dir: v };
    return { workId, kind: null, dir: null };
  };
  const needModel = (paths: string[]) => {
    const m = modelOf(paths);
    if (!m.kind) throw new MatrixServiceError('the exports have not been read for the upload yet: run the Clean step, or prepare them on this step');
    return m;
  };
  const journalDirOf = (c: MatrixClient, workId: string) => path.join(stateDir, 'journals', h16(`${c.baseUrl}\n${c.userId}\n${workId}`));
  const watcher = (dir: string) => {
    let w = watchers.get(dir);
    if (!w) watchers.set(dir, (w = new JournalWatcher(dir)));
    return w;
  };

  const planOf = async (m: { kind: 'clean' | 'convert' | null; dir: string | null }): Promise<Plan | null> => {
    if (m.kind !== 'clean' || !m.dir) return null;
    const raw = await readJsonFile<unknown>(path.join(m.dir, 'plan.json'));
    const p = PlanSchema.safeParse(raw);
    return p.success ? p.data : null;
  };

  const estimateOf = (plan: Plan | null): MatrixEstimate => {
    const rate = SYNAPSE_DEFAULT_PROFILE.message!;
    if (!plan) return { plan: null, rate: { perSecond: rate.perSecond, burst: rate.burst } };
    const t = plan.totals;
    return {
      plan: {
        chats: t.chats, create: t.create, merge: t.merge, skip: t.skip, messages: t.messages, events: t.events, media: t.media, mediaBytes: t.mediaBytes,
        sends: t.sends, estimateMs: t.estimateMs, estimateFastMs: t.estimateFastMs,
      },
      rate: { perSecond: rate.perSecond, burst: rate.burst },
    };
  };

  const chatsOf = (dir: string): ChatLine[] => {
    const file = path.join(dir, 'chats.jsonl');
    const st = existsSync(file) ? statSync(file) : null;
    const stamp = st ? `${st.size}:${st.mtimeMs}` : 'none';
    const hit = chatCache.get(dir);
    if (hit && hit.stamp === stamp) return hit.chats;
    const chats: ChatLine[] = [];
    const seen = new Set<string>();
    // The uploader reports bad lines of chats.jsonl itself.
    forEachJsonLine<ChatLine>(file, (c) => {
      if (typeof c.id === 'string' && typeof c.title === 'string' && !seen.has(c.id)) {
        seen.add(c.id);
        chats.push(c);
      }
    });
    chatCache.set(dir, { stamp, chats });
    return chats;
  };

  const excluded = async () => new Set((await ctx.settings.get()).excludedChats);

  /** Starts a job of this area (one at a time). */
  const launch = (
    kind: RunKind, workId: string, control: PauseControl | null,
    work: (job: { signal: AbortSignal; progress: ReturnType<typeof uploadProgress> }) => Promise<Record<string, string | number | boolean | null>>,
  ): string => {
    if (running) throw new MatrixServiceError(`another upload task is running (${running.kind}); wait for it to finish, or cancel it first`);
    let wrapped: ReturnType<typeof uploadProgress> | null = null;
    const jobId = ctx.jobs.run(kind === 'verify' ? 'verify-target' : 'upload', async (job) => {
      wrapped = uploadProgress(job.progress, control, now);
      onLimited = (ms) => wrapped?.limited(ms);
      try {
        return { kind, ...(await work({ signal: job.signal, progress: wrapped })) };
      } finally {
        onLimited = null;
      }
    });
    running = { jobId, kind, workId, control, refresh: () => wrapped?.refresh() };
    void ctx.jobs.settled(jobId).then(() => {
      if (running?.jobId === jobId) running = null;
    });
    return jobId;
  };

  const uploadInput = async (paths: string[], c: MatrixClient, signal: AbortSignal) => {
    const m = needModel(paths);
    const cleanDir = m.kind === 'clean' ? m.dir : null;
    const journalDir = journalDirOf(c, m.workId);
    await privateDir(stateDir);
    await privateDir(path.dirname(journalDir));
    await privateDir(journalDir);
    const record = await people.uploadRecord(cleanDir, m.dir, c.userId!, signal);
    return {
      m, journalDir,
      input: { models: [m.dir], journalDir, people: record, excludeChats: [...(await excluded())], userId: c.userId!, fsync: opts.fsync ?? true },
    };
  };

  return {
    async 'matrix:discover'({ server }) {
      try {
        const r = await discover(server);
        const versions = (await newClient(r.homeserver).versions()).versions;
        return { ok: true, homeserver: r.homeserver, versions, viaWellKnown: r.viaWellKnown };
      } catch (err) {
        return failureOf(err, null);
      }
    },

    async 'matrix:login'({ server, user, password }) {
      if (running) return { ok: false, problem: 'failed', message: `an upload task is running (${running.kind}); cancel it before signing in again` };
      let homeserver: string;
      try {
        homeserver = (await discover(server)).homeserver;
      } catch (err) {
        return failureOf(err, null);
      }
      const saved = readSessionFile(stateDir);
      // The user as typed: `@name:server` or `name` (the server completes it).
      const c = newClient(homeserver, { retry: { max429: 0, maxFailures: 1 } });
      lastLimitMs = 0;
      try {
        const reuse = saved && saved.homeserver === homeserver && (saved.userId === user || saved.userId.startsWith(`@${user.replace(/^@/, '')}:`)) ? saved.deviceId : undefined;
        await c.login({ user, password }, { ...(reuse ? { deviceId: reuse } : {}), deviceName: 'Pereezd migration' });
      } catch (err) {
        return failureOf(err, lastLimitMs || null);
      }
      // Signed in: the earlier account's token (if another) is signed out first.
      if (client?.accessToken && (client.userId !== c.userId || client.baseUrl !== c.baseUrl)) {
        await client.logout().catch(() => undefined);
        await store.delete(keychainAccount(client.baseUrl, client.userId ?? '')).catch(() => false);
      }
      const signedInClient = newClient(homeserver, { accessToken: c.accessToken!, userId: c.userId!, deviceId: c.deviceId! });
      try {
        await store.set(keychainAccount(homeserver, c.userId!), c.accessToken!);
        tokenIn = 'keychain';
        keychainProblem = null;
      } catch (err) {
        tokenIn = 'memory';
        keychainProblem = (err as Error).message;
      }
      await privateDir(stateDir);
      const file: SessionFile = { homeserver, userId: c.userId!, deviceId: c.deviceId! };
      await writeFileAtomic(path.join(stateDir, 'session.json'), `${JSON.stringify(file, null, 2)}\n`, 0o600);
      client = signedInClient;
      tokenWorks = true;
      return { ok: true, session: session() };
    },

    async 'matrix:session'() {
      await restore();
      return session();
    },

    async 'matrix:logout'() {
      if (running) throw new MatrixServiceError(`an upload task is running (${running.kind}); cancel it before signing out`);
      await restore();
      const c = client;
      client = null;
      tokenWorks = null;
      tokenIn = null;
      if (c?.accessToken) {
        // Signed out on the server when it answers; the token leaves the keychain in any case.
        await c.logout().catch(() => undefined);
        try {
          await store.delete(keychainAccount(c.baseUrl, c.userId ?? ''));
        } catch (err) {
          keychainProblem = (err as Error).message;
        }
      }
      await rm(path.join(stateDir, 'session.json'), { force: true });
      return session();
    },

    async 'matrix:status'({ paths }) {
      await restore();
      const m = modelOf(paths);
      const plan = await planOf(m);
      let journal: MatrixStatus['journal'] = null;
      let pilot: MatrixPilotResult | null = null;
      let verify: MatrixVerifySummary | null = null;
      if (client?.userId) {
        const dir = journalDirOf(client, m.workId);
        const v = watcher(dir).read();
        const real = (k: string) => !k.startsWith('pilot:');
        const started = [...v.rooms.keys()].filter(real);
        if (started.length) {
          journal = {
            chatsStarted: started.length, chatsDone: [...v.done].filter(real).length,
            sent: [...v.sent.entries()].filter(([k]) => real(k)).reduce((n, [, x]) => n + x, 0),
          };
        }
        pilot = await readJsonFile<MatrixPilotResult>(path.join(dir, 'pilot.json'));
        verify = (await readJsonFile<{ summary: MatrixVerifySummary }>(path.join(dir, 'verify.json')))?.summary ?? null;
      }
      const r = running && running.workId === m.workId ? { jobId: running.jobId, kind: running.kind, paused: running.control?.paused ?? false } : null;
      return { model: m.kind ? { kind: m.kind, dir: m.dir } : null, running: r, journal, pilot, verify, estimate: estimateOf(plan) };
    },

    async 'matrix:prepare'({ paths, options }) {
      const workId = workIdOf(paths);
      let sourceOptions: SourceOptions;
      try {
        sourceOptions = combineOptions(options);
      } catch (err) {
        throw new MatrixServiceError((err as Error).message);
      }
      const jobId = launch('prepare', workId, null, async ({ signal, progress }) => {
        const out = convertDirOf(workId);
        await privateDir(stateDir);
        await privateDir(path.join(stateDir, 'work'));
        await privateDir(path.dirname(out));
        await rm(out, { recursive: true, force: true });
        await privateDir(out);
        const r = await runConvert({ paths, outDir: out, options: sourceOptions }, { progress: progress.progress }, signal);
        await writeFile(path.join(out, '.complete'), `${new Date(now()).toISOString()}\n`, { mode: 0o600 });
        return { chats: r.counts.chats, messages: r.counts.messages, problems: r.counts.problems };
      });
      return { jobId };
    },

    async 'matrix:people'({ paths, offset, limit, query, filter, suggest }) {
      await restore();
      const m = modelOf(paths);
      return people.page(m.kind === 'clean' ? m.dir : null, {
        offset, limit, ...(query !== undefined ? { query } : {}), ...(filter ? { filter } : {}), client: client?.accessToken ? client : null, suggest: !!suggest,
      });
    },

    async 'matrix:map'({ paths, personId, account }) {
      const m = modelOf(paths);
      if (m.kind !== 'clean') throw new MatrixServiceError('people are mapped from the Clean step\'s results: run the Clean step first');
      try {
        return { person: await people.map(m.dir, personId, account, client?.userId ?? null) };
      } catch (err) {
        throw new MatrixServiceError((err as Error).message);
      }
    },

    async 'matrix:chats'({ paths, offset, limit }) {
      await restore();
      const m = modelOf(paths);
      if (!m.kind) return { total: 0, offset, items: [] };
      const plan = await planOf(m);
      const planned = new Map((plan?.chats ?? []).map((c) => [c.chatId, c]));
      const ex = await excluded();
      const v = client?.userId ? watcher(journalDirOf(client, m.workId)).read() : null;
      const verify = client?.userId ? await readJsonFile<{ chats: Record<string, NonNullable<MatrixChatRow['verify']>> }>(path.join(journalDirOf(client, m.workId), 'verify.json')) : null;
      const runningHere = running && running.workId === m.workId && running.kind === 'upload';
      const all = chatsOf(m.dir);
      const items = all.slice(offset, offset + limit).map((c): MatrixChatRow => {
        const p = planned.get(c.id);
        const roomId = v?.rooms.get(c.id) ?? null;
        const done = v?.done.has(c.id) ?? false;
        const skipReason = ex.has(c.id) ? 'excluded' : c.messages + c.events === 0 ? 'empty' : null;
        let state: MatrixChatRow['state'] = skipReason ? 'skipped' : done ? 'done' : 'waiting';
        if (!skipReason && !done && runningHere && roomId) state = 'running';
        return {
          chatId: c.id, title: c.title, type: c.type, messages: c.messages, planned: p ? p.sends : null, sent: v?.sent.get(c.id) ?? 0, state, skipReason,
          roomId, link: roomId ? matrixTo(roomId) : null, verify: verify?.chats?.[c.id] ?? null,
        };
      });
      return { total: all.length, offset, items };
    },

    async 'matrix:pilot'({ paths, chatId }) {
      const c = await signedIn();
      const m = needModel(paths);
      if (!chatsOf(m.dir).some((x) => x.id === chatId)) throw new MatrixServiceError(`chat ${chatId} is not among the chats read from these sources`);
      const control = createPauseControl();
      const jobId = launch('pilot', m.workId, control, async ({ signal, progress }) => {
        const { input, journalDir } = await uploadInput(paths, c, signal);
        const r = await runUpload({ ...input, pilot: chatId }, { client: c, progress: progress.progress, control }, signal);
        const chat = r.chats[0];
        if (!chat?.roomId) throw new MatrixServiceError(`chat ${chatId}: nothing to upload (it has no messages)`);
        const name = (await c.getState<{ name?: string }>(chat.roomId, 'm.room.name', '', signal))?.name ?? chat.title;
        const page = await c.messages(chat.roomId, { dir: 'f', limit: 12, filter: { types: ['m.room.message'] }, signal });
        const lines = page.chunk.slice(0, 8).map((e) => ({
          sender: e.sender, body: typeof e.content.body === 'string' ? e.content.body.slice(0, 2000) : '', msgtype: typeof e.content.msgtype === 'string' ? e.content.msgtype : '',
        }));
        const result: MatrixPilotResult = {
          chatId, title: chat.title, roomId: chat.roomId, roomName: name, link: matrixTo(chat.roomId), sent: chat.sent, alreadyThere: chat.alreadyThere,
          media: r.totals.media, placeholders: chat.placeholders, lines, finishedAt: new Date(now()).toISOString(),
        };
        await writeFileAtomic(path.join(journalDir, 'pilot.json'), `${JSON.stringify(result)}\n`, 0o600);
        const out: MatrixUploadOutput = {
          kind: 'pilot', chats: r.totals.chats, rooms: r.totals.rooms, sent: r.totals.sent, alreadyThere: r.totals.alreadyThere, media: r.totals.media,
          placeholders: r.totals.placeholders, rateLimited: r.totals.rateLimited, problems: r.problems.length,
        };
        return out;
      });
      return { jobId };
    },

    async 'matrix:upload'({ paths }) {
      const c = await signedIn();
      const m = needModel(paths);
      const control = createPauseControl();
      const jobId = launch('upload', m.workId, control, async ({ signal, progress }) => {
        const { input, journalDir } = await uploadInput(paths, c, signal);
        const r = await runUpload(input, { client: c, progress: progress.progress, control }, signal);
        await recordUpload(ctx.configDir, m.workId, r, c.baseUrl);
        await writeFileAtomic(
          path.join(journalDir, 'last-upload.json'),
          `${JSON.stringify({ finishedAt: new Date(now()).toISOString(), totals: r.totals, problems: r.problems.slice(0, 500) })}\n`, 0o600,
        );
        const out: MatrixUploadOutput = {
          kind: 'upload', chats: r.totals.chats, rooms: r.totals.rooms, sent: r.totals.sent, alreadyThere: r.totals.alreadyThere, media: r.totals.media,
          placeholders: r.totals.placeholders, rateLimited: r.totals.rateLimited, problems: r.problems.length,
        };
        return out;
      });
      return { jobId };
    },

    async 'matrix:pause'({ jobId, paused }) {
      if (!running || running.jobId !== jobId || !running.control) throw new MatrixServiceError('no upload with this id is running');
      if (paused) running.control.pause();
      else running.control.resume();
      running.refresh();
      return { paused: running.control.paused };
    },

    async 'matrix:verify'({ paths, resend }) {
      const c = await signedIn();
      const m = needModel(paths);
      const jobId = launch('verify', m.workId, null, async ({ signal, progress }) => {
        const { input, journalDir } = await uploadInput(paths, c, signal);
        const r = await runVerifyTarget({ ...input, resend: !!resend }, { client: c, progress: progress.progress }, signal);
        await recordVerifyTarget(ctx.configDir, m.workId, r, c.baseUrl);
        const summary: MatrixVerifySummary = { ...r.totals, finishedAt: new Date(now()).toISOString() };
        const chats: Record<string, NonNullable<MatrixChatRow['verify']>> = {};
        for (const x of r.chats) {
          chats[x.chatId] = { expected: x.expected, found: x.found, missing: x.missing, duplicates: x.duplicates, mediaMismatched: x.media.mismatched, status: x.status };
        }
        await writeFileAtomic(path.join(journalDir, 'verify.json'), `${JSON.stringify({ summary, chats })}\n`, 0o600);
        return { ...r.totals, resent: r.resent?.totals.sent ?? 0 };
      });
      return { jobId };
    },
  };
}
