import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgePayloadError,
  CHUNK_SIZE,
  decryptPayload,
  EncryptedPayload,
  hkdfSha256,
  payloadLayout,
  PayloadEncryptor,
  SEALED_CHUNK_SIZE,
  sealedSize,
  TAG_SIZE,
} from './age-stream.js';
import { HashWorker } from './hash-worker.js';

const EDGE_SIZES = [0, 1, 65535, 65536, 65537, 196608, 5 * 1024 * 1024 + 7];

async function encrypt(key: Buffer, plain: Buffer, pieces: number[] = [plain.length]): Promise<Buffer> {
  const out: Buffer[] = [];
  const enc = new PayloadEncryptor(key, async (b) => {
    out.push(Buffer.from(b));
  });
  let off = 0;
  for (const n of pieces) {
    await enc.write(plain.subarray(off, off + n));
    off += n;
  }
  await enc.write(plain.subarray(off));
  await enc.end();
  expect(enc.plaintextBytes).toBe(plain.length);
  return Buffer.concat(out);
}

async function decryptAll(key: Buffer, sealed: Buffer, piece = 4096): Promise<Buffer> {
  async function* src() {
    for (let i = 0; i < sealed.length; i += piece) yield sealed.subarray(i, i + piece);
  }
  const out: Buffer[] = [];
  for await (const c of decryptPayload(src(), key)) out.push(c);
  return Buffer.concat(out);
}

/** Independent reference: node:crypto's ChaCha20-Poly1305 (present in plain Node, not in Electron). */
function referenceSeal(key: Buffer, counter: number, final: boolean, plain: Buffer): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUIntBE(counter, 5, 6);
  nonce[11] = final ? 1 : 0;
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

describe('hkdfSha256', () => {
  it('equals node:crypto hkdfSync for any key, salt and info', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 20 }), fc.integer({ min: 1, max: 100 }), (ikm, salt, info, len) => {
        const ours = hkdfSha256(ikm, salt, info, len);
        const ref = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from(info, 'utf8'), len));
        expect(ours.equals(ref)).toBe(true);
      }),
    );
  });
});

