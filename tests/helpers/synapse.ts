/**
 * A real Synapse on 127.0.0.1 for the Matrix tests and the Matrix bench (../shared/reference/matrix.md §8).
 * Installed by scripts/synapse/install.sh into .cache/synapse-venv; one homeserver per test file in its own
 * temp folder, on a free port, with profile 'fast' (relaxed rate limits) or 'default' (Synapse's own limits),
 * optionally with an application-service registration. Users are registered through the shared-secret
 * admin API (HMAC-SHA1 over nonce\0user\0password\0admin|notadmin).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SYNAPSE_PYTHON = path.join(repoRoot, '.cache/synapse-venv/bin/python');
const SHARED_SECRET = 'test-only-secret';

export type SynapseProfile = 'fast' | 'default';

export interface SynapseOptions {
  profile?: SynapseProfile;
  /** Adds an application service (rate_limited: false, ghost namespace @mig_.*, non-exclusive @.*). */
  appservice?: boolean;
  /** Extra YAML appended to homeserver.yaml. */
  extraConfig?: string;
}

export interface RegisteredUser {
  userId: string;
  localpart: string;
  password: string;
  accessToken: string;
  deviceId: string;
}

export interface AppserviceRegistration {
  file: string;
  id: string;
  asToken: string;
  hsToken: string;
  senderLocalpart: string;
}

export interface Synapse {
  baseUrl: string;
  port: number;
  dir: string;
  serverName: string;
  appservice: AppserviceRegistration | null;
  /** Seconds from spawn to /health = 200, for the last start. */
  startupSeconds: number;
  register(localpart: string, opts?: { admin?: boolean; password?: string; displayname?: string }): Promise<RegisteredUser>;
  restart(): Promise<void>;
  /** SIGKILL, no cleanup (the folder stays; restart() brings it back). */
  kill(): void;
  /** Stops (SIGTERM, then SIGKILL) and deletes the folder. */
  stop(): Promise<void>;
  log(): string;
  /** Process id of the running homeserver (null when stopped). */
  pid(): number | null;
}

