/**
 * The age v1 payload (c2sp.org/age, "Payload"): a 16-byte nonce, then the plaintext in 64 KiB
 * chunks, each sealed with ChaCha20-Poly1305 under payload key = HKDF-SHA-256(file key, salt =
 * nonce, info = "payload"); chunk nonce = 11-byte big-endian counter ‖ 1 byte that is 0x01 on the
 * last chunk only. The last chunk may be empty only when the whole payload is.
 *
 * The AEAD is sodium-native's (libsodium), not node:crypto: Electron links BoringSSL, which has no
 * `chacha20-poly1305` cipher behind createCipheriv (backup.md §4). HKDF is built on createHmac,
 * which every host has.
 *
 * - `PayloadEncryptor`: streaming writer with bounded memory (one chunk + one output batch).
 * - `decryptPayload`: sequential reader over any byte stream (used for interop and test vectors).
 * - `EncryptedPayload`: random access over a file: authenticates the final chunk when opened
 *   (so truncation is caught before anything is read), decrypts only the chunks a read needs,
 *   counts what it decrypts, and can walk every chunk in order for a full verification.
 */
import { createHmac } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import sodium from 'sodium-native';

export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
export const STREAM_NONCE_SIZE = 16;
const KEY_SIZE = 32;
/** Chunks per file read / output write (~1 MiB): fewer syscalls, still bounded memory. */
const BATCH_CHUNKS = 16;

export type AgePayloadErrorCode = 'truncated' | 'damaged';

/** The payload is not what was encrypted: cut short, bit-flipped, reordered or extended. */
export class AgePayloadError extends Error {
  readonly code: AgePayloadErrorCode;
  /** Zero-based chunk that failed, when one did. */
  readonly chunk: number | undefined;
  constructor(message: string, code: AgePayloadErrorCode, chunk?: number) {
    super(message);
    this.name = 'AgePayloadError';
    this.code = code;
    this.chunk = chunk;
  }
}

