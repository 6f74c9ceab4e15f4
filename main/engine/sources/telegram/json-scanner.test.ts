import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAPTURE, type CapturedBatch, descendArray, descendObject, type Frame, JsonScanner, type ScanError, type ScanHandler, SKIP } from './json-scanner.js';

const ROOT = 1;
const LIST = 2;
const SECTION = 3;

interface Captured {
  key: string | null;
  text: string;
  line: number;
  offset: number;
}

/**
 * Test policy: descend into the root object, into `section` (an object) and into any `list`
 * (an array, elements captured); capture the root's `name`; skip everything else.
 */
function collect(chunks: Buffer[], options: { maxCapture?: number } = {}) {
  const captured: Captured[] = [];
  const events: string[] = [];
  const problems: string[] = [];
  const handler: ScanHandler<undefined> = {
    root: () => descendObject(ROOT),
    key: (parent: Frame<undefined>, key: string) => {
      if (key === 'list') return descendArray(LIST);
      if (key === 'section') return descendObject(SECTION);
      if (parent.role === ROOT && key === 'name') return CAPTURE;
      return SKIP;
    },
    element: (parent: Frame<undefined>) => (parent.role === LIST ? CAPTURE : SKIP),
    open: (f: Frame<undefined>) => events.push(`open ${f.role} ${f.key ?? ''} @${f.line}:${f.offset}`),
    close: (f: Frame<undefined>) => events.push(`close ${f.role} ${f.key ?? ''} count=${f.count}`),
    captured: (_parent: Frame<undefined> | null, key: string | null, b: CapturedBatch) => {
      for (let i = 0; i < b.count; i++) {
        captured.push({ key, text: b.buf.toString('utf8', b.starts[i], b.ends[i]), line: b.lines[i]!, offset: b.base + b.starts[i]! });
      }
    },
    unexpected: (_p: Frame<undefined> | null, key: string | null, expected: string, line: number, offset: number) =>
      problems.push(`unexpected ${key} ${expected} @${line}:${offset}`),
    tooLarge: (_p: Frame<undefined> | null, _key: string | null, line: number, offset: number) => problems.push(`tooLarge @${line}:${offset}`),
  };
  const scanner = new JsonScanner(handler, options);
  for (const c of chunks) scanner.push(c);
  const error: ScanError | null = scanner.end();
  return { captured, events, problems, error, scanner };
}

/** Splits a buffer into pieces of the given sizes (cycled). */
function split(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  let k = 0;
  while (i < buf.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]!);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

const doc = (s: string) => Buffer.from(s, 'utf8');

