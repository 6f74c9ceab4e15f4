/**
 * The command line's runs, recorded where the report finds them. The app's Clean step keeps its working folder
 * (`<config>/clean/<workId>`) and `run.json` there; `pereezd clean` writes wherever `--out` says, so it records
 * `finish/<workId>/clean-run.json` (the same record, plus that folder) and an audit entry. `pereezd upload` and
 * `verify-target` take model folders: when one is a recorded `pereezd clean` output, their results are stored for
 * that source set like the app's (`upload.json`, `verify.json`), so `pereezd report PATH...` covers the whole
 * command-line migration.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { CleanResult } from '../clean/clean.js';
import { workIdOf, type RunRecord } from '../services/clean-work.js';
import { runInfoOf } from '../services/clean.js';
import { readJsonFile, forEachJsonLine } from '../json-files.js';
import { finishDir, recordClean, saveJson } from './hooks.js';

export const CLI_CLEAN_RUN = 'clean-run.json';

/** A run record written by `pereezd clean`: where its output went. */
export interface CliRunRecord extends RunRecord {
  outDir: string;
}

function quarantineCounts(file: string): { total: number; restorable: number } {
  let total = 0;
  let restorable = 0;
  // A damaged line is reported by the clean step itself.
  forEachJsonLine<{ id?: unknown; restorable?: unknown }>(file, (q) => {
    if (typeof q.id !== 'string') return;
    total++;
    if (q.restorable === true) restorable++;
  });
  return { total, restorable };
}

/** Records a finished `pereezd clean` for the report; returns the source set's work id. */
export async function recordCliClean(
  configDir: string,
  run: { paths: string[]; outDir: string; excludedChats: string[]; seconds: number },
  r: CleanResult,
  now: Date = new Date(),
): Promise<string> {
  const paths = run.paths.map((p) => path.resolve(p));
  const workId = workIdOf(paths);
  const info = runInfoOf(r, now.toISOString(), quarantineCounts(r.files.quarantine), 0, r.plan);
  const rec: CliRunRecord = { version: 1, paths, excludedChats: [...run.excludedChats].sort(), run: info, outDir: path.resolve(run.outDir) };
  await saveJson(configDir, workId, CLI_CLEAN_RUN, rec);
  await recordClean(configDir, workId, r, run.seconds);
  return workId;
}

/** The work id of the source set whose recorded `pereezd clean` output is `modelDir`, or null. */
export async function workIdOfModel(configDir: string, modelDir: string): Promise<string | null> {
  const want = path.resolve(modelDir);
  let best: { workId: string; at: string } | null = null;
  for (const name of await readdir(path.join(configDir, 'finish')).catch(() => [] as string[])) {
    const rec = await readJsonFile<Partial<CliRunRecord>>(path.join(finishDir(configDir, name), CLI_CLEAN_RUN));
    const at = rec?.run?.finishedAt;
    if (rec?.outDir === want && typeof at === 'string' && (!best || at > best.at)) best = { workId: name, at };
  }
  return best?.workId ?? null;
}
