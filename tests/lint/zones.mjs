// The lint probes for the dependency rules of style.md §3, shared by `npm run lint`
// (scripts/lint-zones-check.mjs) and vitest (tests/integration/lint-zones.test.ts).
//
// Zones match by the path of the importing file, so each probe lints the text of
// tests/lint/<zone>/bad.* and good.* AS IF it lived in the target folder (`as`), through ESLint's
// Node API with the repo's eslint.config.mjs. The files under tests/lint/<zone>/ are never compiled
// (tests/tsconfig.json excludes them) nor linted in place (eslint.config.mjs ignores them); their
// relative imports are written from the `as` location.
//
// A probe passes when bad.* triggers every rule in `rules`, each message naming "style.md §3", on
// every line marked `// @lint-expect` (so each bad form is caught, not just the first), and good.*
// (linted as `goodAs`, default `as`) produces no message at all: a zone that never fires and a
// zone that fires on correct code both fail. Probes with no rules only check that a legitimate
// file stays clean.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const lintDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(lintDir, '..', '..');
export const SECTION = 'style.md §3';
export const EXPECT_MARKER = '// @lint-expect';

const PATHS = 'import-x/no-restricted-paths';
const IMPORTS = 'no-restricted-imports';
const SYNTAX = 'no-restricted-syntax';

/** The rows of the style.md §3 table that restrict something (tests/** may import anything). */
export const rows = ['shared', 'main/engine', 'main/cli', 'main/electron', 'main/web', 'preload', 'renderer'];

/** @type {import('./zones.d.mts').Probe[]} */
export const probes = [
  // shared/: shared/ and zod only.
  { zone: 'shared-imports-main', row: 'shared', as: 'shared/__lint_probe__.ts', rules: [PATHS] },
  { zone: 'shared-imports-node', row: 'shared', as: 'shared/__lint_probe__.ts', rules: [IMPORTS] },
  { zone: 'shared-imports-electron', row: 'shared', as: 'shared/__lint_probe__.ts', rules: [IMPORTS] },
  // main/engine: no electron, no host.
  { zone: 'engine-imports-electron', row: 'main/engine', as: 'main/engine/__lint_probe__.ts', rules: [IMPORTS] },
  { zone: 'engine-imports-desktop-host', row: 'main/engine', as: 'main/engine/__lint_probe__.ts', rules: [PATHS] },
  // main/cli: no electron, no other host.
  { zone: 'cli-imports-electron', row: 'main/cli', as: 'main/cli/__lint_probe__.ts', rules: [IMPORTS] },
  { zone: 'cli-imports-desktop-host', row: 'main/cli', as: 'main/cli/__lint_probe__.ts', rules: [PATHS] },
  // main/electron: no other host, preload loaded by path.
  { zone: 'electron-imports-preload', row: 'main/electron', as: 'main/electron/__lint_probe__.ts', rules: [PATHS] },
  // main/web: no electron, no other host.
  { zone: 'web-imports-desktop-host', row: 'main/web', as: 'main/web/__lint_probe__.ts', rules: [PATHS] },
  { zone: 'web-imports-electron', row: 'main/web', as: 'main/web/__lint_probe__.ts', rules: [IMPORTS] },
  // preload/: shared/ and electron only.
  { zone: 'preload-imports-node', row: 'preload', as: 'preload/__lint_probe__.ts', rules: [IMPORTS] },
  { zone: 'preload-imports-main', row: 'preload', as: 'preload/__lint_probe__.ts', rules: [PATHS] },
  // renderer/: shared/ and browser libraries only; window.pereezd only in api-client.ts.
  { zone: 'renderer-imports-main', row: 'renderer', as: 'renderer/__lint_probe__.tsx', rules: [PATHS] },
  { zone: 'renderer-imports-preload', row: 'renderer', as: 'renderer/__lint_probe__.tsx', rules: [PATHS] },
  { zone: 'renderer-imports-node', row: 'renderer', as: 'renderer/__lint_probe__.tsx', rules: [IMPORTS, SYNTAX] },
  { zone: 'renderer-imports-electron', row: 'renderer', as: 'renderer/__lint_probe__.tsx', rules: [IMPORTS, SYNTAX] },
  {
    zone: 'renderer-window-pereezd',
    row: 'renderer',
    as: 'renderer/components/__lint_probe__.tsx',
    goodAs: 'renderer/api-client.ts',
    rules: [SYNTAX],
  },
  { zone: 'e2e-window-pereezd', row: 'tests', as: 'tests/e2e/__lint_probe__.spec.ts', rules: [SYNTAX] },
  // Correct code that must stay clean (no false positives).
  { zone: 'allowed-renderer-vite-config', row: 'renderer', as: 'renderer/vite.config.ts', rules: [] },
  { zone: 'allowed-tests-import-anything', row: 'tests', as: 'tests/integration/__lint_probe__.test.ts', rules: [] },
  { zone: 'allowed-beside-test-node', row: 'renderer', as: 'renderer/__lint_probe__.test.tsx', rules: [] },
  { zone: 'allowed-playwright-fixture', row: 'tests', as: 'tests/e2e/__lint_probe__.ts', rules: [] },
];

