/** Bundles the CLI from source into a temp folder, so CLI tests run the real entry point without `npm run build`. */
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildCli(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-cli-'));
  const outfile = path.join(dir, 'cli.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'main/cli/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    nodePaths: [path.join(repoRoot, 'node_modules')],
    define: { __PEREEZD_VERSION__: JSON.stringify('0.0.0-test') },
    logLevel: 'error',
  });
  return outfile;
}
