// electron-builder.yml is only exercised by a real packaging run, which this machine cannot do. This
// test reads it with a tiny parser for the plain block YAML it is written in (no new dependency) and
// proves: identity and targets are there, every fuse is stated with the intended value and a reason,
// and no key is unknown to the installed electron-builder's own schema (a typo would be ignored or
// refused only at packaging time).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const configText = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');

type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

/**
 * Block mappings, block sequences of scalars, plain/quoted scalars, comments. Anything else
 * (flow collections, anchors, aliases, tags, block scalars, tabs) throws, so the file cannot drift
 * into YAML this test would misread.
 */
function parseYamlSubset(text: string): YamlMap {
  interface Line {
    indent: number;
    body: string;
    no: number;
  }
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${i + 1}: tab indentation`);
    const body = stripComment(raw, i + 1).trimEnd();
    if (body.trim() === '' || body.trim() === '---') return;
    lines.push({ indent: body.length - body.trimStart().length, body: body.trim(), no: i + 1 });
  });
  let pos = 0;

  function stripComment(raw: string, no: number): string {
    let quote: string | null = null;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") {
        const before = raw.slice(0, i).trimEnd();
        if (before === '' || before.endsWith(':') || before.endsWith('-')) quote = c;
      } else if (c === '#' && (i === 0 || /\s/.test(raw[i - 1] ?? ''))) {
        return raw.slice(0, i);
      }
    }
    if (quote) throw new Error(`line ${no}: unterminated quote`);
    return raw;
  }

  function scalar(s: string, no: number): Yaml {
    if (/^["']/.test(s)) {
      const q = s[0];
      if (!s.endsWith(q ?? '') || s.length < 2) throw new Error(`line ${no}: bad quoted scalar`);
      return q === '"' ? (JSON.parse(s) as string) : s.slice(1, -1).replace(/''/g, "'");
    }
    if (/^[[{&*!|>%@`]/.test(s)) throw new Error(`line ${no}: unsupported YAML construct "${s}"`);
    if (s === 'true' || s === 'false') return s === 'true';
    if (s === 'null' || s === '~') return null;
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    return s;
  }

  function block(indent: number): Yaml {
    const first = lines[pos];
    if (!first) return null;
    return first.body === '-' || first.body.startsWith('- ') ? sequence(indent) : mapping(indent);
  }

  function sequence(indent: number): Yaml[] {
    const out: Yaml[] = [];
    for (let l = lines[pos]; l && l.indent === indent && (l.body === '-' || l.body.startsWith('- ')); l = lines[pos]) {
      const item = l.body.slice(1).trim();
      if (item === '' || /^[\w.-]+:(\s|$)/.test(item)) throw new Error(`line ${l.no}: only scalar sequence items are supported`);
      out.push(scalar(item, l.no));
      pos++;
    }
    return out;
  }

  function mapping(indent: number): YamlMap {
    const out: YamlMap = {};
    for (let l = lines[pos]; l && l.indent === indent; l = lines[pos]) {
      const m = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(l.body);
      if (!m?.[1]) throw new Error(`line ${l.no}: expected "key: value", got "${l.body}"`);
      if (Object.prototype.hasOwnProperty.call(out, m[1])) throw new Error(`line ${l.no}: duplicate key ${m[1]}`);
      pos++;
      const next = lines[pos];
      if (m[2] !== undefined) out[m[1]] = scalar(m[2], l.no);
      else if (next && next.indent > indent) out[m[1]] = block(next.indent);
      else if (next && next.indent === indent && next.body.startsWith('- ')) out[m[1]] = sequence(indent);
      else out[m[1]] = null;
    }
    const stray = lines[pos];
    if (stray && stray.indent > indent) throw new Error(`line ${stray.no}: unexpected indentation`);
    return out;
  }

  const doc = mapping(0);
  const rest = lines[pos];
  if (rest) throw new Error(`line ${rest.no}: could not parse "${rest.body}"`);
  return doc;
}

