/**
 * The plan end to end: tests/fixtures/identity/three-plus-chats through the clean step (its README
 * works the plan out by hand), chats the user unticked, chats the target already has (merge and
 * skip), the CLI's summary, and the estimate for a chat of 50 000 messages written as a converted
 * model (matrix.md §3: ≈ 70 h at Synapse's defaults).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PlanSchema, SYNAPSE_DEFAULT_PROFILE, type ChatPlan } from '../../shared/model/index.js';
import { cleanConverted, runClean, type CleanInput } from '../../main/engine/clean/clean.js';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

const tmp = (what: string) => mkdtempSync(path.join(os.tmpdir(), `pereezd-${what}-`));
const quiet = { progress: { report() {} } };
const signal = new AbortController().signal;
const set = path.join(repoRoot, 'tests/fixtures/identity/three-plus-chats');
const SOURCES = [
  path.join(set, 'telegram'), path.join(set, 'contacts.vcf'), path.join(set, 'google.csv'), path.join(set, 'whatsapp/WhatsApp Chat with Семья.txt'),
  path.join(set, 'slack'), path.join(set, 'discord/Pereezd - general [900000000000000010].json'),
];
const input = (outDir: string, more: Partial<CleanInput> = {}): CleanInput => ({
  paths: SOURCES, outDir, region: 'RU', options: { timeZone: 'Europe/Moscow' }, identityMap: path.join(tmp('cfg'), 'identity-map.json'), ...more,
});
const chatsOf = (plan: { chats: ChatPlan[] }) => Object.fromEntries(plan.chats.map((c) => [c.title === 'Семья' ? 'wa' : c.chatId, c]));

describe('the plan for the six-source set', () => {
  it('has every chat with what the README counts by hand, and the estimate of its 30 rate-limited requests', async () => {
    const out = tmp('plan');
    const r = await runClean(input(out), quiet, signal);
    const fromFile = PlanSchema.parse(JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')));
    expect(fromFile).toEqual(r.plan);
    const c = chatsOf(r.plan);
    const pick = (x: ChatPlan) => [x.action, x.reason, x.type, x.entries, x.messages, x.events, x.media, x.mediaBytes, x.mediaMissing, x.sends];
    expect(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, pick(v)]))).toEqual({
      'tg:1001': ['create', 'new', 'personal', 4, 4, 0, 1, 49, 1, 4],
      'tg:77001': ['create', 'new', 'group', 5, 4, 1, 0, 0, 0, 5],
      wa: ['create', 'new', 'group', 5, 4, 1, 0, 0, 0, 5],
      'slack:C01GENERAL': ['create', 'new', 'group', 4, 3, 1, 0, 0, 0, 4],
      'slack:D01IVAN': ['create', 'new', 'personal', 2, 2, 0, 0, 0, 0, 2],
      'slack:D03SELF': ['create', 'new', 'saved', 1, 1, 0, 0, 0, 0, 1],
      'discord:900000000000000010': ['create', 'new', 'group', 2, 2, 0, 0, 0, 0, 2],
    });
    expect(r.plan.totals).toMatchObject({ chats: 7, create: 7, merge: 0, skip: 0, messages: 20, events: 3, media: 1, mediaBytes: 49, mediaMissing: 1, sends: 23, invites: 0 });
    // 7 rooms + 23 events = 30 rc_message actions: the 30th at (30 − 10) / 0.2 = 100 s, + 0.01 s
    expect(r.plan.totals.estimateMs).toBe(100_010);
    // limits lifted: 30 requests + 1 upload at 100/s (the 49 bytes take 0.04 ms)
    expect(r.plan.totals.estimateFastMs).toBe(310);
    // the Telegram chat alone: its room, 4 events and the photo upload, all within the burst: 6 × 0.01 s
    expect(c['tg:1001']!.estimateMs).toBe(60);
    expect(r.plan.rate.default).toEqual(SYNAPSE_DEFAULT_PROFILE);
  });

  it('skips unticked chats (saying how much is left out) and merges into rooms the target has', async () => {
    const r = await runClean(
      input(tmp('plan'), {
        excludeChats: ['slack:C01GENERAL'],
        plan: { uploaded: { 'tg:1001': { roomId: '!ivan:example.org', messagesSent: 2 }, 'slack:D01IVAN': { roomId: '!dm:example.org', messagesSent: 2 } } },
      }),
      quiet, signal,
    );
    const c = chatsOf(r.plan);
    expect(c['slack:C01GENERAL']).toMatchObject({ action: 'skip', reason: 'excluded', entries: 4, messages: 0, sends: 0, estimateMs: 0 });
    // the first two entries (the text and the photo) are in the room: the file message and Мария's answer remain
    expect(c['tg:1001']).toMatchObject({ action: 'merge', reason: 'partly-uploaded', roomId: '!ivan:example.org', alreadySent: 2, messages: 2, media: 0, mediaMissing: 1, sends: 2 });
    expect(c['slack:D01IVAN']).toMatchObject({ action: 'skip', reason: 'already-uploaded', alreadySent: 2, sends: 0 });
    expect(r.plan.totals).toMatchObject({ create: 4, merge: 1, skip: 2, skipped: { excluded: 1, empty: 0, alreadyUploaded: 1 }, messages: 13, sends: 15 });
    // 4 rooms + 15 events = 19 actions: the 19th at 45 s, + 0.01 s
    expect(r.plan.totals.estimateMs).toBe(45_010);
    expect(r.plan.chats.at(-1)!.chatId).toBe('slack:C01GENERAL'); // nothing of it in the timeline: listed last
  });
});

describe('pereezd clean prints the plan and the identities', () => {
  let cli: string;
  beforeAll(async () => {
    cli = await buildCli();
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
  });
  it('with the accounting lines as before', () => {
    const out = tmp('plan');
    const r = spawnSync(process.execPath, [cli, 'clean', ...SOURCES, '--out', out, '--region', 'RU', '--tz', 'Europe/Moscow', '--exclude-chat', 'slack:D03SELF'], {
      cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1', PEREEZD_CONFIG_DIR: tmp('cfg') },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/messages {6}23 in → 22 kept, 0 duplicates merged, 0 quarantined, 1 excluded/);
    expect(r.stdout).toContain('  plan          6 chat(s) to create, 0 to complete, 1 skipped (1 excluded): 19 messages, 3 notices, 1 file(s) (49 bytes), 1 file(s) not in the export\n');
    // 6 rooms + 22 events = 28 actions: (28 − 10) / 0.2 = 90 s
    expect(r.stdout).toContain("  estimate      1 min 30 s at the server's default rate limits; less than a second with the limits lifted (admin override or application service, 100 requests/s); media at 10 Mbit/s (assumed)\n");
    expect(r.stdout).toMatch(/identities {4}12 people/);
  });
});

describe('a chat of 50 000 messages (matrix.md §3: ≈ 70 h)', () => {
  it('takes its room and 50 000 events: (50 001 − 10) / 0.2 s at the defaults; 500.01 s with the limits lifted', async () => {
    const dir = tmp('big-converted');
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < 50_000; i++) {
      lines.push(JSON.stringify({
        chat: 'tg:42', id: String(i + 1), kind: 'message', sentAt: new Date(t0 + i * 60_000).toISOString(), sender: { name: i % 2 ? 'Иван Петров' : 'Мария Соколова', id: i % 2 ? 'user1' : 'user2' },
        text: `сообщение ${i + 1}`, replyTo: null, forwardedFrom: null, editedAt: null, attachments: [], source: { file: 'big.json', line: i + 2 },
      }));
    }
    writeFileSync(path.join(dir, 'messages.jsonl'), `${lines.join('\n')}\n`);
    writeFileSync(path.join(dir, 'chats.jsonl'), `${JSON.stringify({ id: 'tg:42', title: 'Большой чат', type: 'group', members: 2, messages: 50_000, events: 0, firstAt: null, lastAt: null, source: { file: 'big.json', line: 1 } })}\n`);
    writeFileSync(path.join(dir, 'contacts.jsonl'), '');
    const r = await cleanConverted({ dir }, { paths: [], outDir: tmp('big-clean'), region: 'RU' }, quiet, signal);
    expect(r.plan.chats).toEqual([expect.objectContaining({ chatId: 'tg:42', action: 'create', messages: 50_000, sends: 50_000 })]);
    expect(r.plan.totals.estimateMs).toBe(249_955_010);
    expect(r.plan.totals.estimateMs / 3_600_000).toBeCloseTo(69.43, 2);
    expect(r.plan.totals.estimateFastMs).toBe(500_010);
    expect(r.identities).toMatchObject({ total: 2, participantsOnly: 2, senders: { resolved: 50_000, unresolved: 0, system: 0 } });
  });
});
