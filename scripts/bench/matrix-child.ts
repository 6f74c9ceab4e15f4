// Child of scripts/bench/matrix.mjs (bundled with esbuild): one section per run, prints one JSON line.
//   fast N [--variant V] [--chats C] [--concurrency K] [--pyspy FILE]
//               Synapse with relaxed limits (test profile 'fast' plus variant V's settings, see
//               synapse-variants.ts), N messages in C chats (default 4) sent K chats at a time (default 1):
//               messages per second; then every event is read back (provenance + order) before the figure counts.
//   default N   Synapse defaults, a non-admin user, N messages in one chat: time vs what rc_message allows
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MatrixClient } from '../../main/engine/matrix/client.js';
import { PROVENANCE_KEY } from '../../main/engine/matrix/txn.js';
import { runUpload } from '../../main/engine/matrix/upload.js';
import { makeModel } from '../../tests/fixtures/matrix/make-model.js';
import { startSynapse } from '../../tests/helpers/synapse.js';
import { VARIANTS } from './synapse-variants.js';

/** CPU milliseconds a process has used (Linux /proc; utime + stime in clock ticks of 10 ms). */
function cpuMs(pid: number | null): number {
  if (!pid) return 0;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

const argv = process.argv.slice(2);
const [section, nArg] = argv;
const flag = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? fallback : argv[i + 1]!;
};
const n = Number(nArg);
const variant = VARIANTS[flag('variant', 'fast')];
if (!variant) throw new Error(`unknown variant ${flag('variant', '')}; known: ${Object.keys(VARIANTS).join(', ')}`);
const chatsN = Number(flag('chats', '4'));
const concurrency = Number(flag('concurrency', '1'));
const pyspyOut = flag('pyspy', '');
const straceOut = flag('strace', '');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-bench-mx-'));
const hs = await startSynapse(section === 'fast' ? { profile: 'fast', extraConfig: variant.extraConfig } : { profile: 'default' });
try {
  const user = await hs.register('bench', { admin: false });
  const client = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
  if (section === 'fast') {
    const per = Math.ceil(n / chatsN);
    makeModel(dir, { groupMessages: 1, noMedia: true, extraChats: { count: chatsN, messages: per } });
    const only = Array.from({ length: chatsN }, (_, k) => `tg:9${String(k).padStart(4, '0')}`);
    let spy: ReturnType<typeof spawn> | null = null;
    if (pyspyOut) {
      const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../.cache/pyspy-venv/bin/py-spy');
      if (!existsSync(bin)) throw new Error(`${bin} missing (python3 -m venv .cache/pyspy-venv && .cache/pyspy-venv/bin/pip install py-spy)`);
      const gil = argv.includes('--pyspy-gil') ? ['--gil'] : [];
      spy = spawn(bin, ['record', '--pid', String(hs.pid()), '--format', 'raw', '--rate', '250', '--output', pyspyOut, '--nonblocking', ...gil], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 1500));
    } else if (straceOut) {
      // Counts the homeserver's syscalls (commits show as fdatasync/fsync); slows it down, so no rate from such a run.
      spy = spawn('strace', ['-f', '-c', '-o', straceOut, '-p', String(hs.pid())], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 1500));
    }
    const cpu0 = cpuMs(hs.pid());
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const input = { models: [dir], journalDir: path.join(dir, 'journal'), only, ...(concurrency > 1 ? { concurrency } : {}) };
    if (argv.includes('--interrupt')) {
      // Check run for the concurrency option: stop the first run after a third of the messages (several rooms are
      // mid-send), then a second run must finish every room without a duplicate (read back below).
      const stop = new AbortController();
      await runUpload(input, { client, progress: { report: (p) => void (Number(p.counters?.sent ?? 0) >= n / 3 && stop.abort(new Error('interrupted'))) } }, stop.signal).then(
        () => {
          throw new Error('the interrupted run finished');
        },
        (err: unknown) => {
          if (!stop.signal.aborted) throw err;
        },
      );
    }
    const r = await runUpload(input, { client, progress: { report() {} } }, AbortSignal.timeout(30 * 60_000));
    const seconds = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    const synapseCpu = cpuMs(hs.pid()) - cpu0;
    if (spy) {
      const exited = new Promise((res) => spy!.once('exit', res));
      spy.kill('SIGINT');
      await exited;
    }
    // Read back: every message is its own m.room.message event with our provenance, in order, in its own room.
    let verified = 0;
    for (const c of r.chats) {
      const sids: string[] = [];
      for await (const page of client.allMessages(c.roomId!, { dir: 'f', limit: 1000, filter: { types: ['m.room.message'] } })) {
        for (const e of page) {
          const pv = e.content[PROVENANCE_KEY] as { part?: unknown; chat_id?: unknown } | undefined;
          if (pv && pv.chat_id === c.chatId && typeof pv.part === 'string') sids.push(pv.part);
        }
      }
      const distinct = new Set(sids);
      if (sids.length !== c.parts || distinct.size !== c.parts) throw new Error(`${c.chatId}: read back ${sids.length} events (${distinct.size} distinct) for ${c.parts} parts`);
      // The bench chats have one part per message, ids 1…n: the room's order must be the source order.
      sids.forEach((sid, k) => {
        if (sid !== `${k + 1}#t`) throw new Error(`${c.chatId}: event ${k + 1} in the room is part ${sid}`);
      });
      verified += sids.length;
    }
    console.log(JSON.stringify({
      section, variant: variant.name, describe: variant.describe, chats: chatsN, concurrency,
      sent: r.totals.sent, verified, rooms: r.totals.roomsCreated, seconds, perSecond: r.totals.sent / seconds, rateLimited: r.totals.rateLimited,
      synapseCpuMsPerEvent: synapseCpu / r.totals.sent, synapseCpuShare: synapseCpu / 1000 / seconds, uploaderCpuMsPerEvent: (own.user + own.system) / 1000 / r.totals.sent,
      load: os.loadavg()[0],
    }));
  } else {
    makeModel(dir, { groupMessages: 1, noMedia: true, extraChats: { count: 1, messages: n } });
    const t0 = performance.now();
    const r = await runUpload({ models: [dir], journalDir: path.join(dir, 'journal'), only: ['tg:90000'] }, { client, progress: { report() {} } }, AbortSignal.timeout(60 * 60_000));
    const seconds = (performance.now() - t0) / 1000;
    // rc_message defaults: 0.2 per second after a burst of 10 (matrix.md §3).
    const allowed = Math.max(0, r.totals.sent - 10) / 0.2;
    console.log(JSON.stringify({ section, sent: r.totals.sent, seconds, allowedSeconds: allowed, ratio: seconds / allowed, rateLimited: r.totals.rateLimited, waitedMs: client.stats.rateLimitWaitMs }));
  }
} finally {
  await hs.stop();
  rmSync(dir, { recursive: true, force: true });
}
