/**
 * The `pereezd` command: the same engine as the app, for scripts and offline use.
 * Exit codes: 0 ok; 1 nothing could be read; 2 usage error; 130 cancelled (Ctrl+C).
 */
import { VERSION } from '../engine/version.js';
import { parseArgs, sourceOptions, UsageError } from './args.js';
import { BACKUP_COMMANDS, BACKUP_USAGE, backupCommand, type BackupCommand } from './backup.js';
import { CLEAN_USAGE, cleanCommand } from './clean.js';
import { convertCommand } from './convert.js';
import { inspectCommand } from './inspect.js';
import { UPLOAD_USAGE, uploadCommand } from './upload.js';
import { FINISH_COMMANDS, FINISH_USAGE, finishCommand, type FinishCommand } from './report.js';

const USAGE = `pereezd ${VERSION} — move your messenger history, losing nothing and leaking nothing

usage:
  pereezd inspect PATH... [--json] [--date-order dmy|mdy|ymd] [--tz ZONE]
        what is in these exports (folders, .zip or files); nothing is changed
  pereezd convert PATH... --out DIR [--date-order dmy|mdy|ymd] [--tz ZONE]
        the normalised model as JSON Lines: contacts, chats, messages, problems
${CLEAN_USAGE}${BACKUP_USAGE}${UPLOAD_USAGE}${FINISH_USAGE}
  --date-order  how to read dates like 03/04/22 when the export cannot tell (WhatsApp)
  --tz          the time zone of exports that carry wall-clock times only (default: this computer's)

  pereezd --version
  pereezd --help
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (cmd === 'clean') return cleanCommand(rest, USAGE);
  if (cmd === 'upload' || cmd === 'verify-target') return uploadCommand(cmd, rest, USAGE);
  if ((FINISH_COMMANDS as readonly string[]).includes(cmd)) return finishCommand(cmd as FinishCommand, rest, USAGE);
  if ((BACKUP_COMMANDS as readonly string[]).includes(cmd)) return backupCommand(cmd as BackupCommand, rest, USAGE);
  if (cmd === 'inspect' || cmd === 'convert') {
    let args;
    let options;
    try {
      args = parseArgs(rest, { flags: cmd === 'inspect' ? ['--json'] : [], values: ['--date-order', '--tz', ...(cmd === 'convert' ? ['--out'] : [])] });
      options = sourceOptions(args);
      if (args.positionals.length === 0) throw new UsageError('give at least one export (folder, .zip or file)');
      if (cmd === 'convert' && !args.values.get('--out')) throw new UsageError('--out DIR is required');
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      process.stderr.write(`pereezd ${cmd}: ${err.message}\n${USAGE}`);
      return 2;
    }
    const controller = new AbortController();
    const onSigint = () => {
      process.stderr.write('\ncancelling… (what was read so far is kept)\n');
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const code =
        cmd === 'inspect'
          ? await inspectCommand(args.positionals, args.flags.has('--json'), controller.signal, process.stdout, options)
          : await convertCommand(args.positionals, args.values.get('--out')!, options, controller.signal);
      return controller.signal.aborted ? 130 : code;
    } finally {
      process.off('SIGINT', onSigint);
    }
  }
  process.stderr.write(`pereezd: unknown command ${cmd}\n${USAGE}`);
  return 2;
}

const isEntry = process.argv[1] && /(?:cli\.mjs|index\.ts)$/.test(process.argv[1]);
if (isEntry || process.env.PEREEZD_CLI_ENTRY === '1') {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`pereezd: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
