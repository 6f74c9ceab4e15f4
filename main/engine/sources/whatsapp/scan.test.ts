import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedChunks, memoryContainer } from '../../../../tests/helpers/source-harness.js';
import type { Container } from '../types.js';
import { newHeader, scanHeader } from './header.js';
import { splitLines } from './lines.js';
import { scanEntry } from './scan.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../../../tests/fixtures/whatsapp-txt');

const memory = (bytes: Buffer, chunk = 1 << 20): Container => memoryContainer('x.txt', bytes, { chunks: (b) => fixedChunks(b, chunk) });

/** Header lines per dialect, found the slow and obvious way: decode everything, scan every line. */
function reference(bytes: Buffer): Map<number, number> {
  const h = newHeader();
  const out = new Map<number, number>();
  for (const line of splitLines(bytes.toString('utf8').replaceAll('\ufeff', ''))) {
    if (scanHeader(line, h)) out.set(h.sig, (out.get(h.sig) ?? 0) + 1);
  }
  return out;
}

async function scanned(bytes: Buffer, chunk?: number): Promise<{ perSig: Map<number, number>; total: number }> {
  const r = await scanEntry(memory(bytes, chunk), 'x.txt');
  const perSig = new Map(r.dialects.map((d) => [d.sig, d.count]));
  return { perSig, total: r.dialects.reduce((n, d) => n + d.count, 0) + r.rejected.count };
}

describe('whatsapp scan: the fast whole-file pass agrees with a plain line-by-line reading', () => {
  const files = readdirSync(fixtures).filter((n) => n.endsWith('.txt'));
  it('on every fixture', async () => {
    expect(files.length).toBeGreaterThan(20);
    for (const name of files) {
      const bytes = readFileSync(path.join(fixtures, name));
      const ref = reference(bytes);
      const got = await scanned(bytes);
      expect(got.total, name).toBe([...ref.values()].reduce((a, b) => a + b, 0));
      for (const [sig, n] of got.perSig) expect(ref.get(sig), name).toBe(n);
    }
  });
  it('on mutated fixtures, in any chunking (property)', async () => {
    const sources = files.map((n) => readFileSync(path.join(fixtures, n)));
    const bits = ['\n', '\r', ' ', '\u00a0', '\u200e', 'ДП', 'م', '\ufeff', ':', ']', '-', '1', 'é'].map((s) => Buffer.from(s));
    bits.push(Buffer.from([0xa0]), Buffer.from([0xff]));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: bits.length - 1 })), { maxLength: 6 }),
        fc.integer({ min: 1, max: 64 }),
        async (which, edits, chunk) => {
          let bytes = sources[which]!;
          for (const [at, what] of edits) {
            const i = bytes.length === 0 ? 0 : at % bytes.length;
            bytes = Buffer.concat([bytes.subarray(0, i), bits[what]!, bytes.subarray(i)]);
          }
          const ref = reference(bytes);
          const got = await scanned(bytes, chunk);
          expect(got.total).toBe([...ref.values()].reduce((a, b) => a + b, 0));
          for (const [sig, n] of got.perSig) expect(ref.get(sig)).toBe(n);
        },
      ),
      { numRuns: 300 },
    );
  });
});
