/**
 * Test support for the parsers in this folder (imported by *.test.ts only): runs a format into
 * plain arrays, and builds in-memory or oddly chunked containers.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Chat, Contact, Message, Problem } from '../../../../shared/model/index.js';
import { FileContainer, FolderContainer } from '../container.js';
import type { Container, ContainerEntry, Detection, SourceFormat } from '../types.js';

export interface Collected {
  messages: Message[];
  chats: Chat[];
  contacts: Contact[];
  problems: Problem[];
  owner: string[];
  progress: number[];
  detection: Detection;
}

/** Detects (unless a detection is given) and parses into arrays. */
export async function collect(
  format: SourceFormat,
  container: Container,
  detection?: Detection | null,
  signal: AbortSignal = new AbortController().signal,
): Promise<Collected> {
  const d = detection ?? (await format.detect(container));
  if (!d) throw new Error(`${format.id}: not detected in ${container.path}`);
  const r: Collected = { messages: [], chats: [], contacts: [], problems: [], owner: [], progress: [], detection: d };
  await format.parse(
    container,
    d,
    {
      message: (m) => r.messages.push(m),
      chat: (c) => r.chats.push(c),
      contact: (c) => r.contacts.push(c),
      problem: (p) => r.problems.push(p),
      owner: (n) => r.owner.push(n),
    },
    { progress: (n) => r.progress.push(n) },
    signal,
  );
  return r;
}

export const fileContainer = (p: string): FileContainer => new FileContainer(p, statSync(p).size);
export const folderContainer = (p: string): FolderContainer => new FolderContainer(p);

/** Splits bytes into pieces of 1–7 bytes (a fixed pseudo-random pattern). */
export function* tinyChunks(buf: Buffer, seed = 7): Generator<Buffer> {
  let s = seed;
  for (let i = 0; i < buf.length; ) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 7);
    yield buf.subarray(i, i + n);
    i += n;
  }
}

/** In-memory container: `files` maps container-relative paths to bytes; `chunks` decides how `open` splits them. */
export function memoryContainer(
  files: Record<string, Buffer | string>,
  options: { kind?: Container['kind']; chunks?: (b: Buffer) => Iterable<Buffer>; root?: string } = {},
): Container {
  const map = new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v]));
  const root = options.root ?? '/mem';
  const chunks = options.chunks ?? ((b: Buffer) => [b]);
  const kind = options.kind ?? (map.size === 1 ? 'file' : 'folder');
  const all = (): ContainerEntry[] => [...map.entries()].map(([p, b]) => ({ path: p, size: b.length })).sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    kind,
    path: kind === 'file' ? `${root}/${[...map.keys()][0]}` : root,
    list: async () => all().filter((e) => !e.path.includes('/')),
    listAll: async (limit = Infinity) => all().slice(0, limit),
    readHead: async (rel, max) => {
      const b = map.get(rel);
      if (!b) throw new Error(`no ${rel}`);
      return b.subarray(0, max);
    },
    open: (rel) => {
      const b = map.get(rel);
      if (!b) {
        const s = new Readable({ read() {} });
        process.nextTick(() => s.destroy(Object.assign(new Error(`no ${rel}`), { code: 'ENOENT' })));
        return s;
      }
      return Readable.from(chunks(b));
    },
    stat: async (rel) => {
      const b = map.get(rel);
      return b ? { size: b.length } : null;
    },
    display: (rel) => `${root}/${rel}`,
    close: async () => {},
  };
}

/** Reads a whole real folder into a memory container (for mutation tests on small fixtures). */
export async function loadFolder(dir: string, rels: string[]): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const rel of rels) out[rel] = await readFile(path.join(dir, rel));
  return out;
}

/** A container whose `open` serves every entry in 1–7 byte pieces. */
export function tinyChunked(inner: Container, seed = 7): Container {
  return {
    kind: inner.kind,
    path: inner.path,
    list: () => inner.list(),
    listAll: (limit) => inner.listAll(limit),
    readHead: (rel, max) => inner.readHead(rel, max),
    open: (rel, signal) => {
      const src = inner.open(rel, signal);
      return Readable.from(
        (async function* () {
          const parts: Buffer[] = [];
          for await (const c of src as AsyncIterable<Buffer>) parts.push(c);
          yield* tinyChunks(Buffer.concat(parts), seed);
        })(),
      );
    },
    stat: (rel) => inner.stat(rel),
    display: (rel) => inner.display(rel),
    close: () => inner.close(),
  };
}

/** Counts the way the inventory does. */
export function countsOf(r: Pick<Collected, 'messages' | 'chats' | 'contacts'>) {
  let messages = 0;
  let events = 0;
  let attachments = 0;
  let attachmentsMissing = 0;
  const chats = new Set<string>(r.chats.map((c) => c.id));
  for (const m of r.messages) {
    chats.add(m.chat);
    if (m.kind === 'message') messages++;
    else events++;
    for (const a of m.attachments) {
      attachments++;
      if (a.missing) attachmentsMissing++;
    }
  }
  return { contacts: r.contacts.filter((c) => !c.self).length, chats: chats.size, messages, events, attachments, attachmentsMissing };
}

/** Bytes that tend to break JSON/CSV readers when spliced into a document. */
export const INTERESTING: readonly Buffer[] = [
  '{', '}', '[', ']', '"', '\\', ',', ':', '\n', '\r\n', 'null', '-', '1e999', '\\u00', '\\ud800', '<', '&amp;', '\u00e9', '\uFEFF',
].map((s) => Buffer.from(s))
  .concat([Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0x00])]);

/** Cuts `bytes` at `cut % (length + 1)`, then splices INTERESTING pieces in (insert) or over one byte (replace). */
export function mutate(bytes: Buffer, cut: number, edits: readonly (readonly [number, number, boolean])[]): Buffer {
  let b = bytes.subarray(0, cut % (bytes.length + 1));
  for (const [at, what, insert] of edits) {
    if (b.length === 0) break;
    const i = at % b.length;
    b = Buffer.concat([b.subarray(0, i), INTERESTING[what % INTERESTING.length]!, b.subarray(insert ? i : i + 1)]);
  }
  return b;
}

/** Rejects when `p` takes longer than `ms` (a parser that hangs). */
export async function withTimeout<T>(p: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('parse hung')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Splits into pieces of `n` bytes. */
export const chunksOf = (n: number) =>
  function* (b: Buffer): Generator<Buffer> {
    for (let i = 0; i < b.length; i += n) yield b.subarray(i, i + n);
  };