/** HKDF-SHA-256 (RFC 5869). */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string, length: number): Buffer {
  const prk = createHmac('sha256', salt.length > 0 ? salt : Buffer.alloc(32)).update(ikm).digest();
  const blocks: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let i = 1; blocks.length * 32 < length; i++) {
    prev = createHmac('sha256', prk).update(prev).update(info, 'utf8').update(Buffer.from([i])).digest();
    blocks.push(prev);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** The STREAM key of one file. */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Buffer {
  if (nonce.length !== STREAM_NONCE_SIZE) throw new Error(`payload nonce must be ${STREAM_NONCE_SIZE} bytes`);
  return hkdfSha256(fileKey, nonce, 'payload', KEY_SIZE);
}

function chunkNonce(counter: number, final: boolean): Buffer {
  const n = Buffer.alloc(12);
  // 11-byte big-endian counter: the top five bytes stay zero below 2^48 chunks (16 EiB).
  n.writeUIntBE(counter, 5, 6);
  n[11] = final ? 1 : 0;
  return n;
}

/** Seals one chunk into `out` (which must be `plain.length + TAG_SIZE` bytes). */
export function sealChunk(key: Uint8Array, counter: number, final: boolean, plain: Uint8Array, out: Uint8Array): void {
  sodium.crypto_aead_chacha20poly1305_ietf_encrypt(out, plain, null, null, chunkNonce(counter, final), key);
}

/** Opens one chunk into `out` (`sealed.length - TAG_SIZE` bytes); false when it does not authenticate. */
export function openChunk(key: Uint8Array, counter: number, final: boolean, sealed: Uint8Array, out: Uint8Array): boolean {
  if (sealed.length < TAG_SIZE) return false;
  try {
    sodium.crypto_aead_chacha20poly1305_ietf_decrypt(out, null, sealed, null, chunkNonce(counter, final), key);
    return true;
  } catch {
    return false;
  }
}

/** Encrypted payload size (after the nonce) for a plaintext size. */
export function sealedSize(plaintextSize: number): number {
  const chunks = Math.max(1, Math.ceil(plaintextSize / CHUNK_SIZE));
  return plaintextSize + chunks * TAG_SIZE;
}

/** Plaintext size and chunk count for an encrypted payload size (after the nonce), or why it is impossible. */
export function payloadLayout(sealed: number): { plaintextSize: number; chunks: number } {
  if (sealed < TAG_SIZE) {
    throw new AgePayloadError(
      sealed === 0
        ? 'the backup file is truncated: the encrypted data ends right after the header'
        : `the backup file is truncated: the encrypted data is only ${sealed} bytes long`,
      'truncated',
    );
  }
  const chunks = Math.ceil(sealed / SEALED_CHUNK_SIZE);
  const last = sealed - (chunks - 1) * SEALED_CHUNK_SIZE;
  if (last < TAG_SIZE || (last === TAG_SIZE && chunks > 1)) {
    throw new AgePayloadError(
      `the backup file is truncated or damaged: its encrypted data ends in the middle of piece ${chunks} (${sealed} bytes is not a possible size)`,
      'truncated',
      chunks - 1,
    );
  }
  return { plaintextSize: sealed - chunks * TAG_SIZE, chunks };
}

function damagedChunk(index: number, chunks: number | null): AgePayloadError {
  const of = chunks === null ? '' : ` of ${chunks}`;
  return new AgePayloadError(
    `the backup file is damaged or was modified: encrypted piece ${index + 1}${of} does not authenticate (wrong bytes, pieces reordered, or data appended)`,
    'damaged',
    index,
  );
}

function damagedFinal(index: number): AgePayloadError {
  return new AgePayloadError(
    `the backup file is truncated or was modified: its last encrypted piece (${index + 1}) does not authenticate, so the end of the backup is missing or damaged`,
    'truncated',
    index,
  );
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** Room for one output batch handed out by someone else (e.g. the hash worker's ring). */
export interface OutputReservation {
  view: Uint8Array;
  /** The first `length` bytes are final (and, for the hash worker, handed to the hash). */
  commit(length: number): void;
}

/**
 * Streaming STREAM encryptor. `write` and `end` resolve once what they produced was handed to
 * `sink` (awaited), so the caller's loop is the backpressure. Output batches alternate between
 * two buffers: `sink` may keep using the buffer it is given until its NEXT call resolves (so one
 * write can be in flight while the next batch is sealed), not longer.
 *
 * With `reserve`, each batch is sealed straight into room the caller hands out instead (the
 * hash worker's ring: the ciphertext is hashed where it lies, without a copy); `sink` is then
 * told the batch is already hashed. Whole chunks of the input are sealed where they lie too:
 * only the bytes that complete a chunk across two `write` calls, and the last chunk of each
 * call (it may be the final one), are copied.
 */
export class PayloadEncryptor {
  private chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  private fill = 0;
  private counter = 0;
  private out: Buffer;
  private spare: Buffer;
  private outFill = 0;
  private ended = false;
  private reservation: OutputReservation | null = null;
  private readonly batchBytes: number;
  plaintextBytes = 0;
  sealedBytes = 0;

  constructor(
    private readonly key: Uint8Array,
    private readonly sink: (data: Buffer, hashed: boolean) => Promise<void>,
    batchChunks = BATCH_CHUNKS,
    private readonly reserve?: (length: number) => Promise<OutputReservation>,
  ) {
    if (key.length !== KEY_SIZE) throw new Error('payload key must be 32 bytes');
    this.batchBytes = batchChunks * SEALED_CHUNK_SIZE;
    this.out = reserve ? Buffer.alloc(0) : Buffer.allocUnsafeSlow(this.batchBytes);
    this.spare = reserve ? Buffer.alloc(0) : Buffer.allocUnsafeSlow(this.batchBytes);
  }

  async write(data: Uint8Array): Promise<void> {
    if (this.ended) throw new Error('write after end');
    let off = 0;
    while (off < data.length) {
      // A full chunk is sealed only once more data arrives: only then is it known not to be last.
      if (this.fill === CHUNK_SIZE) {
        await this.seal(this.chunk, false);
        this.fill = 0;
      }
      // Whole chunks followed by more input: sealed from the input itself.
      while (this.fill === 0 && data.length - off > CHUNK_SIZE) {
        await this.seal(data.subarray(off, off + CHUNK_SIZE), false);
        off += CHUNK_SIZE;
      }
      const n = Math.min(CHUNK_SIZE - this.fill, data.length - off);
      this.chunk.set(data.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
    }
    this.plaintextBytes += data.length;
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.seal(this.chunk.subarray(0, this.fill), true);
    this.fill = 0;
    await this.flush();
    this.chunk.fill(0);
  }

  /** Seals `plain` as the next chunk into the current batch (flushed when full). */
  private async seal(plain: Uint8Array, final: boolean): Promise<void> {
    if (this.reserve && !this.reservation) {
      this.reservation = await this.reserve(this.batchBytes);
      const v = this.reservation.view;
      this.out = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      this.outFill = 0;
    }
    const sealed = this.out.subarray(this.outFill, this.outFill + plain.length + TAG_SIZE);
    sealChunk(this.key, this.counter, final, plain, sealed);
    this.counter++;
    this.outFill += sealed.length;
    this.sealedBytes += sealed.length;
    if (this.outFill + SEALED_CHUNK_SIZE > this.out.length) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.outFill === 0) return;
    const done = this.out.subarray(0, this.outFill);
    if (this.reservation) {
      // The caller's room is handed back (and hashed there); the next batch takes new room.
      this.reservation.commit(this.outFill);
      this.reservation = null;
      this.outFill = 0;
      await this.sink(done, true);
      return;
    }
    [this.out, this.spare] = [this.spare, this.out];
    this.outFill = 0;
    await this.sink(done, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Sequential reading
// ---------------------------------------------------------------------------------------------

/**
 * Decrypts a payload (the bytes after the 16-byte nonce) read in order. Every chunk is released
 * only once it authenticated; an error is thrown when the stream ends without a final chunk,
 * when a chunk does not authenticate, or when data follows the final chunk.
 *
 * A full-size chunk is first opened as a middle chunk and, if that fails, as the final one (as
 * the reference implementation does), so what is released before an error is exactly what the
 * C2SP vectors expect.
 */
export async function* decryptPayload(source: AsyncIterable<Uint8Array>, key: Uint8Array): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const queue: Buffer[] = [];
  let queued = 0;
  let exhausted = false;
  const fill = async (want: number) => {
    while (!exhausted && queued < want) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const v = next.value;
      if (v.byteLength === 0) continue;
      queue.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
      queued += v.byteLength;
    }
  };
  /** The next `n` (≤ queued) bytes. */
  const take = (n: number): Buffer => {
    const head = queue[0]!;
    let out: Buffer;
    if (head.length >= n) {
      out = head.subarray(0, n);
      if (head.length === n) queue.shift();
      else queue[0] = head.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const b = queue[0]!;
        const k = Math.min(b.length, n - off);
        b.copy(out, off, 0, k);
        off += k;
        if (k === b.length) queue.shift();
        else queue[0] = b.subarray(k);
      }
    }
    queued -= n;
    return out;
  };
  let counter = 0;
  try {
    for (;;) {
      await fill(SEALED_CHUNK_SIZE);
      const have = Math.min(queued, SEALED_CHUNK_SIZE);
      if (have === 0) {
        throw new AgePayloadError(
          counter === 0
            ? 'the backup file is truncated: the encrypted data ends right after the header'
            : `the backup file is truncated: the encrypted data ends without its final piece (after piece ${counter})`,
          'truncated',
          counter,
        );
      }
      const sealed = take(have);
      const plain = Buffer.allocUnsafe(Math.max(0, have - TAG_SIZE));
      let final = false;
      if (have < SEALED_CHUNK_SIZE) {
        // A short chunk can only be the last one; it may be empty only when it is the only one.
        if (have < TAG_SIZE || (have === TAG_SIZE && counter > 0)) {
          throw new AgePayloadError(`the backup file is truncated: the encrypted data ends in the middle of piece ${counter + 1}`, 'truncated', counter);
        }
        if (!openChunk(key, counter, true, sealed, plain)) throw damagedFinal(counter);
        final = true;
      } else if (!openChunk(key, counter, false, sealed, plain)) {
        if (!openChunk(key, counter, true, sealed, plain)) throw damagedChunk(counter, null);
        final = true;
      }
      counter++;
      if (plain.length > 0) yield plain;
      if (final) break;
    }
    await fill(1);
    if (queued > 0) throw new AgePayloadError('the backup file is damaged or was modified: data follows its final encrypted piece', 'damaged', counter);
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Random access
// ---------------------------------------------------------------------------------------------

/** A place to decrypt a chunk into, taken over by its owner on `commit` (see chunksInOrder). */
export interface DirectTarget {
  view: Uint8Array;
  commit(): void;
  abort(): void;
}

export interface EncryptedPayloadStats {
  /** Chunk decryptions performed (cache hits not counted). */
  decrypted: number;
  /** Ciphertext bytes read from the file. */
  bytesRead: number;
}

/**
 * Random access to the plaintext of an age file whose header and nonce are already handled.
 * `open` authenticates the final chunk first (backup.md §6): a truncated or extended file fails
 * before anything is released.
 */
export class EncryptedPayload {
  readonly plaintextSize: number;
  readonly chunks: number;
  readonly stats: EncryptedPayloadStats = { decrypted: 0, bytesRead: 0 };
  /** One bit per chunk: has it been authenticated at least once. */
  private readonly seen: Uint8Array;
  private readonly cache = new Map<number, Buffer>();
  private static readonly CACHE_CHUNKS = 8;

  private constructor(
    private readonly fh: FileHandle,
    /** File offset of the first sealed chunk (header + nonce). */
    private readonly base: number,
    private readonly sealed: number,
    private readonly key: Uint8Array,
  ) {
    const layout = payloadLayout(sealed);
    this.plaintextSize = layout.plaintextSize;
    this.chunks = layout.chunks;
    this.seen = new Uint8Array(Math.ceil(this.chunks / 8));
  }

  static async open(fh: FileHandle, payloadStart: number, fileSize: number, key: Uint8Array): Promise<EncryptedPayload> {
    const p = new EncryptedPayload(fh, payloadStart, fileSize - payloadStart, key);
    await p.chunk(p.chunks - 1);
    return p;
  }

  /** Chunks never authenticated so far. */
  unseenChunks(): number {
    let n = 0;
    for (let i = 0; i < this.chunks; i++) if (!this.isSeen(i)) n++;
    return n;
  }

  isSeen(i: number): boolean {
    return (this.seen[i >> 3]! & (1 << (i & 7))) !== 0;
  }

  private markSeen(i: number): void {
    this.seen[i >> 3]! |= 1 << (i & 7);
  }

  private sealedLength(i: number): number {
    return i === this.chunks - 1 ? this.sealed - i * SEALED_CHUNK_SIZE : SEALED_CHUNK_SIZE;
  }

  private async readSealed(first: number, count: number, into?: Buffer): Promise<Buffer> {
    let length = 0;
    for (let i = first; i < first + count; i++) length += this.sealedLength(i);
    const buf = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    let done = 0;
    const position = this.base + first * SEALED_CHUNK_SIZE;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, position + done);
      if (bytesRead === 0) throw new AgePayloadError('the backup file became shorter while it was being read', 'truncated', first);
      done += bytesRead;
    }
    this.stats.bytesRead += length;
    return buf;
  }

  private decryptInto(i: number, sealed: Buffer, into?: Uint8Array): Buffer {
    const plain = into ? Buffer.from(into.buffer, into.byteOffset, into.byteLength) : Buffer.allocUnsafe(sealed.length - TAG_SIZE);
    const final = i === this.chunks - 1;
    if (!openChunk(this.key, i, final, sealed, plain)) throw final ? damagedFinal(i) : damagedChunk(i, this.chunks);
    this.stats.decrypted++;
    this.markSeen(i);
    return plain;
  }

  private remember(i: number, plain: Buffer): void {
    this.cache.delete(i);
    this.cache.set(i, plain);
    if (this.cache.size > EncryptedPayload.CACHE_CHUNKS) this.cache.delete(this.cache.keys().next().value!);
  }

  /** The plaintext of chunk `i` (cached). */
  async chunk(i: number): Promise<Buffer> {
    if (i < 0 || i >= this.chunks) throw new RangeError(`chunk ${i} out of range`);
    const hit = this.cache.get(i);
    if (hit) {
      this.remember(i, hit);
      return hit;
    }
    const plain = this.decryptInto(i, await this.readSealed(i, 1));
    this.remember(i, plain);
    return plain;
  }

  /**
   * Chunks `first..last` in order, read in batches. Cached chunks are not read again. `onSealed`
   * sees the ciphertext of every batch read (for hashing the file while verifying it); the batch
   * buffer is reused once the caller asks for the chunk after that batch's last, so whoever keeps
   * ciphertext must copy it before then.
   */
  async *chunksInOrder(
    first = 0,
    last = this.chunks - 1,
    onSealed?: (sealed: Buffer) => void,
    /**
     * Where to decrypt chunk `index` (`length` bytes) instead of a fresh buffer, e.g. straight
     * into the hash worker's ring; null for a fresh buffer. Such chunks are not cached and are
     * yielded with `direct: true` (the target owns them).
     */
    target?: (index: number, length: number) => Promise<DirectTarget | null>,
  ): AsyncGenerator<{ index: number; plain: Buffer; direct?: boolean }> {
    let i = first;
    // The next batch is read while the current one is decrypted (read-ahead of one batch).
    type Batch = { at: number; count: number; data: Promise<Buffer> };
    let ahead: Batch | null = null;
    // Two batch buffers taken in turn (one being read while the other is decrypted): fresh 1 MiB
    // buffers per batch cost page faults and heap trimming on every batch.
    const buffers: Buffer[] = [];
    let turn = 0;
    const startRead = (at: number): Batch => {
      const count = Math.min(BATCH_CHUNKS, last - at + 1);
      if (buffers.length < 2 && count === BATCH_CHUNKS) buffers.push(Buffer.allocUnsafeSlow(BATCH_CHUNKS * SEALED_CHUNK_SIZE));
      const into = buffers.length === 2 ? buffers[(turn ^= 1)] : undefined;
      const data = this.readSealed(at, count, into);
      data.catch(() => undefined);
      return { at, count, data };
    };
    while (i <= last) {
      const hit = onSealed || ahead ? undefined : this.cache.get(i);
      if (hit) {
        yield { index: i, plain: hit };
        i++;
        continue;
      }
      const batch: Batch = ahead && ahead.at === i ? ahead : startRead(i);
      const sealed = await batch.data;
      const next: number = i + batch.count;
      ahead = next <= last ? startRead(next) : null;
      onSealed?.(sealed);
      let off = 0;
      for (let k = i; k < next; k++) {
        const len = this.sealedLength(k);
        const t = target ? await target(k, len - TAG_SIZE) : null;
        if (t) {
          let plain: Buffer;
          try {
            plain = this.decryptInto(k, sealed.subarray(off, off + len), t.view);
          } catch (err) {
            t.abort();
            throw err;
          }
          t.commit();
          off += len;
          yield { index: k, plain, direct: true };
          continue;
        }
        const plain = this.decryptInto(k, sealed.subarray(off, off + len));
        off += len;
        if (k === this.chunks - 1 || k === next - 1) this.remember(k, plain);
        yield { index: k, plain };
      }
      i = next;
    }
  }

  /** `length` plaintext bytes from `position` (fewer at the end of the payload). */
  async readAt(position: number, length: number): Promise<Buffer> {
    const end = Math.min(this.plaintextSize, position + length);
    if (position >= end) return Buffer.alloc(0);
    const first = Math.floor(position / CHUNK_SIZE);
    const last = Math.floor((end - 1) / CHUNK_SIZE);
    if (first === last) {
      const c = await this.chunk(first);
      return Buffer.from(c.subarray(position - first * CHUNK_SIZE, end - first * CHUNK_SIZE));
    }
    const parts: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const c = await this.chunk(i);
      const from = i === first ? position - i * CHUNK_SIZE : 0;
      const to = i === last ? end - i * CHUNK_SIZE : c.length;
      parts.push(c.subarray(from, to));
    }
    return Buffer.concat(parts);
  }

  /** Plaintext bytes `start..end` (inclusive) as a stream, read in batches. */
  stream(start: number, end: number, signal?: AbortSignal): Readable {
    return Readable.from(this.range(start, end, signal), { objectMode: false, highWaterMark: CHUNK_SIZE, ...(signal ? { signal } : {}) });
  }

  private async *range(start: number, end: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
    if (end < start) return;
    const stop = Math.min(end, this.plaintextSize - 1);
    const first = Math.floor(start / CHUNK_SIZE);
    const last = Math.floor(stop / CHUNK_SIZE);
    const slice = (index: number, plain: Buffer): Buffer => {
      const from = index === first ? start - index * CHUNK_SIZE : 0;
      const to = index === last ? stop - index * CHUNK_SIZE + 1 : plain.length;
      return plain.subarray(from, to);
    };
    for (let i = first; i <= last; ) {
      // A cached chunk, or the last one alone (small entries, headers), needs no batch read.
      const hit = this.cache.get(i);
      if (hit || i === last) {
        const plain = hit ?? (await this.chunk(i));
        yield slice(i, plain);
        i++;
        continue;
      }
      for await (const c of this.chunksInOrder(i, last)) {
        signal?.throwIfAborted();
        yield slice(c.index, c.plain);
      }
      return;
    }
  }
}
