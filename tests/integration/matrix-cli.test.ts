/** `pereezd upload` / `verify-target` argument handling (no homeserver needed): every mistake is a clear usage error. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRegistration } from '../../main/cli/upload.js';
import { makeModel } from '../fixtures/matrix/make-model.js';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
let modelDir: string;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1', PEREEZD_MATRIX_PASSWORD: '' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
  modelDir = makeModel(mkdtempSync(path.join(os.tmpdir(), 'pereezd-mxcli-'))).dir;
});

describe('pereezd upload / verify-target usage', () => {
  it('lists both commands in the help', () => {
    const r = run('--help');
    expect(r.stdout).toContain('pereezd upload --homeserver URL --user @ID:SERVER MODEL...');
    expect(r.stdout).toContain('pereezd verify-target --homeserver URL --user @ID:SERVER MODEL...');
  });

  it('refuses a password on the command line', () => {
    const r = run('upload', '--homeserver', 'http://127.0.0.1:9', '--user', '@a:b', modelDir, '--password', 'secret');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pereezd upload: passwords are never given on the command line: set PEREEZD_MATRIX_PASSWORD or type it when asked');
    expect(r.stderr + r.stdout).not.toContain('secret');
  });

  it('names what is missing or wrong', () => {
    expect(run('upload', '--user', '@a:b', modelDir).stderr).toContain('pereezd upload: --homeserver URL is required');
    expect(run('upload', '--homeserver', 'x', '--user', 'alice', modelDir).stderr).toContain('--user: alice is not a Matrix id like @name:server');
    expect(run('verify-target', '--homeserver', 'x', '--user', '@a:b').stderr).toContain('give at least one model folder');
    for (const bad of ['0', '9', '2.5', 'many']) {
      const c = run('upload', '--homeserver', 'x', '--user', '@a:b', '--concurrency', bad, modelDir);
      expect(c.code).toBe(2);
      expect(c.stderr).toContain(`--concurrency: ${bad} is not a whole number from 1 to 8`);
    }
    const notModel = mkdtempSync(path.join(os.tmpdir(), 'pereezd-notmodel-'));
    const r = run('upload', '--homeserver', 'x', '--user', '@a:b', notModel);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${notModel}: not a model folder (no messages.jsonl)`);
    const people = path.join(notModel, 'people.json');
    writeFileSync(people, JSON.stringify({ user2: 'anna' }));
    expect(run('upload', '--homeserver', 'x', '--user', '@a:b', modelDir, '--people', people).stderr).toContain(
      `--people: ${people}: "user2" maps to "anna", not a Matrix id like @name:server`,
    );
    expect(run('upload', '--homeserver', 'x', '--user', '@a:b', modelDir, '--appservice', path.join(notModel, 'nope.yaml')).stderr).toContain(
      `--appservice: ${path.join(notModel, 'nope.yaml')} not found`,
    );
  });

  it('reads the as_token of a registration file, quoted or not', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-reg-'));
    writeFileSync(path.join(dir, 'a.yaml'), 'id: mig\nurl: null\nas_token: "abc123"\nhs_token: zzz\nsender_localpart: migrator # the bot\n');
    writeFileSync(path.join(dir, 'b.yaml'), "as_token: 'q w'\n");
    writeFileSync(path.join(dir, 'c.yaml'), 'id: x\n');
    expect(readRegistration(path.join(dir, 'a.yaml'))).toEqual({ asToken: 'abc123', senderLocalpart: 'migrator' });
    expect(readRegistration(path.join(dir, 'b.yaml')).asToken).toBe('q w');
    expect(() => readRegistration(path.join(dir, 'c.yaml'))).toThrow('has no as_token (is it an application-service registration?)');
  });
});
