/**
 * `pereezd clean` end to end on overlapping exports of one chat: the Telegram chat exported twice
 * (tests/fixtures/clean/telegram-overlap) and the WhatsApp chat exported during a conversation and
 * again later (tests/fixtures/clean/whatsapp-overlap). Expected numbers come from the fixtures'
 * READMEs, counted by hand.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const jsonl = <T = Record<string, unknown>,>(file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
const accounting = (out: string) => JSON.parse(readFileSync(path.join(out, 'accounting.json'), 'utf8')) as { messages: Record<string, unknown> };

beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
});

interface Msg {
  id: string;
  kind: string;
  text: string;
  sentAt: string | null;
  source: { file: string; line: number };
  duplicates: { file: string; line: number; id: string }[];
  restored?: boolean;
}

const tg = path.join(repoRoot, 'tests/fixtures/clean/telegram-overlap');
const MARCH = path.join(tg, 'export-2024-03');
const JUNE = path.join(tg, 'export-2024-06');

describe('pereezd clean: one Telegram chat exported twice', () => {
  it('writes one timeline with the provenance of every copy, and quarantines the undated entries with file and line', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    const r = run('clean', MARCH, JUNE, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(accounting(out).messages).toEqual({
      in: 14, kept: 9, merged: 3, quarantined: 2, excluded: 0, restored: 0,
      byChat: { 'tg:4242': { in: 14, kept: 9, merged: 3, quarantined: 2, excluded: 0, restored: 0 } },
    });
    const messages = jsonl<Msg>(path.join(out, 'messages.jsonl'));
    expect(messages.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const from = (m: Msg) => (m.source.file.startsWith(MARCH) ? 'march' : 'june');
    expect(messages.map((m) => [m.id, from(m), m.duplicates.map((d) => `${d.file.startsWith(MARCH) ? 'march' : 'june'}:${d.line}`)])).toEqual([
      ['1', 'march', []],
      ['2', 'march', []],
      ['3', 'march', []],
      ['4', 'march', ['june:6']],
      ['5', 'june', ['march:10']], // the June copy has the photo
      ['6', 'march', ['june:8']],
      ['7', 'june', []],
      ['8', 'june', []],
      ['9', 'june', []],
    ]);
    const q = jsonl<{ id: string; reason: string; file: string; line: number; itemId: string }>(path.join(out, 'quarantine.jsonl'));
    expect(q.map((x) => [x.reason, x.file, x.line, x.itemId])).toEqual([
      ['no-date', path.join(JUNE, 'result.json'), 12, '10'],
      ['no-date', path.join(JUNE, 'result.json'), 13, '11'],
    ]);
    expect(jsonl(path.join(out, 'chats.jsonl'))).toEqual([
      expect.objectContaining({ id: 'tg:4242', messages: 9, events: 0, firstAt: '2024-03-01T10:00:00Z', lastAt: '2024-06-01T08:00:00Z', sources: [expect.anything(), expect.anything()] }),
    ]);
  });

  it('restores quarantined entries from --restore-quarantined and from a decisions file with a time', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    expect(run('clean', MARCH, JUNE, '--out', out).code).toBe(0);
    const [ten, eleven] = jsonl<{ id: string }>(path.join(out, 'quarantine.jsonl'));
    const decisions = path.join(out, '..', `${path.basename(out)}-decisions.jsonl`);
    writeFileSync(decisions, `{"restore":"${eleven!.id}","sentAt":"2024-04-10T12:00:30Z"}\n`);
    const r = run('clean', MARCH, JUNE, '--out', out, '--restore-quarantined', ten!.id, '--decisions', decisions);
    expect(r.code, r.stderr).toBe(0);
    expect(accounting(out).messages).toMatchObject({ in: 14, kept: 11, merged: 3, quarantined: 0, restored: 2 });
    const ids = jsonl<Msg>(path.join(out, 'messages.jsonl')).map((m) => m.id);
    expect(ids).toEqual(['1', '2', '3', '4', '5', '6', '7', '11', '8', '9', '10']); // 11 at the time given; 10 (no time) last
    expect(jsonl(path.join(out, 'quarantine.jsonl'))).toEqual([]);
  });
});

describe('pereezd clean: one WhatsApp chat exported during a conversation and again later', () => {
  it('matches copies within the same minute by occurrence: the third "ok" is new', () => {
    const wa = path.join(repoRoot, 'tests/fixtures/clean/whatsapp-overlap');
    const early = path.join(wa, 'during-the-call/WhatsApp Chat with Иван Петров.txt');
    const later = path.join(wa, 'later/WhatsApp Chat with Иван Петров.txt');
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-clean-'));
    const r = run('clean', early, later, '--out', out, '--tz', 'Europe/Moscow', '--date-order', 'dmy');
    expect(r.code, r.stderr).toBe(0);
    expect(accounting(out).messages).toMatchObject({ in: 12, kept: 8, merged: 4, quarantined: 0, excluded: 0 });
    const messages = jsonl<Msg>(path.join(out, 'messages.jsonl'));
    expect(messages.map((m) => [m.kind, m.text, m.duplicates.length])).toEqual([
      ['event', 'Сообщения и звонки защищены сквозным шифрованием.', 1],
      ['message', 'Привет', 1],
      ['message', 'ok', 1],
      ['message', 'ok', 1],
      ['message', 'ok', 0],
      ['message', 'Как дела?', 0],
      ['message', 'Переезд завершён', 0],
      ['message', '🎉', 0],
    ]);
    expect(messages[4]!.source.file).toBe(later);
    expect(messages[4]!.sentAt).toBe('2024-03-01T10:00:00+03:00');
  });
});
