/**
 * Streams one Telegram Desktop `result.json` into a SourceSink: the scanner finds chats, messages
 * and contacts; each batch of message objects is parsed with one `JSON.parse`; media paths are
 * looked up through the container; problems are reported with file, line and offset.
 */
import type { Chat, Message, Problem } from '../../../../shared/model/index.js';
import { MediaLookup } from '../media-lookup.js';
import { ProblemCap } from '../problem-cap.js';
import { pumpEntry } from '../pump.js';
import type { Container, SourceSink } from '../types.js';
import {
  CAPTURE,
  type CapturedBatch,
  descendArray,
  descendObject,
  type Frame,
  JsonScanner,
  type ScanHandler,
  type ScannerOptions,
  SKIP,
} from './json-scanner.js';
import { chatTitle, chatTypeOf, isObject, type JsonObject, mapContact, mapMessage, mapSelf, utf8FromLatin1 } from './map.js';

const ROOT = 1;
const CONTACTS = 2;
const CONTACT_LIST = 3;
const CHATS = 4;
const LEFT_CHATS = 5;
const CHAT_LIST = 6;
const LEFT_CHAT_LIST = 7;
const CHAT = 8;
const MESSAGES = 9;

/** Per-code cap on individual problems; the rest are summed up in one closing problem. */

/** Actions tdesktop is known to write (see formats.md §1); others are still kept, and listed once. */
const KNOWN_ACTIONS = new Set([
  'create_group', 'edit_group_title', 'edit_group_photo', 'delete_group_photo', 'invite_members', 'remove_members',
  'join_group_by_link', 'create_channel', 'migrate_to_supergroup', 'migrate_from_group', 'pin_message', 'clear_history',
  'score_in_game', 'send_payment', 'phone_call', 'group_call', 'invite_to_group_call', 'group_call_scheduled',
  'take_screenshot', 'allow_sending_messages', 'send_passport_values', 'joined_telegram', 'proximity_reached',
  'set_messages_ttl', 'edit_chat_theme', 'join_group_by_request', 'send_webview_data', 'gift_premium', 'topic_created',
  'topic_edit', 'requested_peer', 'set_chat_wallpaper', 'set_same_chat_wallpaper', 'gift_code_prize', 'giveaway_launch',
  'giveaway_results', 'boost_apply', 'paid_messages_refund', 'paid_messages_price_change', 'todo_completions',
  'todo_append_tasks', 'suggest_profile_photo', 'custom', 'unsupported',
]);

interface ChatAcc {
  index: number;
  left: boolean;
  /** The root object of a single-chat export. */
  root: boolean;
  line: number;
  name?: unknown;
  hasName: boolean;
  rawType?: string;
  idText?: string;
  /** Fixed when the chat's messages start, so every message carries the same id. */
  chatId: string | null;
  sawMessages: boolean;
  emitted: boolean;
}

type Data = ChatAcc;

/** A queued non-message item (chat, contact, problem), emitted in order with the messages. */
class Emit {
  constructor(readonly fn: () => void) {}
}

const BACKSLASH_X = Buffer.from('\\x');
const BACKSLASH_U = Buffer.from('\\u');

/** Telegram writes control characters as `\xHH`; JSON needs `\u00HH`. Only odd backslash runs escape the x. */
export function fixHexEscapes(s: string): string {
  return s.replace(/(\\+)x([0-9A-Fa-f]{2})/g, (m: string, run: string, hh: string) => ((run.length & 1) === 1 ? `${run}u00${hh}` : m));
}

function hasHexEscape(buf: Buffer, start: number, end: number): boolean {
  return buf.subarray(start, end).indexOf(BACKSLASH_X) !== -1;
}

/**
 * Text of a captured slice, with `\xHH` repaired when present. `latin1` decodes each byte as one
 * char: JSON.parse runs much faster on such one-byte strings, and the caller turns the strings it
 * keeps back into UTF-8 (utf8FromLatin1). Only valid when the slice has no `\u` escape, which
 * would produce chars that are not bytes.
 */
