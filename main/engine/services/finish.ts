/**
 * Handlers for the channels in shared/ipc/finish.ts: the wizard's Verify & report step over the engine in
 * main/engine/finish (the same functions `pereezd report | cleanup | support-bundle` use).
 *
 * The report is a job: it reads and hashes every source file of the set, then writes the HTML (in the
 * language asked for) and the JSON into the folder the user chose. The last report of each set is kept in
 * the config folder (finish-state.ts), so the summary, the checklist facts and the announcements survive a
 * reload. Only files this app wrote are ever opened; only entries the clean-up itself listed are deleted.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FinishReportOutput, FinishReportView, finishInvoke } from '../../../shared/ipc/finish.js';
import type { JobKind, ReportChat, ReportModel } from '../../../shared/model/index.js';
import { buildAnnouncements } from '../finish/announcement.js';
import { factsFromReport, loadChecklist, tickChecklist, type ChecklistFacts } from '../finish/checklist.js';
import { gatherReport, writeReport } from '../finish/report.js';
import { workIdOf } from './clean-work.js';
import { createFinishCleanup } from './finish-cleanup.js';
import { openWithSystem, type OpenFile } from './finish-open.js';
import { knownReportFiles, loadLastReport, saveLastReport } from './finish-state.js';
import type { AreaContext, AreaService } from './types.js';

/** The job kind of a report (reads and hashes every source file, then writes HTML + JSON). */
export const REPORT_JOB_KIND: Exclude<JobKind, 'inventory'> = 'report';

export interface FinishServiceOptions {
  /** Opens a file with the system's default program (tests pass a fake). */
  openFile?: OpenFile;
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isFile() ?? false;
}

/** Chats the report has something to say about: unbalanced counts or a discrepancy naming them. */
export function problemChats(m: ReportModel): ReportChat[] {
  const named = new Set(m.discrepancies.map((d) => d.chatId).filter((id): id is string => id !== null));
  // A chat with messages to move that never reached the new service needs attention too.
  return m.chats.filter((c) => !c.balanced || named.has(c.id) || (c.target === null && c.messages.kept > 0));
}

export function reportView(m: ReportModel, files: { html: string; json: string; pdf: string | null; lang: 'ru' | 'en' }): FinishReportView {
  return {
    generatedAt: m.generatedAt,
    lang: files.lang,
    html: files.html,
    json: files.json,
    pdf: files.pdf,
    nothingLost: m.nothingLost,
    totals: m.totals,
    steps: m.steps,
    target: m.target,
    discrepancies: m.discrepancies,
    backups: m.backups,
    audit: m.audit,
    cleanup: m.cleanup,
    sources: m.sources.map((s) => ({ path: s.path, format: s.format, files: s.files.length + s.filesOmitted, bytes: s.bytes, digest: s.digest })),
    chats: { total: m.chats.length, withProblems: problemChats(m).length },
  };
}

/** Checklist facts without a report: nothing is known yet, so only the general items show. */
const NO_FACTS: ChecklistFacts = { networks: [], backupVerified: false, targetVerified: false, cleanedUp: false };

export function createFinishService(ctx: AreaContext, opts: FinishServiceOptions = {}): AreaService<keyof typeof finishInvoke> {
  const configDir = ctx.configDir;
  const openFile = opts.openFile ?? openWithSystem();
  const now = () => new Date(ctx.deps.now?.() ?? Date.now());
  /** Report jobs running, by source set. */
  const running = new Map<string, string>();
  const cleanup = createFinishCleanup(ctx);

  const factsOf = async (paths: string[]): Promise<ChecklistFacts> => {
    const last = await loadLastReport(configDir, workIdOf(paths));
    return last ? factsFromReport(last.model) : NO_FACTS;
  };

  return {
    async 'finish:report'({ paths, lang, dir }) {
      const workId = workIdOf(paths);
      if (running.has(workId)) return { ok: false, reason: 'busy', path: null };
      const outDir = path.resolve(dir);
      if (!(await isDir(outDir))) return { ok: false, reason: 'dest-missing', path: outDir };
      const jobId = ctx.jobs.run(REPORT_JOB_KIND, async ({ signal, progress }) => {
        // Reading and hashing the sources is most of the work: progress counts sources (fractions within
        // one), plus one unit for writing the files.
        const n = paths.length + 1;
        progress.report({ done: 0, total: n, unit: 'items', current: 'gather' });
        const onProgress = (done: number, _total: number, current: string) => progress.report({ done, total: n, unit: 'items', current });
        const model = await gatherReport({ configDir, paths, now, onProgress }, signal);
        signal.throwIfAborted();
        progress.report({ done: n - 1, total: n, unit: 'items', current: 'write' });
        // The desktop host can print: then the same HTML is also written as a PDF beside it.
        const printToPdf = ctx.deps.printToPdf;
        const files = await writeReport(model, { outDir, lang, format: 'both', configDir, ...(printToPdf ? { printToPdf } : {}) });
        const html = files.find((f) => f.endsWith('.html'))!;
        const json = files.find((f) => f.endsWith('.json'))!;
        const pdf = files.find((f) => f.endsWith('.pdf')) ?? null;
        await saveLastReport(configDir, workId, { html, json, pdf, lang, model });
        progress.report({ done: n, total: n, unit: 'items', current: 'write' });
        const output: FinishReportOutput = {
          html, json, pdf, lang, nothingLost: model.nothingLost, discrepancies: model.discrepancies.length, chats: model.chats.length, generatedAt: model.generatedAt,
        };
        return { ...output };
      });
      running.set(workId, jobId);
      void ctx.jobs.settled(jobId).finally(() => {
        if (running.get(workId) === jobId) running.delete(workId);
      });
      return { ok: true, jobId };
    },

    async 'finish:report-view'({ paths }) {
      const last = await loadLastReport(configDir, workIdOf(paths));
      return last ? reportView(last.model, last) : null;
    },

    async 'finish:report-chats'({ paths, offset, limit, only }) {
      const last = await loadLastReport(configDir, workIdOf(paths));
      if (!last) return { total: 0, offset, items: [] };
      const rows = only === 'problems' ? problemChats(last.model) : last.model.chats;
      return { total: rows.length, offset, items: rows.slice(offset, offset + limit) };
    },

    async 'finish:open-report'({ file }) {
      const target = path.resolve(file);
      if (!(await knownReportFiles(configDir)).has(target)) {
        return { ok: false, reason: 'unknown-file', message: `${target} is not a report this app wrote` };
      }
      if (!(await isFile(target))) return { ok: false, reason: 'missing', message: `${target}: the file is no longer there` };
      try {
        await openFile(target);
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: 'no-opener', message: (err as Error).message };
      }
    },

    async 'finish:checklist'({ paths }) {
      return { items: await loadChecklist(configDir, await factsOf(paths)) };
    },

    async 'finish:tick'({ paths, item, done }) {
      return { items: await tickChecklist(configDir, await factsOf(paths), item, done, now()) };
    },

    async 'finish:announcement'({ paths, offset, limit }) {
      const last = await loadLastReport(configDir, workIdOf(paths));
      if (!last) return { total: 0, offset, address: null, items: [] };
      const m = last.model;
      const userId = m.target?.userId ?? null;
      const all = buildAnnouncements({
        chats: m.chats.filter((c) => c.messages.kept > 0 || c.target !== null).map((c) => ({ id: c.id, title: c.title, type: c.type, roomId: c.target?.roomId ?? null })),
        userId,
      });
      return { total: all.length, offset, address: userId, items: all.slice(offset, offset + limit) };
    },

    ...cleanup,
  };
}
