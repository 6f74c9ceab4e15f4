/** Shared pieces of the parser tests: in-memory single-file containers and deterministic tiny chunking. */
import { Readable } from 'node:stream';
import type { Chat, Contact, Message, Problem } from '../../shared/model/index.js';
import { formatById, openSource } from '../../main/engine/sources/registry.js';
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

/** Everything a parser emitted for one source. */
export interface ParsedSource {
  messages: Message[];
  chats: Chat[];
  contacts: Contact[];
  problems: Problem[];
  owner?: string;
  format: string;
}

/** Detects `p` through the registry, then parses it with the detected format into plain arrays. */
export async function parseSource(p: string): Promise<ParsedSource> {
  const opened = await openSource(p);
  if (!opened.container || !opened.detection) throw new Error(`not detected: ${p}`);
  const out: ParsedSource = { messages: [], chats: [], contacts: [], problems: [], format: opened.detection.format };
  try {
    await formatById(opened.detection.format)!.parse(
      opened.container,
      opened.detection,
      {
        message: (m) => out.messages.push(m),
        chat: (c) => out.chats.push(c),
        contact: (c) => out.contacts.push(c),
        problem: (x) => out.problems.push(x),
        owner: (n) => (out.owner = n),
      },
      { progress() {} },
      new AbortController().signal,
    );
  } finally {
    await opened.container.close();
  }
  return out;
}
