/**
 * The Connect, Pilot and Upload steps' channels end to end through the contract (`dispatch`: strict zod, then the
 * handler), against a REAL Synapse (profile 'fast', user directory searching all users) and the REAL Secret
 * Service of the throwaway keyring started by scripts/with-keyring.sh:
 * sign-in errors in words (unreachable, not Matrix, wrong password), the token only in the keychain, people from
 * the Clean step with directory suggestions and a mapping stored in the identity map, a pilot room read back, the
 * full upload (a DM for the mapped person), a read-back with 0 missing / 0 duplicates, a re-run that sends
 * nothing, pause that holds the sends, a cancelled upload continued by a NEW service (an app restart) with no
 * duplicates, and sign-out removing the token.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixChatRow, MatrixPeoplePage, MatrixSession, MatrixStatus } from '../../shared/ipc/matrix.js';
import type { JobState } from '../../shared/model/index.js';
import { OsKeychain } from '../../main/engine/backup/secret-store.js';
import { dispatch } from '../../main/engine/dispatch.js';
import { createJobRunner, type JobRunner } from '../../main/engine/jobs/job-runner.js';
import { MatrixClient } from '../../main/engine/matrix/client.js';
import { keychainAccount } from '../../main/engine/matrix/session.js';
import { PROVENANCE_KEY } from '../../main/engine/matrix/txn.js';
import type { Service } from '../../main/engine/service.js';
import { createCleanService } from '../../main/engine/services/clean.js';
import { createMatrixService } from '../../main/engine/services/matrix.js';
import { createSettingsStore } from '../../main/engine/settings.js';
import { makeTelegramExport, media } from '../helpers/backup-fixtures.js';
import { requireKeyringSession } from '../helpers/keyring-session.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';

const temps: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};

interface Harness {
  configDir: string;
  jobs: JobRunner;
  call<T = unknown>(channel: string, req: unknown): Promise<T>;
  raw(channel: string, req: unknown): ReturnType<typeof dispatch>;
}

/** One app core (clean + matrix areas, job runner) on a config folder; a second one on the same folder is a restart. */
function harness(configDir: string, store: OsKeychain, events: JobState[] = []): Harness {
  const send = ((_ch: string, p: JobState) => events.push(p)) as Parameters<typeof createJobRunner>[0]['send'];
  const jobs = createJobRunner({ send, throttleMs: 20 });
  const area = { deps: { host: 'web' as const, send, version: 'test', locale: 'ru-RU' }, jobs, settings: createSettingsStore(configDir), configDir };
  const service = {
    ...createCleanService(area),
    ...createMatrixService(area, { store }),
    'job:cancel': async ({ jobId }: { jobId: string }) => ({ cancelled: jobs.cancel(jobId) }),
  } as unknown as Service;
  const raw = (channel: string, req: unknown) => dispatch(service, channel, req);
  return {
    configDir, jobs, raw,
    async call<T>(channel: string, req: unknown): Promise<T> {
      const env = await raw(channel, req);
      if (!env.ok) throw new Error(`${channel}: ${env.error.code} ${env.error.message}`);
      return env.value as T;
    },
  };
}

async function done(h: Harness, jobId: string): Promise<JobState> {
  const s = (await h.jobs.settled(jobId))!;
  expect(s.error?.message ?? null).toBeNull();
  expect(s.phase).toBe('done');
  return s;
}

async function rows(h: Harness, paths: string[]): Promise<MatrixChatRow[]> {
  return (await h.call<{ items: MatrixChatRow[] }>('matrix:chats', { paths, offset: 0, limit: 500 })).items;
}

let hs: Synapse;
let ivan: RegisteredUser;
let store: OsKeychain;
let exportDir: string;
let bigExport: string;
let notMatrix: Server;
let notMatrixUrl = '';

