/**
 * The migration report: everything the steps left behind gathered into one ReportModel
 * (shared/model/report.ts) — per source its files with SHA-256, per chat in / kept / merged / quarantined /
 * excluded (Clean) and expected / uploaded / verified / missing (target), the discrepancies with reasons, the
 * backups and copies with their checks, dates and durations, the app version and the audit chain status —
 * and `nothingLost`, true only when all of it balances.
 *
 * `buildReport` takes explicit inputs (tests, the CLI after its own run); `gatherReport` finds them in the
 * config folder: the Clean working folder of the source set (`clean/<workId>/run.json`, `accounting.json`,
 * `chats.jsonl`, `quarantine.jsonl`), the backup catalogue, and what the Matrix steps recorded
 * (`finish/<workId>/upload.json`, `verify.json`, see hooks.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  ReportModelSchema, type CleanupRecord, type Discrepancy, type ReportBackup, type ReportChat, type ReportLang, type ReportModel, type ReportSource, type ReportTally,
} from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';
import type { Accounting } from '../clean/accounting.js';
import type { ChatLine, QuarantineLine } from '../clean/types.js';
import { createBackupCatalog, type CatalogRecord } from '../services/backup-catalog.js';
import { workIdOf, type RunRecord } from '../services/clean-work.js';
import { VERSION } from '../version.js';
import { auditFile, readAudit, verifyAuditChain } from './audit.js';
import { auditSafe, finishDir, type StoredUpload, type StoredVerify } from './hooks.js';
import { renderReportHtml } from './report-html.js';
import { hashSource } from './source-hash.js';
import { forEachJsonLine, readJsonFile } from '../json-files.js';

export interface ReportSourceInput {
  path: string;
  format: string | null;
  counts?: { contacts: number; chats: number; messages: number; problems: number } | null;
}

export interface ReportInputs {
  workId: string | null;
  sources: ReportSourceInput[];
  /** A Clean output folder (accounting.json, chats.jsonl, quarantine.jsonl). */
  cleanDir: string | null;
  /** accounting.json kept after clean-up (used when `cleanDir` is null). */
  accountingFile?: string;
  /** When the clean run finished (run.json), if known. */
  cleanFinishedAt?: string | null;
  backups: CatalogRecord[];
  upload: StoredUpload | null;
  verify: StoredVerify | null;
  /** The audit journal to check (default none: an empty chain). */
  auditFile: string | null;
  cleanup?: CleanupRecord | null;
  now?: () => Date;
  /** Hashing progress: `done` of `total` sources (fractional within a source), and the source being read. */
  onProgress?: (done: number, total: number, current: string) => void;
}

const ZERO_TALLY: ReportTally = { in: 0, kept: 0, merged: 0, quarantined: 0, excluded: 0 };
const tallyOf = (t: { in: number; kept: number; merged: number; quarantined: number; excluded: number } | undefined | null): ReportTally | null =>
  t ? { in: t.in, kept: t.kept, merged: t.merged, quarantined: t.quarantined, excluded: t.excluded } : null;
const balanced = (t: ReportTally) => t.in === t.kept + t.merged + t.quarantined + t.excluded;


const mismatch = (what: string, t: ReportTally) => `${what}: in ${t.in} ≠ kept ${t.kept} + merged ${t.merged} + quarantined ${t.quarantined} + excluded ${t.excluded}`;

