import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
const run = (...args: string[]) => {
  // run from the repo so the bundle resolves node_modules; PEREEZD_CLI_ENTRY marks it as the entry point
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1', NODE_PATH: path.join(repoRoot, 'node_modules') } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const INSPECT_KEYS = ['path', 'format', 'contacts', 'chats', 'messages', 'events', 'attachments', 'attachmentsMissing', 'problems'];
const TOTAL_KEYS = ['contacts', 'chats', 'messages', 'events', 'attachments', 'attachmentsMissing'];

beforeAll(async () => {
  cli = await buildCli();
  // the bundle imports npm packages: make them resolvable from its temp folder
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
});

describe('pereezd inspect', () => {
  it('a folder that is not an export: "not recognised", exit 1 because nothing could be read, stable JSON shape', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-notexport-'));
    writeFileSync(path.join(dir, 'notes.txt'), 'shopping list');
    const r = run('inspect', dir, '--json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['sources', 'totals']);
    expect(Object.keys(out.sources[0])).toEqual(INSPECT_KEYS);
    expect(Object.keys(out.totals)).toEqual(TOTAL_KEYS);
    expect(out.sources[0]).toMatchObject({ path: dir, format: null, messages: 0 });
    expect(out.sources[0].problems).toEqual([{ file: dir, line: null, code: 'not-recognised', message: expect.stringContaining('not an export') }]);
  });

  it('a path that does not exist is a problem naming it, not a crash', () => {
    const missing = path.join(os.tmpdir(), 'pereezd-does-not-exist-42');
    const r = run('inspect', missing, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/at .*\.mjs/); // no stack trace
    expect(JSON.parse(r.stdout).sources[0].problems[0]).toMatchObject({ file: missing, code: 'not-found' });
  });

  it('problems in one source do not stop the others; exit 0 when something was read', () => {
    const good = path.resolve(repoRoot, '../shared/fixtures/real/telegram/chat-analytics__DM_2A_7M.json');
    const bad = mkdtempSync(path.join(os.tmpdir(), 'pereezd-bad-'));
    const r = run('inspect', bad, good, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.sources.map((s: { format: string | null }) => s.format)).toEqual([null, 'telegram-json']);
    expect(out.totals.messages).toBe(out.sources[1].messages);
    expect(out.totals.messages).toBeGreaterThan(0);
  });

  it('prints a readable summary without --json', () => {
    const good = path.resolve(repoRoot, '../shared/fixtures/real/telegram/chat-analytics__DM_2A_7M.json');
    const r = run('inspect', good);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format: telegram-json/);
    expect(r.stdout).toMatch(/^total: contacts \d+ · chats \d+ · messages \d+/m);
  });

  it('usage errors exit 2 with help', () => {
    expect(run().code).toBe(2);
    const noPaths = run('inspect', '--json');
    expect(noPaths.code).toBe(2);
    expect(noPaths.stderr).toMatch(/give at least one export/);
    expect(run('inspect', '--bogus', 'x').code).toBe(2);
    expect(run('frobnicate').code).toBe(2);
    expect(run('--version').stdout.trim()).toBe('0.0.0-test');
  });
});
