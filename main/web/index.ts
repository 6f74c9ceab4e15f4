/** `node dist/main/web.mjs [--port N] [--renderer DIR]`: serve the wizard on 127.0.0.1. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebHost } from './server.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = arg('--renderer') ?? path.resolve(here, '../renderer');
const port = Number(arg('--port') ?? process.env.PEREEZD_PORT ?? 0);

const host = await startWebHost({ rendererDir, port, ...(process.env.PEREEZD_LOCALE ? { locale: process.env.PEREEZD_LOCALE } : {}) });
process.stdout.write(`Pereezd is running at ${host.url}\n(the link works once; it only listens on 127.0.0.1; Ctrl+C stops it)\n`);
if (process.env.PEREEZD_PRINT_URL === '1') process.stdout.write(`PEREEZD_URL=${host.url}\n`);

let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  void host.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