describe('PayloadEncryptor', () => {
  it('produces exactly the age STREAM chunks (checked against node:crypto chacha20-poly1305)', async () => {
    const key = randomBytes(32);
    const plain = randomBytes(2 * CHUNK_SIZE + 100);
    const sealed = await encrypt(key, plain, [1, 70000]);
    const expected = Buffer.concat([
      referenceSeal(key, 0, false, plain.subarray(0, CHUNK_SIZE)),
      referenceSeal(key, 1, false, plain.subarray(CHUNK_SIZE, 2 * CHUNK_SIZE)),
      referenceSeal(key, 2, true, plain.subarray(2 * CHUNK_SIZE)),
    ]);
    expect(sealed.equals(expected)).toBe(true);
  });

  it('seals an exact multiple of 64 KiB with a full final chunk, and nothing as one empty final chunk', async () => {
    const key = randomBytes(32);
    const two = randomBytes(2 * CHUNK_SIZE);
    const sealed = await encrypt(key, two);
    expect(sealed.length).toBe(2 * SEALED_CHUNK_SIZE);
    expect(sealed.subarray(SEALED_CHUNK_SIZE).equals(referenceSeal(key, 1, true, two.subarray(CHUNK_SIZE)))).toBe(true);
    const empty = await encrypt(key, Buffer.alloc(0));
    expect(empty.equals(referenceSeal(key, 0, true, Buffer.alloc(0)))).toBe(true);
  });

  it.each(EDGE_SIZES)('round-trips %i bytes with the sizes the layout predicts', async (size) => {
    const key = randomBytes(32);
    const plain = randomBytes(size);
    const sealed = await encrypt(key, plain, [Math.floor(size / 3), 1, 65536]);
    expect(sealed.length).toBe(sealedSize(size));
    expect(payloadLayout(sealed.length)).toEqual({ plaintextSize: size, chunks: Math.max(1, Math.ceil(size / CHUNK_SIZE)) });
    expect((await decryptAll(key, sealed, 70001)).equals(plain)).toBe(true);
  });

  it('round-trips however the input is split into writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * CHUNK_SIZE + 5 }), fc.array(fc.integer({ min: 0, max: 80000 }), { maxLength: 6 }), async (size, pieces) => {
        const key = randomBytes(32);
        const plain = randomBytes(size);
        const sealed = await encrypt(key, plain, pieces);
        expect((await decryptAll(key, sealed, 1 + (size % 9000))).equals(plain)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('PayloadEncryptor sealing into the hash worker\'s ring', () => {
  it('writes the same bytes as into its own buffers, hashed where they lie, however the input is split', async () => {
    const worker = new HashWorker();
    try {
      for (const [size, pieces] of [
        [0, []],
        [CHUNK_SIZE, []],
        [5 * CHUNK_SIZE + 3, [1, CHUNK_SIZE, 2 * CHUNK_SIZE + 1]],
        [40 * CHUNK_SIZE + 17, [3 * 1024 * 1024]],
      ] as [number, number[]][]) {
        const key = randomBytes(32);
        const plain = randomBytes(size);
        const hash = worker.stream();
        const out: Buffer[] = [];
        const hashedFlags = new Set<boolean>();
        const enc = new PayloadEncryptor(
          key,
          async (b, hashed) => {
            hashedFlags.add(hashed);
            out.push(Buffer.from(b));
          },
          undefined,
          (len) => hash.reserve!(len),
        );
        let off = 0;
        for (const n of [...pieces, size]) {
          await enc.write(plain.subarray(off, Math.min(size, off + n)));
          off = Math.min(size, off + n);
        }
        await enc.end();
        const sealed = Buffer.concat(out);
        expect(sealed.equals(await encrypt(key, plain, pieces)), `${size} bytes`).toBe(true);
        expect([...hashedFlags]).toEqual([true]);
        expect(await hash.digest()).toBe(createHash('sha256').update(sealed).digest('hex'));
      }
    } finally {
      await worker.close();
    }
  });
});

describe('decryptPayload (sequential)', () => {
  const key = randomBytes(32);
  let plain: Buffer;
  let sealed: Buffer;
  beforeAll(async () => {
    plain = randomBytes(3 * CHUNK_SIZE + 10);
    sealed = await encrypt(key, plain);
  });

  it('refuses a payload cut at a chunk boundary (the final chunk dropped)', async () => {
    await expect(decryptAll(key, sealed.subarray(0, 3 * SEALED_CHUNK_SIZE))).rejects.toThrow(/ends without its final piece \(after piece 3\)/);
  });

  it('refuses a payload cut short inside a chunk, or to nothing', async () => {
    await expect(decryptAll(key, sealed.subarray(0, sealed.length - 100))).rejects.toBeInstanceOf(AgePayloadError);
    await expect(decryptAll(key, sealed.subarray(0, 10))).rejects.toThrow(/truncated/);
    await expect(decryptAll(key, Buffer.alloc(0))).rejects.toThrow(/ends right after the header/);
  });

  it('refuses swapped chunks, a flipped bit, appended data and the wrong key', async () => {
    const swapped = Buffer.from(sealed);
    sealed.copy(swapped, 0, SEALED_CHUNK_SIZE, 2 * SEALED_CHUNK_SIZE);
    sealed.copy(swapped, SEALED_CHUNK_SIZE, 0, SEALED_CHUNK_SIZE);
    await expect(decryptAll(key, swapped)).rejects.toThrow(/piece 1 does not authenticate/);
    const flipped = Buffer.from(sealed);
    flipped[2 * SEALED_CHUNK_SIZE + 5]! ^= 0x01;
    await expect(decryptAll(key, flipped)).rejects.toThrow(/piece 3 does not authenticate/);
    await expect(decryptAll(key, Buffer.concat([sealed, Buffer.from('x')]))).rejects.toBeInstanceOf(AgePayloadError);
    const full = await encrypt(key, randomBytes(CHUNK_SIZE));
    await expect(decryptAll(key, Buffer.concat([full, Buffer.from('garbage')]))).rejects.toThrow(/data follows its final encrypted piece/);
    await expect(decryptAll(randomBytes(32), sealed)).rejects.toThrow(/piece 1 does not authenticate/);
  });

  it('releases only authenticated chunks before failing', async () => {
    const flipped = Buffer.from(sealed);
    flipped[SEALED_CHUNK_SIZE + 1]! ^= 0x80;
    const got: Buffer[] = [];
    async function* src() {
      yield flipped;
    }
    await expect(
      (async () => {
        for await (const c of decryptPayload(src(), key)) got.push(c);
      })(),
    ).rejects.toThrow(AgePayloadError);
    expect(Buffer.concat(got).equals(plain.subarray(0, CHUNK_SIZE))).toBe(true);
  });
});

describe('payloadLayout', () => {
  it('refuses sizes no encryptor can produce', () => {
    expect(() => payloadLayout(0)).toThrow(/truncated/);
    expect(() => payloadLayout(TAG_SIZE - 1)).toThrow(/truncated/);
    expect(() => payloadLayout(SEALED_CHUNK_SIZE + TAG_SIZE)).toThrow(/not a possible size/);
    expect(() => payloadLayout(SEALED_CHUNK_SIZE + 3)).toThrow(/not a possible size/);
    expect(payloadLayout(SEALED_CHUNK_SIZE + TAG_SIZE + 1)).toEqual({ plaintextSize: CHUNK_SIZE + 1, chunks: 2 });
  });

  it('inverts sealedSize for every plaintext size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => {
        expect(payloadLayout(sealedSize(n)).plaintextSize).toBe(n);
      }),
    );
  });
});

