/**
 * One timeline per chat: the same chat exported twice, or in overlapping exports, becomes one
 * chronological history, with the provenance of every copy kept (`duplicates`). Entries without a
 * usable time are quarantined (quarantine.jsonl, with file and line), never dropped; the user can
 * restore them. Chats the user unticked are counted as excluded.
 *
 * Memory stays bounded for any number of messages: an external merge sort by (chat, time, input
 * order) — chunks of at most `chunkBytes` sorted in memory and written to temporary files, then a
 * k-way merge — brings copies of one message next to each other, so duplicates are found with an
 * index of only the current time bucket of the current chat.
 *
 * Duplicate key: chat, time (the same minute for wall-clock sources such as WhatsApp, the exact
 * instant otherwise) and, where the messenger's message ids are stable across exports (Telegram,
 * Slack: formats.md §0), the message id — so a message edited between two exports is still one
 * message, its later text kept. Elsewhere: sender, content (kind, action, trimmed text,
 * attachment kinds) and the occurrence index of that key within the bucket in its own export —
 * so the same "ok" sent twice in one minute stays two messages, and matches the two copies in
 * the other export. Within one
 * bucket the timeline keeps the order in which the copies first appear (for a minute bucket, the
 * export's own order: the only order a wall-clock minute gives).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { FormatId } from '../../../shared/model/index.js';
import type { JsonlWriter } from '../pipeline/jsonl-writer.js';
import { emptyTally, type Tally } from './accounting.js';
import { LineReader, yieldNow } from './line-reader.js';
import { cleanName } from './names.js';
import type { MessageLine, ParticipantInfo, ProvenanceLine, QuarantineLine } from './types.js';

export type TimePrecision = 'exact' | 'minute';

/** A source's share of convert's messages.jsonl: lines [first, first + count). */
export interface SourceRange {
  first: number;
  count: number;
  format: FormatId | null;
}

/** Sources that give wall-clock minutes only. */
const MINUTE_FORMATS: ReadonlySet<string> = new Set(['whatsapp-txt']);
/** The same by chat id prefix, for input whose sources are not known (hand-written JSONL). */
const MINUTE_PREFIXES: ReadonlySet<string> = new Set(['wa', 'whatsapp']);
/** Sources whose message ids are the messenger's own, the same in every export of a chat (formats.md §0). */
const STABLE_ID_FORMATS: ReadonlySet<string> = new Set(['telegram-json', 'slack-zip']);
const STABLE_ID_PREFIXES: ReadonlySet<string> = new Set(['tg', 'slack']);

export interface TimelineOptions {
  /** convert's messages.jsonl. */
  input: string;
  /** The cleaned messages.jsonl. */
  output: string;
  quarantine: JsonlWriter;
  /** Temporary folder for sorted chunks (removed when done). */
  tmpDir: string;
  /** When known (runClean): which source each input line came from. Otherwise the provenance file names the source. */
  sources?: readonly SourceRange[];
  exclude?: ReadonlySet<string>;
  /** Quarantine ids to put back, with a time to give them when the user chose one. */
  restore?: ReadonlyMap<string, { sentAt?: string }>;
  /** Characters of message lines sorted in memory at once (default 8 Mi: with the GC's slack, about 200 MB at peak). */
  chunkBytes?: number;
  signal: AbortSignal;
  progress?(linesRead: number, phase: 'read' | 'merge'): void;
}

export interface ChatTally extends Tally {
  restored: number;
  /** Of the kept entries. */
  messages: number;
  events: number;
  members: number;
  firstAt: string | null;
  lastAt: string | null;
}

export interface TimelineResult {
  tally: Tally & { restored: number };
  byChat: Map<string, ChatTally>;
  participants: Map<string, ParticipantInfo>;
  /** Quarantine ids that were restored. */
  restored: Set<string>;
  /** Chunk files the sort used (1 = everything fitted in memory). */
  chunks: number;
}

/** Sorts after every real time: restored entries without a time go to the end of their chat. */
const NO_TIME = Number.MAX_SAFE_INTEGER;