export async function buildReport(input: ReportInputs, signal: AbortSignal = new AbortController().signal): Promise<ReportModel> {
  const now = input.now ?? (() => new Date());
  const discrepancies: Discrepancy[] = [];
  const add = (d: Omit<Discrepancy, 'ids'> & { ids?: string[] }) => discrepancies.push({ ...d, ids: (d.ids ?? []).slice(0, 20) });

  // ---- sources ------------------------------------------------------------------------------
  const sources: ReportSource[] = [];
  for (const [i, s] of input.sources.entries()) {
    const n = input.sources.length;
    input.onProgress?.(i, n, s.path);
    const h = await hashSource(s.path, signal, (done, total) => input.onProgress?.(i + (total > 0 ? done / total : 0), n, s.path));
    sources.push({ ...h, format: s.format, counts: s.counts ?? null });
    const bad = h.files.filter((f) => f.sha256 === null);
    if (h.kind === 'missing' || bad.length) {
      add({ code: 'source-unreadable', severity: 'warning', chatId: null, count: Math.max(1, bad.length), ids: bad.map((f) => f.path), message: `source ${s.path}: ${h.kind === 'missing' ? 'not found any more' : `${bad.length} file(s) could not be read`}` });
    }
  }

  // ---- clean accounting ---------------------------------------------------------------------
  let accounting: Accounting | null = null;
  const titles = new Map<string, { title: string; type: string }>();
  const quarantinedIds = new Map<string, string[]>();
  if (input.cleanDir) {
    accounting = await readJsonFile<Accounting>(path.join(input.cleanDir, 'accounting.json'));
    forEachJsonLine<ChatLine>(path.join(input.cleanDir, 'chats.jsonl'), (c) => titles.set(c.id, { title: c.title, type: c.type }));
    forEachJsonLine<QuarantineLine>(path.join(input.cleanDir, 'quarantine.jsonl'), (q) => {
      if (q.kind !== 'message') return;
      const k = q.chat ?? '';
      const l = quarantinedIds.get(k) ?? [];
      if (l.length < 20) l.push(q.id);
      quarantinedIds.set(k, l);
    });
    if (!accounting) add({ code: 'accounting-unbalanced', severity: 'loss', chatId: null, count: 0, message: `the Clean step's accounting.json is missing or unreadable in ${input.cleanDir}` });
  }
  else if (input.accountingFile) accounting = await readJsonFile<Accounting>(input.accountingFile);
  if (accounting) {
    for (const [kind, t] of [['contacts', accounting.contacts], ['participants', accounting.participants], ['chats', accounting.chats], ['messages', accounting.messages]] as const) {
      const x = tallyOf(t)!;
      if (!balanced(x)) add({ code: 'accounting-unbalanced', severity: 'loss', chatId: null, count: Math.abs(x.in - x.kept - x.merged - x.quarantined - x.excluded), message: mismatch(kind, x) });
    }
  }

  // ---- per chat -----------------------------------------------------------------------------
  const verifyByChat = new Map((input.verify?.chats ?? []).map((c) => [c.chatId, c]));
  const uploadByChat = new Map((input.upload?.chats ?? []).map((c) => [c.chatId, c]));
  const chatIds = new Set<string>([...Object.keys(accounting?.messages.byChat ?? {}), ...verifyByChat.keys(), ...uploadByChat.keys()]);
  const chats: ReportChat[] = [];
  for (const id of chatIds) {
    const t = tallyOf(accounting?.messages.byChat[id]) ?? { ...ZERO_TALLY };
    const v = verifyByChat.get(id);
    const u = uploadByChat.get(id);
    const meta = titles.get(id);
    const ok = balanced(t);
    if (accounting && !ok) add({ code: 'accounting-unbalanced', severity: 'loss', chatId: id, count: Math.abs(t.in - t.kept - t.merged - t.quarantined - t.excluded), message: mismatch(`messages of chat ${id}`, t) });
    if (t.quarantined) {
      add({ code: 'quarantined', severity: 'warning', chatId: id, count: t.quarantined, ids: quarantinedIds.get(id) ?? [], message: `chat ${id}: ${t.quarantined} message(s) quarantined (kept in quarantine.jsonl and in the backup, not uploaded)` });
    }
    let target: ReportChat['target'] = null;
    if (v || u) {
      const expected = v?.expected ?? u?.parts ?? 0;
      const uploaded = u ? u.sent + u.alreadyThere : v ? v.found : null;
      target = {
        roomId: v?.roomId ?? u?.roomId ?? null, expected, uploaded,
        verified: v ? v.found : null, missing: v ? v.missing : null, duplicates: v ? v.duplicates : null,
        mediaChecked: v ? v.media.checked : null, mediaMismatched: v ? v.media.mismatched : null,
        status: v ? v.status : 'not-verified',
      };
      if (!v && expected > 0) add({ code: 'not-verified', severity: 'loss', chatId: id, count: expected, message: `chat ${id}: uploaded but not read back yet (run verify-target)` });
      if (v) {
        if (v.status === 'no-room') add({ code: 'no-room', severity: 'loss', chatId: id, count: v.missing, ids: v.missingIds, message: `chat ${id}: no room found in the target; ${v.missing} part(s) missing` });
        else if (v.missing) add({ code: 'missing-in-target', severity: 'loss', chatId: id, count: v.missing, ids: v.missingIds, message: `chat ${id}: ${v.missing} part(s) missing in the target: ids ${v.missingIds.slice(0, 5).join(', ')}${v.missing > 5 ? ', …' : ''}` });
        if (v.media.mismatched) add({ code: 'media-mismatch', severity: 'loss', chatId: id, count: v.media.mismatched, message: `chat ${id}: ${v.media.mismatched} attachment(s) read back with a different SHA-256 (media hash mismatch)` });
        if (v.duplicates) add({ code: 'duplicates-in-target', severity: 'warning', chatId: id, count: v.duplicates, message: `chat ${id}: ${v.duplicates} part(s) are in the target more than once` });
        if (v.unknown) add({ code: 'unknown-in-target', severity: 'warning', chatId: id, count: v.unknown, message: `chat ${id}: ${v.unknown} event(s) in the room carry this chat's provenance but are not in the plan` });
      }
    } else if ((input.upload || input.verify) && t.kept > 0) {
      add({ code: 'not-uploaded', severity: 'loss', chatId: id, count: t.kept, message: `chat ${id}: ${t.kept} kept message(s), but the chat is not in the upload or the read-back` });
    }
    chats.push({ id, title: meta?.title ?? id, type: meta?.type ?? 'unknown', messages: t, balanced: ok, target });
  }
  chats.sort((a, b) => b.messages.in - a.messages.in || (a.id < b.id ? -1 : 1));
  const keptTotal = chats.reduce((n, c) => n + c.messages.kept, 0);
  if (!input.upload && !input.verify && keptTotal > 0) {
    add({ code: 'not-uploaded', severity: 'loss', chatId: null, count: keptTotal, message: `nothing has been uploaded to the new service yet (${keptTotal} kept message(s) in ${chats.filter((c) => c.messages.kept > 0).length} chat(s))` });
  }
  if (input.upload && !input.verify) {
    add({ code: 'not-verified', severity: 'loss', chatId: null, count: input.upload.totals.parts, message: 'the upload was not read back (verify-target) yet' });
  }
  const placeholders = input.upload?.problems.length ?? 0;
  if (placeholders) add({ code: 'upload-problems', severity: 'warning', chatId: null, count: placeholders, ids: [...new Set(input.upload!.problems.map((p) => p.code))], message: `${placeholders} problem(s) during the upload (e.g. attachments missing in the export, sent as a notice)` });

  // ---- backups ------------------------------------------------------------------------------
  const backups: ReportBackup[] = [];
  for (const b of [...input.backups].reverse().slice(0, 10)) {
    const exists = await stat(b.file).then((s) => s.isFile(), () => false);
    const copies = [];
    for (const c of b.copies) copies.push({ file: c.file, verifiedAt: c.verifiedAt, exists: await stat(c.file).then((s) => s.isFile(), () => false) });
    backups.push({ file: b.file, size: b.size, sha256: b.sha256, created: b.created, exists, checks: b.verified, recoveryTestedAt: b.recoveryTestedAt, copies, counts: b.counts });
  }
  if (!backups.length) add({ code: 'backup-missing', severity: 'warning', chatId: null, count: 0, message: 'no backup is recorded: make one in the Backup step (pereezd backup) before deleting the old account' });
  else {
    const latest = backups[0]!;
    if (!latest.exists) add({ code: 'backup-check-failed', severity: 'warning', chatId: null, count: 1, ids: [latest.file], message: `the backup ${latest.file} is not where it was made` });
    else if (!latest.checks.written && !latest.checks.full && !latest.checks.quick && !latest.checks.sample) add({ code: 'backup-not-verified', severity: 'warning', chatId: null, count: 1, ids: [latest.file], message: `the backup ${latest.file} has not been verified` });
    for (const c of latest.copies) if (!c.exists) add({ code: 'backup-check-failed', severity: 'warning', chatId: null, count: 1, ids: [c.file], message: `the copy ${c.file} is not where it was made` });
  }

  // ---- audit chain, durations ----------------------------------------------------------------
  const audit = input.auditFile ? await verifyAuditChain(input.auditFile) : { file: '', records: 0, ok: true, firstBroken: null, reason: null, head: null };
  if (!audit.ok) add({ code: 'audit-broken', severity: 'loss', chatId: null, count: 1, ids: [String(audit.firstBroken)], message: `the audit journal's chain breaks at line ${audit.firstBroken}: ${audit.reason}` });
  const records = input.auditFile ? await readAudit(input.auditFile) : [];
  const lastOf = (op: string) => [...records].reverse().find((r) => r.op === op && (!input.workId || r.refs.workId === undefined || r.refs.workId === input.workId));
  const secs = (op: string) => {
    const s = lastOf(op)?.counts.seconds;
    return typeof s === 'number' && s >= 0 ? s : null;
  };
  const latestBackup = input.backups.at(-1);

  const tv = input.verify?.totals;
  const model: ReportModel = {
    format: 'pereezd-report', formatVersion: 1,
    app: { name: 'Pereezd', version: VERSION },
    generatedAt: now().toISOString(),
    workId: input.workId,
    steps: {
      clean: { finishedAt: input.cleanFinishedAt ?? lastOf('clean')?.time ?? null, seconds: secs('clean') },
      backup: { finishedAt: latestBackup?.created ?? null, seconds: secs('backup') },
      upload: { finishedAt: input.upload?.finishedAt ?? null, seconds: input.upload?.seconds ?? null },
      verify: { finishedAt: input.verify?.finishedAt ?? null, seconds: input.verify?.seconds ?? null },
    },
    sources,
    totals: {
      contacts: tallyOf(accounting?.contacts), participants: tallyOf(accounting?.participants), chats: tallyOf(accounting?.chats), messages: tallyOf(accounting?.messages),
      problems: accounting?.problems ?? 0,
      target: input.upload || input.verify
        ? {
            expected: tv?.expected ?? input.upload?.totals.parts ?? 0,
            uploaded: input.upload ? input.upload.totals.sent + input.upload.totals.alreadyThere : null,
            verified: tv ? tv.found : null, missing: tv ? tv.missing : null, duplicates: tv ? tv.duplicates : null,
            mediaChecked: tv?.mediaChecked ?? 0, mediaMismatched: tv?.mediaMismatched ?? 0,
          }
        : null,
    },
    chats,
    target: input.upload || input.verify ? { homeserver: input.verify?.homeserver ?? input.upload?.homeserver ?? null, userId: input.upload?.userId ?? null } : null,
    backups,
    discrepancies,
    audit,
    cleanup: input.cleanup ?? null,
    nothingLost: false,
  };
  model.nothingLost = isNothingLost(model);
  return ReportModelSchema.parse(model);
}