function sliceText(buf: Buffer, start: number, end: number, latin1 = false): string {
  const s = buf.toString(latin1 ? 'latin1' : 'utf8', start, end);
  return hasHexEscape(buf, start, end) ? fixHexEscapes(s) : s;
}

export type ReaderOptions = ScannerOptions;

/** Marks a captured value that was not valid JSON (already reported). */
const INVALID: unique symbol = Symbol('invalid');

export class TelegramReader {
  private readonly scanner: JsonScanner<Data>;
  private out: (Message | Emit)[] = [];
  private chatCounter = 0;
  private contactCounter = 0;

  private readonly cap = new ProblemCap();
  private assumedUtc = 0;
  private assumedUtcLine = 0;
  private notIncluded = { 'not-included': 0, 'too-large': 0, unavailable: 0 };
  private firstNotIncludedLine = 0;
  private unknownActions = new Map<string, number>();
  private firstUnknownActionLine = 0;

  private readonly media: MediaLookup;

  constructor(
    container: Container,
    private readonly file: string,
    private readonly sink: SourceSink,
    options: ReaderOptions = {},
  ) {
    this.media = new MediaLookup(container);
    this.scanner = new JsonScanner<Data>(this.handler(), options);
  }

  /** True after a syntax error: the rest of the file cannot be read. */
  get stopped(): boolean {
    return this.scanner.failed;
  }

  push(chunk: Buffer): void {
    this.scanner.push(chunk);
  }

  /** Looks up pending media, then hands everything queued so far to the sink, in order. */
  async drain(): Promise<void> {
    await this.media.resolve();
    const out = this.out;
    if (out.length === 0) return;
    this.out = [];
    const sink = this.sink;
    for (const item of out) {
      if (item instanceof Emit) item.fn();
      else sink.message(item);
    }
  }

  private readFailed = false;

  /** The stream failed (I/O error). */
  readError(err: unknown, offset: number): void {
    this.readFailed = true;
    const reason = (err as NodeJS.ErrnoException)?.code ?? 'error';
    const line = this.scanner.currentLine;
    this.problem({
      code: 'unreadable',
      severity: 'error',
      line,
      offset,
      message: `${this.file}: reading stopped at byte ${offset} (${reason})`,
      params: { reason, offset },
    });
  }

  /** Cancelled mid-file: the chats being read still exist, with their names, for the partial counts. */
  async cancelled(): Promise<void> {
    for (const f of this.scanner.openFrames()) if (f.data) this.emitChat(f.data);
    await this.drain();
  }

  /** After the last chunk: truncation/syntax problems, chats still open, and the summaries. */
  end(): void {
    const err = this.scanner.end();
    if (err) {
      if (err.kind === 'truncated' && this.readFailed) {
        // Already reported as unreadable at this point.
      } else if (err.kind === 'truncated') {
        this.problem({
          code: 'truncated',
          severity: 'error',
          line: err.line,
          offset: err.offset,
          message: `${this.file}: the file ends early (line ${err.line}, byte ${err.offset}); everything before that point was read`,
          params: { line: err.line, offset: err.offset },
        });
      } else {
        this.problem({
          code: 'syntax',
          severity: 'error',
          line: err.line,
          offset: err.offset,
          message: `${this.file}: malformed JSON at line ${err.line}, byte ${err.offset} (${err.message}); reading stopped there`,
          params: { line: err.line, offset: err.offset },
        });
      }
      // Chats whose end was never reached still exist, with what was read of them.
      for (const f of this.scanner.openFrames()) if (f.data) this.emitChat(f.data);
    }
  }

