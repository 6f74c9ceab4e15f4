import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { HashWorker, localSha256 } from './hash-worker.js';

const hw = new HashWorker();
afterAll(() => hw.close());
const ref = (parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

describe('HashWorker', () => {
  it('hashes interleaved streams exactly like node:crypto, whatever the update sizes (ring wrap, waits, splits)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3_500_000 })), { minLength: 1, maxLength: 12 }),
        async (updates) => {
          const streams = [hw.stream(), hw.stream(), hw.stream()];
          const parts: Buffer[][] = [[], [], []];
          // Updates are issued without awaiting each one: ordering per stream must still hold.
          const pending: Promise<void>[] = [];
          for (const [which, size] of updates) {
            const b = randomBytes(size);
            parts[which]!.push(b);
            pending.push(streams[which]!.update(b));
          }
          await Promise.all(pending);
          const got = await Promise.all(streams.map((s) => s.digest()));
          expect(got).toEqual(parts.map(ref));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('keeps going through 64 MiB of small updates (the ring wraps many times)', async () => {
    const s = hw.stream();
    const h = createHash('sha256');
    const piece = randomBytes(65536 + 3);
    for (let i = 0; i < 1000; i++) {
      await s.update(piece);
      h.update(piece);
    }
    expect(await s.digest()).toBe(h.digest('hex'));
  });

  it('takes zero-copy reservations in order with ordinary updates, and drops aborted ones', async () => {
    const s = hw.stream();
    const parts: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const b = randomBytes(1 + ((i * 7919) % 150_000));
      if (i % 3 === 0) {
        await s.update(b);
        parts.push(b);
      } else {
        const r = await s.reserve!(b.length);
        if (i % 10 === 1) {
          r.abort(); // nothing of it is hashed
          continue;
        }
        r.view.set(b);
        r.commit();
        parts.push(b);
      }
    }
    expect(await s.digest()).toBe(ref(parts));
  });

  it('hashes only the committed part of a reservation (a file read shorter than asked)', async () => {
    const s = hw.stream();
    const parts: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await s.reserve!(1 << 20);
      const got = 1 + ((i * 104_729) % (1 << 20)); // what "the read" returned
      const b = randomBytes(got);
      r.view.set(b);
      r.view.fill(0xff, got); // beyond what was read: must not be hashed
      r.commit(got);
      parts.push(b);
    }
    expect(await s.digest()).toBe(ref(parts));
    const r = await s.reserve!(10);
    expect(() => r.commit(11)).toThrow(RangeError);
    r.abort();
  });

  it('hashes small inputs in place and an empty stream to the empty digest', async () => {
    const small = hw.sha256(100);
    await small.update(Buffer.from('abc'));
    expect(await small.digest()).toBe(createHash('sha256').update('abc').digest('hex'));
    expect(await hw.stream().digest()).toBe(createHash('sha256').digest('hex'));
    const l = localSha256();
    await l.update(Buffer.from('x'));
    expect(await l.digest()).toBe(createHash('sha256').update('x').digest('hex'));
  });
});
