/**
 * A whole migration on the command line, against a real Synapse and the real keychain: `pereezd clean`,
 * `backup`, `upload`, `verify-target`, then `pereezd report PATH` — the report covers every step the commands
 * recorded (clean accounting, the backup, what was uploaded and read back) and proves nothing was lost; the
 * backup shows in the app's catalogue too. A model folder that no `pereezd clean` made here is uploaded but
 * said not to be recorded.
 * Run: bash scripts/with-keyring.sh npx vitest run tests/integration/cli-report.test.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeModel } from '../fixtures/matrix/make-model.js';
import { buildCli, repoRoot } from '../helpers/build-cli.js';
import { requireKeyringSession } from '../helpers/keyring-session.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';

describe('the command-line migration ends in a report that covers it', () => {
  let hs: Synapse;
  let user: RegisteredUser;
  let cli: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-cli-report-'));
  const config = path.join(dir, 'config');
  // A copy: the source set's id is its path, and the fixture stays untouched.
  const source = path.join(dir, 'Telegram export');
  const out = path.join(dir, 'cleaned');
  let run: (...args: string[]) => { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    requireKeyringSession();
    cpSync(path.join(repoRoot, 'tests/fixtures/telegram-json/single-chat-basic'), source, { recursive: true });
    [hs, cli] = await Promise.all([startSynapse({ profile: 'fast' }), buildCli()]);
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
    user = await hs.register('cli-report', { password: 'cli-report-password-1' });
    run = (...args: string[]) => {
      const r = spawnSync(process.execPath, [cli, ...args], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, PEREEZD_CLI_ENTRY: '1', PEREEZD_CONFIG_DIR: config, PEREEZD_MATRIX_PASSWORD: user.password },
      });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
  }, 180_000);
  afterAll(async () => {
    await hs?.stop();
  });

  it('clean → backup → upload → verify-target → report: nothing lost, every step in the report', { timeout: 240_000 }, async () => {
    const clean = run('clean', source, '--out', out, '--region', 'RU');
    expect(clean.code, clean.stderr).toBe(0);

    const backupFile = path.join(dir, 'migration.msgbak');
    const backup = run('backup', source, '--out', backupFile, '--recovery-key-out', path.join(dir, 'recovery-key.txt'));
    expect(backup.code, backup.stderr).toBe(0);
    const catalog = JSON.parse(readFileSync(path.join(config, 'backup-catalog.json'), 'utf8'));
    expect(catalog.backups.map((b: { file: string }) => b.file)).toEqual([backupFile]);

    const up = run('upload', '--homeserver', hs.baseUrl, '--user', user.userId, out);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`upload recorded for "pereezd report" (the sources cleaned into ${out})`);
    const back = run('verify-target', '--homeserver', hs.baseUrl, '--user', user.userId, out);
    expect(back.code, back.stderr + back.stdout).toBe(0);
    expect(back.stderr).toContain('read-back recorded for "pereezd report"');

    const reports = path.join(dir, 'reports');
    const rep = run('report', source, '--out', reports, '--lang', 'en', '--format', 'json');
    expect(rep.stderr).toContain('nothing lost');
    expect(rep.code, rep.stderr).toBe(0);
    const json = readdirSync(reports).find((f) => f.endsWith('.json'))!;
    const m = JSON.parse(readFileSync(path.join(reports, json), 'utf8'));
    expect(m.nothingLost).toBe(true);
    expect(m.discrepancies).toEqual([]);
    expect(m.steps.clean.finishedAt).not.toBeNull();
    expect(m.steps.upload.finishedAt).not.toBeNull();
    expect(m.steps.verify.finishedAt).not.toBeNull();
    expect(m.backups.map((b: { file: string }) => b.file)).toEqual([backupFile]);
    expect(m.target).toMatchObject({ homeserver: hs.baseUrl, userId: user.userId });
    const t = m.totals.target;
    expect(t.expected).toBeGreaterThan(0);
    expect(t).toMatchObject({ uploaded: t.expected, verified: t.expected, missing: 0, duplicates: 0, mediaMismatched: 0 });
    expect(m.totals.messages.kept).toBeGreaterThan(0);
    // and the audit journal (its chain intact) holds each step, in order
    expect(m.audit).toMatchObject({ ok: true, firstBroken: null });
    const ops = readFileSync(m.audit.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).op);
    expect(ops.filter((op: string) => ['clean', 'backup', 'upload', 'verify-target'].includes(op))).toEqual(['clean', 'backup', 'upload', 'verify-target']);

    // The report without PATH takes the source set cleaned last: the same one.
    const latest = run('report', '--out', path.join(dir, 'reports-latest'), '--lang', 'en', '--format', 'json');
    expect(latest.code, latest.stderr).toBe(0);
  });

  it('says so when the uploaded folder is not a recorded "pereezd clean" output', { timeout: 120_000 }, () => {
    const model = makeModel(mkdtempSync(path.join(os.tmpdir(), 'pereezd-cli-report-model-'))).dir;
    const up = run('upload', '--homeserver', hs.baseUrl, '--user', user.userId, model, '--only', 'tg:200');
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('upload not recorded for "pereezd report": this folder is not a "pereezd clean" output made on this computer');
  });
});