function isMap(v: Yaml | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function get(doc: YamlMap, dotted: string): Yaml | undefined {
  let cur: Yaml | undefined = doc;
  for (const k of dotted.split('.')) cur = isMap(cur) ? cur[k] : undefined;
  return cur;
}

// electron-builder's JSON schema, from the installed version (app-builder-lib ships it).
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  anyOf?: SchemaNode[];
  $ref?: string;
  additionalProperties?: unknown;
}
const schema = JSON.parse(readFileSync(requireFromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8')) as SchemaNode & {
  definitions: Record<string, SchemaNode>;
};
/** The object shapes a schema node allows (following $ref and anyOf). */
function objectShapes(node: SchemaNode | undefined): SchemaNode[] {
  if (!node) return [];
  if (node.$ref) return objectShapes(schema.definitions[node.$ref.replace('#/definitions/', '')]);
  return [...(node.properties ? [node] : []), ...(node.anyOf ?? []).flatMap(objectShapes)];
}
/** Paths of keys the schema does not know (descending into nested mappings it describes). */
function unknownKeys(value: YamlMap, node: SchemaNode, at: string): string[] {
  const shapes = objectShapes(node);
  if (shapes.length === 0) return []; // free-form (extraMetadata) or not an object in the schema
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const shape = shapes.find((s) => s.properties && k in s.properties);
    if (!shape?.properties) {
      out.push(`${at}${k}`);
      continue;
    }
    if (isMap(v)) out.push(...unknownKeys(v, shape.properties[k] ?? {}, `${at}${k}.`));
  }
  return out;
}

const EXPECTED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
  resetAdHocDarwinSignature: true,
};

describe('the YAML subset parser (so the checks below read what electron-builder reads)', () => {
  it('reads maps, scalar lists, quoted strings, booleans and comments', () => {
    expect(
      parseYamlSubset('a: 1 # n\nb:\n  c: true\n  d:\n    - x\n    - "!y # not a comment"\ne: \'it\'\'s\'\nf:\n- z\n'),
    ).toEqual({ a: 1, b: { c: true, d: ['x', '!y # not a comment'] }, e: "it's", f: ['z'] });
  });
  it.each(['a: {b: 1}', 'a: [1, 2]', 'a: &x 1', 'a: *x', 'a: |\n  text', 'a: !!str 1', 'a:\n  - b: 1', 'a: 1\na: 2', '\ta: 1'])(
    'refuses what it does not understand: %j',
    (text) => {
      expect(() => parseYamlSubset(text)).toThrow();
    },
  );
});

describe('electron-builder.yml', () => {
  const config = parseYamlSubset(configText);

  it('names the app and writes to release/', () => {
    expect(config.appId).toBe('ru.pereezd.app');
    expect(config.productName).toBe('Pereezd');
    expect(get(config, 'directories.output')).toBe('release');
  });

  it('packages the built app into an asar, without sourcemaps, starting from the Electron bundle', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json', '!dist/**/*.map']));
    expect(get(config, 'extraMetadata.main')).toBe('dist/main/electron.cjs');
    expect(get(config, 'extraMetadata.main')).toBe(pkg.main);
  });

  it('builds nsis on Windows, dmg on macOS, AppImage and deb on Linux (deb with category and maintainer)', () => {
    expect(get(config, 'win.target')).toEqual(['nsis']);
    expect(get(config, 'mac.target')).toEqual(['dmg']);
    expect(get(config, 'linux.target')).toEqual(['AppImage', 'deb']);
    expect(get(config, 'linux.category')).toEqual(expect.any(String));
    expect(get(config, 'linux.maintainer')).toMatch(/<[^@\s]+@[^>\s]+>/);
  });

  it('states every fuse with the intended value', () => {
    expect(config.electronFuses).toStrictEqual(EXPECTED_FUSES);
  });

  it('states every fuse the installed electron-builder knows (a new fuse must be decided, not defaulted)', () => {
    const known = Object.keys(schema.definitions.FuseOptionsV1?.properties ?? {});
    expect(known.length).toBeGreaterThan(0);
    expect(Object.keys(EXPECTED_FUSES).sort()).toEqual(known.sort());
  });

  it('gives each fuse a comment saying why', () => {
    const lines = configText.split(/\r?\n/);
    for (const fuse of Object.keys(EXPECTED_FUSES)) {
      const at = lines.findIndex((l) => new RegExp(`^\\s+${fuse}:`).test(l));
      expect(at, fuse).toBeGreaterThan(0);
      expect(lines[at - 1]?.trim(), `comment above ${fuse}`).toMatch(/^#\s*\S.{10,}/);
    }
  });

  it('uses only keys electron-builder knows (a typo would be refused only at packaging time)', () => {
    expect(unknownKeys(config, schema, '')).toEqual([]);
    // The check itself works: a misspelt key is found.
    expect(unknownKeys({ ...config, electronFuse: {}, linux: { categroy: 'x' } }, schema, '').sort()).toEqual(['electronFuse', 'linux.categroy']);
  });
});