beforeAll(async () => {
  requireKeyringSession();
  store = new OsKeychain(`com.pereezd.test-matrix-${randomUUID()}`);
  hs = await startSynapse({ profile: 'fast', extraConfig: 'user_directory: {enabled: true, search_all_users: true}\n' });
  ivan = await hs.register('ivan', { password: 'correct horse battery', displayname: 'Test Owner' });
  // The person of chat 100 is contact 100 of the export: «Имя0 Фамилия0».
  await hs.register('anna', { displayname: 'Имя0 Фамилия0' });
  const root = tmp('pereezd-mxsvc-data-');
  exportDir = makeTelegramExport(path.join(root, 'export'), [
    { id: 100, name: 'Имя0 Фамилия0', messages: [{ text: 'Привет' }, { text: 'Фото', photo: media('photos/p1.jpg', 3000, 'p1') }, { text: 'Пока <b>не HTML</b>' }] },
    { id: 502, name: 'Work', type: 'private_group', messages: [{ text: 'hello' }, { text: 'report', file: media('files/report.pdf', 9000, 'r') }, { text: 'bye' }] },
  ]);
  bigExport = makeTelegramExport(path.join(root, 'big'), [
    { id: 700, name: 'Long chat', type: 'private_group', messages: Array.from({ length: 400 }, (_, i) => ({ text: `line ${i + 1}` })) },
  ]);
  notMatrix = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>not here</h1>');
  });
  await new Promise<void>((r) => notMatrix.listen(0, '127.0.0.1', r));
  const addr = notMatrix.address();
  notMatrixUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}, 120_000);

afterAll(async () => {
  await hs?.stop();
  notMatrix?.close();
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('matrix channels: requests are validated before anything runs', () => {
  it.each([
    ['an unknown key', 'matrix:login', { server: 'x', user: 'ivan', password: 'p', remember: true }],
    ['an empty password', 'matrix:login', { server: 'x', user: 'ivan', password: '' }],
    ['a user name with spaces', 'matrix:login', { server: 'x', user: 'iv an', password: 'p' }],
    ['a server with quotes', 'matrix:discover', { server: '"evil"' }],
    ['a person id of another shape', 'matrix:map', { paths: ['/tmp'], personId: '../x', account: null }],
    ['an account that is not a Matrix id', 'matrix:map', { paths: ['/tmp'], personId: 'i-0123456789abcdef', account: '<script>' }],
    ['a page too large', 'matrix:people', { paths: ['/tmp'], offset: 0, limit: 100_000 }],
    ['a job id that is not a uuid', 'matrix:pause', { jobId: 'abc', paused: true }],
    ['no sources', 'matrix:upload', { paths: [] }],
  ])('refuses %s', async (_what, channel, req) => {
    const h = harness(tmp('pereezd-mxsvc-cfg-'), store);
    const env = await h.raw(channel, req);
    expect(env).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringContaining(channel) } });
  });
});