const extOf = (p) => path.extname(p);
export const badFile = (probe) => path.join(lintDir, probe.zone, `bad${extOf(probe.as)}`);
export const goodFile = (probe) => path.join(lintDir, probe.zone, `good${extOf(probe.goodAs ?? probe.as)}`);

const show = (messages) => messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? '(no rule)'}: ${m.message}`).join('\n    ');

/** One ESLint instance for all probes (config and resolvers load once). */
export async function createZoneChecker({ root = repoRoot } = {}) {
  const { ESLint } = await import('eslint');
  const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.mjs') });

  async function lintAs(text, as) {
    const [result] = await eslint.lintText(text, { filePath: path.join(root, as), warnIgnored: true });
    return result?.messages ?? [];
  }

  /** Problems with one probe; empty when it behaves. */
  async function check(probe) {
    const problems = [];
    if (probe.rules.length > 0) {
      const text = await readFile(badFile(probe), 'utf8');
      const messages = await lintAs(text, probe.as);
      const expected = text.split('\n').flatMap((line, i) => (line.includes(EXPECT_MARKER) ? [i + 1] : []));
      if (expected.length === 0) problems.push(`bad file has no line marked "${EXPECT_MARKER}"`);
      for (const line of expected) {
        if (!messages.some((m) => m.line === line && probe.rules.includes(m.ruleId))) {
          problems.push(`line ${line} of the bad file (marked ${EXPECT_MARKER}) was not reported by ${probe.rules.join(' or ')}`);
        }
      }
      const unexpected = messages.filter((m) => !expected.includes(m.line));
      if (unexpected.length) problems.push(`messages on unmarked lines of the bad file:\n    ${show(unexpected)}`);
      const fatal = messages.filter((m) => m.fatal);
      if (fatal.length) problems.push(`bad file does not parse:\n    ${show(fatal)}`);
      for (const rule of probe.rules) {
        const hits = messages.filter((m) => m.ruleId === rule);
        if (hits.length === 0) problems.push(`${rule} did not fire on bad file linted as ${probe.as}; got:\n    ${show(messages) || '(nothing)'}`);
        const unnamed = hits.filter((m) => !m.message.includes(SECTION));
        if (unnamed.length) problems.push(`${rule} message does not name "${SECTION}":\n    ${show(unnamed)}`);
      }
    }
    const goodAs = probe.goodAs ?? probe.as;
    const clean = await lintAs(await readFile(goodFile(probe), 'utf8'), goodAs);
    if (clean.length) problems.push(`good file linted as ${goodAs} is not clean:\n    ${show(clean)}`);
    return problems;
  }

  /** Whether the normal `eslint .` run skips the deliberately bad files. */
  async function isIgnoredInPlace(file) {
    return eslint.isPathIgnored(file);
  }

  return { check, isIgnoredInPlace };
}

/** Mismatches between the probe list and the folders on disk. */
export async function layoutProblems() {
  const problems = [];
  const dirs = (await readdir(lintDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  const zones = new Set(probes.map((p) => p.zone));
  if (zones.size !== probes.length) problems.push('duplicate zone names in the probe list');
  for (const d of dirs) if (!zones.has(d)) problems.push(`tests/lint/${d}/ has no probe in tests/lint/zones.mjs`);
  for (const p of probes) {
    if (p.rules.length > 0 && !existsSync(badFile(p))) problems.push(`missing ${path.relative(repoRoot, badFile(p))}`);
    if (p.rules.length === 0 && existsSync(badFile(p))) problems.push(`${path.relative(repoRoot, badFile(p))} is never checked (the probe has no rules)`);
    if (!existsSync(goodFile(p))) problems.push(`missing ${path.relative(repoRoot, goodFile(p))}`);
  }
  for (const row of rows) {
    if (!probes.some((p) => p.row === row && p.rules.includes(PATHS))) problems.push(`style.md §3 row ${row}/ has no import-zone probe`);
  }
  return problems;
}
