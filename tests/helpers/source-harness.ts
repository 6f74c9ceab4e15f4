/** Shared pieces of the parser tests: in-memory single-file containers and deterministic tiny chunking. */
import { Readable } from 'node:stream';
import type { Container, ContainerEntry } from '../../main/engine/sources/types.js';

/** Splits bytes into pieces of 1–7 bytes (a fixed pseudo-random pattern per seed). */
export function* tinyChunks(buf: Buffer, seed = 7): Generator<Buffer> {
  let s = seed;
  for (let i = 0; i < buf.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 7);
    yield buf.subarray(i, i + n);
    i += n;
  }
}

/** Splits bytes into pieces of `size` bytes. */
export function* fixedChunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export interface MemoryOptions {
  /** How `open` splits the bytes (default: one piece). */
  chunks?: (b: Buffer) => Iterable<Buffer>;
  /** What `stat` answers: the file's own size for any path ('self'), or nothing found ('none', default). */
  stat?: 'self' | 'none';
}

/** An in-memory container holding one file `name`. */
export function memoryContainer(name: string, bytes: Buffer, opts: MemoryOptions = {}): Container {
  const chunks = opts.chunks ?? ((b: Buffer) => [b]);
  const entries = async (): Promise<ContainerEntry[]> => [{ path: name, size: bytes.length }];
  return {
    kind: 'file',
    path: `/mem/${name}`,
    list: entries,
    listAll: entries,
    readHead: async (_rel, max) => bytes.subarray(0, max),
    open: () => Readable.from(chunks(bytes)),
    stat: async () => (opts.stat === 'self' ? { size: bytes.length } : null),
    display: (rel) => `/mem/${rel}`,
    close: async () => {},
  };
}
