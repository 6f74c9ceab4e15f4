/**
 * What the finish service keeps of the last report of a source set: `<configDir>/finish/<workId>/report-last.json`
 * (mode 0600) with the report model and where its HTML and JSON were written. The step shows the summary and
 * the per-chat rows from it after a reload or a restart, and `finish:open-report` opens only files listed here.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ReportLangSchema, ReportModelSchema, type ReportLang, type ReportModel } from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';
import { finishDir } from '../finish/hooks.js';

const LAST = 'report-last.json';

const LastReportSchema = z
  .object({
    version: z.literal(1),
    html: z.string().min(1).max(4096),
    json: z.string().min(1).max(4096),
    /** Written only where the host can print (the desktop app). */
    pdf: z.string().min(1).max(4096).nullable().default(null),
    lang: ReportLangSchema,
    model: ReportModelSchema,
  })
  .strict();
export type LastReport = z.infer<typeof LastReportSchema>;

export async function saveLastReport(configDir: string, workId: string, r: { html: string; json: string; pdf: string | null; lang: ReportLang; model: ReportModel }): Promise<void> {
  const dir = finishDir(configDir, workId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const value: LastReport = { version: 1, ...r };
  await writeFileAtomic(path.join(dir, LAST), `${JSON.stringify(value)}\n`, 0o600);
}

/** The last report of the set, or null (none, or the file is damaged: the step then offers to make one). */
export async function loadLastReport(configDir: string, workId: string): Promise<LastReport | null> {
  try {
    const p = LastReportSchema.safeParse(JSON.parse(await readFile(path.join(finishDir(configDir, workId), LAST), 'utf8')));
    return p.success ? p.data : null;
  } catch {
    return null;
  }
}

/** Every report file this app wrote (the last report of each set): the only files `finish:open-report` opens. */
export async function knownReportFiles(configDir: string): Promise<Set<string>> {
  const out = new Set<string>();
  const root = path.join(configDir, 'finish');
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (!/^[0-9a-f]{16}$/.test(name)) continue;
    const last = await loadLastReport(configDir, name);
    if (last) {
      out.add(path.resolve(last.html));
      out.add(path.resolve(last.json));
      if (last.pdf) out.add(path.resolve(last.pdf));
    }
  }
  return out;
}
