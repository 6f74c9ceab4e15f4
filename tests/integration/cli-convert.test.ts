import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
});

const basic = path.join(repoRoot, 'tests/fixtures/telegram-json/single-chat-basic');

describe('pereezd convert', () => {
  it('writes contacts, chats, messages and problems as JSON Lines with hashes of the attachments present', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-convert-'));
    const r = run('convert', basic, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['chats.jsonl', 'contacts.jsonl', 'messages.jsonl', 'problems.jsonl']); // no .partial left
    const messages = jsonl(path.join(out, 'messages.jsonl'));
    // the fixture holds 5 entries: 4 messages + 1 service entry (counted by reading the file)
    expect(messages).toHaveLength(5);
    expect(messages.map((m) => m.kind)).toEqual(['message', 'message', 'message', 'message', 'event']);
    expect(Object.keys(messages[0]!)).toEqual(
      expect.arrayContaining(['chat', 'id', 'kind', 'sentAt', 'sender', 'text', 'replyTo', 'forwardedFrom', 'editedAt', 'attachments', 'source']),
    );
    expect(messages[0]).toMatchObject({ chat: 'tg:4242', id: '1', sentAt: '2024-01-01T10:00:00Z', sender: { name: 'Анна Петрова', id: 'user4242' }, text: 'Привет! 👋' });
    expect(messages[1]).toMatchObject({ replyTo: '1' });
    // SHA-256 values computed with sha256sum over the fixture files
    expect((messages[1]!.attachments as Record<string, unknown>[])[0]).toMatchObject({
      kind: 'photo', missing: false, size: 9, sha256: 'b85b75f8c5660e0c479e9fcfc502ccaca9581b16ac3aa62e4a9fbc8b869d0417',
    });
    expect((messages[2]!.attachments as Record<string, unknown>[])[0]).toMatchObject({
      name: 'report (2).pdf', mime: 'application/pdf', missing: false, sha256: '74bcb92d8088c950e45e4c43563332da2ca1e04b25d6d4016aa43f830d4cca8a',
    });
    // photo_2 is referenced but not in the fixture folder: missing, no hash, and a problem says so
    expect((messages[3]!.attachments as Record<string, unknown>[])[0]).toMatchObject({ missing: true, sha256: null });
    const problems = jsonl(path.join(out, 'problems.jsonl'));
    expect(problems.some((p) => p.code === 'media-missing' && typeof p.line === 'number')).toBe(true);
    const chats = jsonl(path.join(out, 'chats.jsonl'));
    expect(chats).toEqual([
      expect.objectContaining({ id: 'tg:4242', title: 'Анна Петрова', type: 'personal', messages: 4, events: 1, firstAt: '2024-01-01T10:00:00Z' }),
    ]);
    expect(Object.keys(chats[0]!)).toEqual(['id', 'title', 'type', 'members', 'messages', 'events', 'firstAt', 'lastAt', 'source']);
  });

  it('writes text in Unicode NFC even when the export is decomposed', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-nfd-'));
    const nfd = 'Йошкар-Ола, café'.normalize('NFD'); // И + U+0306, e + U+0301
    expect(nfd).not.toBe(nfd.normalize('NFC'));
    const file = path.join(dir, 'result.json');
    writeFileSync(file, JSON.stringify({ name: nfd, type: 'personal_chat', id: 7, messages: [{ id: 1, type: 'message', date: '2024-01-01T00:00:00', date_unixtime: '1704067200', from: nfd, from_id: 'user7', text: nfd }] }));
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-convert-'));
    const r = run('convert', file, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const [m] = jsonl(path.join(out, 'messages.jsonl'));
    expect(m!.text).toBe('Йошкар-Ола, café'.normalize('NFC'));
    expect((m!.sender as { name: string }).name).toBe('Йошкар-Ола, café'.normalize('NFC'));
    expect(jsonl(path.join(out, 'chats.jsonl'))[0]!.title).toBe('Йошкар-Ола, café'.normalize('NFC'));
  });

  it('keeps going past unreadable sources and says nothing could be read only when that is true', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-convert-'));
    const nothing = mkdtempSync(path.join(os.tmpdir(), 'pereezd-nothing-'));
    const r = run('convert', nothing, '--out', out);
    expect(r.code).toBe(1);
    expect(jsonl(path.join(out, 'problems.jsonl'))).toEqual([expect.objectContaining({ file: nothing, code: 'not-recognised' })]);
    const both = mkdtempSync(path.join(os.tmpdir(), 'pereezd-convert-'));
    expect(run('convert', nothing, basic, '--out', both).code).toBe(0);
    expect(jsonl(path.join(both, 'messages.jsonl'))).toHaveLength(5);
  });

  it('checks its options: --out required, --date-order and --tz validated', () => {
    expect(run('convert', basic).code).toBe(2);
    const badOrder = run('convert', basic, '--out', os.tmpdir(), '--date-order', 'dym');
    expect(badOrder.code).toBe(2);
    expect(badOrder.stderr).toMatch(/--date-order must be one of dmy, mdy, ymd/);
    const badTz = run('inspect', basic, '--tz', 'Mars/Olympus');
    expect(badTz.code).toBe(2);
    expect(badTz.stderr).toMatch(/unknown time zone Mars\/Olympus/);
    expect(run('inspect', basic, '--tz', 'Europe/Moscow', '--date-order', 'dmy', '--json').code).toBe(0);
    expect(existsSync(path.join(os.tmpdir(), 'chats.jsonl.partial'))).toBe(false);
  });
});
