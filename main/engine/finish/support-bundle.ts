/**
 * The support bundle: one JSON file for the helpdesk with the app version, the OS, the step states and the
 * one-line status, the accounting, the problems (code, file, line — never their text), the backups and the
 * upload/read-back totals, the audit journal and the app's log files — everything passed through one
 * Redactor that knows the names, chat titles, phone numbers, e-mails and sample message texts of the model,
 * plus the patterns for tokens and keys. After writing, the file is read back and checked: if any known
 * personal string is still in it, it is deleted and an error is raised.
 */
import { mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../backup/age-file.js';
import type { Accounting } from '../clean/accounting.js';
import { createBackupCatalog } from '../services/backup-catalog.js';
import { VERSION } from '../version.js';
import { auditFile, readAudit, verifyAuditChain } from './audit.js';
import { sampleMessageTexts } from './cleanup.js';
import { auditSafe, finishDir, type StoredUpload, type StoredVerify } from './hooks.js';
import { createRedactor, type RedactKind } from './redact.js';
import { findRun, helpdeskStatus } from './status.js';
import { forEachJsonLine, readJsonFile } from '../json-files.js';

export interface SupportBundleOptions {
  configDir: string;
  /** Folder to write into. */
  destDir?: string;
  /** Or an exact file name. */
  file?: string;
  paths?: string[];
  /** Extra strings to redact (tests plant them; the app passes nothing). */
  known?: string[];
  now?: () => Date;
}

export interface SupportBundleResult {
  file: string;
  bytes: number;
  redacted: Record<RedactKind, number>;
}

/** Personal strings from a model folder: names, titles, phones, e-mails, handles, message samples. */
export function personalStrings(dir: string, max = 50_000): string[] {
  const out = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v.trim().length >= 3 && out.size < max) out.add(v.trim());
  };
  const each = (name: string, f: (o: Record<string, unknown>) => void) => {
    if (out.size >= max) return;
    forEachJsonLine<Record<string, unknown>>(path.join(dir, name), (o) => {
      f(o);
      return out.size < max;
    });
  };
  const typed = (xs: unknown) => (Array.isArray(xs) ? xs.forEach((x) => add((x as { value?: unknown })?.value)) : undefined);
  each('contacts.jsonl', (c) => {
    add(c.name);
    add(c.given);
    add(c.family);
    add(c.org);
    typed(c.phones);
    typed(c.emails);
    typed(c.handles);
  });
  each('participants.jsonl', (p) => add(p.name));
  each('identities.jsonl', (p) => {
    add(p.name);
    for (const k of ['names', 'phones', 'emails', 'handles']) if (Array.isArray(p[k])) (p[k] as unknown[]).forEach((x) => add(typeof x === 'string' ? x : (x as { value?: unknown })?.value));
  });
  each('chats.jsonl', (c) => add(c.title));
  for (const s of sampleMessageTexts([dir], 500)) add(s);
  return [...out];
}

/** The last `max` lines of every `*.log` in `<config>/logs`. */
async function logs(configDir: string, max = 2000): Promise<{ file: string; lines: string[] }[]> {
  const dir = path.join(configDir, 'logs');
  const out = [];
  for (const name of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.log')).sort()) {
    const text = await readFile(path.join(dir, name), 'utf8').catch(() => '');
    out.push({ file: name, lines: text.split('\n').filter(Boolean).slice(-max) });
  }
  return out;
}

