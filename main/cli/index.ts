/**
 * The `pereezd` command: the same engine as the app, for scripts and offline use.
 * Exit codes: 0 ok; 1 nothing could be read; 2 usage error; 130 cancelled (Ctrl+C).
 */
import { VERSION } from '../engine/version.js';
import { inspectCommand } from './inspect.js';

const USAGE = `pereezd ${VERSION} — move your messenger history, losing nothing and leaking nothing

usage:
  pereezd inspect PATH... [--json]   what is in these exports (folders, .zip or files); nothing is changed
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
  if (cmd === 'inspect') {
    const json = rest.includes('--json');
    const unknown = rest.filter((a) => a.startsWith('--') && a !== '--json');
    const paths = rest.filter((a) => !a.startsWith('--'));
    if (unknown.length) {
      process.stderr.write(`pereezd inspect: unknown option ${unknown[0]}\n${USAGE}`);
      return 2;
    }
    if (paths.length === 0) {
      process.stderr.write(`pereezd inspect: give at least one export (folder, .zip or file)\n${USAGE}`);
      return 2;
    }
    const controller = new AbortController();
    const onSigint = () => {
      process.stderr.write('\ncancelling… (the counts below cover what was read)\n');
      controller.abort();
    };
    process.once('SIGINT', onSigint);
    try {
      const code = await inspectCommand(paths, json, controller.signal);
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
