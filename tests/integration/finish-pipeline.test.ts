/**
 * The finish area on a full pipeline run against a REAL Synapse: sources → clean → backup → upload →
 * verify-target → report (nothingLost true); then an induced discrepancy (one event redacted in the room)
 * that the report names; a scan of the support bundle, the audit journal and the report JSON for every
 * planted secret, token, phone number and message text; and clean-up, after which the app's folders hold
 * no plaintext message data while the backup and the export stay.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../main/engine/backup/backup.js';
import { generateKeyPair } from '../../main/engine/backup/keys.js';
import { writeFileAtomic } from '../../main/engine/backup/age-file.js';
import { runClean } from '../../main/engine/clean/clean.js';
import { verifyAuditChain, auditFile } from '../../main/engine/finish/audit.js';
import { recordBackup, recordClean, recordUpload, recordVerifyTarget } from '../../main/engine/finish/hooks.js';
import { listCleanup, runCleanup } from '../../main/engine/finish/cleanup.js';
import { gatherReport, renderReportJson, writeReport } from '../../main/engine/finish/report.js';
import { writeSupportBundle } from '../../main/engine/finish/support-bundle.js';
import { MatrixClient } from '../../main/engine/matrix/client.js';
import { PROVENANCE_KEY } from '../../main/engine/matrix/txn.js';
import { runUpload } from '../../main/engine/matrix/upload.js';
import { runVerifyTarget } from '../../main/engine/matrix/verify-target.js';
import { createBackupCatalog } from '../../main/engine/services/backup-catalog.js';
import { runInfoOf } from '../../main/engine/services/clean.js';
import { workIdOf, type RunRecord } from '../../main/engine/services/clean-work.js';
import { makeFinishExport, PLANTED_EMAIL, PLANTED_TEXTS } from '../fixtures/finish/planted.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';

const quiet = { report() {} };
const signal = () => AbortSignal.timeout(120_000);
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

describe('finish: report, discrepancy, support bundle and clean-up on a real pipeline', () => {
  let hs: Synapse;
  let ivan: RegisteredUser;
  let client: MatrixClient;
  let cfg: string;
  let exportDir: string;
  let workId: string;
  let cleanDir: string;
  let backupFile: string;
  let recoverySecret: string;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pereezd-finish-it-'));

  beforeAll(async () => {
    hs = await startSynapse({ profile: 'fast' });
    ivan = await hs.register('ivan');
    client = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: ivan.accessToken, userId: ivan.userId });
    cfg = path.join(tmp, 'config');
    mkdirSync(cfg, { recursive: true, mode: 0o700 });
    exportDir = makeFinishExport(path.join(tmp, 'exports', 'telegram'));
    workId = workIdOf([exportDir]);
    cleanDir = path.join(cfg, 'clean', workId);

    // Clean, as the service does it: working folder, run.json, audit record.
    const t0 = Date.now();
    const cr = await runClean({ paths: [exportDir], outDir: cleanDir, region: 'RU' }, { progress: quiet }, signal());
    const rec: RunRecord = { version: 1, paths: [exportDir], excludedChats: [], run: runInfoOf(cr, new Date().toISOString(), { total: 0, restorable: 0 }, 0, null) };
    await writeFileAtomic(path.join(cleanDir, 'run.json'), `${JSON.stringify(rec)}\n`, 0o600);
    await recordClean(cfg, workId, cr, (Date.now() - t0) / 1000);

    // Backup with a recovery key; catalogue record as the Backup step writes it.
    const keys = await generateKeyPair();
    recoverySecret = keys.identity;
    backupFile = path.join(tmp, 'backups', 'migration.msgbak');
    mkdirSync(path.dirname(backupFile), { recursive: true });
    const br = await runBackup({ paths: [exportDir], out: backupFile, recipients: [{ recipient: keys.recipient, role: 'recovery' }] }, { progress: quiet, stagingDir: tmp }, signal());
    const c = br.manifest.counts;
    await createBackupCatalog(cfg).update((cat) => {
      cat.backups.push({
        file: br.file, sideFile: br.sideFile, created: br.manifest.created, size: br.size, sha256: br.sha256,
        counts: { sources: c.sources, originalFiles: c.originalFiles, contacts: c.contacts, chats: c.chats, messages: c.messages, attachments: c.attachments.referenced },
        opensWith: ['recovery'], recoveryFingerprint: null, keychainFingerprint: null,
        verified: { written: br.verified?.ok ? new Date().toISOString() : null, quick: null, full: null, sample: null }, recoveryTestedAt: null, copies: [],
      });
    });
    await recordBackup(cfg, br);

    // Upload to the real Synapse and read back.
    const journalDir = path.join(cfg, 'matrix', 'journals', 'test');
    const ur = await runUpload({ models: [cleanDir], journalDir, mediaRoots: [exportDir] }, { client, progress: quiet }, signal());
    await recordUpload(cfg, workId, ur, hs.baseUrl);
    const vr = await runVerifyTarget({ models: [cleanDir], journalDir, mediaRoots: [exportDir] }, { client, progress: quiet }, signal());
    await recordVerifyTarget(cfg, workId, vr, hs.baseUrl);
  }, 240_000);

  afterAll(async () => {
    await hs?.stop();
  });

  it('reports nothing lost, with the SHA-256 of every source file and per-chat counts that balance', async () => {
    const m = await gatherReport({ configDir: cfg, paths: [exportDir] });
    expect(m.discrepancies.filter((d) => d.severity === 'loss')).toEqual([]);
    expect(m.nothingLost).toBe(true);
    const src = m.sources[0]!;
    expect(src.kind).toBe('folder');
    expect(src.format).toBe('telegram-json');
    const onDisk = allFiles(exportDir).map((f) => path.relative(exportDir, f).split(path.sep).join('/')).sort();
    expect(src.files.map((f) => f.path).sort()).toEqual(onDisk);
    for (const f of src.files) expect(f.sha256).toBe(sha(path.join(exportDir, f.path)));
    expect(m.totals.messages).toMatchObject({ in: 11, kept: 11, merged: 0, quarantined: 0, excluded: 0 });
    expect(m.chats).toHaveLength(2);
    const group = m.chats.find((c) => c.title === 'Отдел продаж')!;
    // 8 messages; one photo with a caption is two parts.
    expect(group.messages).toMatchObject({ in: 8, kept: 8 });
    expect(group.target).toMatchObject({ expected: 9, uploaded: 9, verified: 9, missing: 0, mediaChecked: 1, mediaMismatched: 0, status: 'ok' });
    expect(m.totals.target).toMatchObject({ expected: 12, verified: 12, missing: 0 });
    expect(m.backups[0]).toMatchObject({ file: backupFile, sha256: sha(backupFile), exists: true });
    expect(m.audit).toMatchObject({ ok: true, records: 4 });
  });

  it('names a message redacted in the room: missing in the target, with its id; nothingLost false', async () => {
    const m0 = await gatherReport({ configDir: cfg, paths: [exportDir] });
    const roomId = m0.chats.find((c) => c.title === 'Иван Петров')!.target!.roomId!;
    const events: { event_id: string; content: Record<string, unknown> }[] = [];
    for await (const page of client.allMessages(roomId, { dir: 'f', limit: 100, filter: { types: ['m.room.message'] } })) events.push(...page);
    const victim = events[1]!;
    const sid = (victim.content[PROVENANCE_KEY] as { part: string }).part;
    await client.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(victim.event_id)}/finish-test-1`, { body: { reason: 'induced discrepancy' } });

    const journalDir = path.join(cfg, 'matrix', 'journals', 'test');
    const vr = await runVerifyTarget({ models: [cleanDir], journalDir, mediaRoots: [exportDir] }, { client, progress: quiet }, signal());
    await recordVerifyTarget(cfg, workId, vr, hs.baseUrl);
    const m = await gatherReport({ configDir: cfg, paths: [exportDir] });
    expect(m.nothingLost).toBe(false);
    const d = m.discrepancies.find((x) => x.code === 'missing-in-target')!;
    expect(d).toMatchObject({ severity: 'loss', count: 1, ids: [sid] });
    expect(d.chatId).toBe(m.chats.find((c) => c.title === 'Иван Петров')!.id);
    expect(d.message).toContain(sid);
    const files = await writeReport(m, { outDir: path.join(tmp, 'report'), lang: 'en', format: 'both', configDir: cfg });
    const html = readFileSync(files.find((f) => f.endsWith('.html'))!, 'utf8');
    expect(html).toContain('Missing in the target');
    expect(html).toContain('data-nothing-lost="false"');
    expect(html).toContain(sid.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`));
  });

  it('support bundle, audit journal and report JSON carry no planted text, phone, e-mail, token or key', async () => {
    const b = await writeSupportBundle({ configDir: cfg, file: path.join(tmp, 'support', 'bundle.json'), paths: [exportDir] });
    const bundle = readFileSync(b.file, 'utf8');
    const report = renderReportJson(await gatherReport({ configDir: cfg, paths: [exportDir] }));
    const audit = readFileSync(auditFile(cfg), 'utf8');
    const forbidden = [
      ...PLANTED_TEXTS, ...PLANTED_TEXTS.map((t) => t.slice(0, 24)), PLANTED_EMAIL, '912 345-67-89', '+79123456789', '+7 900 000 0000', '+79000000001',
      ivan.accessToken, ivan.password, recoverySecret, 'до встречи в среду',
    ];
    for (const [name, text] of [['bundle', bundle], ['report', report], ['audit', audit]] as const) {
      for (const f of forbidden) expect(text.includes(f), `${name} contains ${f.slice(0, 12)}…`).toBe(false);
    }
    // Names (contacts, chat titles) are also gone from the bundle (the report keeps titles: it is the user's own).
    for (const n of ['Иван Петров', 'Отдел продаж', 'Имя1', 'Фамилия2']) expect(bundle.includes(n), n).toBe(false);
    const parsed = JSON.parse(bundle) as { status: { current: string; line: { en: string } }; accounting: { messages: { in: number } } };
    expect(parsed.accounting.messages.in).toBe(11);
    expect(parsed.status.line.en).toMatch(/Step \d of 8|All 8 steps/);
    expect(b.redacted.name).toBeGreaterThan(0);
  });

  it('clean-up removes the working folders, keeps the backup and the export, and leaves no plaintext message data', async () => {
    const listed = await listCleanup({ configDir: cfg, tmpDir: tmp, protect: [exportDir] });
    expect(listed.map((e) => e.kind)).toContain('clean-work');
    expect(listed.every((e) => !e.path.startsWith(exportDir) && e.path !== backupFile)).toBe(true);
    const r = await runCleanup({ configDir: cfg, tmpDir: tmp, protect: [exportDir] });
    expect(r.failed).toEqual([]);
    expect(r.scan!.hits).toEqual([]);
    expect(r.scan!.filesScanned).toBeGreaterThan(0);
    expect(existsSync(cleanDir)).toBe(false);
    expect(existsSync(backupFile) && statSync(backupFile).size > 0).toBe(true);
    expect(existsSync(path.join(exportDir, 'result.json'))).toBe(true);
    // Independent look: every file left in the config folder, read whole.
    for (const f of allFiles(cfg)) {
      const text = readFileSync(f, 'utf8');
      for (const t of PLANTED_TEXTS) expect(text.includes(t.slice(0, 20)), `${f} holds message text`).toBe(false);
    }
    expect((await verifyAuditChain(auditFile(cfg))).ok).toBe(true);
    const m = await gatherReport({ configDir: cfg, paths: [exportDir] });
    expect(m.cleanup?.removed.map((e) => e.path)).toContain(cleanDir);
    // The counts outlive the working folder (kept without any text), so the report still balances them.
    expect(m.totals.messages).toMatchObject({ in: 11, kept: 11 });
    expect(m.chats.every((c) => c.balanced)).toBe(true);
    expect(m.discrepancies.some((d) => d.code === 'accounting-unbalanced')).toBe(false);
  });
});