export async function writeSupportBundle(opts: SupportBundleOptions): Promise<SupportBundleResult> {
  const now = opts.now ?? (() => new Date());
  const run = await findRun(opts.configDir, opts.paths);
  const cleanDir = run ? path.join(opts.configDir, 'clean', run.workId) : null;
  const known = [...(cleanDir ? personalStrings(cleanDir) : []), ...(opts.known ?? [])];
  const r = createRedactor({ known });

  const accounting = cleanDir ? await readJsonFile<Accounting>(path.join(cleanDir, 'accounting.json')) : null;
  const problems: { code: string; file: string; line: number | null }[] = [];
  const byCode: Record<string, number> = {};
  if (cleanDir) {
    forEachJsonLine<{ code?: unknown; file?: unknown; line?: unknown }>(
      path.join(cleanDir, 'problems.jsonl'),
      (p) => {
        const code = typeof p.code === 'string' ? p.code : 'unknown';
        byCode[code] = (byCode[code] ?? 0) + 1;
        if (problems.length < 200) problems.push({ code, file: typeof p.file === 'string' ? p.file : '', line: typeof p.line === 'number' ? p.line : null });
      },
      () => void (byCode['unreadable-line'] = (byCode['unreadable-line'] ?? 0) + 1),
    );
  }
  const fin = run ? finishDir(opts.configDir, run.workId) : null;
  const upload = fin ? await readJsonFile<StoredUpload>(path.join(fin, 'upload.json')) : null;
  const verify = fin ? await readJsonFile<StoredVerify>(path.join(fin, 'verify.json')) : null;
  const cat = await createBackupCatalog(opts.configDir).read();
  const audit = await readAudit(auditFile(opts.configDir), 2000);

  const bundle = {
    format: 'pereezd-support-bundle',
    formatVersion: 1,
    createdAt: now().toISOString(),
    app: { name: 'Pereezd', version: VERSION },
    os: { platform: process.platform, release: os.release(), arch: process.arch, node: process.version, locale: Intl.DateTimeFormat().resolvedOptions().locale, cpus: os.cpus().length, memoryMb: Math.round(os.totalmem() / 2 ** 20) },
    status: await helpdeskStatus(opts.configDir, opts.paths),
    clean: run
      ? {
          finishedAt: run.rec.run.finishedAt, region: run.rec.run.region, sources: run.rec.run.sources.map((s) => ({ path: s.path, format: s.format, contacts: s.contacts, chats: s.chats, messages: s.messages, problems: s.problems })),
          groups: run.rec.run.groups, quarantined: run.rec.run.quarantined, excludedChats: run.rec.run.excludedChats,
        }
      : null,
    accounting: accounting ? { contacts: accounting.contacts, participants: accounting.participants, chats: accounting.chats, messages: { in: accounting.messages.in, kept: accounting.messages.kept, merged: accounting.messages.merged, quarantined: accounting.messages.quarantined, excluded: accounting.messages.excluded, restored: accounting.messages.restored }, problems: accounting.problems } : null,
    problems: { byCode, first: problems },
    backups: cat.backups.map((b) => ({ file: b.file, size: b.size, sha256: b.sha256, created: b.created, opensWith: b.opensWith, verified: b.verified, recoveryTestedAt: b.recoveryTestedAt, copies: b.copies.map((c) => ({ file: c.file, verifiedAt: c.verifiedAt })), counts: b.counts })),
    upload: upload ? { finishedAt: upload.finishedAt, seconds: upload.seconds, totals: upload.totals, problems: upload.problems.reduce<Record<string, number>>((m, p) => ((m[p.code] = (m[p.code] ?? 0) + 1), m), {}) } : null,
    verify: verify ? { finishedAt: verify.finishedAt, seconds: verify.seconds, totals: verify.totals, resent: verify.resent, chats: verify.chats.filter((c) => c.status !== 'ok' && c.status !== 'empty').slice(0, 200).map((c) => ({ chatId: c.chatId, status: c.status, expected: c.expected, found: c.found, missing: c.missing, duplicates: c.duplicates, missingIds: c.missingIds })) } : null,
    audit: { chain: await verifyAuditChain(auditFile(opts.configDir)), records: audit },
    logs: await logs(opts.configDir),
  };
  const redacted = r.value(bundle);
  const text = `${JSON.stringify(redacted, null, 1)}\n`;

  const file = opts.file ?? path.join(opts.destDir ?? process.cwd(), `pereezd-support-${now().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text, 0o600);
  // Read back what was written: no known personal string may be in it.
  const back = await readFile(file, 'utf8');
  const leaked = known.filter((k) => k.length >= 3 && back.includes(k));
  if (leaked.length) {
    await unlink(file).catch(() => undefined);
    throw new Error(`support bundle: ${leaked.length} personal value(s) survived redaction; the file was deleted`);
  }
  const bytes = (await stat(file)).size;
  await auditSafe(opts.configDir, { op: 'support-bundle', outcome: 'ok', counts: { bytes, ...r.counts }, refs: { file } });
  return { file, bytes, redacted: r.counts };
}
