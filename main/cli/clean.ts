/**
 * `pereezd clean PATH... --out DIR [--region RU] [--decisions FILE] [--exclude-chat ID]...
 *  [--restore-quarantined ID]...`: the cleaned model — duplicates merged, one timeline per chat,
 * broken entries quarantined — with the merge log, the accounting and contacts as vCard 4.0 and CSV,
 * one identity per person (with the account stored for them in the identity map of the config
 * folder; `--map FILE` imports accounts into it first) and the plan per chat with its time estimate.
 * Exit codes as for the other commands: 0 ok; 1 nothing could be read; 2 usage error; 130 cancelled.
 */
import { readFileSync } from 'node:fs';
import type { JobProgress } from '../../shared/model/index.js';
import { runClean, type CleanResult } from '../engine/clean/clean.js';
import { applyImport, IdentityMapError, identityMapPath, parseIdentityMapImport, updateIdentityMap, type ImportedMapping } from '../engine/clean/identity-map.js';
import { parseDecisions, type ParsedDecisions } from '../engine/clean/merge-log.js';
import { defaultRegion, isRegion } from '../engine/clean/phone.js';
import { configDir } from '../engine/config-dir.js';
import { recordCliClean } from '../engine/finish/cli-runs.js';
import type { IProgress } from '../engine/progress.js';
import { parseArgs, sourceOptions, UsageError } from './args.js';
import { humanSize } from './backup.js';
import { stderrProgress } from './inspect.js';

export const CLEAN_USAGE = `  pereezd clean PATH... --out DIR [--region RU|none] [--decisions FILE] [--exclude-chat ID]...
                [--restore-quarantined ID]... [--map FILE] [--date-order dmy|mdy|ymd] [--tz ZONE]
        contacts normalised and merged, one timeline per chat, broken entries quarantined;
        writes the cleaned JSON Lines, merges.jsonl, quarantine.jsonl, accounting.json,
        contacts.vcf, contacts.csv, identities.jsonl (one person per line, with the account of
        the new service stored for them) and plan.json (per chat: create, skip or merge, sizes,
        time at the server's rate limits). Re-running with the same --out applies merges.jsonl again
  --region      region of phone numbers written without a country code (default: this computer's)
  --decisions   JSON Lines of decisions, group ids from groups.jsonl:
                {"group":"g-…","decision":"accept"|"reject"|"edit"|"proposed","edited":{"name":…}}
                ("proposed" undoes your earlier decision), or, for quarantine.jsonl entries,
                {"restore":"q-…","sentAt":"2024-01-01T10:00:00+03:00"}
  --exclude-chat  a chat not to move (its id from chats.jsonl); repeatable
  --restore-quarantined  put a quarantined entry back (its id from quarantine.jsonl); repeatable
  --map         accounts of the new service to remember for people, imported into the identity
                map of the config folder (kept for later runs) before cleaning: a CSV with an
                account column and phone / email / user id / username / name columns, or JSON
                {"+79161234567":"@ivan:example.org","tg:user1001":"@ivan:example.org"}; an empty
                account forgets what is stored for that person
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
  /** Mappings read from --map FILE (checked; applied when the command runs). */
  map?: { file: string; mappings: ImportedMapping[] };
}

export function parseCleanArgs(argv: readonly string[]): CleanArgs {
  const { rest, values } = takeRepeatable(argv);
  const args = parseArgs(rest, { flags: [], values: ['--out', '--region', '--decisions', '--map', '--date-order', '--tz'] });
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
  const mapFile = args.values.get('--map');
  if (mapFile !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(mapFile);
    } catch (err) {
      throw new UsageError(`--map: cannot read ${mapFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const m = parseIdentityMapImport(bytes, region === null ? undefined : (region ?? defaultRegion()));
    if (m.errors.length > 0) {
      const shown = m.errors.slice(0, 10).map((e) => `${mapFile}${e.line !== null ? `:${e.line}` : ''}: ${e.message}`);
      if (m.errors.length > 10) shown.push(`… and ${m.errors.length - 10} more`);
      throw new UsageError(`--map: ${shown.join('\n  ')}`);
    }
    parsed.map = { file: mapFile, mappings: m.mappings };
  }
  return parsed;
}