  /** The closing summaries; call after the last `drain()`. */
  finish(): void {
    const file = this.file;
    const missing = this.media.problem(file, 'the export are not on disk');
    if (missing) this.sink.problem(missing);
    const ni = this.notIncluded;
    const niTotal = ni['not-included'] + ni['too-large'] + ni.unavailable;
    if (niTotal > 0) {
      this.sink.problem({
        file,
        line: this.firstNotIncludedLine,
        code: 'media-not-included',
        severity: 'info',
        message: `${file}: ${niTotal} media file(s) were left out by Telegram (${ni['not-included']} not included by the export settings, ${ni['too-large']} over the size limit, ${ni.unavailable} unavailable)`,
        params: { count: niTotal, notIncluded: ni['not-included'], tooLarge: ni['too-large'], unavailable: ni.unavailable },
      });
    }
    if (this.assumedUtc > 0) {
      this.sink.problem({
        file,
        line: this.assumedUtcLine,
        code: 'bad-value',
        severity: 'warning',
        message: `${file}: ${this.assumedUtc} time(s) have only the exporting computer's local clock time (no date_unixtime); they were read as UTC`,
        params: { count: this.assumedUtc, field: 'date' },
      });
    }
    if (this.unknownActions.size > 0) {
      let count = 0;
      for (const n of this.unknownActions.values()) count += n;
      const names = [...this.unknownActions.keys()].sort().join(', ');
      this.sink.problem({
        file,
        line: this.firstUnknownActionLine,
        code: 'unknown-action',
        severity: 'info',
        message: `${file}: ${count} service entr(ies) with actions Pereezd does not know (${names}); kept as generic events`,
        params: { count, actions: names },
      });
    }
    for (const summary of this.cap.summaries()) this.sink.problem(summary);
  }

  /** Queues a problem (in order with the messages), capped per code. */
  private problem(p: Omit<Problem, 'file'>): void {
    const full: Problem = { file: this.file, ...p };
    if (!this.cap.admit(full, this.scanner.currentLine)) return;
    this.out.push(new Emit(() => this.sink.problem(full)));
  }

  private newChat(index: number, left: boolean, root: boolean, line: number): ChatAcc {
    return { index, left, root, line, hasName: false, chatId: null, sawMessages: false, emitted: false };
  }

  private chatIdOf(acc: ChatAcc): string {
    if (acc.chatId !== null) return acc.chatId;
    if (acc.idText !== undefined) return `tg:${acc.idText}`;
    return `tg:${acc.root ? 'single-chat' : 'full-account'}-${acc.index}`;
  }

  private emitChat(acc: ChatAcc): void {
    if (acc.emitted) return;
    if (acc.root && !acc.sawMessages && acc.idText === undefined && acc.rawType === undefined) return; // a full-account root
    acc.emitted = true;
    const id = this.chatIdOf(acc);
    const chat: Chat = {
      id,
      title: chatTitle(acc.name, acc.hasName, acc.rawType, acc.idText),
      type: chatTypeOf(acc.rawType),
      source: { file: this.file, line: acc.line, ...(acc.idText !== undefined ? { id: acc.idText } : {}) },
    };
    if (acc.rawType !== undefined) chat.rawType = acc.rawType;
    if (acc.left) chat.left = true;
    this.out.push(new Emit(() => this.sink.chat(chat)));
  }

