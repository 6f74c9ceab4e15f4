/**
 * Facebook and Instagram Messenger JSON (formats.md §5): `message_N.json` files, one folder per
 * thread (`your_facebook_activity/messages/inbox/<name>_<id>/message_1.json`,
 * `your_instagram_activity/messages/inbox/…`, older `messages/inbox/…`), a whole export as a folder
 * or zip, or a single `message_N.json`.
 *
 * - Every string is repaired from Facebook's latin-1 mojibake (other/text.ts `repairMojibake`).
 * - All `message_N.json` files of one folder are one thread, one chat `fb:<thread_path>`.
 *   Messages are written newest first and `message_1.json` holds the newest ones, so the files of a
 *   thread are read from the highest N down and each file's messages are handed over reversed:
 *   the sink sees every thread oldest first. Only one file's messages are held at a time
 *   (Facebook splits threads at ~10 000 messages per file); a file with more than BUFFER_LIMIT
 *   messages is handed over in file order as it goes, so memory stays bounded either way.
 * - Message ids are `<timestamp_ms>-<n>`, n counting earlier messages of the thread with the same
 *   timestamp_ms (oldest first), so they are stable across runs.
 * - Media `uri`s are resolved relative to the export root through `container.stat`
 *   (other/media-path.ts); the ones not there are missing 'not-found', summed up in one
 *   'media-missing' problem per source.
 * - No contacts: participants are bare display names (no ids, phones or e-mails); people appear as
 *   message senders ({name, id: null}).
 * - Reactions are repaired by `mapMessengerMessage` but the shared Message model has no place for
 *   them yet, so they are not handed to the sink.
 */
import type { Attachment, AttachmentKind, Chat, ChatType, Message } from '../../../shared/model/index.js';
import { ByteProgress, dirOf, isObject, isoFromMs, isUrl, type JsonObject, lastSegment, MediaTally, num, ProblemLog, str, text } from './other/common.js';
import { type ObjectSpec, sniffJsonHead, walkEntry, type WalkItem, Yielder } from './other/json-walk.js';
import { outerSegments, resolveMedia } from './other/media-path.js';
import { repairMojibake } from './other/text.js';
import type { Container, Detection, SourceFormat, SourceSink } from './types.js';

const HEAD_BYTES = 64 * 1024;
/** Above this many messages in one file, they are handed over as read instead of reversed. */
export const BUFFER_LIMIT = 50_000;
const MESSAGE_FILE = /(^|\/)message_(\d+)\.json$/i;
/** Thread folders: `<category>/<thread>` where the category is one of these. */
const CATEGORIES = new Set(['inbox', 'archived_threads', 'filtered_threads', 'message_requests', 'e2ee_cutover']);

/** Is this the head of a Messenger message_N.json? */
export function sniffMessenger(head: Buffer): number {
  const s = sniffJsonHead(head, ['messages']);
  if (!s.rootIsObject || !s.keys.has('participants') || !s.keys.has('messages')) return 0;
  const first = s.first.get('messages');
  if (isObject(first)) return 'sender_name' in first || 'timestamp_ms' in first ? 0.95 : 0.3;
  // No message seen in the head (an empty thread, or a very long participant list).
  return s.keys.has('thread_path') || s.keys.has('title') ? 0.85 : 0.6;
}

async function detect(container: Container): Promise<Detection | null> {
  if (container.kind === 'file') {
    const [entry] = await container.list();
    if (!entry || !entry.path.toLowerCase().endsWith('.json')) return null;
    const confidence = sniffMessenger(await container.readHead(entry.path, HEAD_BYTES));
    if (confidence === 0) return null;
    return { format: 'messenger-json', confidence, entry: entry.path, variant: 'single-thread', size: entry.size };
  }
  const files = (await container.listAll()).filter((e) => MESSAGE_FILE.test(e.path));
  if (files.length === 0) return null;
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  // One file decides: the first message_1.json (or the first file at all).
  const probe = files.find((f) => /(^|\/)message_1\.json$/i.test(f.path)) ?? files[0]!;
  const confidence = sniffMessenger(await container.readHead(probe.path, HEAD_BYTES));
  if (confidence === 0) return null;
  const instagram = files.some((f) => /(^|\/)your_instagram_activity\//i.test(f.path));
  return {
    format: 'messenger-json',
    confidence,
    entry: probe.path,
    variant: instagram ? 'instagram' : 'facebook',
    size: files.reduce((n, f) => n + f.size, 0),
  };
}

/** One thread folder's files, oldest first (highest N first). */
interface Thread {
  dir: string;
  files: { path: string; n: number; size: number }[];
}

function threadsOf(files: { path: string; size: number }[]): Thread[] {
  const byDir = new Map<string, Thread>();
  for (const f of files) {
    const m = MESSAGE_FILE.exec(f.path);
    if (!m) continue;
    const dir = dirOf(f.path);
    let t = byDir.get(dir);
    if (!t) byDir.set(dir, (t = { dir, files: [] }));
    t.files.push({ path: f.path, n: Number(m[2]), size: f.size });
  }
  const threads = [...byDir.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1));
  for (const t of threads) t.files.sort((a, b) => b.n - a.n);
  return threads;
}