/** The messenger part of a chat id: `tg:123` → `tg`. */
function network(chat: string): string {
  const colon = chat.indexOf(':');
  return colon > 0 ? chat.slice(0, colon) : chat;
}

export function quarantineId(parts: readonly (string | number | null | undefined)[]): string {
  return `q-${createHash('sha256').update(parts.map((p) => String(p ?? '')).join('\n')).digest('hex').slice(0, 16)}`;
}

function isMessageLine(v: unknown): v is MessageLine {
  if (!v || typeof v !== 'object') return false;
  const m = v as Partial<MessageLine>;
  return typeof m.chat === 'string' && m.chat !== '' && typeof m.id === 'string' && typeof m.text === 'string' && Array.isArray(m.attachments) && !!m.source;
}

const senderKey = (m: MessageLine) => (m.sender?.id ? `i:${m.sender.id}` : m.sender?.name ? `n:${cleanName(m.sender.name).toLowerCase()}` : '-');

function contentKey(m: MessageLine): string {
  const kinds = m.attachments.map((a) => a.kind).sort().join(',');
  return `${m.kind}\u0001${m.action ?? ''}\u0001${kinds}\u0001${m.text.trim()}`;
}

const present = (m: MessageLine) => m.attachments.reduce((n, a) => n + (a.missing ? 0 : 1) + (a.sha256 ? 1 : 0), 0);
const editedAt = (m: MessageLine) => (m.editedAt ? Date.parse(m.editedAt) || 0 : 0);
const hasSeconds = (t: number) => (!Number.isNaN(t) && t !== NO_TIME && t % 60_000 !== 0 ? 1 : 0);

/**
 * Whether copy `a` of a message is better to keep than copy `b`: more attachments present (and
 * hashed), then the later edit (its text is the current one), then a more precise time (an
 * iPhone export's seconds over an Android export's minutes). Otherwise the first copy stays.
 */
function better(a: SortItem, b: SortItem): boolean {
  if (a.present !== b.present) return a.present > b.present;
  if (a.edited !== b.edited) return a.edited > b.edited;
  return a.seconds > b.seconds;
}

const hashText = (s: string) => createHash('sha1').update(s).digest('base64');

/** The provenance of a dropped copy (its line is parsed only now). */
function provenanceOf(line: string): ProvenanceLine {
  const m = JSON.parse(line) as MessageLine;
  return { file: m.source.file, line: m.source.line ?? null, id: m.id };
}

/**
 * One message in the sort, with what the merge needs precomputed while it was read (so the merge
 * parses only the copies it drops): its duplicate key, kind, time, sender and how good a copy it is.
 */
interface SortItem {
  chat: string;
  t: number;
  /** The messenger's own message number where ids are stable and numeric (Telegram), else 0: orders messages of one instant across exports. */
  n: number;
  seq: number;
  src: string;
  /** Duplicate key without the occurrence index: the id (stable-id sources) or sender + content hash. */
  key: string;
  kind: 'message' | 'event';
  sentAt: string | null;
  /** `i:<id>`, `n:<clean lower-case name>` or `-`. */
  who: string;
  senderId: string | null;
  senderName: string | null;
  /** For choosing the copy to keep: attachments present (+ hashed), edit time, time has seconds. */
  present: number;
  edited: number;
  seconds: number;
  line: string;
}

const compare = (a: SortItem, b: SortItem) => (a.chat < b.chat ? -1 : a.chat > b.chat ? 1 : a.t - b.t || a.n - b.n || a.seq - b.seq);

/** The sort header of a chunk line (the message line follows after a tab). */
function header(it: SortItem): string {
  return JSON.stringify([it.chat, it.t, it.n, it.seq, it.src, it.key, it.kind, it.sentAt, it.who, it.senderId, it.senderName, it.present, it.edited, it.seconds]);
}

function decode(s: string): SortItem {
  const tab = s.indexOf('\t');
  const h = JSON.parse(s.slice(0, tab)) as [string, number, number, number, string, string, 'message' | 'event', string | null, string, string | null, string | null, number, number, number];
  return {
    chat: h[0], t: h[1], n: h[2], seq: h[3], src: h[4], key: h[5], kind: h[6], sentAt: h[7], who: h[8], senderId: h[9], senderName: h[10],
    present: h[11], edited: h[12], seconds: h[13], line: s.slice(tab + 1),
  };
}

