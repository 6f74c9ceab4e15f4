#!/usr/bin/env node
// The `pereezd` command. The code lives in dist/main/cli.mjs, built by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/main/cli.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('pereezd: not built yet — run `npm run build` in the project folder first\n');
  process.exit(2);
}
process.env.PEREEZD_CLI_ENTRY = '1';
await import(cli.href);
