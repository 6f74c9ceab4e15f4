/**
 * `pereezd report`, `pereezd cleanup` and `pereezd support-bundle`: the finish area (main/engine/finish) on the
 * command line, reading what the app and the other commands recorded in the config folder (PEREEZD_CONFIG_DIR
 * or the platform's default).
 * Exit codes: report — 0 nothing lost, 1 written but not proven complete (discrepancies printed); cleanup — 0,
 * or 1 when something could not be removed or message data was still found; 2 usage; 130 cancelled.
 */
import path from 'node:path';
import { ReportLangSchema } from '../../shared/model/index.js';
import { configDir } from '../engine/config-dir.js';
import { runCleanup } from '../engine/finish/cleanup.js';
import { gatherReport, writeReport, type ReportFormat } from '../engine/finish/report.js';
import { writeSupportBundle } from '../engine/finish/support-bundle.js';
import { formatBytes } from '../engine/finish/texts.js';
import { parseArgs, UsageError } from './args.js';

export const FINISH_COMMANDS = ['report', 'cleanup', 'support-bundle'] as const;
export type FinishCommand = (typeof FINISH_COMMANDS)[number];

export const FINISH_USAGE = `  pereezd report [PATH...] [--out DIR] [--lang ru|en] [--format html|json|both]
        the migration report (what was read, cleaned, backed up, uploaded and read back, with SHA-256 of
        every source file, discrepancies and the audit chain) for the sources, or for the last clean run
  pereezd cleanup [--dry-run]
        list and remove the app's temporary and working folders (never backups or your exports),
        then check that no message text is left outside the backup
  pereezd support-bundle --out FILE [PATH...]
        one file for the helpdesk: versions, step states, counts, problems, logs — names, phone
        numbers, e-mails, message text, tokens and keys redacted
`;

export interface FinishIo {
  stdout: Pick<NodeJS.WriteStream, 'write'>;
  stderr: Pick<NodeJS.WriteStream, 'write'>;
  env: NodeJS.ProcessEnv;
}

const defaultIo = (): FinishIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

export async function finishCommand(cmd: FinishCommand, argv: string[], usage: string, io: FinishIo = defaultIo()): Promise<number> {
  const cfg = configDir(io.env);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    if (cmd === 'report') {
      const args = parseArgs(argv, { flags: [], values: ['--out', '--lang', '--format'] });
      const lang = ReportLangSchema.safeParse(args.values.get('--lang') ?? 'ru');
      if (!lang.success) throw new UsageError(`--lang must be ru or en (got ${args.values.get('--lang')})`);
      const format = (args.values.get('--format') ?? 'both') as ReportFormat;
      if (!['html', 'json', 'both'].includes(format)) throw new UsageError(`--format must be html, json or both (got ${format})`);
      const out = path.resolve(args.values.get('--out') ?? '.');
      io.stderr.write('hashing the source files and checking the audit journal…\n');
      const m = await gatherReport({ configDir: cfg, ...(args.positionals.length ? { paths: args.positionals } : {}) }, controller.signal);
      const files = await writeReport(m, { outDir: out, lang: lang.data, format, configDir: cfg });
      for (const f of files) io.stdout.write(`${f}\n`);
      io.stderr.write(m.nothingLost ? 'nothing lost: every count balances and the read-back found every part\n' : `NOT proven complete: ${m.discrepancies.filter((d) => d.severity === 'loss').length} problem(s)\n`);
      for (const d of m.discrepancies) io.stderr.write(`  [${d.severity}] ${d.message}\n`);
      return m.nothingLost ? 0 : 1;
    }
    if (cmd === 'cleanup') {
      const args = parseArgs(argv, { flags: ['--dry-run'], values: [] });
      if (args.positionals.length) throw new UsageError('cleanup takes no paths (it only removes the app\'s own folders)');
      const dry = args.flags.has('--dry-run');
      const r = await runCleanup({ configDir: cfg, dryRun: dry });
      for (const e of r.removed) io.stdout.write(`${dry ? 'would remove' : 'removed'}  ${e.kind.padEnd(14)} ${formatBytes(e.bytes, 'en').padStart(10)}  ${e.path}\n`);
      for (const f of r.failed) io.stderr.write(`could not remove ${f.path}: ${f.message}\n`);
      io.stderr.write(`${dry ? 'would remove' : 'removed'} ${r.removed.length} item(s), ${formatBytes(r.bytes, 'en')}\n`);
      if (r.scan) {
        if (r.scan.hits.length) for (const h of r.scan.hits) io.stderr.write(`message data still found (${h.marker}): ${h.path}\n`);
        else io.stderr.write(`checked ${r.scan.filesScanned} file(s) in the app folders: no message data left\n`);
      }
      return r.failed.length || (r.scan?.hits.length ?? 0) ? 1 : 0;
    }
    const args = parseArgs(argv, { flags: [], values: ['--out'] });
    const out = args.values.get('--out');
    if (!out) throw new UsageError('--out FILE is required');
    const r = await writeSupportBundle({ configDir: cfg, file: path.resolve(out), ...(args.positionals.length ? { paths: args.positionals } : {}) });
    io.stdout.write(`${r.file}\n`);
    io.stderr.write(`${formatBytes(r.bytes, 'en')}; redacted: ${Object.entries(r.redacted).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ') || 'nothing'}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`pereezd ${cmd}: ${err.message}\n${usage}`);
      return 2;
    }
    if (controller.signal.aborted) return 130;
    io.stderr.write(`pereezd ${cmd}: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
