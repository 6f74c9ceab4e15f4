/** `pereezd convert PATH... --out DIR`: the normalised model as JSON Lines. */
import type { SourceOptions } from '../../shared/model/index.js';
import { runConvert } from '../engine/pipeline/convert.js';
import { stderrProgress } from './inspect.js';

export async function convertCommand(paths: string[], outDir: string, options: SourceOptions, signal: AbortSignal): Promise<number> {
  const progress = stderrProgress();
  const r = await runConvert({ paths, outDir, options }, { progress }, signal);
  progress.end();
  const c = r.counts;
  process.stdout.write(
    `wrote ${outDir}: ${c.contacts} contacts, ${c.chats} chats, ${c.messages} messages and events, ${c.problems} problems; ${c.hashed} attachment files hashed (SHA-256)\n`,
  );
  for (const s of r.sources) {
    for (const p of s.problems.filter((x) => x.code === 'needs-answer' && x.severity === 'error')) process.stderr.write(`${p.message}\n`);
  }
  return r.sources.some((s) => s.format !== null) ? 0 : 1;
}
