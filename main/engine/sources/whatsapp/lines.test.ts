import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachLine, LineSplitter, MAX_LINE, PIECE, splitLines } from './lines.js';

/** All lines of `bytes` fed in the given chunk sizes, through the splitter and forEachLine. */
function linesOf(bytes: Buffer, sizes: number[]): string[] {
  const sp = new LineSplitter();
  const out: string[] = [];
  const regions: Buffer[] = [];
  const take = (r: Buffer) => forEachLine(r, (s, e) => out.push(r.toString('utf8', s, e)));
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = sizes[k++ % sizes.length]!;
    sp.push(bytes.subarray(i, i + n), regions);
    for (const r of regions) take(r);
    regions.length = 0;
    i += n;
  }
  const tail = sp.end();
  if (tail) take(tail);
  return out;
}

describe('whatsapp lines: LF, CRLF, CR and chunk boundaries', () => {
  it('LF, CRLF and lone CR all end lines; a last line without a break counts', () => {
    const text = 'a\nb\r\nc\rd\r\n\r\ne';
    expect(linesOf(Buffer.from(text), [1 << 20])).toEqual(['a', 'b', 'c', 'd', '', 'e']);
    expect(splitLines(text)).toEqual(['a', 'b', 'c', 'd', '', 'e']);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
  });
  it('a CRLF cut between two chunks is one break', () => {
    expect(linesOf(Buffer.from('ab\r\ncd\r\n'), [3])).toEqual(['ab', 'cd']);
    expect(linesOf(Buffer.from('ab\r\ncd\r\n'), [3, 1])).toEqual(['ab', 'cd']);
  });
  it('any chunking gives the same lines (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'é', 'я', '😀', '\n', '\r', '\r\n', ' '), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (parts, sizes) => {
          const bytes = Buffer.from(parts.join(''));
          expect(linesOf(bytes, sizes)).toEqual(linesOf(bytes, [1 << 20]));
        },
      ),
    );
  });
  it('large regions are handed out in pieces that end at line breaks', () => {
    const text = Buffer.from('0123456789abcdef\n'.repeat(10_000));
    const sp = new LineSplitter();
    const regions: Buffer[] = [];
    sp.push(text, regions);
    expect(regions.length).toBeGreaterThan(text.length / PIECE);
    for (const r of regions) {
      expect(r.length).toBeLessThanOrEqual(PIECE);
      expect(r[r.length - 1]).toBe(0x0a);
    }
    expect(Buffer.concat(regions).equals(text)).toBe(true);
  });
  it('a line longer than MAX_LINE keeps its first MAX_LINE bytes (on a character boundary) and the next line is intact', () => {
    const sp = new LineSplitter();
    const regions: Buffer[] = [];
    const chunk = Buffer.alloc(1 << 20, 'я'); // 2-byte characters
    for (let i = 0; i < 9; i++) sp.push(chunk, regions);
    expect(regions).toEqual([]);
    sp.push(Buffer.from('яя\nnext\n'), regions);
    expect(regions[0]!.length).toBeLessThanOrEqual(MAX_LINE + 1);
    expect(sp.cutRegion).toBe(regions[0]);
    const first = regions[0]!.toString('utf8');
    expect(first.endsWith('я\n')).toBe(true);
    expect(first).not.toContain('\ufffd');
    expect(Buffer.concat(regions.slice(1)).toString()).toBe('next\n');
  });
});