  private handler(): ScanHandler<Data> {
    return {
      root: () => descendObject(ROOT),
      key: (parent: Frame<Data>, key: string): number => {
        switch (parent.role) {
          case ROOT:
            switch (key) {
              case 'messages':
                return descendArray(MESSAGES);
              case 'name':
              case 'type':
              case 'id':
              case 'personal_information':
                return CAPTURE;
              case 'contacts':
                return descendObject(CONTACTS);
              case 'chats':
                return descendObject(CHATS);
              case 'left_chats':
                return descendObject(LEFT_CHATS);
              default:
                return SKIP;
            }
          case CHAT:
            if (key === 'messages') return descendArray(MESSAGES);
            if (key === 'name' || key === 'type' || key === 'id') return CAPTURE;
            return SKIP;
          case CONTACTS:
            return key === 'list' ? descendArray(CONTACT_LIST) : SKIP;
          case CHATS:
            return key === 'list' ? descendArray(CHAT_LIST) : SKIP;
          case LEFT_CHATS:
            return key === 'list' ? descendArray(LEFT_CHAT_LIST) : SKIP;
          default:
            return SKIP;
        }
      },
      element: (parent: Frame<Data>): number => {
        switch (parent.role) {
          case MESSAGES:
          case CONTACT_LIST:
            return CAPTURE;
          case CHAT_LIST:
          case LEFT_CHAT_LIST:
            return descendObject(CHAT);
          default:
            return SKIP;
        }
      },
      open: (frame: Frame<Data>, parent: Frame<Data> | null): void => {
        if (frame.role === ROOT) frame.data = this.newChat(0, false, true, frame.line);
        else if (frame.role === CHAT) {
          frame.data = this.newChat(this.chatCounter++, parent?.role === LEFT_CHAT_LIST, false, frame.line);
        } else if (frame.role === MESSAGES && parent?.data) {
          const acc = parent.data;
          acc.chatId = this.chatIdOf(acc);
          acc.sawMessages = true;
          frame.data = acc;
        }
      },
      close: (frame: Frame<Data>): void => {
        if ((frame.role === ROOT || frame.role === CHAT) && frame.data) this.emitChat(frame.data);
      },
      captured: (parent: Frame<Data> | null, key: string | null, batch: CapturedBatch): void => {
        if (!parent) return;
        if (parent.role === MESSAGES) return this.messages(parent, batch);
        if (parent.role === CONTACT_LIST) return this.contacts(batch);
        if ((parent.role === ROOT || parent.role === CHAT) && parent.data) {
          if (key === 'personal_information') return this.self(batch);
          return this.chatField(parent.data, key, batch);
        }
      },
      unexpected: (parent: Frame<Data> | null, key: string | null, expected: 'object' | 'array', line: number, offset: number): void => {
        const where = parent ? (key !== null ? `"${key}"` : 'a list entry') : 'the document';
        this.problem({
          code: 'bad-value',
          severity: parent ? 'warning' : 'error',
          line,
          offset,
          message: `${this.file}: ${where} at line ${line} should be an ${expected}; it was skipped`,
          params: { line, offset, expected },
        });
      },
      tooLarge: (_parent: Frame<Data> | null, _key: string | null, line: number, offset: number): void => {
        this.problem({
          code: 'too-large',
          severity: 'warning',
          line,
          offset,
          message: `${this.file}: the entry at line ${line} is too large to read; it was skipped`,
          params: { line, offset },
        });
      },
    };
  }

  /** Parses the captured values of a batch; INVALID for each one that is not valid JSON (reported). */
  private parseBatch(b: CapturedBatch, what: string, latin1 = false): unknown[] {
    const first = b.starts[0]!;
    const last = b.ends[b.count - 1]!;
    if (b.count > 1) {
      try {
        const arr = JSON.parse(`[${sliceText(b.buf, first, last, latin1)}]`) as unknown[];
        if (arr.length === b.count) return arr;
      } catch {
        // one of them is malformed: parse them one by one below
      }
    }
    const out: unknown[] = new Array(b.count);
    for (let i = 0; i < b.count; i++) {
      try {
        out[i] = JSON.parse(sliceText(b.buf, b.starts[i]!, b.ends[i]!, latin1));
      } catch {
        const line = b.lines[i]!;
        const offset = b.base + b.starts[i]!;
        out[i] = INVALID;
        this.problem({
          code: 'syntax',
          severity: 'warning',
          line,
          offset,
          message: `${this.file}: the ${what} at line ${line} (byte ${offset}) is not valid JSON; it was skipped`,
          params: { line, offset },
        });
      }
    }
    return out;
  }