describe('Connect, Pilot, Upload through the service against a real Synapse', () => {
  let h: Harness;
  let configDir: string;
  const paths = () => [exportDir];

  beforeAll(() => {
    configDir = tmp('pereezd-mxsvc-cfg-');
    h = harness(configDir, store);
  });

  it('says in words why a server cannot be used: nothing listening, not a Matrix server; finds the real one', async () => {
    const closed = await h.call<{ ok: false; problem: string }>('matrix:discover', { server: 'http://127.0.0.1:9' });
    expect(closed).toMatchObject({ ok: false, problem: 'unreachable' });
    const web = await h.call<{ ok: false; problem: string }>('matrix:discover', { server: notMatrixUrl });
    expect(web).toMatchObject({ ok: false, problem: 'not-matrix' });
    const real = await h.call<{ ok: true; homeserver: string; versions: string[] }>('matrix:discover', { server: hs.baseUrl });
    expect(real.homeserver).toBe(hs.baseUrl);
    expect(real.versions).toContain('v1.11');
  });

  it('a wrong password is a wrong password, and nothing is stored', async () => {
    const r = await h.call<{ ok: false; problem: string; message: string }>('matrix:login', { server: hs.baseUrl, user: 'ivan', password: 'wrong' });
    expect(r).toMatchObject({ ok: false, problem: 'wrong-password' });
    expect(r.message).not.toContain('wrong');
    expect(await store.get(keychainAccount(hs.baseUrl, ivan.userId))).toBeNull();
    expect((await h.call<MatrixSession>('matrix:session', {})).signedIn).toBe(false);
  });

  it('signs in: the token goes to the keychain only — not to the reply, not to a file', async () => {
    const r = await h.call<{ ok: true; session: MatrixSession }>('matrix:login', { server: hs.baseUrl, user: 'ivan', password: ivan.password });
    expect(r.ok).toBe(true);
    expect(r.session).toMatchObject({ signedIn: true, homeserver: hs.baseUrl, userId: ivan.userId, tokenIn: 'keychain', tokenWorks: true });
    const token = await store.get(keychainAccount(hs.baseUrl, ivan.userId));
    expect(token).toMatch(/^syt_/);
    expect(JSON.stringify(r)).not.toContain(token!);
    const sessionFile = path.join(configDir, 'matrix', 'session.json');
    expect(JSON.parse(readFileSync(sessionFile, 'utf8'))).toEqual({ homeserver: hs.baseUrl, userId: ivan.userId, deviceId: r.session.deviceId });
    expect(statSync(sessionFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(configDir, 'matrix')).mode & 0o777).toBe(0o700);
    expect(readFileSync(sessionFile, 'utf8')).not.toContain(token!);
    // The token works on the server.
    expect((await new MatrixClient({ baseUrl: hs.baseUrl, accessToken: token! }).whoami()).user_id).toBe(ivan.userId);
  });

  it('before the exports are read there is no model, and the upload says what to do', async () => {
    const s = await h.call<MatrixStatus>('matrix:status', { paths: paths() });
    expect(s.model).toBeNull();
    const env = await h.raw('matrix:upload', { paths: paths() });
    expect(env).toMatchObject({ ok: false, error: { message: expect.stringContaining('run the Clean step') } });
  });

  it('after the Clean step: the plan estimate and the people, with directory suggestions; a mapping is stored', async () => {
    const { jobId } = await h.call<{ jobId: string }>('clean:start', { paths: paths(), region: 'RU' });
    await done(h, jobId);
    const s = await h.call<MatrixStatus>('matrix:status', { paths: paths() });
    expect(s.model?.kind).toBe('clean');
    expect(s.estimate.rate).toEqual({ perSecond: 0.2, burst: 10 });
    expect(s.estimate.plan).toMatchObject({ chats: 2, create: 2 });
    expect(s.estimate.plan!.sends).toBeGreaterThanOrEqual(6);
    expect(s.estimate.plan!.estimateMs).toBeGreaterThanOrEqual(s.estimate.plan!.estimateFastMs);

    const page = await h.call<MatrixPeoplePage>('matrix:people', { paths: paths(), offset: 0, limit: 50, suggest: true });
    expect(page.source).toBe('clean');
    const self = page.items.find((p) => p.self)!;
    expect(self.suggestion).toEqual({ account: ivan.userId, by: 'self' });
    const anna = page.items.find((p) => p.name === 'Имя0 Фамилия0')!;
    expect(anna).toMatchObject({ account: null, suggestion: { account: '@anna:localhost', by: 'name' }, mappable: true });
    expect(page.counts.suggested).toBeGreaterThanOrEqual(2);

    const mapped = await h.call<{ person: { account: string; by: string } }>('matrix:map', { paths: paths(), personId: anna.id, account: '@anna:localhost' });
    expect(mapped.person).toMatchObject({ account: '@anna:localhost', by: 'user' });
    const map = JSON.parse(readFileSync(path.join(configDir, 'identity-map.json'), 'utf8')) as { entries: { account: string }[] };
    expect(map.entries.map((e) => e.account)).toEqual(['@anna:localhost']);
    const onlyMapped = await h.call<MatrixPeoplePage>('matrix:people', { paths: paths(), offset: 0, limit: 50, filter: 'mapped' });
    expect(onlyMapped.items.map((p) => p.id)).toEqual([anna.id]);
    const search = await h.call<MatrixPeoplePage>('matrix:people', { paths: paths(), offset: 0, limit: 50, query: 'фамилия0' });
    expect(search.items.map((p) => p.id)).toContain(anna.id);
  });

  it('pilot: one chat into its own room, read back from the server as plain text', async () => {
    const chats = await rows(h, paths());
    const work = chats.find((c) => c.title === 'Work')!;
    const { jobId } = await h.call<{ jobId: string }>('matrix:pilot', { paths: paths(), chatId: work.chatId });
    const st = await done(h, jobId);
    expect(st.kind).toBe('upload');
    expect(st.output).toMatchObject({ kind: 'pilot', chats: 1, rooms: 1, sent: 4, media: 1 });
    const s = await h.call<MatrixStatus>('matrix:status', { paths: paths() });
    expect(s.pilot).toMatchObject({ chatId: work.chatId, roomName: 'Pilot: Work', sent: 4 });
    expect(s.pilot!.link).toBe(`https://matrix.to/#/${encodeURIComponent(s.pilot!.roomId)}`);
    expect(s.pilot!.lines.map((l) => l.body)).toEqual([
      expect.stringMatching(/^\[2024-01-01 \d\d:\d\d\] Work: hello$/),
      expect.stringMatching(/^\[2024-01-01 \d\d:\d\d\] Me: report$/),
      'report.pdf',
      expect.stringMatching(/^\[2024-01-01 \d\d:\d\d\] Work: bye$/),
    ]);
    // The pilot room is separate: the real upload has not started.
    expect(s.journal).toBeNull();
  });

  it('uploads every kept chat: rooms with links, a DM for the mapped person, journal in a private folder', async () => {
    const { jobId } = await h.call<{ jobId: string }>('matrix:upload', { paths: paths() });
    const st = await done(h, jobId);
    // report.pdf went up with the pilot already (the journal knows its SHA-256): only the photo is uploaded now.
    expect(st.output).toMatchObject({ kind: 'upload', chats: 2, rooms: 2, sent: 8, alreadyThere: 0, media: 1 });
    const list = await rows(h, paths());
    expect(list.map((c) => [c.title, c.state, c.sent])).toEqual([
      ['Имя0 Фамилия0', 'done', 4],
      ['Work', 'done', 4],
    ]);
    for (const c of list) expect(c.link).toBe(`https://matrix.to/#/${encodeURIComponent(c.roomId!)}`);
    const client = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: ivan.accessToken, userId: ivan.userId });
    const direct = await client.getDirect();
    expect(direct['@anna:localhost']).toEqual([list[0]!.roomId]);
    const first = (await client.messages(list[0]!.roomId!, { dir: 'f', limit: 20, filter: { types: ['m.room.message'] } })).chunk;
    expect(first.map((e) => e.content.body)).toContainEqual(expect.stringMatching(/Пока <b>не HTML<\/b>$/));
    expect(first.every((e) => e.content.format === undefined && e.content.formatted_body === undefined)).toBe(true);
    expect(first[0]!.content[PROVENANCE_KEY]).toMatchObject({ source: 'tg', msg_id: '1' });
    const s = await h.call<MatrixStatus>('matrix:status', { paths: paths() });
    expect(s.journal).toEqual({ chatsStarted: 2, chatsDone: 2, sent: 8 });
    const journals = path.join(configDir, 'matrix', 'journals');
    for (const d of [journals, path.join(journals, readdirSync(journals)[0]!)]) expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('verify reads every room back: 0 missing, 0 duplicates, media with the same SHA-256; a re-run sends nothing', async () => {
    const { jobId } = await h.call<{ jobId: string }>('matrix:verify', { paths: paths() });
    const st = await done(h, jobId);
    expect(st.kind).toBe('verify-target');
    expect(st.output).toMatchObject({ kind: 'verify', chats: 2, ok: 2, expected: 8, found: 8, missing: 0, duplicates: 0, mediaChecked: 2, mediaMismatched: 0 });
    const list = await rows(h, paths());
    expect(list.map((c) => c.verify)).toEqual([
      { expected: 4, found: 4, missing: 0, duplicates: 0, mediaMismatched: 0, status: 'ok' },
      { expected: 4, found: 4, missing: 0, duplicates: 0, mediaMismatched: 0, status: 'ok' },
    ]);
    const again = await h.call<{ jobId: string }>('matrix:upload', { paths: paths() });
    expect((await done(h, again.jobId)).output).toMatchObject({ sent: 0, alreadyThere: 8 });
  });
});

