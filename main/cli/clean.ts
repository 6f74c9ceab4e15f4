/**
 * `pereezd clean PATH... --out DIR [--region RU] [--decisions FILE] [--exclude-chat ID]...
 *  [--restore-quarantined ID]...`: the cleaned model — duplicates merged, one timeline per chat,
 * broken entries quarantined — with the merge log, the accounting and contacts as vCard 4.0 and CSV.
 * Exit codes as for the other commands: 0 ok; 1 nothing could be read; 2 usage error; 130 cancelled.
 */
import { readFileSync } from 'node:fs';
import type { JobProgress } from '../../shared/model/index.js';
import { runClean, type CleanResult } from '../engine/clean/clean.js';
import { parseDecisions, type ParsedDecisions } from '../engine/clean/merge-log.js';
import { isRegion } from '../engine/clean/phone.js';
import type { IProgress } from '../engine/progress.js';
import { parseArgs, sourceOptions, UsageError } from './args.js';
import { stderrProgress } from './inspect.js';

export const CLEAN_USAGE = `  pereezd clean PATH... --out DIR [--region RU|none] [--decisions FILE] [--exclude-chat ID]...
                [--restore-quarantined ID]... [--date-order dmy|mdy|ymd] [--tz ZONE]
        contacts normalised and merged, one timeline per chat, broken entries quarantined;
        writes the cleaned JSON Lines, merges.jsonl, quarantine.jsonl, accounting.json,
        contacts.vcf and contacts.csv. Re-running with the same --out applies merges.jsonl again
  --region      region of phone numbers written without a country code (default: this computer's)
  --decisions   JSON Lines of decisions, group ids from groups.jsonl:
                {"group":"g-…","decision":"accept"|"reject"|"edit"|"proposed","edited":{"name":…}}
                ("proposed" undoes your earlier decision), or, for quarantine.jsonl entries,
                {"restore":"q-…","sentAt":"2024-01-01T10:00:00+03:00"}
  --exclude-chat  a chat not to move (its id from chats.jsonl); repeatable
  --restore-quarantined  put a quarantined entry back (its id from quarantine.jsonl); repeatable
`;

const REPEATABLE = ['--exclude-chat', '--restore-quarantined'] as const;

/** Takes the repeatable options out of argv (the shared parser keeps one value per option). */
export function takeRepeatable(argv: readonly string[]): { rest: string[]; values: Record<(typeof REPEATABLE)[number], string[]> } {
  const values: Record<(typeof REPEATABLE)[number], string[]> = { '--exclude-chat': [], '--restore-quarantined': [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const name = REPEATABLE.find((n) => a === n || a.startsWith(`${n}=`));
    if (!name) {
      rest.push(a);
      continue;
    }
    const v = a.length > name.length ? a.slice(name.length + 1) : argv[++i];
    if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
    values[name].push(v);
  }
  return { rest, values };
}

interface CleanArgs {
  paths: string[];
  out: string;
  region: Parameters<typeof runClean>[0]['region'];
  decisions?: ParsedDecisions;
  decisionsFile?: string;
  exclude: string[];
  restore: string[];
  options: ReturnType<typeof sourceOptions>;
}

export function parseCleanArgs(argv: readonly string[]): CleanArgs {
  const { rest, values } = takeRepeatable(argv);
  const args = parseArgs(rest, { flags: [], values: ['--out', '--region', '--decisions', '--date-order', '--tz'] });
  const options = sourceOptions(args);
  if (args.positionals.length === 0) throw new UsageError('give at least one export (folder, .zip or file)');
  const out = args.values.get('--out');
  if (!out) throw new UsageError('--out DIR is required');
  const r = args.values.get('--region');
  let region: CleanArgs['region'];
  if (r !== undefined) {
    if (r.toLowerCase() === 'none') region = null;
    else if (isRegion(r.toUpperCase())) region = r.toUpperCase() as CleanArgs['region'];
    else throw new UsageError(`--region: unknown region ${r} (use a two-letter code such as RU, DE, US, or none)`);
  }
  for (const id of values['--restore-quarantined']) {
    if (!/^q-[0-9a-f]{16}$/.test(id)) throw new UsageError(`--restore-quarantined: ${id} is not a quarantine id (they look like q-0123456789abcdef)`);
  }
  const parsed: CleanArgs = { paths: args.positionals, out, region, exclude: values['--exclude-chat'], restore: values['--restore-quarantined'], options };
  const file = args.values.get('--decisions');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--decisions: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const d = parseDecisions(text);
    if (d.errors.length > 0) {
      throw new UsageError(`--decisions: ${d.errors.slice(0, 10).map((e) => `${file}:${e.line}: ${e.message}`).join('\n  ')}`);
    }
    parsed.decisions = d;
    parsed.decisionsFile = file;
  }
  return parsed;
}