describe('JsonScanner', () => {
  it('captures list elements with their lines and offsets, and skips other values', () => {
    const text = '{\n "skip": {"a": [1, "]}", {"b": "\\"}"}]},\n "name": "Ёлка",\n "list": [\n  {"x": 1},\n  "s",\n  12.5e3,\n  null\n ]\n}\n';
    const r = collect([doc(text)]);
    expect(r.error).toBeNull();
    expect(r.captured.map((c) => JSON.parse(c.text))).toEqual(['Ёлка', { x: 1 }, 's', 12.5e3, null]);
    expect(r.captured.map((c) => c.line)).toEqual([3, 5, 6, 7, 8]);
    const bytes = doc(text);
    for (const c of r.captured) expect(bytes.toString('utf8', c.offset, c.offset + Buffer.byteLength(c.text))).toBe(c.text);
    const listOffset = Buffer.byteLength(text.slice(0, text.indexOf('[\n  {')));
    expect(r.events).toEqual(['open 1  @1:0', `open 2 list @4:${listOffset}`, 'close 2 list count=4', 'close 1  count=3']);
  });

  it('gives identical results whatever the chunk sizes', () => {
    const text =
      '\ufeff{"section": {"list": [{"t": "a\\\\"}, {"t": "b\\"c"}, ["x", {"y": "\\\\\\""}], "\\u00e9\\n"]}, "list": [], "other": [[[]]], "name": "n"}';
    const whole = collect([doc(text)]);
    expect(whole.error).toBeNull();
    for (const sizes of [[1], [2], [3], [1, 7, 2], [5, 1], [64]]) {
      const r = collect(split(doc(text), sizes));
      expect(r.error).toBeNull();
      expect(r.captured).toEqual(whole.captured);
      expect(r.events).toEqual(whole.events);
    }
  });

  it('skips an escaped quote split across chunks while skipping (not capturing)', () => {
    // The backslash ends chunk 1 and the escaped quote starts chunk 2, inside a skipped value.
    const text = '{"other": "a\\"}], still inside", "list": [1]}';
    const cut = text.indexOf('\\') + 1;
    const b = doc(text);
    const r = collect([b.subarray(0, cut), b.subarray(cut)]);
    expect(r.error).toBeNull();
    expect(r.captured.map((c) => c.text)).toEqual(['1']);
  });

  it('reports a truncated document with the line and byte offset where it ends', () => {
    const text = '{\n "list": [\n  {"a": 1},\n  {"b": "cut her';
    const r = collect(split(doc(text), [3]));
    expect(r.captured.map((c) => c.text)).toEqual(['{"a": 1}']);
    expect(r.error).toMatchObject({ kind: 'truncated', line: 4, offset: doc(text).length });
  });

  it('does not deliver a number cut by the end of input', () => {
    const r = collect([doc('{"list": [1, 23')]);
    expect(r.captured.map((c) => c.text)).toEqual(['1']);
    expect(r.error).toMatchObject({ kind: 'truncated', offset: 15 });
  });

  it('reports empty input as truncated at offset 0', () => {
    expect(collect([]).error).toMatchObject({ kind: 'truncated', line: 1, offset: 0 });
    expect(collect([doc('  \n ')]).error).toMatchObject({ kind: 'truncated', line: 2, offset: 4 });
  });

  it('stops at a syntax error with its line and offset, keeping what came before', () => {
    const text = '{"list": [1, 2\n  @ 3]}';
    const r = collect([doc(text)]);
    expect(r.captured.map((c) => c.text)).toEqual(['1', '2']);
    expect(r.error).toMatchObject({ kind: 'syntax', line: 2, offset: text.indexOf('@') });
  });

  it('detects mismatched brackets inside skipped values', () => {
    const text = '{"other": {"a": [1}, "list": [1]}';
    const r = collect([doc(text)]);
    expect(r.error).toMatchObject({ kind: 'syntax', offset: text.indexOf('}') });
  });

  it('rejects trailing commas and missing colons in descended containers', () => {
    expect(collect([doc('{"list": [1,]}')]).error).toMatchObject({ kind: 'syntax', offset: 12 });
    expect(collect([doc('{"list" [1]}')]).error).toMatchObject({ kind: 'syntax', offset: 8 });
    expect(collect([doc('{"a": 1,}')]).error).toMatchObject({ kind: 'syntax', offset: 8 });
  });

  it('reports data after the end of the document', () => {
    const r = collect([doc('{"list": [1]}\n{"list": [2]}')]);
    expect(r.captured.map((c) => c.text)).toEqual(['1']);
    expect(r.error).toMatchObject({ kind: 'syntax', line: 2, offset: 14 });
    expect(r.scanner.rootDone).toBe(true);
  });

  it('skips a value of the wrong shape and says so', () => {
    const r = collect([doc('{"list": "not an array", "section": 5}')]);
    expect(r.error).toBeNull();
    expect(r.problems).toEqual(['unexpected list array @1:9', 'unexpected section object @1:36']);
  });

  it('a non-object root is reported and skipped', () => {
    const r = collect([doc('[1, 2]')]);
    expect(r.problems).toEqual(['unexpected null object @1:0']);
    expect(r.error).toBeNull();
  });

  it('skips captures above maxCapture instead of buffering them', () => {
    const big = 'x'.repeat(5000);
    const text = `{"list": [1, "${big}", 3]}`;
    const r = collect(split(doc(text), [100]), { maxCapture: 1000 });
    expect(r.error).toBeNull();
    expect(r.captured.map((c) => c.text)).toEqual(['1', '3']);
    expect(r.problems).toEqual(['tooLarge @1:13']);
  });

  it('decodes escaped keys', () => {
    const r = collect([doc('{"li\\u0073t": [true], "na\\"me": 1}')]);
    expect(r.captured.map((c) => c.text)).toEqual(['true']);
  });

  it('property: any JSON values in `list` are captured exactly, for any chunking and whitespace', () => {
    fc.assert(
      fc.property(
        fc.array(fc.jsonValue(), { maxLength: 6 }),
        fc.jsonValue(),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom('', ' ', '\n', '\r\n\t '),
        (values, other, sizes, ws) => {
          const parts = values.map((v) => JSON.stringify(v, null, ws.includes('\n') ? 1 : undefined));
          const text = `{${ws}"other"${ws}:${ws}${JSON.stringify(other)},${ws}"list"${ws}:${ws}[${ws}${parts.join(`,${ws}`)}${ws}]${ws}}${ws}`;
          const r = collect(split(doc(text), sizes));
          expect(r.error).toBeNull();
          expect(r.captured.map((c) => JSON.parse(c.text))).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
          // Line numbers agree with the newlines before each captured value.
          for (const c of r.captured) {
            const before = doc(text).subarray(0, c.offset).toString('utf8');
            expect(c.line).toBe(before.split('\n').length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: truncating a document anywhere never throws and reports truncation at the end', () => {
    const text = JSON.stringify({ other: { a: ['x', '"}]'] }, list: [{ a: 'q\\"' }, [1, 2], 'é'], name: 'n' }, null, 1);
    const b = doc(text);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: b.length - 1 }), fc.integer({ min: 1, max: 8 }), (cut, size) => {
        const r = collect(split(b.subarray(0, cut), [size]));
        expect(r.error).toMatchObject({ kind: 'truncated', offset: cut });
      }),
      { numRuns: 300 },
    );
  });
});
