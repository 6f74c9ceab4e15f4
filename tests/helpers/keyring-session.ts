/**
 * Tests that use the OS keychain run against a real, throwaway Secret Service started by
 * scripts/with-keyring.sh (its own D-Bus session and gnome-keyring-daemon). Outside such a session
 * they fail — never skip — and say how to run them.
 */
import { build } from 'esbuild';
import { mkdtempSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './build-cli.js';

export function requireKeyringSession(): void {
  if (process.env.PEREEZD_TEST_KEYRING !== '1' || !process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error(
      'This test needs the real Secret Service of a throwaway keyring. Run the tests through it:\n' +
        '  bash scripts/with-keyring.sh npx vitest run main/engine/backup tests/integration/backup\n' +
        '(scripts/test.sh does this for the whole suite).',
    );
  }
}

/**
 * Bundles a small TypeScript program (source text, imports relative to the repository root)
 * into a temp folder and returns the .mjs path; for code that must run in a child process
 * (another environment, another D-Bus session).
 */
export async function bundleProgram(source: string): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-probe-'));
  const outfile = path.join(dir, 'probe.mjs');
  await build({
    stdin: { contents: source, resolveDir: repoRoot, loader: 'ts', sourcefile: 'probe.ts' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
  return outfile;
}