describe('pause, cancel and continue after an app restart', () => {
  it('pause holds the sends; a cancelled upload is continued by a new app core with 0 duplicates', async () => {
    const configDir = tmp('pereezd-mxsvc-cfg-');
    const paths = [bigExport];
    const h1 = harness(configDir, store);
    expect((await h1.call<{ ok: boolean }>('matrix:login', { server: hs.baseUrl, user: '@ivan:localhost', password: ivan.password })).ok).toBe(true);
    await done(h1, (await h1.call<{ jobId: string }>('matrix:prepare', { paths })).jobId);
    expect((await h1.call<MatrixStatus>('matrix:status', { paths })).model?.kind).toBe('convert');

    const { jobId } = await h1.call<{ jobId: string }>('matrix:upload', { paths });
    // Wait for the first sends, then pause.
    for (let i = 0; i < 400 && ((h1.jobs.get(jobId)?.progress.counters?.sent ?? 0) < 5); i++) await new Promise((r) => setTimeout(r, 25));
    expect(await h1.call('matrix:pause', { jobId, paused: true })).toEqual({ paused: true });
    await new Promise((r) => setTimeout(r, 400));
    const held = (await rows(h1, paths))[0]!.sent;
    await new Promise((r) => setTimeout(r, 800));
    expect((await rows(h1, paths))[0]!.sent).toBe(held);
    expect(h1.jobs.get(jobId)!.progress.counters?.paused).toBe(1);
    expect((await h1.call<MatrixStatus>('matrix:status', { paths })).running).toMatchObject({ jobId, kind: 'upload', paused: true });
    expect(held).toBeLessThan(400);
    // Another task cannot start while this one runs.
    expect(await h1.raw('matrix:verify', { paths })).toMatchObject({ ok: false, error: { message: expect.stringContaining('another upload task is running') } });
    expect(await h1.call('job:cancel', { jobId })).toEqual({ cancelled: true });
    expect((await h1.jobs.settled(jobId))!.phase).toBe('cancelled');

    // A new app core on the same config folder: signed in from the keychain, the journal says where it stopped.
    const h2 = harness(configDir, store);
    const s = await h2.call<MatrixSession>('matrix:session', {});
    expect(s).toMatchObject({ signedIn: true, userId: ivan.userId, tokenIn: 'keychain', tokenWorks: true });
    const st = await h2.call<MatrixStatus>('matrix:status', { paths });
    expect(st.journal).toMatchObject({ chatsStarted: 1, chatsDone: 0, sent: held });
    const rerun = await h2.call<{ jobId: string }>('matrix:upload', { paths });
    const out = (await done(h2, rerun.jobId)).output!;
    expect(out.alreadyThere).toBe(held);
    expect(Number(out.sent) + Number(out.alreadyThere)).toBe(400);
    const v = await done(h2, (await h2.call<{ jobId: string }>('matrix:verify', { paths })).jobId);
    expect(v.output).toMatchObject({ expected: 400, found: 400, missing: 0, duplicates: 0 });

    // Sign-out: the token leaves the keychain and stops working on the server.
    const token = (await store.get(keychainAccount(hs.baseUrl, ivan.userId)))!;
    expect((await h2.call<MatrixSession>('matrix:logout', {})).signedIn).toBe(false);
    expect(await store.get(keychainAccount(hs.baseUrl, ivan.userId))).toBeNull();
    expect(existsSync(path.join(configDir, 'matrix', 'session.json'))).toBe(false);
    await expect(new MatrixClient({ baseUrl: hs.baseUrl, accessToken: token }).whoami()).rejects.toMatchObject({ status: 401 });
    expect(await h2.raw('matrix:upload', { paths })).toMatchObject({ ok: false, error: { message: expect.stringContaining('sign in on the Connect step') } });
  }, 180_000);
});