/** 249950000 → "69 h 25 min"; 500000 → "8 min 20 s"; 400 → "less than a second". */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return ms > 0 ? 'less than a second' : '0 s';
  const h = Math.floor(s / 3600);
  const min = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${min} min`;
  if (min > 0) return `${min} min${sec ? ` ${sec} s` : ''}`;
  return `${sec} s`;
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
  const id = r.identities;
  lines.push(
    `  identities    ${n(id.total)} people (${n(id.contacts)} in contact lists, ${n(id.participantsOnly)} only seen in chats): ${n(id.withPhone)} with a phone, ${n(id.withEmail)} with an e-mail, ${n(id.withUserId)} with a messenger id, ${n(id.nameOnly)} known by name only`,
    `  accounts      ${n(id.mapped)} mapped to accounts of the new service${id.conflicts ? `, ${n(id.conflicts)} with conflicting accounts (not used)` : ''}${id.mapUnused ? `, ${n(id.mapUnused)} stored mapping(s) matched nobody here` : ''}${id.mapFile ? ` (${id.mapFile})` : ''}`,
    `  senders       ${n(id.senders.resolved)} entries by a known person, ${n(id.senders.system)} system notices, ${n(id.senders.unresolved)} unresolved`,
  );
  const t = r.plan.totals;
  const skipped = [
    t.skipped.excluded ? `${n(t.skipped.excluded)} excluded` : '', t.skipped.empty ? `${n(t.skipped.empty)} empty` : '',
    t.skipped.alreadyUploaded ? `${n(t.skipped.alreadyUploaded)} already uploaded` : '',
  ].filter(Boolean);
  const fast = r.plan.rate.fast;
  lines.push(
    `  plan          ${n(t.create)} chat(s) to create, ${n(t.merge)} to complete, ${n(t.skip)} skipped${skipped.length ? ` (${skipped.join(', ')})` : ''}: ${n(t.messages)} messages, ${n(t.events)} notices, ${n(t.media)} file(s) (${humanSize(t.mediaBytes)})${t.mediaMissing ? `, ${n(t.mediaMissing)} file(s) not in the export` : ''}`,
    `  estimate      ${humanDuration(t.estimateMs)} at the server's default rate limits; ${humanDuration(t.estimateFastMs)} with the limits lifted (admin override or application service${fast.requestsPerSecond ? `, ${n(fast.requestsPerSecond)} requests/s` : ''}); media at ${+((r.plan.rate.default.uploadBytesPerSecond * 8) / 1e6).toFixed(1)} Mbit/s (assumed)`,
  );
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
  const mapFile = identityMapPath(configDir(process.env));
  if (a.map) {
    try {
      const m = a.map;
      const done = await updateIdentityMap(mapFile, (stored) => applyImport(stored, m.mappings, new Date().toISOString()));
      process.stderr.write(`imported ${m.file} into ${mapFile}: ${done.set} account(s) set, ${done.cleared} cleared, ${done.replaced} stored mapping(s) replaced\n`);
    } catch (err) {
      if (!(err instanceof IdentityMapError)) throw err;
      process.stderr.write(`pereezd clean: --map: ${err.message}\n`);
      return 1;
    }
  }
  const progress = cleanProgress();
  const started = performance.now();
  try {
    const r = await runClean(
      {
        paths: a.paths, outDir: a.out, options: a.options, excludeChats: a.exclude, restore: a.restore, identityMap: mapFile,
        ...(a.region !== undefined ? { region: a.region } : {}), ...(a.decisions ? { decisions: a.decisions } : {}),
      },
      { progress },
      controller.signal,
    );
    progress.end();
    // Recorded for `pereezd report PATH...` (and for `pereezd upload` of this output folder).
    await recordCliClean(configDir(process.env), { paths: a.paths, outDir: a.out, excludedChats: a.exclude, seconds: Math.round((performance.now() - started) / 100) / 10 }, r);
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