/**
 * True only when there is something to prove it with and it all holds: the Clean accounting exists and every
 * identity balances (each kind and each chat), the upload was read back for every chat that has parts with
 * 0 missing parts and 0 media mismatches, no loss-class discrepancy is listed, and the audit chain is intact.
 */
export function isNothingLost(m: ReportModel): boolean {
  if (!m.totals.messages || !m.totals.chats || !m.totals.contacts) return false;
  for (const t of [m.totals.contacts, m.totals.participants, m.totals.chats, m.totals.messages]) if (t && !balanced(t)) return false;
  if (m.chats.some((c) => !c.balanced)) return false;
  const tt = m.totals.target;
  if (!tt || tt.verified === null || tt.missing !== 0 || tt.mediaMismatched !== 0) return false;
  for (const c of m.chats) {
    if (c.messages.kept > 0 && !c.target) return false;
    if (c.target && c.target.expected > 0 && (c.target.status !== 'ok' && c.target.status !== 'duplicates')) return false;
  }
  if (!m.audit.ok) return false;
  return !m.discrepancies.some((d) => d.severity === 'loss');
}

/** The most recent Clean run in `<configDir>/clean/*` (by run.json's finishedAt). */
/** The source set cleaned last: by the app (`clean/<id>/run.json`) or by `pereezd clean` (`finish/<id>/clean-run.json`). */
async function latestWork(configDir: string): Promise<{ workId: string; rec: RunRecord & { outDir?: string } } | null> {
  let best: { workId: string; rec: RunRecord & { outDir?: string } } | null = null;
  for (const [root, file] of [[path.join(configDir, 'clean'), 'run.json'], [path.join(configDir, 'finish'), 'clean-run.json']] as const) {
    for (const name of await readdir(root).catch(() => [] as string[])) {
      const rec = await readJsonFile<RunRecord & { outDir?: string }>(path.join(root, name, file));
      if (rec?.run?.finishedAt && (!best || rec.run.finishedAt > best.rec.run.finishedAt)) best = { workId: name, rec };
    }
  }
  return best;
}