export function synapseInstalled(): boolean {
  return existsSync(SYNAPSE_PYTHON);
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const RELAXED = '{per_second: 1000, burst_count: 1000}';
const FAST_LIMITS = `
rc_message: ${RELAXED}
rc_registration: ${RELAXED}
rc_login:
  address: ${RELAXED}
  account: ${RELAXED}
  failed_attempts: ${RELAXED}
rc_joins:
  local: ${RELAXED}
  remote: ${RELAXED}
rc_joins_per_room: ${RELAXED}
rc_invites:
  per_room: ${RELAXED}
  per_user: ${RELAXED}
  per_issuer: ${RELAXED}
rc_room_creation: ${RELAXED}
rc_media_create: ${RELAXED}
rc_admin_redaction: ${RELAXED}
`;

function homeserverYaml(dir: string, port: number, opts: SynapseOptions): string {
  const q = (s: string) => JSON.stringify(s);
  return `server_name: "localhost"
public_baseurl: "http://127.0.0.1:${port}/"
pid_file: ${q(path.join(dir, 'homeserver.pid'))}
listeners:
  - {port: ${port}, bind_addresses: ["127.0.0.1"], type: http, tls: false, x_forwarded: false,
     resources: [{names: [client], compress: false}]}
database: {name: sqlite3, args: {database: ${q(path.join(dir, 'homeserver.db'))}}}
media_store_path: ${q(path.join(dir, 'media_store'))}
signing_key_path: ${q(path.join(dir, 'localhost.signing.key'))}
log_config: ${q(path.join(dir, 'log.yaml'))}
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
enable_registration: false
registration_shared_secret: "${SHARED_SECRET}"
bcrypt_rounds: 4
max_upload_size: 100M
url_preview_enabled: false
presence: {enabled: false}
${opts.appservice ? `app_service_config_files: [${q(path.join(dir, 'migration-as.yaml'))}]\n` : ''}${opts.profile === 'fast' ? FAST_LIMITS : ''}${opts.extraConfig ?? ''}
`;
}

function logYaml(dir: string): string {
  return `version: 1
formatters: {precise: {format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(message)s'}}
handlers:
  file: {class: logging.FileHandler, formatter: precise, filename: ${JSON.stringify(path.join(dir, 'homeserver.log'))}}
loggers: {synapse.storage.SQL: {level: WARNING}, synapse.access: {level: WARNING}}
root: {level: WARNING, handlers: [file]}
disable_existing_loggers: false
`;
}

/** Starts a Synapse; throws with the log tail when it does not answer /health within 60 s. */
export async function startSynapse(opts: SynapseOptions = {}): Promise<Synapse> {
  if (!synapseInstalled()) {
    throw new Error(`Synapse is not installed (${SYNAPSE_PYTHON} missing). Run: bash scripts/synapse/install.sh (scripts/test.sh does).`);
  }
  const profile = opts.profile ?? 'fast';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-synapse-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'homeserver.yaml');
  let appservice: AppserviceRegistration | null = null;
  if (opts.appservice) {
    appservice = {
      file: path.join(dir, 'migration-as.yaml'),
      id: 'pereezd-migration',
      asToken: randomBytes(24).toString('hex'),
      hsToken: randomBytes(24).toString('hex'),
      senderLocalpart: 'migrator',
    };
    writeFileSync(
      appservice.file,
      `id: ${appservice.id}
url: null
as_token: "${appservice.asToken}"
hs_token: "${appservice.hsToken}"
sender_localpart: ${appservice.senderLocalpart}
rate_limited: false
namespaces:
  users:
    - {exclusive: true, regex: "@mig_.*:localhost"}
    - {exclusive: false, regex: "@.*:localhost"}
  rooms: []
  aliases: []
`,
    );
  }
  writeFileSync(config, homeserverYaml(dir, port, { ...opts, profile }));
  writeFileSync(path.join(dir, 'log.yaml'), logYaml(dir));
  mkdirSync(path.join(dir, 'media_store'), { recursive: true });
  const gen = spawnSync(SYNAPSE_PYTHON, ['-m', 'synapse.app.homeserver', '-c', config, '--generate-keys'], { encoding: 'utf8', timeout: 60_000 });
  if (gen.status !== 0) throw new Error(`synapse --generate-keys failed (${gen.status}): ${gen.stderr.slice(-2000)}`);

  let child: ChildProcess | null = null;
  const stdoutFile = path.join(dir, 'stdout.log');

  const s: Synapse = {
    baseUrl,
    port,
    dir,
    serverName: 'localhost',
    appservice,
    startupSeconds: 0,
    async register(localpart, o = {}) {
      const password = o.password ?? `pw-${randomBytes(6).toString('hex')}`;
      const url = `${baseUrl}/_synapse/admin/v1/register`;
      const nonceRes = await fetch(url);
      if (!nonceRes.ok) throw new Error(`register nonce: HTTP ${nonceRes.status}`);
      const { nonce } = (await nonceRes.json()) as { nonce: string };
      const admin = o.admin ?? false;
      const mac = createHmac('sha1', SHARED_SECRET).update([nonce, localpart, password, admin ? 'admin' : 'notadmin'].join('\0')).digest('hex');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ nonce, username: localpart, displayname: o.displayname ?? localpart, password, admin, mac }),
      });
      const body = (await res.json()) as { access_token: string; user_id: string; device_id: string; error?: string };
      if (!res.ok) throw new Error(`register ${localpart}: HTTP ${res.status} ${body.error ?? ''}`);
      return { userId: body.user_id, localpart, password, accessToken: body.access_token, deviceId: body.device_id };
    },
    async restart() {
      await stopProcess();
      await start();
    },
    kill() {
      if (child?.pid) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child = null;
    },
    async stop() {
      await stopProcess();
      rmSync(dir, { recursive: true, force: true });
    },
    pid() {
      return child?.pid ?? null;
    },
    log() {
      const f = path.join(dir, 'homeserver.log');
      return (existsSync(f) ? readFileSync(f, 'utf8') : '') + (existsSync(stdoutFile) ? readFileSync(stdoutFile, 'utf8') : '');
    },
  };

  async function stopProcess(): Promise<void> {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async function start(): Promise<void> {
    const t0 = performance.now();
    const fd = openSync(stdoutFile, 'a');
    const c = spawn(SYNAPSE_PYTHON, ['-m', 'synapse.app.homeserver', '-c', config], { stdio: ['ignore', fd, fd], cwd: dir });
    closeSync(fd);
    child = c;
    // Never leave a homeserver behind when the test process ends without stop() (a failed beforeAll, a crash).
    const reap = () => {
      if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    };
    process.once('exit', reap);
    c.once('exit', () => process.off('exit', reap));
    let exit: string | null = null;
    c.once('exit', (code, sig) => {
      exit = `exited with ${code ?? sig}`;
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exit) throw new Error(`Synapse ${exit} during startup:\n${s.log().slice(-3000)}`);
      try {
        const r = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await stopProcess();
        throw new Error(`Synapse did not answer ${baseUrl}/health within 60 s:\n${s.log().slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    s.startupSeconds = (performance.now() - t0) / 1000;
  }

  await start();
  return s;
}