/** Min-heap of chunk readers by their current item. */
class Heap {
  private a: { item: SortItem; r: LineReader }[] = [];
  get size() {
    return this.a.length;
  }
  push(x: { item: SortItem; r: LineReader }) {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compare(a[p]!.item, a[i]!.item) <= 0) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { item: SortItem; r: LineReader } | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && compare(a[l]!.item, a[m]!.item) < 0) m = l;
        if (r < a.length && compare(a[r]!.item, a[m]!.item) < 0) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

interface Kept {
  it: SortItem;
  dups: ProvenanceLine[];
}

export async function buildTimeline(opts: TimelineOptions): Promise<TimelineResult> {
  const { signal } = opts;
  const exclude = opts.exclude ?? new Set<string>();
  const restore = opts.restore ?? new Map<string, { sentAt?: string }>();
  const chunkBytes = opts.chunkBytes ?? 8 << 20;
  const tally = { ...emptyTally(), restored: 0 };
  const byChat = new Map<string, ChatTally>();
  const restored = new Set<string>();
  const chatTally = (chat: string) => {
    let t = byChat.get(chat);
    if (!t) byChat.set(chat, (t = { ...emptyTally(), restored: 0, messages: 0, events: 0, members: 0, firstAt: null, lastAt: null }));
    return t;
  };
  const sources = opts.sources ?? [];
  const sourceAt = (seq: number) => {
    for (let i = 0; i < sources.length; i++) if (seq >= sources[i]!.first && seq < sources[i]!.first + sources[i]!.count) return i;
    return -1;
  };
  mkdirSync(opts.tmpDir, { recursive: true });
  const chunkFiles: string[] = [];
  try {
    // ---- pass 1: read, count, quarantine, exclude; sort chunks --------------------------------
    const reader = new LineReader(opts.input);
    let chunk: SortItem[] = [];
    let bytes = 0;
    const flush = () => {
      if (chunk.length === 0) return;
      chunk.sort(compare);
      const file = path.join(opts.tmpDir, `chunk-${chunkFiles.length}.txt`);
      chunkFiles.push(file);
      const w = new RawLineWriter(file);
      for (const it of chunk) w.write(header(it), '\t', it.line);
      w.close();
      chunk = [];
      bytes = 0;
    };
    let seq = -1;
    let srcIndex = -1;
    try {
      for (let line = reader.next(); line !== null; line = reader.next()) {
        if (line === '') continue;
        seq++;
        if ((seq & 4095) === 0) {
          await yieldNow();
          signal.throwIfAborted();
          opts.progress?.(seq, 'read');
        }
        tally.in++;
        let m: unknown;
        try {
          m = JSON.parse(line);
        } catch {
          m = undefined;
        }
        if (!isMessageLine(m)) {
          const src = (m as { source?: { file?: unknown; line?: unknown } } | undefined)?.source;
          const file = typeof src?.file === 'string' ? src.file : opts.input;
          const ln = typeof src?.line === 'number' ? src.line : reader.lineNo;
          const q: QuarantineLine = {
            id: quarantineId(['unreadable', file, ln, line]), kind: 'message', reason: 'unreadable',
            message: `${file}${ln ? `:${ln}` : ''}: an entry that could not be read as a message`, file, line: ln,
            restorable: false, raw: line.slice(0, 2000),
          };
          opts.quarantine.write(q);
          tally.quarantined++;
          continue;
        }
        const ct = chatTally(m.chat);
        ct.in++;
        if (exclude.has(m.chat)) {
          tally.excluded++;
          ct.excluded++;
          continue;
        }
        let t = m.sentAt ? Date.parse(m.sentAt) : NaN;
        let text = line;
        if (Number.isNaN(t)) {
          const id = quarantineId(['message', m.source.file, m.source.line, m.chat, m.id]);
          const r = restore.get(id);
          if (!r) {
            const reason = m.sentAt ? 'bad-date' : 'no-date';
            const q: QuarantineLine = {
              id, kind: 'message', reason,
              message: `${m.source.file}${m.source.line ? `:${m.source.line}` : ''}: message ${m.id} in ${m.chat} has ${reason === 'no-date' ? 'no date' : `an unreadable date (${m.sentAt})`}`,
              file: m.source.file, line: m.source.line ?? null, chat: m.chat, itemId: m.id, restorable: true, item: m,
            };
            opts.quarantine.write(q);
            tally.quarantined++;
            ct.quarantined++;
            continue;
          }
          restored.add(id);
          tally.restored++;
          ct.restored++;
          const fixed: MessageLine = { ...m, sentAt: r.sentAt ?? m.sentAt, restored: true };
          t = r.sentAt ? Date.parse(r.sentAt) : NO_TIME;
          text = JSON.stringify(fixed);
        }
        // The source: convert's per-source line ranges when known, else the provenance file.
        if (sources.length > 0 && (srcIndex < 0 || seq >= sources[srcIndex]!.first + sources[srcIndex]!.count || seq < sources[srcIndex]!.first)) srcIndex = sourceAt(seq);
        const src = sources.length > 0 && srcIndex >= 0 ? `#${srcIndex}` : m.source.file;
        const fmt = srcIndex >= 0 ? sources[srcIndex]?.format : undefined;
        const stable = fmt ? STABLE_ID_FORMATS.has(fmt) : STABLE_ID_PREFIXES.has(network(m.chat));
        const n = stable && /^\d{1,15}$/.test(m.id) ? Number(m.id) : 0;
        const who = senderKey(m);
        chunk.push({
          chat: m.chat, t, n, seq, src,
          // The messenger's own id where it is stable (an edit between two exports is still one message), else sender + content.
          key: stable ? `id:${m.id}` : `${who}\u0002${hashText(contentKey(m))}`,
          kind: m.kind, sentAt: m.sentAt, who, senderId: m.sender?.id ?? null, senderName: m.sender?.name ?? null,
          present: present(m), edited: editedAt(m), seconds: hasSeconds(t), line: text,
        });
        bytes += text.length + 160; // the line and its sort header
        if (bytes >= chunkBytes) flush();
      }
    } finally {
      reader.close();
    }
    flush();

    // ---- pass 2: k-way merge, one time bucket at a time ---------------------------------------
    const out = new AtomicLineWriter(opts.output);
    const participants = new Map<string, ParticipantInfo & { lastChat: string }>();
    let ok = false;
    const readers: LineReader[] = [];
    try {
      const heap = new Heap();
      for (const f of chunkFiles) {
        // Small blocks: one per chunk file is held at once, so the merge's memory stays small however many chunks there are.
        const r = new LineReader(f, 64 << 10);
        readers.push(r);
        const first = r.next();
        if (first !== null) heap.push({ item: decode(first), r });
      }
      let chat: string | null = null;
      let precision: TimePrecision = 'exact';
      let bucket = NaN;
      let kept: Kept[] = [];
      let index = new Map<string, Kept>();
      let occurrences = new Map<string, number>();
      let members = new Set<string>();
      let ct: ChatTally | null = null;

      const flushBucket = () => {
        for (const k of kept) {
          const it = k.it;
          // The line as read, with the provenance of the other copies appended (no re-serialisation).
          const line = it.line.trimEnd();
          if (line.endsWith('}')) out.write(line.slice(0, -1), k.dups.length === 0 ? ',"duplicates":[]}' : `,"duplicates":${JSON.stringify(k.dups)}}`);
          else out.write(JSON.stringify({ ...(JSON.parse(line) as object), duplicates: k.dups }));
          tally.kept++;
          ct!.kept++;
          if (it.kind === 'message') ct!.messages++;
          else ct!.events++;
          if (it.sentAt && it.t !== NO_TIME && !Number.isNaN(it.t)) {
            if (ct!.firstAt === null) ct!.firstAt = it.sentAt;
            ct!.lastAt = it.sentAt;
          }
          if (it.who !== '-') {
            members.add(it.who);
            const net = network(it.chat);
            const key = it.senderId ? `${net}:${it.senderId}` : `${net}:name:${it.who.slice(2)}`;
            let p = participants.get(key);
            if (!p) {
              p = { key, network: net, senderId: it.senderId, name: it.senderName, messages: 0, chats: 0, lastChat: '' };
              participants.set(key, p);
            }
            if (!p.name && it.senderName) p.name = it.senderName;
            p.messages++;
            if (p.lastChat !== it.chat) {
              p.lastChat = it.chat;
              p.chats++;
            }
          }
        }
        kept = [];
        index = new Map();
        occurrences = new Map();
      };
      const finishChat = () => {
        flushBucket();
        if (ct) ct.members = members.size;
        members = new Set();
      };

      let n = 0;
      for (let top = heap.pop(); top; top = heap.pop()) {
        const it = top.item;
        const following = top.r.next();
        if (following !== null) heap.push({ item: decode(following), r: top.r });
        if ((++n & 4095) === 0) {
          await yieldNow();
          signal.throwIfAborted();
          opts.progress?.(n, 'merge');
        }
        if (it.chat !== chat) {
          finishChat();
          chat = it.chat;
          ct = chatTally(chat);
          const fmt = it.src.startsWith('#') ? sources[Number(it.src.slice(1))]?.format : undefined;
          precision = (fmt ? MINUTE_FORMATS.has(fmt) : MINUTE_PREFIXES.has(network(chat))) ? 'minute' : 'exact';
          bucket = NaN;
        }
        const b = precision === 'minute' && it.t !== NO_TIME ? Math.floor(it.t / 60_000) : it.t;
        if (b !== bucket) {
          flushBucket();
          bucket = b;
        }
        const occKey = `${it.src}\u0002${it.key}`;
        const occ = occurrences.get(occKey) ?? 0;
        occurrences.set(occKey, occ + 1);
        const key = `${occ}\u0002${it.key}`;
        const k = index.get(key);
        if (!k) {
          const entry: Kept = { it, dups: [] };
          index.set(key, entry);
          kept.push(entry);
          continue;
        }
        // A copy from another export: keep the better one, list where the other was.
        tally.merged++;
        ct!.merged++;
        if (better(it, k.it)) {
          k.dups.push(provenanceOf(k.it.line));
          k.it = it;
        } else k.dups.push(provenanceOf(it.line));
      }
      finishChat();
      out.close();
      ok = true;
      const plain = new Map<string, ParticipantInfo>();
      for (const [key, { lastChat: _l, ...p }] of participants) plain.set(key, p);
      return { tally, byChat, participants: plain, restored, chunks: chunkFiles.length };
    } finally {
      for (const r of readers) r.close();
      if (!ok) {
        out.abandon();
      }
    }
  } finally {
    for (const f of chunkFiles) rmSync(f, { force: true });
  }
}

/** Pre-encoded lines through a 1 MiB buffer (sort chunks are temporary: no fsync, no rename). */
class RawLineWriter {
  protected fd: number;
  private buf: string[] = [];
  private size = 0;
  lines = 0;
  constructor(
    readonly file: string,
    target = file,
  ) {
    this.fd = openSync(target, 'w', 0o600);
  }
  /** Writes one line given in pieces (joined only when the buffer is flushed: no copy per line). */
  write(...pieces: string[]) {
    for (const p of pieces) {
      this.buf.push(p);
      this.size += p.length;
    }
    this.buf.push('\n');
    this.size++;
    this.lines++;
    if (this.size >= 1 << 20) this.flush();
  }
  flush() {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/** Like JsonlWriter (pipeline/jsonl-writer.ts) for lines already encoded: written as `.partial`, fsynced, then renamed. */
class AtomicLineWriter extends RawLineWriter {
  private closed = false;
  constructor(file: string) {
    super(file, `${file}.partial`);
  }
  override close() {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.closed = true;
    renameSync(`${this.file}.partial`, this.file);
  }
  abandon() {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    rmSync(`${this.file}.partial`, { force: true });
  }
}