describe("Synapse's default limits: the waits are said, and sign-in attempts are limited", () => {
  let strict: Synapse;
  let user: RegisteredUser;
  beforeAll(async () => {
    strict = await startSynapse({ profile: 'default' });
    user = await strict.register('olga', { password: 'olga password 1' });
  }, 120_000);
  afterAll(async () => {
    await strict?.stop();
  });

  it('an upload past the burst of 10 is made to wait: the progress carries the wait the server asked for, nothing is lost', async () => {
    const configDir = tmp('pereezd-mxsvc-cfg-');
    const events: JobState[] = [];
    const h = harness(configDir, store, events);
    const dir = makeTelegramExport(path.join(tmp('pereezd-mxsvc-strict-'), 'export'), [
      { id: 800, name: 'Burst', type: 'private_group', messages: Array.from({ length: 14 }, (_, i) => ({ text: `m${i + 1}` })) },
    ]);
    expect((await h.call<{ ok: boolean }>('matrix:login', { server: strict.baseUrl, user: 'olga', password: user.password })).ok).toBe(true);
    await done(h, (await h.call<{ jobId: string }>('matrix:prepare', { paths: [dir] })).jobId);
    const { jobId } = await h.call<{ jobId: string }>('matrix:upload', { paths: [dir] });
    const st = await done(h, jobId);
    expect(st.output).toMatchObject({ sent: 14 });
    expect(Number(st.output!.rateLimited)).toBeGreaterThan(0);
    const waits = events.filter((e) => e.jobId === jobId && typeof e.progress.counters?.waitMs === 'number');
    expect(waits.length).toBeGreaterThan(0);
    const w = waits[0]!.progress.counters!;
    // Synapse asks for about 5 s per message after the burst (rc_message 0.2/s).
    expect(w.waitMs).toBeGreaterThan(500);
    expect(w.waitMs).toBeLessThanOrEqual(10_000);
    expect(w.waitUntil).toBeGreaterThan(waits[0]!.updatedAt - 1000);
    const v = await done(h, (await h.call<{ jobId: string }>('matrix:verify', { paths: [dir] })).jobId);
    expect(v.output).toMatchObject({ expected: 14, found: 14, missing: 0, duplicates: 0 });
  }, 120_000);

  it('too many wrong passwords: the server limit is said as such, with how long to wait', async () => {
    const h = harness(tmp('pereezd-mxsvc-cfg-'), store);
    const answers: { ok: boolean; problem?: string; retryAfterMs?: number }[] = [];
    for (let i = 0; i < 6; i++) answers.push(await h.call('matrix:login', { server: strict.baseUrl, user: 'olga', password: `wrong ${i}` }));
    expect(answers[0]).toMatchObject({ ok: false, problem: 'wrong-password' });
    const limited = answers.find((a) => a.problem === 'rate-limited');
    expect(limited).toBeDefined();
    expect(limited!.retryAfterMs).toBeGreaterThan(0);
  }, 60_000);
});