/** `inbox/<thread>` from a folder path that ends in a known thread category. */
function threadPathFromDir(dir: string): string | null {
  const parts = dir.split('/');
  if (parts.length < 2) return null;
  const cat = parts[parts.length - 2]!;
  return CATEGORIES.has(cat.toLowerCase()) ? `${cat}/${parts[parts.length - 1]}` : null;
}

export interface MessengerReaction {
  reaction: string;
  actor: string | null;
}

interface PendingMedia {
  att: Attachment;
  uri: string;
}

export interface MappedMessenger {
  message: Message;
  reactions: MessengerReaction[];
  /** Attachments whose uri still has to be looked up on disk. */
  media: PendingMedia[];
  /** False when the entry has no usable timestamp_ms. */
  timed: boolean;
}

const MEDIA_KEYS: [string, AttachmentKind][] = [
  ['photos', 'photo'],
  ['videos', 'video'],
  ['audio_files', 'audio'],
  ['gifs', 'animation'],
  ['files', 'file'],
];

function mediaOf(o: JsonObject): PendingMedia[] {
  const out: PendingMedia[] = [];
  const add = (v: unknown, kind: AttachmentKind) => {
    if (!isObject(v)) return;
    const uri = text(v.uri) ? repairMojibake(v.uri as string) : undefined;
    if (!uri) return;
    const att: Attachment = { name: lastSegment(uri) || uri, kind, missing: false };
    if (isUrl(uri)) {
      att.missing = true;
      att.missingReason = 'not-included';
    } else att.path = uri;
    out.push({ att, uri });
  };
  for (const [key, kind] of MEDIA_KEYS) {
    const list = o[key];
    if (Array.isArray(list)) for (const v of list) add(v, kind);
  }
  if (isObject(o.sticker)) add(o.sticker, 'sticker');
  return out;
}

/**
 * One Messenger message object → the model (pure; media lookup is the reader's job). `id` is the
 * message id decided by the reader (`<timestamp_ms>-<n>`).
 */
export function mapMessengerMessage(o: JsonObject, ctx: { chat: string; id: string; file: string; line: number }): MappedMessenger {
  const ms = num(o.timestamp_ms);
  const sentAt = isoFromMs(ms);
  const senderName = text(o.sender_name);
  let body = text(o.content) ? repairMojibake(o.content as string) : '';
  const share = isObject(o.share) ? o.share : null;
  if (share) {
    const link = text(share.link) ? repairMojibake(share.link as string) : '';
    const shareText = text(share.share_text) ? repairMojibake(share.share_text as string) : '';
    if (shareText && !body.includes(shareText)) body = body ? `${body}\n${shareText}` : shareText;
    if (link && !body.includes(link)) body = body ? `${body}\n${link}` : link;
  }
  const type = str(o.type);
  let action: string | undefined;
  if (o.is_unsent === true) action = 'message_deleted';
  else if (o.call_duration !== undefined || type === 'Call') action = 'phone_call';
  else if (type === 'Subscribe') action = 'join';
  else if (type === 'Unsubscribe') action = 'leave';
  const media = mediaOf(o);
  const reactions: MessengerReaction[] = [];
  if (Array.isArray(o.reactions)) {
    for (const r of o.reactions) {
      if (isObject(r) && text(r.reaction)) {
        reactions.push({ reaction: repairMojibake(r.reaction as string), actor: text(r.actor) ? repairMojibake(r.actor as string) : null });
      }
    }
  }
  const message: Message = {
    chat: ctx.chat,
    id: ctx.id,
    kind: action ? 'event' : 'message',
    sentAt,
    sender: senderName !== undefined ? { name: repairMojibake(senderName), id: null } : null,
    text: body,
    attachments: media.map((p) => p.att),
    source: { file: ctx.file, line: ctx.line, id: ctx.id },
  };
  if (action) message.action = action;
  if (action === 'phone_call' && num(o.call_duration) !== undefined && body === '') message.text = `Call (${num(o.call_duration)} s)`;
  return { message, reactions, media, timed: sentAt !== null };
}

