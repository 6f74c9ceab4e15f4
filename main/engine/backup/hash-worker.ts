/**
 * SHA-256 on a second core. Backups hash everything (dedup names, the manifest, the side file)
 * while also encrypting or decrypting it; on one thread the two add up, so large streams are
 * hashed by a worker thread while the caller's thread does the AEAD.
 *
 * The bytes travel through a ring buffer in shared memory (a SharedArrayBuffer), not through
 * postMessage (a message per 1 MiB batch cost ~0.2 ms each): one memcpy per update, and a
 * wake-up call only when the other side sleeps. Records in the ring: [op, stream id, length] + data (op 1 update, 2 digest,
 * 3 wrap to the start); digests come back as messages. When the ring is full, `update` waits
 * (Atomics.waitAsync), so memory stays at the ring's size.
 *
 * Small inputs are hashed in place: a round trip to the worker costs more than hashing a few
 * KiB. The worker is plain CommonJS evaluated from a string, so no separate file has to be
 * bundled for the CLI or the desktop app.
 */
import { createHash, type Hash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const RING = 8 << 20;
const HEADER = 12;
const OP_UPDATE = 1;
const OP_DIGEST = 2;
const OP_WRAP = 3;
/**
 * Control words: [0] head (consumer position), [1] tail (producer position), [2] 1 while the
 * worker sleeps (the producer only pays for a wake-up call then), [3] 1 while the producer waits
 * for space.
 */
const HEAD = 0;
const TAIL = 1;
const CONSUMER_ASLEEP = 2;
const PRODUCER_WAITING = 3;

const DONE: Promise<void> = Promise.resolve();

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const ctrl = new Int32Array(workerData.ctrl);
const ring = new Uint8Array(workerData.ring);
const view = new DataView(workerData.ring);
const hashes = new Map();
let head = 0;
for (;;) {
  let tail = Atomics.load(ctrl, 1);
  // Spin a little before sleeping: a wake-up costs a system call on each side.
  for (let spin = 0; tail === head && spin < 4000; spin++) tail = Atomics.load(ctrl, 1);
  while (tail === head) {
    Atomics.store(ctrl, 2, 1);
    // Re-check after announcing the sleep: a tail published in between is not missed.
    if (Atomics.load(ctrl, 1) === tail) Atomics.wait(ctrl, 1, tail);
    Atomics.store(ctrl, 2, 0);
    tail = Atomics.load(ctrl, 1);
  }
  while (head !== tail) {
    const op = view.getUint32(head, true);
    const id = view.getUint32(head + 4, true);
    const len = view.getUint32(head + 8, true);
    if (op === 3) {
      head = 0;
    } else if (op === 1) {
      let h = hashes.get(id);
      if (!h) hashes.set(id, (h = createHash('sha256')));
      h.update(ring.subarray(head + 12, head + 12 + len));
      head += 12 + ((len + 3) & ~3);
    } else if (op === 2) {
      const h = hashes.get(id) || createHash('sha256');
      hashes.delete(id);
      parentPort.postMessage({ id, hex: h.digest('hex') });
      head += 12;
    } else {
      throw new Error('hash worker: bad record ' + op);
    }
    Atomics.store(ctrl, 0, head);
    if (Atomics.load(ctrl, 3) === 1) Atomics.notify(ctrl, 0);
  }
}
`;

export interface Sha256Stream {
  update(data: Uint8Array): Promise<void>;
  digest(): Promise<string>;
  /** Zero-copy update, where supported (the worker): fill `view`, then `commit`. */
  reserve?(len: number): Promise<Reservation>;
}

export interface Reservation {
  view: Uint8Array;
  /** Hands the first `length` bytes of `view` (default: all of it) to the hash. */
  commit(length?: number): void;
  abort(): void;
}

/** In-thread hashing behind the same interface. */
export function localSha256(): Sha256Stream {
  const h: Hash = createHash('sha256');
  return {
    update: async (data) => void h.update(data),
    digest: async () => h.digest('hex'),
  };
}

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class HashWorker {
  private readonly worker: Worker;
  private readonly ctrl: Int32Array;
  private readonly ring: Uint8Array;
  private readonly view: DataView;
  private tail = 0;
  /** Bytes published since the worker was last woken. */
  private unannounced = 0;
  private nextId = 1;
  private readonly digests = new Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;
  /** Writers take turns: records of one update are never interleaved with another's. */
  private lock: Promise<void> = Promise.resolve();
  /** Records waiting on `lock` (the fast path is only taken when none are). */
  private queued = 0;

  constructor() {
    const ctrlBuf = new SharedArrayBuffer(16);
    const ringBuf = new SharedArrayBuffer(RING);
    this.ctrl = new Int32Array(ctrlBuf);
    this.ring = new Uint8Array(ringBuf);
    this.view = new DataView(ringBuf);
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctrl: ctrlBuf, ring: ringBuf } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; hex: string }) => {
      this.digests.get(m.id)?.resolve(m.hex);
      this.digests.delete(m.id);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => {
      if (code !== 0 && !this.closed) this.fail(new Error(`the hashing thread stopped (exit code ${code})`));
    });
  }

  private closed = false;

  private fail(e: Error): void {
    this.failure ??= e;
    for (const d of this.digests.values()) d.reject(e);
    this.digests.clear();
  }

  /** Free bytes between the producer's tail and the consumer's head (one byte kept empty). */
  private async waitForSpace(need: number): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      const head = Atomics.load(this.ctrl, HEAD);
      const contiguous = this.tail >= head ? RING - this.tail - (head === 0 ? 1 : 0) : head - this.tail - 1;
      if (contiguous >= need) return;
      // Not enough room before the end: wrap when the start has room (and the consumer left it).
      if (this.tail >= head && head > need && RING - this.tail >= HEADER) {
        this.view.setUint32(this.tail, OP_WRAP, true);
        this.tail = 0;
        this.publish();
        continue;
      }
      this.publish(true); // the worker may be asleep on data not announced yet
      Atomics.store(this.ctrl, PRODUCER_WAITING, 1);
      // Re-check after announcing the wait: progress made in between is not missed.
      if (Atomics.load(this.ctrl, HEAD) === head) {
        const w = waitAsync(this.ctrl, HEAD, head);
        if (w.async) await w.value;
      }
      Atomics.store(this.ctrl, PRODUCER_WAITING, 0);
    }
  }

  /**
   * Makes the records written so far visible. A sleeping worker is woken only once a quarter of
   * the ring is waiting, or when `force`d (a digest, or the producer about to wait for space):
   * each wake-up is a system call, and on small VMs a costly one.
   */
  private publish(force = false): void {
    Atomics.store(this.ctrl, TAIL, this.tail);
    if ((force || this.unannounced >= RING / 4) && Atomics.load(this.ctrl, CONSUMER_ASLEEP) === 1) {
      Atomics.notify(this.ctrl, TAIL);
      this.unannounced = 0;
    }
  }

  /** Room for `need` bytes at the tail right now (no wrap, no wait)? */
  private roomNow(need: number): boolean {
    const head = Atomics.load(this.ctrl, HEAD);
    const contiguous = this.tail >= head ? RING - this.tail - (head === 0 ? 1 : 0) : head - this.tail - 1;
    return contiguous >= need;
  }

  private write(op: number, id: number, data: Uint8Array | undefined, off: number, len: number): void {
    const need = HEADER + ((len + 3) & ~3);
    this.view.setUint32(this.tail, op, true);
    this.view.setUint32(this.tail + 4, id, true);
    this.view.setUint32(this.tail + 8, len, true);
    if (data && len) this.ring.set(len === data.length ? data : data.subarray(off, off + len), this.tail + HEADER);
    this.tail += need;
    if (this.tail === RING) this.tail = 0;
    this.unannounced += need;
    this.publish(op === OP_DIGEST);
  }

  private record(op: number, id: number, data?: Uint8Array): Promise<void> {
    // Fast path (almost always): nobody queued, room at the tail, one record.
    const len0 = data ? data.length : 0;
    if (!this.queued && len0 <= RING / 4 && !this.failure && this.roomNow(HEADER + ((len0 + 3) & ~3) + HEADER)) {
      this.write(op, id, data, 0, len0);
      return DONE;
    }
    return this.recordQueued(op, id, data);
  }

  private async recordQueued(op: number, id: number, data?: Uint8Array): Promise<void> {
    const release = await this.acquire();
    try {
      let off = 0;
      do {
        const len = data ? Math.min(data.length - off, RING / 4) : 0;
        const need = HEADER + ((len + 3) & ~3);
        await this.waitForSpace(need + HEADER);
        this.write(op, id, data, off, len);
        off += len;
      } while (data && off < data.length);
    } finally {
      release();
    }
  }

  /** Waits for the writers queued before; the returned function lets the next one in. */
  private async acquire(): Promise<() => void> {
    this.queued++;
    const prev = this.lock;
    let unlock!: () => void;
    this.lock = new Promise<void>((r) => (unlock = r));
    await prev;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.queued--;
      unlock();
    };
  }

  /**
   * Zero-copy update: `len` (≤ 2 MiB) bytes of room in the ring for stream `id`. The caller fills
   * `view` (e.g. decrypts straight into it), then calls `commit`, or `abort` to drop it. Other
   * writers wait until then.
   */
  private async reserve(id: number, len: number): Promise<Reservation> {
    if (len > RING / 4) throw new RangeError('reservation too large');
    const release = await this.acquire();
    const need = HEADER + ((len + 3) & ~3);
    try {
      await this.waitForSpace(need + HEADER);
    } catch (err) {
      release();
      throw err;
    }
    const at = this.tail;
    return {
      view: this.ring.subarray(at + HEADER, at + HEADER + len),
      commit: (length = len) => {
        if (length < 0 || length > len) throw new RangeError('commit beyond the reservation');
        this.view.setUint32(at, OP_UPDATE, true);
        this.view.setUint32(at + 4, id, true);
        this.view.setUint32(at + 8, length, true);
        this.tail += HEADER + ((length + 3) & ~3);
        if (this.tail === RING) this.tail = 0;
        this.unannounced += HEADER + ((length + 3) & ~3);
        this.publish();
        release();
      },
      abort: release,
    };
  }

  /** A new hash computed by the worker. */
  stream(): Sha256Stream {
    const id = this.nextId++;
    return {
      update: (data) => (data.length ? this.record(OP_UPDATE, id, data) : DONE),
      reserve: (len) => this.reserve(id, len),
      digest: async () => {
        const result = new Promise<string>((resolve, reject) => this.digests.set(id, { resolve, reject }));
        await this.record(OP_DIGEST, id);
        return result;
      },
    };
  }

  /** A hash on the worker when `size` is big enough to be worth it, else in this thread. */
  sha256(size: number): Sha256Stream {
    return size >= 256 * 1024 ? this.stream() : localSha256();
  }

  /** Stops the thread (again: nothing). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
