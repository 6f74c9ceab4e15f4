// `npm start`: set up what is missing, build, then start the desktop app — or, where Electron
// cannot run (no binary, no display), say why in one line and serve the same wizard on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;

// 1. Dependencies. The Electron binary is fetched separately below, so a machine without internet
//    access still gets everything else.
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules/.package-lock.json');
if (!existsSync(marker) || statSync(lock).mtimeMs > statSync(marker).mtimeMs) {
  console.log('Installing dependencies (npm ci)…');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'], { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })) process.exit(1);
}

// 2. Build every host.
if (!run(process.execPath, [path.join(root, 'scripts/build.mjs')])) process.exit(1);

// 3. Electron, when it can run here.
function electronBinary() {
  const dir = path.join(root, 'node_modules/electron');
  const p = path.join(dir, 'path.txt');
  if (existsSync(p)) {
    const bin = path.join(dir, 'dist', readFileSync(p, 'utf8').trim());
    if (existsSync(bin)) return { bin };
  }
  if (process.env.PEREEZD_NO_ELECTRON === '1') return { why: 'PEREEZD_NO_ELECTRON=1 is set' };
  // Try the download once (electron's own installer); it fails fast without internet access.
  const r = spawnSync(process.execPath, [path.join(dir, 'install.js')], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (existsSync(p)) {
    const bin = path.join(dir, 'dist', readFileSync(p, 'utf8').trim());
    if (existsSync(bin)) return { bin };
  }
  const detail = `${r.stderr ?? ''}${r.stdout ?? ''}`.match(/(ENOTFOUND \S+|ECONNREFUSED \S*|ETIMEDOUT|EAI_AGAIN \S+|HTTPError[^\n]*)/)?.[1];
  return { why: `the Electron binary is not installed and could not be downloaded${detail ? ` (${detail})` : r.error ? ` (${r.error.message})` : ''}` };
}

const found = electronBinary();
let why = found.why;
if (!why && process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) why = 'there is no graphical display (DISPLAY/WAYLAND_DISPLAY unset)';
if (!why) {
  const child = spawn(found.bin, [root], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Electron cannot start here: ${why}. Serving the same wizard on 127.0.0.1 instead — open the link below in a browser.`);
  await import(new URL('../dist/main/web.mjs', import.meta.url).href);
}
