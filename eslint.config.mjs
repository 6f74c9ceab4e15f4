// ESLint flat config. Besides the usual recommended rules it enforces the dependency rules of
// style.md §3: the folder says where code runs, and each row of that table is one zone below.
// Each zone is proven to fire by tests/lint/zones.mjs (run by `npm run lint` and by
// tests/integration/lint-zones.test.ts): a zone that silently stops firing fails the build.
//
// Rules are not type-aware on purpose (fast on 2 cores, and the lint probes lint virtual files
// that no tsconfig lists); the compiler (`tsc -b`, one tsconfig per runtime folder) does the typing.
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const SECTION = 'style.md §3';
const EXT = '{ts,tsx,mts,cts,js,mjs,cjs}';
const CODE = `**/*.${EXT}`;
const ROOT_FILES = `*.${EXT}`;
const inDir = (dir) => `${dir}/${CODE}`;
const TS = '**/*.{ts,tsx,mts,cts}';
const TESTS_BESIDE_CODE = ['**/*.test.ts', '**/*.test.tsx'];
/** Node-side build/config files that happen to sit in a browser folder. */
const NODE_CONFIG_IN_RENDERER = ['renderer/vite.config.*', 'renderer/vitest.config.*'];

// ---------------------------------------------------------------------------------------------
// style.md §3, one zone per table row. `from` is everything outside the row's "May import" column.
// ---------------------------------------------------------------------------------------------
const zones = [
  {
    target: './shared',
    from: ['./main', './preload', './renderer'],
    message: `shared/ is runtime-agnostic: it may import only shared/ and zod (${SECTION}).`,
  },
  {
    target: './main/engine',
    from: ['./main/cli', './main/electron', './main/web', './preload', './renderer'],
    message: `main/engine is shared by every host: it may import only shared/, node:* and npm libraries, never a host (${SECTION}).`,
  },
  {
    target: './main/cli',
    from: ['./main/electron', './main/web', './preload', './renderer'],
    message: `main/cli is its own host: it may import only main/engine, shared/ and node:* (${SECTION}).`,
  },
  {
    target: './main/electron',
    from: ['./main/cli', './main/web', './preload', './renderer'],
    message: `main/electron may import only main/engine and shared/; the preload and the renderer are loaded by path, never imported (${SECTION}).`,
  },
  {
    target: './main/web',
    from: ['./main/cli', './main/electron', './preload', './renderer'],
    message: `main/web may import only main/engine and shared/; the renderer is served as built files (${SECTION}).`,
  },
  {
    target: './preload',
    from: ['./main', './renderer'],
    message: `preload/ runs sandboxed in the renderer process: it may import only shared/ and electron (${SECTION}).`,
  },
  {
    target: './renderer',
    from: ['./main', './preload'],
    message: `renderer/ is browser code: it reaches the Node side only through api-client.ts and the contract in shared/ (${SECTION}).`,
  },
];