describe('electron-builder.yml: native addons of the backup are unpacked from the asar', () => {
  const config = parseYamlSubset(configText);
  const patterns = (config.asarUnpack ?? []) as string[];
  /** electron-builder's glob subset used here: `**` any depth, `*` within one path segment. */
  const toRegExp = (glob: string) =>
    new RegExp(`^${glob.split('**').map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*')}$`);
  const unpacked = (file: string) => patterns.some((p) => toRegExp(p).test(file));
  /** Every `.node` binary under a folder of node_modules, as a path relative to the app root. */
  const nativeFiles = (dir: string): string[] => {
    const out: string[] = [];
    const walk = (rel: string) => {
      for (const d of readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const child = `${rel}/${d.name}`;
        if (d.isDirectory()) walk(child);
        else if (d.name.endsWith('.node')) out.push(child);
      }
    };
    walk(dir);
    return out;
  };

  it('the glob reading works (so the checks below mean something)', () => {
    expect(toRegExp('node_modules/@napi-rs/keyring-*/**').test('node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node')).toBe(true);
    expect(toRegExp('node_modules/@napi-rs/keyring-*/**').test('node_modules/@napi-rs/other/x.node')).toBe(false);
    expect(toRegExp('node_modules/sodium-native/**').test('node_modules/sodium-native-fake/x.node')).toBe(false);
  });

  it('lists sodium-native and @napi-rs/keyring (both are production dependencies)', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['sodium-native', '@napi-rs/keyring']));
    expect(patterns).toEqual(expect.arrayContaining(['node_modules/sodium-native/**', 'node_modules/@napi-rs/keyring/**', 'node_modules/@napi-rs/keyring-*/**']));
  });

  it('covers every installed native binary of those packages, and the JavaScript that loads them', () => {
    const keyringPlatform = readdirSync(path.join(root, 'node_modules/@napi-rs')).filter((n) => n.startsWith('keyring-'));
    expect(keyringPlatform.length).toBeGreaterThan(0);
    const binaries = [...nativeFiles('node_modules/sodium-native'), ...keyringPlatform.flatMap((n) => nativeFiles(`node_modules/@napi-rs/${n}`))];
    expect(binaries.some((f) => f.startsWith('node_modules/sodium-native/prebuilds/'))).toBe(true);
    expect(binaries.some((f) => f.startsWith('node_modules/@napi-rs/keyring-'))).toBe(true);
    expect(binaries.filter((f) => !unpacked(f))).toEqual([]);
    for (const loader of ['node_modules/sodium-native/binding.js', 'node_modules/sodium-native/package.json', 'node_modules/@napi-rs/keyring/index.js']) {
      expect(unpacked(loader), loader).toBe(true);
    }
  });
});