  private messages(parent: Frame<Data>, b: CapturedBatch): void {
    const latin1 = b.buf.subarray(b.starts[0]!, b.ends[b.count - 1]!).indexOf(BACKSLASH_U) === -1;
    const values = this.parseBatch(b, 'message', latin1);
    const acc = parent.data;
    const chat = acc ? this.chatIdOf(acc) : 'tg:unknown';
    const file = this.file;
    const fix = latin1 ? utf8FromLatin1 : undefined;
    const out = this.out;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === INVALID) continue; // reported by parseBatch
      const line = b.lines[i]!;
      const mapped = isObject(v) ? mapMessage(v, { chat, file, line, fix }) : null;
      if (!mapped) {
        const offset = b.base + b.starts[i]!;
        this.problem({
          code: 'bad-value',
          severity: 'warning',
          line,
          offset,
          message: `${file}: the message at line ${line} has no id or is not an object; it was skipped`,
          params: { line, offset },
        });
        continue;
      }
      if (mapped.assumedUtc) {
        if (this.assumedUtc++ === 0) this.assumedUtcLine = line;
      }
      if (mapped.unknownType !== null) {
        this.problem({
          code: 'bad-value',
          severity: 'warning',
          line,
          message: `${file}: the entry at line ${line} has an unknown type "${mapped.unknownType}"; kept as an event`,
          params: { line, field: 'type', value: mapped.unknownType },
        });
      }
      if (mapped.action !== null && mapped.unknownType === null && !KNOWN_ACTIONS.has(mapped.action)) {
        if (this.unknownActions.size === 0) this.firstUnknownActionLine = line;
        this.unknownActions.set(mapped.action, (this.unknownActions.get(mapped.action) ?? 0) + 1);
      }
      const pending = mapped.pending;
      if (pending) {
        for (const p of pending) {
          if (p.lookup !== undefined) this.media.queue(p.att, p.lookup, line);
          else {
            const reason = p.att.missingReason as 'not-included' | 'too-large' | 'unavailable';
            if (this.notIncluded[reason]++ === 0 && this.firstNotIncludedLine === 0) this.firstNotIncludedLine = line;
          }
        }
      }
      out.push(mapped.message);
    }
  }

  private contacts(b: CapturedBatch): void {
    const values = this.parseBatch(b, 'contact');
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const index = this.contactCounter++;
      if (v === INVALID) continue;
      const line = b.lines[i]!;
      if (!isObject(v)) {
        this.problem(
          { code: 'bad-value', severity: 'warning', line, message: `${this.file}: the contact at line ${line} is not an object; it was skipped`, params: { line } },
        );
        continue;
      }
      const c = mapContact(v, { file: this.file, line, index });
      this.out.push(new Emit(() => this.sink.contact(c)));
    }
  }

  private self(b: CapturedBatch): void {
    const [v] = this.parseBatch(b, 'personal information');
    if (v === INVALID) return;
    const line = b.lines[0]!;
    if (!isObject(v)) {
      this.problem({ code: 'bad-value', severity: 'warning', line, message: `${this.file}: personal_information at line ${line} is not an object; it was skipped`, params: { line } });
      return;
    }
    const c = mapSelf(v as JsonObject, { file: this.file, line });
    this.out.push(
      new Emit(() => {
        this.sink.contact(c);
        if (c.name) this.sink.owner?.(c.name);
      }),
    );
  }

  private chatField(acc: ChatAcc, key: string | null, b: CapturedBatch): void {
    const start = b.starts[0]!;
    const end = b.ends[0]!;
    const [v] = this.parseBatch(b, `chat "${key}"`);
    if (v === INVALID) return;
    if (key === 'name') {
      acc.hasName = true;
      acc.name = v;
    } else if (key === 'type') {
      if (typeof v === 'string') acc.rawType = v;
    } else if (key === 'id') {
      // Numbers keep their exact digits (ids may exceed 2^53 in principle).
      if (typeof v === 'number') acc.idText = b.buf.toString('latin1', start, end).trim();
      else if (typeof v === 'string' && v !== '') acc.idText = v;
    }
  }
}

/** Reads an entry of a container through a TelegramReader. Throws only on cancellation. */
export async function readTelegramExport(
  container: Container,
  entry: string,
  sink: SourceSink,
  progress: (bytesRead: number) => void,
  signal: AbortSignal,
  options: ReaderOptions = {},
): Promise<void> {
  signal.throwIfAborted();
  const file = container.display(entry);
  const reader = new TelegramReader(container, file, sink, options);
  let result;
  try {
    result = await pumpEntry(
      container,
      entry,
      signal,
      async (chunk) => {
        reader.push(chunk);
        await reader.drain();
        return !reader.stopped;
      },
      progress,
    );
  } catch (err) {
    if (signal.aborted) await reader.cancelled();
    throw err;
  }
  if (result.error) {
    reader.readError(result.error.cause, result.error.offset);
    if (result.error.atOpen) return;
  }
  reader.end();
  await reader.drain();
  reader.finish();
}