// ---------------------------------------------------------------------------------------------
// Runtime bans per folder: `electron` and Node built-ins where the table says "must not import".
// Built as one rule value per folder, because in flat config a later rule entry replaces an
// earlier one instead of merging with it.
// ---------------------------------------------------------------------------------------------
const nodeBuiltins = [...new Set(builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:')))];
const ban = {
  electron: (where) => ({
    paths: [],
    patterns: [{ regex: '^electron(/.*)?$', message: `${where} must not import electron (${SECTION}).` }],
  }),
  node: (where) => ({
    paths: nodeBuiltins.map((name) => ({ name, message: `${where} must not import Node built-ins (${SECTION}).` })),
    patterns: [{ regex: '^node:', message: `${where} must not import node:* (${SECTION}).` }],
  }),
};
function merge(...bans) {
  return { paths: bans.flatMap((b) => b.paths), patterns: bans.flatMap((b) => b.patterns) };
}
/** The same bans for `import('…')` expressions, which no-restricted-imports does not see. */
function dynamicImportBans(where, kinds) {
  const out = [];
  if (kinds.includes('electron')) {
    out.push({ selector: "ImportExpression > Literal[value=/^electron(\\u002F.*)?$/]", message: `${where} must not import electron (${SECTION}).` });
  }
  if (kinds.includes('node')) {
    out.push({ selector: 'ImportExpression > Literal[value=/^node:/]', message: `${where} must not import node:* (${SECTION}).` });
  }
  return out;
}

/** Folder → what its code must not import at runtime (style.md §3 "Must not import"). */
const runtimeBans = [
  { dir: 'shared', where: 'shared/', kinds: ['electron', 'node'] },
  { dir: 'main/engine', where: 'main/engine', kinds: ['electron'] },
  { dir: 'main/cli', where: 'main/cli', kinds: ['electron'] },
  { dir: 'main/web', where: 'main/web', kinds: ['electron'] },
  { dir: 'preload', where: 'preload/ (sandboxed)', kinds: ['node'] },
  { dir: 'renderer', where: 'renderer/ (browser code)', kinds: ['electron', 'node'] },
];

// ---------------------------------------------------------------------------------------------
// window.pereezd: only renderer/api-client.ts touches it (style.md §2, §3). Selectors rather than
// no-restricted-properties so that `(window as X).pereezd` and `globalThis['pereezd']` count too.
// ---------------------------------------------------------------------------------------------
const PEREEZD_MESSAGE = `Only renderer/api-client.ts may touch window.pereezd; import its functions instead (${SECTION}).`;
const pereezdAccess = [
  { selector: "MemberExpression[computed=false][property.name='pereezd']", message: PEREEZD_MESSAGE },
  { selector: "MemberExpression[computed=true][property.value='pereezd']", message: PEREEZD_MESSAGE },
  { selector: "VariableDeclarator[init] > ObjectPattern > Property[key.name='pereezd']", message: PEREEZD_MESSAGE },
];
/** api-client and its own unit test (which has to stub the global). */
const PEREEZD_ALLOWED = ['renderer/api-client.ts', 'renderer/api-client.test.ts', 'renderer/api-client.test.tsx'];

/**
 * One config per file group with the complete no-restricted-imports / no-restricted-syntax values
 * for that group (folder × code/test × api-client exception), later groups overriding earlier.
 */
function restrictionConfigs() {
  const rules = (where, kinds, pereezd) => ({
    'no-restricted-imports': kinds.length ? ['error', merge(...kinds.map((k) => ban[k](where)))] : 'off',
    'no-restricted-syntax': ['error', ...(pereezd ? pereezdAccess : []), ...dynamicImportBans(where, kinds)],
  });
  const out = [{ name: 'pereezd/restrict/all', files: [CODE], rules: rules('', [], true) }];
  for (const { dir, where, kinds } of runtimeBans) {
    // Unit tests beside the code run in Node (vitest): they may use node:* (fixtures, temp dirs)
    // but keep the folder's other bans and its zone.
    const testKinds = kinds.filter((k) => k !== 'node');
    out.push(
      {
        name: `pereezd/restrict/${dir}`,
        files: [inDir(dir)],
        ignores: dir === 'renderer' ? NODE_CONFIG_IN_RENDERER : [],
        rules: rules(where, kinds, true),
      },
      { name: `pereezd/restrict/${dir}/tests`, files: TESTS_BESIDE_CODE.map((t) => `${dir}/${t}`), rules: rules(where, testKinds, true) },
    );
  }
  const renderer = runtimeBans.find((b) => b.dir === 'renderer');
  out.push(
    { name: 'pereezd/restrict/api-client', files: [PEREEZD_ALLOWED[0]], rules: rules(renderer.where, renderer.kinds, false) },
    {
      name: 'pereezd/restrict/api-client/tests',
      files: PEREEZD_ALLOWED.slice(1),
      rules: rules(renderer.where, renderer.kinds.filter((k) => k !== 'node'), false),
    },
  );
  return out;
}

export default defineConfig([
  globalIgnores([
    'dist/',
    'release/',
    'out/',
    'node_modules/',
    '.bench/',
    '.cache/', // the Synapse venv for tests (scripts/synapse/install.sh)
    'test-results/',
    'playwright-report/',
    // The deliberately bad probe files (one folder per zone); tests/lint/zones.mjs itself is linted.
    'tests/lint/*/',
  ]),

  // ---- language and recommended rules -----------------------------------------------------
  {
    name: 'pereezd/js',
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'pereezd/ts',
    files: [TS],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Where globals come from (matters for .js/.mjs; TypeScript checks globals in .ts itself).
  // Every pattern names code extensions: a bare `dir/**` would make ESLint lint README/JSON too.
  {
    name: 'pereezd/globals/node',
    files: [...['main', 'scripts', 'bin', 'tests'].map(inDir), ROOT_FILES, ...NODE_CONFIG_IN_RENDERER],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'pereezd/globals/browser',
    files: ['renderer', 'preload'].map(inDir),
    ignores: NODE_CONFIG_IN_RENDERER,
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'pereezd/e2e',
    files: [inDir('tests/e2e')],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    // Playwright fixtures must destructure their first parameter, even when they need nothing: `async ({}, use) => …`.
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] },
  },

  // ---- React ------------------------------------------------------------------------------
  // rules-of-hooks is an error; the React Compiler diagnostics of the recommended set are warnings:
  // this project does not build with the compiler, so they are advice (visible in every run), not
  // a gate that would fail correct fetch-on-mount effects.
  {
    name: 'pereezd/react-hooks',
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: NODE_CONFIG_IN_RENDERER,
    plugins: reactHooks.configs.flat.recommended.plugins,
    rules: Object.fromEntries(
      Object.entries(reactHooks.configs.flat.recommended.rules).map(([rule, level]) => [
        rule,
        rule === 'react-hooks/rules-of-hooks' ? 'error' : level === 'off' ? 'off' : 'warn',
      ]),
    ),
  },

  // ---- style.md §3: import zones ------------------------------------------------------------
  {
    name: 'pereezd/zones',
    files: [CODE],
    plugins: { 'import-x': importX },
    settings: {
      // `.js` specifiers resolve to the `.ts` sources (NodeNext style), per folder tsconfig.
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['shared', 'main', 'preload', 'renderer', 'tests'].map((d) => path.join(root, d, 'tsconfig.json')),
          alwaysTryTypes: true,
          noWarnOnMultipleProjects: true,
        }),
        createNodeResolver(),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones }],
    },
  },

  // ---- style.md §3: runtime bans, and window.pereezd outside api-client ----------------------
  ...restrictionConfigs(),
  {
    name: 'pereezd/api-client-only/global',
    files: [CODE],
    ignores: PEREEZD_ALLOWED,
    rules: { 'no-restricted-globals': ['error', { name: 'pereezd', message: PEREEZD_MESSAGE }] },
  },
]);