const FILE_SPEC: ObjectSpec = {
  type: 'object',
  capture: ['participants', 'title', 'thread_path', 'thread_type', 'is_still_participant'],
  children: { messages: { type: 'array', element: 'item' } },
};

interface ThreadState {
  chatId: string | null;
  chatEmitted: boolean;
  title?: string;
  participants: string[];
  threadPath?: string;
  threadType?: string;
  left: boolean;
  firstFile: string;
  firstLine: number;
  /** timestamp_ms → how many messages of the thread had it so far. */
  seen: Map<string, number>;
  /** Something Messenger-like (participants, messages, a title…) was found in the thread's files. */
  recognised: boolean;
}

class MessengerReader {
  private readonly problems: ProblemLog;
  private readonly tally = new MediaTally();
  private readonly outer: string[];
  private readonly progress: ByteProgress;
  private readonly yielder = new Yielder();

  constructor(
    private readonly container: Container,
    private readonly sink: SourceSink,
    progress: (n: number) => void,
    private readonly signal: AbortSignal,
  ) {
    this.problems = new ProblemLog(sink);
    this.outer = outerSegments(container);
    this.progress = new ByteProgress(progress);
  }

  async run(threads: Thread[]): Promise<void> {
    for (const t of threads) {
      this.signal.throwIfAborted();
      await this.thread(t);
    }
    this.tally.finish(this.sink, 'links to media outside the export');
    this.problems.finish();
  }

  private chatIdOf(state: ThreadState, dir: string, entry: string): string {
    if (state.chatId) return state.chatId;
    const p = state.threadPath ?? threadPathFromDir(dir) ?? (dir || entry.replace(/\.json$/i, ''));
    state.chatId = `fb:${p}`;
    return state.chatId;
  }

  private emitChat(state: ThreadState, dir: string, entry: string): void {
    if (state.chatEmitted) return;
    state.chatEmitted = true;
    const id = this.chatIdOf(state, dir, entry);
    let type: ChatType;
    if (state.threadType === 'Regular') type = 'personal';
    else if (state.threadType === 'RegularGroup') type = 'group';
    else type = state.participants.length > 2 ? 'group' : 'personal';
    const title = state.title || state.participants.join(', ') || id.slice(3);
    const chat: Chat = { id, title, type, source: { file: state.firstFile, line: state.firstLine, id: id.slice(3) } };
    if (state.threadType) chat.rawType = state.threadType;
    if (state.left) chat.left = true;
    this.sink.chat(chat);
  }

  private async thread(t: Thread): Promise<void> {
    const first = t.files[0];
    if (!first) return;
    const state: ThreadState = {
      chatId: null,
      chatEmitted: false,
      participants: [],
      left: false,
      firstFile: this.container.display(first.path),
      firstLine: 1,
      seen: new Map(),
      recognised: false,
    };
    for (const f of t.files) {
      this.signal.throwIfAborted();
      await this.file(t, f.path, state);
      this.progress.next(f.size);
      await this.yielder.maybe(this.signal);
    }
    // A thread whose files held no message at all still exists; files with nothing of a thread do not make one.
    if (state.recognised) this.emitChat(state, t.dir, first.path);
    else {
      this.problems.report({
        file: state.firstFile, line: 1, code: 'bad-value', severity: 'warning',
        message: `${state.firstFile}: holds no Messenger thread (no participants, messages or title); it was skipped`,
        params: { line: 1 },
      });
    }
  }

