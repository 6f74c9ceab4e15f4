import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './lines.js';

function split(chunks: string[], maxLine?: number): [string, number, boolean][] {
  const out: [string, number, boolean][] = [];
  const s = new LineSplitter((l, n, o) => out.push([l, n, o]), maxLine);
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

describe('LineSplitter', () => {
  it('treats CRLF, LF, CR and CR CR LF each as one line break', () => {
    const expected: [string, number, boolean][] = [
      ['a', 1, false],
      ['b', 2, false],
      ['', 3, false],
      ['c', 4, false],
    ];
    for (const nl of ['\r\n', '\n', '\r', '\r\r\n']) {
      expect(split([`a${nl}b${nl}${nl}c${nl}`]), JSON.stringify(nl)).toEqual(expected);
    }
  });

  it('keeps a last line without a line break', () => {
    expect(split(['x\ny'])).toEqual([
      ['x', 1, false],
      ['y', 2, false],
    ]);
  });

  it('reads CR CR followed by another character as two breaks (an empty line)', () => {
    expect(split(['a\r\rb'])).toEqual([
      ['a', 1, false],
      ['', 2, false],
      ['b', 3, false],
    ]);
  });

  it('cuts overlong lines and flags them', () => {
    expect(split(['abcdefgh\nij'], 4)).toEqual([
      ['abcd', 1, true],
      ['ij', 2, false],
    ]);
  });

  it('gives the same lines however the text is chunked (property)', () => {
    const alphabet = fc.constantFrom('a', 'б', '\r', '\n', ' ', '=');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }), (chars, sizes) => {
        const text = chars.join('');
        const chunks: string[] = [];
        for (let i = 0, k = 0; i < text.length; k++) {
          const n = sizes[k % sizes.length]!;
          chunks.push(text.slice(i, i + n));
          i += n;
        }
        expect(split(chunks)).toEqual(split([text]));
      }),
    );
  });
});
