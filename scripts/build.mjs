// Builds every host: the Node side with esbuild, the renderer with Vite. Output in dist/.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const define = { __PEREEZD_VERSION__: JSON.stringify(pkg.version) };
mkdirSync(path.join(root, 'dist'), { recursive: true });

const node = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, packages: 'external', define, logLevel: 'warning' };
const jobs = [];
if (want('cli')) jobs.push(build({ ...node, format: 'esm', entryPoints: [path.join(root, 'main/cli/index.ts')], outfile: path.join(root, 'dist/main/cli.mjs') }));
if (want('web')) jobs.push(build({ ...node, format: 'esm', entryPoints: [path.join(root, 'main/web/index.ts')], outfile: path.join(root, 'dist/main/web.mjs') }));
if (want('electron')) jobs.push(build({ ...node, format: 'cjs', entryPoints: [path.join(root, 'main/electron/main.ts')], outfile: path.join(root, 'dist/main/electron.cjs'), external: ['electron'] }));
// Sandboxed preloads cannot require() anything but a few Electron modules: bundle it whole.
if (want('preload')) jobs.push(build({ bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, define, logLevel: 'warning', entryPoints: [path.join(root, 'preload/index.ts')], outfile: path.join(root, 'dist/preload/index.cjs'), external: ['electron'] }));
await Promise.all(jobs);

if (want('renderer')) {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(root, 'renderer/vite.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