  private async file(t: Thread, entry: string, state: ThreadState): Promise<void> {
    const file = this.container.display(entry);
    let buffer: WalkItem[] = [];
    let streaming = false;
    const flush = async (items: WalkItem[], reversed: boolean): Promise<void> => {
      this.emitChat(state, t.dir, entry);
      const chat = state.chatId!;
      const order = reversed ? items.reverse() : items;
      const mapped: MappedMessenger[] = [];
      for (const it of order) {
        if (!isObject(it.value)) {
          this.problems.report({
            file, line: it.line, offset: it.offset, code: 'bad-value', severity: 'warning',
            message: `${file}: the message at line ${it.line} is not an object; it was skipped`, params: { line: it.line },
          });
          continue;
        }
        const ms = num(it.value.timestamp_ms);
        const key = ms !== undefined ? String(ms) : 'none';
        const n = state.seen.get(key) ?? 0;
        state.seen.set(key, n + 1);
        const m = mapMessengerMessage(it.value, { chat, id: `${key}-${n}`, file, line: it.line });
        if (!m.timed) {
          this.problems.report({
            file, line: it.line, code: 'bad-value', severity: 'warning',
            message: `${file}: the message at line ${it.line} has no usable timestamp_ms; it is kept without a time`,
            params: { line: it.line, field: 'timestamp_ms' },
          });
        }
        mapped.push(m);
      }
      await Promise.all(
        mapped.flatMap((m) =>
          m.media
            .filter((p) => !p.att.missing)
            .map(async (p) => {
              const found = await resolveMedia(this.container, p.uri, t.dir, this.outer);
              if (found) {
                p.att.path = found.rel;
                p.att.size = found.size;
              } else {
                p.att.missing = true;
                p.att.missingReason = 'not-found';
              }
            }),
        ),
      );
      for (const m of mapped) {
        for (const a of m.message.attachments) this.tally.add(a, file, m.message.source.line);
        this.sink.message(m.message);
      }
    };
    let pending: Promise<void> = Promise.resolve();
    await walkEntry<unknown>(
      this.container,
      entry,
      FILE_SPEC,
      {
        field: (_frame, key, value, line) => {
          state.recognised = true;
          switch (key) {
            case 'participants':
              if (Array.isArray(value) && state.participants.length === 0) {
                state.firstLine = line;
                for (const p of value) if (isObject(p) && text(p.name)) state.participants.push(repairMojibake(p.name as string));
              }
              break;
            case 'title':
              if (text(value) && !state.title) state.title = repairMojibake(value as string);
              break;
            case 'thread_path':
              if (text(value) && !state.threadPath) state.threadPath = repairMojibake(value as string);
              break;
            case 'thread_type':
              if (text(value) && !state.threadType) state.threadType = value as string;
              break;
            case 'is_still_participant':
              if (value === false) state.left = true;
              break;
          }
        },
        items: (_frame, items) => {
          state.recognised = true;
          for (const it of items) buffer.push(it);
          if (buffer.length > BUFFER_LIMIT) {
            // Too many to hold: hand them over in file order from now on.
            streaming = true;
            const out = buffer;
            buffer = [];
            pending = pending.then(() => flush(out, false));
          }
        },
      },
      this.problems.report,
      {
        signal: this.signal,
        progress: (n) => this.progress.file(n),
        drain: () => pending,
        yielder: this.yielder,
      },
    );
    await pending;
    if (buffer.length > 0) await flush(buffer, !streaming);
  }
}

async function parse(container: Container, detection: Detection, sink: SourceSink, progress: (n: number) => void, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  let files: { path: string; size: number }[];
  if (container.kind === 'file') files = [{ path: detection.entry, size: detection.size ?? (await container.stat(detection.entry))?.size ?? 0 }];
  else {
    files = (await container.listAll()).filter((e) => MESSAGE_FILE.test(e.path));
    if (files.length === 0) files = [{ path: detection.entry, size: (await container.stat(detection.entry))?.size ?? 0 }];
  }
  const threads = threadsOf(files);
  // A single file not named message_N.json is a thread of its own.
  if (threads.length === 0) threads.push({ dir: dirOf(files[0]!.path), files: [{ path: files[0]!.path, n: 1, size: files[0]!.size }] });
  await new MessengerReader(container, sink, progress, signal).run(threads);
}

export const messengerJson: SourceFormat = {
  id: 'messenger-json',
  detect,
  parse(container, detection, sink, deps, signal) {
    return parse(container, detection, sink, (n) => deps.progress(n), signal);
  },
};