export interface GatherOptions {
  configDir: string;
  /** The source set; default: the one the Clean step ran on last. */
  paths?: string[];
  cleanup?: CleanupRecord | null;
  now?: () => Date;
  onProgress?: ReportInputs['onProgress'];
}

/** Finds every input in the config folder and builds the report. */
export async function gatherReport(opts: GatherOptions, signal: AbortSignal = new AbortController().signal): Promise<ReportModel> {
  let workId: string | null = null;
  let rec: (RunRecord & { outDir?: string }) | null = null;
  if (opts.paths?.length) {
    workId = workIdOf(opts.paths);
    rec =
      (await readJsonFile<RunRecord>(path.join(opts.configDir, 'clean', workId, 'run.json'))) ??
      (await readJsonFile<RunRecord & { outDir?: string }>(path.join(finishDir(opts.configDir, workId), 'clean-run.json')));
  } else {
    const l = await latestWork(opts.configDir);
    if (l) ({ workId, rec } = l);
  }
  const paths = opts.paths ?? rec?.paths ?? [];
  const known = new Map((rec?.run.sources ?? []).map((s) => [path.resolve(s.path), s]));
  const sources: ReportSourceInput[] = paths.map((p) => {
    const s = known.get(path.resolve(p));
    return { path: p, format: s?.format ?? null, counts: s ? { contacts: s.contacts, chats: s.chats, messages: s.messages, problems: s.problems } : null };
  });
  // After clean-up the working folder is gone; its accounting was kept in finish/<workId>/clean-accounting.json.
  // `pereezd clean` wrote to its --out folder (recorded in its run record).
  const cleanDir =
    workId && existsSync(path.join(opts.configDir, 'clean', workId, 'accounting.json'))
      ? path.join(opts.configDir, 'clean', workId)
      : typeof rec?.outDir === 'string' && existsSync(path.join(rec.outDir, 'accounting.json'))
        ? rec.outDir
        : null;
  const keptAccounting = !cleanDir && workId ? path.join(finishDir(opts.configDir, workId), 'clean-accounting.json') : null;
  const fin = workId ? finishDir(opts.configDir, workId) : null;
  const catalog = await createBackupCatalog(opts.configDir).read();
  const cleanup = opts.cleanup !== undefined ? opts.cleanup : fin ? await readJsonFile<CleanupRecord>(path.join(opts.configDir, 'finish', 'cleanup.json')) : null;
  return buildReport(
    {
      workId, sources, cleanDir, ...(keptAccounting && existsSync(keptAccounting) ? { accountingFile: keptAccounting } : {}), cleanFinishedAt: rec?.run.finishedAt ?? null, backups: catalog.backups,
      upload: fin ? await readJsonFile<StoredUpload>(path.join(fin, 'upload.json')) : null,
      verify: fin ? await readJsonFile<StoredVerify>(path.join(fin, 'verify.json')) : null,
      auditFile: auditFile(opts.configDir), cleanup, ...(opts.now ? { now: opts.now } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    },
    signal,
  );
}

export type ReportFormat = 'html' | 'json' | 'both';

export function renderReportJson(m: ReportModel): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

/** Writes `pereezd-report-<date>.<lang>.html` and/or `.json` into `outDir` (mode 0600), records it in the audit journal. */
export async function writeReport(
  m: ReportModel,
  /** `printToPdf`: the host can print (desktop), so the HTML is also written as a PDF beside it. */
  opts: { outDir: string; lang: ReportLang; format: ReportFormat; configDir?: string; printToPdf?: PrintToPdf },
): Promise<string[]> {
  await mkdir(opts.outDir, { recursive: true });
  const stamp = m.generatedAt.replace(/[:.]/g, '-').slice(0, 19);
  const files: string[] = [];
  if (opts.format !== 'json') {
    const f = path.join(opts.outDir, `pereezd-report-${stamp}.${opts.lang}.html`);
    await writeFileAtomic(f, renderReportHtml(m, opts.lang), 0o600);
    files.push(f);
    if (opts.printToPdf) {
      const pdf = await renderReportPdf(m, opts.lang, opts.printToPdf);
      const p = f.replace(/\.html$/, '.pdf');
      await writeFileAtomic(p, Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), 0o600);
      files.push(p);
    }
  }
  if (opts.format !== 'html') {
    const f = path.join(opts.outDir, `pereezd-report-${stamp}.json`);
    await writeFileAtomic(f, renderReportJson(m), 0o600);
    files.push(f);
  }
  if (opts.configDir) {
    await auditSafe(opts.configDir, {
      op: 'report', outcome: 'ok',
      counts: { chats: m.chats.length, discrepancies: m.discrepancies.length, nothingLost: m.nothingLost ? 1 : 0 },
      refs: { files, ...(m.workId ? { workId: m.workId } : {}), ...(m.audit.head ? { auditHead: m.audit.head } : {}) },
    });
  }
  return files;
}

/** The shape of Electron's `webContents.printToPDF` after loading the HTML: HTML in, PDF bytes out. */
export type PrintToPdf = (html: string, options: { pageSize: 'A4'; printBackground: boolean; landscape: boolean }) => Promise<Uint8Array>;

/**
 * The report as PDF through the host's printer (Electron loads the HTML into a hidden, sandboxed window and
 * calls printToPDF). Checks that what comes back is a PDF. Not exercised against Electron in our tests (no
 * Electron binary on the build machines); tested with a fake printer only.
 */
export async function renderReportPdf(m: ReportModel, lang: ReportLang, print: PrintToPdf): Promise<Uint8Array> {
  const pdf = await print(renderReportHtml(m, lang), { pageSize: 'A4', printBackground: true, landscape: false });
  if (pdf.length < 5 || Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-') throw new Error('the printer did not return a PDF');
  return pdf;
}
