// Shared by the bench scripts: command-line options, and the child processes — each measured case runs in a fresh Node process (its own heap and peak
// RSS), bundled from a TypeScript entry with esbuild; its last stdout line is a JSON result.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** Bundles scripts/bench/<name>.ts into <benchDir>/<name>.mjs (packages stay external, resolved via a node_modules link). */
export async function bundleChild(root, benchDir, name) {
  mkdirSync(benchDir, { recursive: true });
  const outfile = path.join(benchDir, `${name}.mjs`);
  await build({
    entryPoints: [path.join(root, 'scripts/bench', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  if (!existsSync(path.join(benchDir, 'node_modules'))) symlinkSync(path.join(root, 'node_modules'), path.join(benchDir, 'node_modules'));
  return outfile;
}

/** Runs a bundled child with `args`; exits the bench (after printing its stderr) when it fails. */
export function runChild(child, args, { cwd } = {}) {
  const r = spawnSync(process.execPath, [child, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, ...(cwd ? { cwd } : {}) });
  if (r.status !== 0) {
    console.error(`${path.basename(child)} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr}`);
    process.exit(1);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** `--name N`: a positive whole number, or `fallback` when absent; anything else ends the bench (exit 2). */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i === -1) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0) {
    console.error(`--${name} needs a positive whole number`);
    process.exit(2);
  }
  return v;
}

/** `--name VALUE` as text, or null when absent. */
export function textOption(name) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? null : process.argv[i + 1];
}