describe('EncryptedPayload (random access)', () => {
  let dir: string;
  const key = randomBytes(32);
  const plain = randomBytes(5 * CHUNK_SIZE + 1234);
  let file: string;
  const PREFIX = 37; // bytes before the payload (stands for header + nonce)

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-stream-'));
    file = path.join(dir, 'p.bin');
    await writeFile(file, Buffer.concat([randomBytes(PREFIX), await encrypt(key, plain)]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function withPayload<T>(f: string, fn: (p: EncryptedPayload) => Promise<T>): Promise<T> {
    const fh = await open(f, 'r');
    try {
      const { size } = await fh.stat();
      return await fn(await EncryptedPayload.open(fh, PREFIX, size, key));
    } finally {
      await fh.close();
    }
  }

  it('authenticates the final chunk when opened, then reads any range by decrypting only the chunks it covers', async () => {
    await withPayload(file, async (p) => {
      expect(p.plaintextSize).toBe(plain.length);
      expect(p.stats.decrypted).toBe(1); // the final chunk
      expect(p.isSeen(p.chunks - 1)).toBe(true);
      const got = await p.readAt(CHUNK_SIZE + 10, 20);
      expect(got.equals(plain.subarray(CHUNK_SIZE + 10, CHUNK_SIZE + 30))).toBe(true);
      expect(p.stats.decrypted).toBe(2);
      await p.readAt(CHUNK_SIZE + 100, 5); // cached
      expect(p.stats.decrypted).toBe(2);
      expect(p.unseenChunks()).toBe(p.chunks - 2);
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: plain.length + 10 }), fc.integer({ min: 0, max: 3 * CHUNK_SIZE }), async (pos, len) => {
          const r = await p.readAt(pos, len);
          expect(r.equals(plain.subarray(pos, pos + len))).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  });

  it('streams ranges in order, and walks every chunk for a full check', async () => {
    await withPayload(file, async (p) => {
      for (const [s, e] of [
        [0, plain.length - 1],
        [5, 5],
        [CHUNK_SIZE - 1, 3 * CHUNK_SIZE + 2],
        [plain.length - 3, plain.length + 100],
      ] as const) {
        const parts: Buffer[] = [];
        for await (const c of p.stream(s, e)) parts.push(c as Buffer);
        expect(Buffer.concat(parts).equals(plain.subarray(s, e + 1))).toBe(true);
      }
      let sealedSeen = 0;
      const parts: Buffer[] = [];
      for await (const c of p.chunksInOrder(0, p.chunks - 1, (s) => (sealedSeen += s.length))) parts.push(c.plain);
      expect(Buffer.concat(parts).equals(plain)).toBe(true);
      expect(sealedSeen).toBe(sealedSize(plain.length));
      expect(p.unseenChunks()).toBe(0);
    });
  });

  it('refuses to open a file whose final chunk was cut off at a chunk boundary', async () => {
    const cut = path.join(dir, 'cut.bin');
    const fh = await open(file, 'r');
    const buf = Buffer.alloc(PREFIX + 5 * SEALED_CHUNK_SIZE);
    await fh.read(buf, 0, buf.length, 0);
    await fh.close();
    await writeFile(cut, buf);
    await expect(withPayload(cut, async () => null)).rejects.toThrow(/last encrypted piece \(5\) does not authenticate/);
  });

  it('reports a damaged middle chunk when it is read, naming it', async () => {
    const bad = path.join(dir, 'bad.bin');
    const fh = await open(file, 'r');
    const { size } = await fh.stat();
    const buf = Buffer.alloc(size);
    await fh.read(buf, 0, size, 0);
    await fh.close();
    buf[PREFIX + 2 * SEALED_CHUNK_SIZE + 7]! ^= 4;
    await writeFile(bad, buf);
    await withPayload(bad, async (p) => {
      await expect(p.readAt(0, 10)).resolves.toHaveLength(10);
      await expect(p.readAt(2 * CHUNK_SIZE, 10)).rejects.toThrow(/piece 3 of 6 does not authenticate/);
    });
  });
});
