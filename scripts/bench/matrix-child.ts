// Child of scripts/bench/matrix.mjs (bundled with esbuild): one section per run, prints one JSON line.
//   fast N      Synapse with relaxed limits ('fast'), N messages in 4 chats: messages per second
//   default N   Synapse defaults, a non-admin user, N messages in one chat: time vs what rc_message allows
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MatrixClient } from '../../main/engine/matrix/client.js';
import { runUpload } from '../../main/engine/matrix/upload.js';
import { makeModel } from '../../tests/fixtures/matrix/make-model.js';
import { startSynapse } from '../../tests/helpers/synapse.js';

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

const [section, nArg] = process.argv.slice(2);
const n = Number(nArg);
const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-bench-mx-'));
const hs = await startSynapse({ profile: section === 'fast' ? 'fast' : 'default' });
try {
  const user = await hs.register('bench', { admin: false });
  const client = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: user.accessToken, userId: user.userId });
  if (section === 'fast') {
    const per = Math.ceil(n / 4);
    makeModel(dir, { groupMessages: 1, noMedia: true, extraChats: { count: 4, messages: per } });
    const only = Array.from({ length: 4 }, (_, k) => `tg:9${String(k).padStart(4, '0')}`);
    const cpu0 = cpuMs(hs.pid());
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runUpload({ models: [dir], journalDir: path.join(dir, 'journal'), only }, { client, progress: { report() {} } }, AbortSignal.timeout(30 * 60_000));
    const seconds = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    console.log(JSON.stringify({
      section, sent: r.totals.sent, rooms: r.totals.roomsCreated, seconds, perSecond: r.totals.sent / seconds, rateLimited: r.totals.rateLimited,
      synapseCpuMsPerEvent: (cpuMs(hs.pid()) - cpu0) / r.totals.sent, uploaderCpuMsPerEvent: (own.user + own.system) / 1000 / r.totals.sent,
      load: (await import('node:os')).loadavg()[0],
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
