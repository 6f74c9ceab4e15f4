/** Tiny argument parser for the `pereezd` commands: flags, `--name value` options, positionals. */
import { DateOrderSchema, type SourceOptions } from '../../shared/model/index.js';

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: { flags: string[]; values: string[] }): ParsedArgs {
  const out: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (spec.flags.includes(name) && eq < 0) out.flags.add(name);
    else if (spec.values.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      out.values.set(name, v);
    } else throw new UsageError(`unknown option ${name}`);
  }
  return out;
}

/** `--date-order` and `--tz`, checked: a wrong value is a usage error, never silently ignored. */
export function sourceOptions(args: ParsedArgs): SourceOptions {
  const options: SourceOptions = {};
  const order = args.values.get('--date-order');
  if (order !== undefined) {
    const r = DateOrderSchema.safeParse(order);
    if (!r.success) throw new UsageError(`--date-order must be one of dmy, mdy, ymd (got ${order})`);
    options.dateOrder = r.data;
  }
  const tz = args.values.get('--tz');
  if (tz !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      throw new UsageError(`--tz: unknown time zone ${tz} (use an IANA name such as Europe/Moscow)`);
    }
    options.timeZone = tz;
  }
  return options;
}