/** Reading (bytes) while convert runs, then the clean phases (items). */
function cleanProgress(): IProgress<JobProgress> & { end(): void } {
  const reading = stderrProgress();
  let last = 0;
  let shown = false;
  return {
    report(p) {
      if (p.unit === 'bytes') return reading.report(p);
      if (!process.stderr.isTTY) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      process.stderr.write(`\r\x1b[2Kcleaning ${p.current ?? ''} ${p.done.toLocaleString('en-US')}`);
      shown = true;
    },
    end() {
      reading.end();
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}

export function formatCleanSummary(r: CleanResult): string {
  const a = r.accounting;
  const n = (x: number) => x.toLocaleString('en-US');
  const g = r.groups;
  const lines = [
    `wrote ${r.outDir}`,
    `  contacts      ${n(a.contacts.in)} in → ${n(a.contacts.kept)} kept, ${n(a.contacts.merged)} merged, ${n(a.contacts.quarantined)} quarantined`,
    `  participants  ${n(a.participants.in)} in → ${n(a.participants.kept)} kept, ${n(a.participants.merged)} linked to contacts or merged`,
    `  chats         ${n(a.chats.in)} in → ${n(a.chats.kept)} kept, ${n(a.chats.merged)} merged, ${n(a.chats.excluded)} excluded`,
    `  messages      ${n(a.messages.in)} in → ${n(a.messages.kept)} kept, ${n(a.messages.merged)} duplicates merged, ${n(a.messages.quarantined)} quarantined, ${n(a.messages.excluded)} excluded${a.messages.restored ? ` (${n(a.messages.restored)} restored)` : ''}`,
    `  groups        ${n(g.total)} (${n(g.strong)} by phone/e-mail/id, ${n(g.weak)} by name only): ${n(g.merged)} merged, ${n(g.rejected)} rejected, ${n(g.pending)} waiting for a decision, ${n(g.reProposed)} proposed again${g.stale ? `; ${n(g.stale)} old decision(s) no longer match` : ''}`,
    `  phones        default region ${r.region ?? 'none'}`,
    `  exported      ${n(r.exported)} contacts to contacts.vcf and contacts.csv`,
  ];
  if (g.pending + g.reProposed > 0) {
    lines.push(`  review groups.jsonl, then run again with --decisions FILE (lines like {"group":"g-…","decision":"accept"})`);
  }
  return `${lines.join('\n')}\n`;
}

export async function cleanCommand(argv: readonly string[], usage: string): Promise<number> {
  let a: CleanArgs;
  try {
    a = parseCleanArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`pereezd clean: ${err.message}\n${usage}`);
    return 2;
  }
  const controller = new AbortController();
  const onSigint = () => {
    process.stderr.write('\ncancelling… (nothing is written over the previous output)\n');
    controller.abort();
  };
  process.once('SIGINT', onSigint);
  const progress = cleanProgress();
  try {
    const r = await runClean(
      {
        paths: a.paths, outDir: a.out, options: a.options, excludeChats: a.exclude, restore: a.restore,
        ...(a.region !== undefined ? { region: a.region } : {}), ...(a.decisions ? { decisions: a.decisions } : {}),
      },
      { progress },
      controller.signal,
    );
    progress.end();
    process.stdout.write(formatCleanSummary(r));
    for (const p of r.problems) if (p.severity !== 'info') process.stderr.write(`${p.severity}: ${p.message}\n`);
    return (r.sources ?? []).some((s) => s.format !== null) ? 0 : 1;
  } catch (err) {
    progress.end();
    if (controller.signal.aborted) return 130;
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
