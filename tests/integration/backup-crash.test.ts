/**
 * Crash safety of `pereezd backup`: the CLI is killed with SIGKILL while it writes, and right
 * after the encrypted file reached its full size (while it is being verified). Nothing under the
 * final name may exist afterwards: only `.partial`. The plaintext staging folder the killed run
 * left is removed by the next run, and the next run to the same name refuses to guess.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

const INPUT_MB = 192;
let cli: string;
let dir: string;
let input: string;
let tmp: string;

function env(config: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, PEREEZD_CLI_ENTRY: '1', PEREEZD_CONFIG_DIR: config, TMPDIR: tmp };
  delete e.DBUS_SESSION_BUS_ADDRESS; // recovery key only: the crash, not the keychain, is under test
  return e;
}

/**
 * Starts a backup and SIGKILLs it once `<out>.partial` holds at least `killAt` bytes (and, with
 * `settled`, has stopped growing for 50 ms: writing is over, verification is running).
 */
async function killDuringBackup(out: string, config: string, killAt: number, settled = false): Promise<{ signal: NodeJS.Signals | null; sizeAtKill: number }> {
  const child = spawn(process.execPath, [cli, 'backup', input, '--out', out, '--recovery-key-out', `${out}.key.txt`], { env: env(config), stdio: 'ignore' });
  let sizeAtKill = -1;
  let last = -1;
  let since = Date.now();
  const timer = setInterval(() => {
    const size = existsSync(`${out}.partial`) ? statSync(`${out}.partial`).size : -1;
    if (size !== last) {
      last = size;
      since = Date.now();
    }
    const ready = size >= killAt && (!settled || Date.now() - since >= 50);
    if (ready && sizeAtKill < 0) {
      sizeAtKill = size;
      child.kill('SIGKILL');
    }
  }, 2);
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  clearInterval(timer);
  return { signal, sizeAtKill };
}

beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-crash-'));
  tmp = path.join(dir, 'tmp');
  mkdirSync(tmp);
  input = path.join(dir, 'input');
  mkdirSync(input);
  for (let i = 0; i < INPUT_MB / 16; i++) writeFileSync(path.join(input, `part-${i}.bin`), randomBytes(16 << 20));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(path.dirname(cli), { recursive: true, force: true });
});

describe('SIGKILL during a backup', () => {
  it.each([
    ['early in the writing', 8 << 20, false],
    ['in the middle of the writing', (INPUT_MB / 2) << 20, false],
    ['after the last byte, while verifying', INPUT_MB << 20, true],
  ])('%s: nothing under the final name, only .partial', async (_when, killAt, settled) => {
    const outDir = mkdtempSync(path.join(dir, 'out-'));
    const out = path.join(outDir, 'crash.msgbak');
    const { signal, sizeAtKill } = await killDuringBackup(out, path.join(outDir, 'config'), killAt, settled);
    expect(signal).toBe('SIGKILL');
    expect(sizeAtKill).toBeGreaterThanOrEqual(killAt);
    const names = readdirSync(outDir).filter((n) => n.startsWith('crash.msgbak') && !n.endsWith('.key.txt'));
    expect(names).toEqual(['crash.msgbak.partial']);
    // A later run to the same name does not take the .partial for a backup, nor overwrite it silently.
    const again = spawnSync(process.execPath, [cli, 'backup', input, '--out', out], { env: env(path.join(outDir, 'config')), encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/crash\.msgbak\.partial exists: an earlier backup to this name did not finish/);
    const verify = spawnSync(process.execPath, [cli, 'verify', out], { env: env(path.join(outDir, 'config')), encoding: 'utf8' });
    expect(verify.status).toBe(1);
  }, 120_000);

  it('the next run removes the plaintext staging folders that killed runs left behind', async () => {
    const left = readdirSync(tmp).filter((n) => n.startsWith('pereezd-backup-'));
    expect(left.length).toBeGreaterThanOrEqual(1); // the killed runs could not clean up
    const small = path.join(dir, 'small');
    mkdirSync(small);
    writeFileSync(path.join(small, 'note.txt'), 'hello');
    const outDir = mkdtempSync(path.join(dir, 'out-'));
    const r = spawnSync(process.execPath, [cli, 'backup', small, '--out', path.join(outDir, 'ok.msgbak'), '--recovery-key-out', path.join(outDir, 'key.txt')], {
      env: env(path.join(outDir, 'config')),
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(tmp).filter((n) => n.startsWith('pereezd-backup-'))).toEqual([]);
  });
});
