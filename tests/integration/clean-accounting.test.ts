/**
 * Accounting at every step, for every fixture: each real sample under ../shared/fixtures/real that
 * the registry can read today (all four Telegram samples at least; other formats join as their
 * parsers land in main/engine/sources/registry.ts) and every synthetic set under
 * tests/fixtures/clean, run through `pereezd clean`.
 *
 * For each: in = kept + merged + quarantined + excluded for contacts, participants, chats, messages
 * and every chat; and the numbers agree with the files — `in` with what `convert` writes for the
 * same input, `kept` with the lines of the cleaned files, `quarantined` with quarantine.jsonl,
 * `merged` with the provenance listed in the kept messages' `duplicates`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runConvert } from '../../main/engine/pipeline/convert.js';
import { formats, openSource } from '../../main/engine/sources/registry.js';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
});

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : []);

interface Tally {
  in: number;
  kept: number;
  merged: number;
  quarantined: number;
  excluded: number;
}

const realRoot = path.resolve(repoRoot, '../shared/fixtures/real');
/** Every real sample the registry recognises (detected now, not listed by hand). */
async function readableRealFixtures(): Promise<{ name: string; paths: string[] }[]> {
  const out: { name: string; paths: string[] }[] = [];
  for (const dir of readdirSync(realRoot).sort()) {
    const full = path.join(realRoot, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full).sort()) {
      const p = path.join(full, f);
      const opened = await openSource(p);
      await opened.container?.close();
      if (opened.detected.format !== null) out.push({ name: `real/${dir}/${f} (${opened.detected.format})`, paths: [p] });
    }
  }
  return out;
}

const clean = path.join(repoRoot, 'tests/fixtures/clean');
const synthetic = [
  { name: 'clean/three-sources', paths: ['three-sources/telegram', 'three-sources/contacts.vcf', 'three-sources/google.csv'] },
  { name: 'clean/three-sources + three-sources-later', paths: ['three-sources/telegram', 'three-sources/contacts.vcf', 'three-sources/google.csv', 'three-sources-later/work-phone.vcf'] },
  { name: 'clean/telegram-overlap', paths: ['telegram-overlap/export-2024-03', 'telegram-overlap/export-2024-06'] },
  { name: 'clean/whatsapp-overlap', paths: ['whatsapp-overlap/during-the-call/WhatsApp Chat with Иван Петров.txt', 'whatsapp-overlap/later/WhatsApp Chat with Иван Петров.txt'] },
].map((s) => ({ name: s.name, paths: s.paths.map((p) => path.join(clean, p)) }));

const real = await readableRealFixtures();

describe('the real samples the registry reads', () => {
  it('include every Telegram sample', () => {
    const telegram = readdirSync(path.join(realRoot, 'telegram')).filter((f) => f.endsWith('.json'));
    expect(telegram).toHaveLength(4);
    for (const f of telegram) expect(real.map((r) => r.paths[0])).toContain(path.join(realRoot, 'telegram', f));
    expect(formats.map((f) => f.id)).toContain('telegram-json');
  });
});

describe.each([...real, ...synthetic])('accounting for $name', ({ paths }) => {
  it('balances for every kind and chat, and agrees with the files', async () => {
    const ref = mkdtempSync(path.join(os.tmpdir(), 'pereezd-acc-convert-'));
    await runConvert({ paths, outDir: ref, options: { timeZone: 'UTC' } }, { progress: { report() {} } }, new AbortController().signal);
    const out = mkdtempSync(path.join(os.tmpdir(), 'pereezd-acc-clean-'));
    const r = spawnSync(process.execPath, [cli, 'clean', ...paths, '--out', out, '--tz', 'UTC', '--region', 'RU'], {
      cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(path.join(out, 'accounting.json'), 'utf8')) as {
      contacts: Tally; participants: Tally; chats: Tally; messages: Tally & { byChat: Record<string, Tally> }; problems: number;
    };
    const balanced = (t: Tally) => t.in === t.kept + t.merged + t.quarantined + t.excluded;
    for (const kind of ['contacts', 'participants', 'chats', 'messages'] as const) expect(balanced(a[kind]), kind).toBe(true);
    for (const [chat, t] of Object.entries(a.messages.byChat)) expect(balanced(t), chat).toBe(true);

    // in: what convert wrote for the same input
    expect(a.messages.in).toBe(lines(path.join(ref, 'messages.jsonl')).length);
    expect(a.contacts.in).toBe(lines(path.join(ref, 'contacts.jsonl')).length);
    expect(a.chats.in).toBe(lines(path.join(ref, 'chats.jsonl')).length);
    // kept: the cleaned files
    const messages = lines(path.join(out, 'messages.jsonl'));
    expect(a.messages.kept).toBe(messages.length);
    expect(a.contacts.kept).toBe(lines(path.join(out, 'contacts.jsonl')).length);
    expect(a.participants.kept).toBe(lines(path.join(out, 'participants.jsonl')).length);
    expect(a.chats.kept).toBe(lines(path.join(out, 'chats.jsonl')).length);
    // quarantined: quarantine.jsonl
    const q = lines(path.join(out, 'quarantine.jsonl'));
    expect(a.messages.quarantined).toBe(q.filter((x) => x.kind === 'message').length);
    expect(a.contacts.quarantined).toBe(q.filter((x) => x.kind === 'contact').length);
    // merged: every dropped copy is listed once in a kept message's provenance
    expect(a.messages.merged).toBe(messages.reduce((n, m) => n + (m.duplicates as unknown[]).length, 0));
    // per chat, the kept lines
    const perChat = new Map<string, number>();
    for (const m of messages) perChat.set(m.chat as string, (perChat.get(m.chat as string) ?? 0) + 1);
    for (const [chat, t] of Object.entries(a.messages.byChat)) expect(t.kept, chat).toBe(perChat.get(chat) ?? 0);
    expect(a.problems).toBe(lines(path.join(out, 'problems.jsonl')).length);
  });
});
