/**
 * Streams one WhatsApp `.txt` into a SourceSink: line by line (lines.ts), headers per the plan made
 * at detection (which shapes are headers, in which date order), bodies classified (body.ts), times
 * placed in the chosen zone (zone.ts), media linked through the container. Problems carry file and
 * line, are capped per kind, and never stop the reading; only cancellation throws.
 */
import { isAscii, isUtf8, transcode } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { Attachment, Chat, Message, Problem, Sender } from '../../../../shared/model/index.js';
import { MediaLookup } from '../media-lookup.js';
import { ProblemCap } from '../problem-cap.js';
import { pumpEntry } from '../pump.js';
import type { Container, SourceSink } from '../types.js';
import { classify, newBody, RecentAuthors } from './body.js';
import { cleanAuthor, cleanInline } from './chars.js';
import { dateIn, ORDERS, ymd } from './dates.js';
import { describeSig, HeaderTemplate, mayBeHeaderCode, newHeader, scanHeader } from './header.js';
import { forEachLine, LineSplitter, MAX_LINE } from './lines.js';
import type { ReadPlan, ScanResult } from './scan.js';
import { ZoneClock } from './zone.js';

/** Per-code cap on individual problems; the rest are summed up in one closing problem. */
/** Longest message text kept (WhatsApp's own limit is 65 536 characters). */
const MAX_TEXT = 1 << 20;
/** WhatsApp's export caps (FAQ, unverified): ~40 000 messages without media, ~10 000 with media. */
const CAP_WITHOUT_MEDIA = 39_000;
const CAP_WITH_MEDIA = 9_900;

/** Events that only happen in groups. */
const GROUP_ACTIONS = new Set([
  'create_group', 'invite_members', 'remove_members', 'leave_group', 'join_group_by_link', 'edit_group_title',
  'edit_group_photo', 'delete_group_photo', 'edit_group_description',
]);

/** A queued non-message item (problem), emitted in order with the messages. */
class Emit {
  constructor(readonly fn: () => void) {}
}

export interface ReaderSetup {
  title: string;
  timeZone: string;
  /** False when the zone is this computer's (the user did not choose one). */
  zoneGiven: boolean;
  plan: ReadPlan;
  scan: ScanResult;
}


export class WhatsAppReader {
  private readonly h = newHeader();
  private readonly template = new HeaderTemplate();
  private readonly body = newBody();
  private readonly recent = new RecentAuthors();
  private readonly clock: ZoneClock;
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  readonly splitter = new LineSplitter();
  private lineNo = 0;
  private chatId: string | null = null;
  private firstHeaderLine = 0;
  private out: (Message | Emit)[] = [];
  private lastSig = -1;
  private lastOrder = -1;
  private readonly senders = new Map<string, Sender | null>();

  // The message being read (its continuation lines may follow).
  private pLine = 0;
  private pKind: Message['kind'] = 'message';
  private pAction: string | null = null;
  private pSentAt: string | null = null;
  private pSender: Sender | null = null;
  private pText = '';
  private pAttachments: Attachment[] = [];
  private pCaption = false;
  private pCut = false;

  // Counters for the chat and the closing problems.
  private entries = 0;
  private withMedia = 0;
  private readonly authors = new Set<string>();
  private groupEvent = false;
  private preamble = 0;
  private preambleLine = 0;
  private notIncluded = 0;
  private unavailable = 0;
  private firstNotIncludedLine = 0;
  private unknownSystem = 0;
  private firstUnknownLine = 0;
  private badLines = 0;
  private firstBadLine = 0;
  private readonly cap = new ProblemCap();
  private readFailed = false;
  private chatEmitted = false;

  private readonly media: MediaLookup;

  constructor(
    container: Container,
    private readonly file: string,
    private readonly sink: SourceSink,
    private readonly setup: ReaderSetup,
  ) {
    this.media = new MediaLookup(container);
    this.clock = new ZoneClock(setup.timeZone);
  }

  /** One complete region of lines (or the last line of the input). */
  region(buf: Buffer): void {
    const firstLine = this.lineNo + 1;
    let text = this.decode(buf, firstLine);
    if (text.indexOf('\uFEFF') >= 0) text = text.replaceAll('\uFEFF', '');
    // Same line breaks as the splitter: CRLF and lone CR become LF.
    if (text.indexOf('\r') >= 0) text = text.replace(/\r\n?/g, '\n');
    // Lines are windows of the region's text: no substring per header line.
    const n = text.length;
    let p = 0;
    while (p < n) {
      let e = text.indexOf('\n', p);
      if (e < 0) e = n;
      this.line(text, p, e);
      p = e + 1;
    }
    if (this.splitter.cutRegion === buf) {
      this.splitter.cutRegion = null;
      this.problem({
        code: 'too-large',
        severity: 'warning',
        line: firstLine,
        message: `${this.file}: line ${firstLine} is longer than ${MAX_LINE} bytes; only its beginning was read`,
        params: { line: firstLine, limit: MAX_LINE },
      });
    }
  }

  /**
   * A region as text. Pure ASCII: latin1 (a byte per char, the fastest). Valid UTF-8: ICU's
   * transcoder to UTF-16 — three to four times faster than TextDecoder on non-Latin text (the
   * decoding is otherwise the largest single cost of reading). Invalid bytes: TextDecoder, which puts
   * U+FFFD in their place, and the lines are counted for the encoding problem.
   */
  private decode(buf: Buffer, firstLine: number): string {
    if (isAscii(buf)) return buf.toString('latin1');
    if (isUtf8(buf)) {
      if (this.transcodeWorks) {
        try {
          return transcode(buf, 'utf8', 'utf16le').toString('utf16le');
        } catch {
          this.transcodeWorks = false; // a Node without ICU
        }
      }
    } else this.badBytes(buf, firstLine);
    return this.decoder.decode(buf);
  }

  private transcodeWorks = true;

  /** Lines holding bytes that are not UTF-8: counted; they are read with U+FFFD in place of the bad bytes. */
  private badBytes(buf: Buffer, firstLine: number): void {
    let line = firstLine;
    forEachLine(buf, (s, e) => {
      if (!isUtf8(buf.subarray(s, e))) {
        if (this.badLines++ === 0) this.firstBadLine = line;
      }
      line++;
    });
  }

  private line(text: string, p: number, e: number): void {
    const n = ++this.lineNo;
    const h = this.h;
    const fast = this.template.match(text, p, h);
    if (fast || (p < e && mayBeHeaderCode(text.charCodeAt(p)) && scanHeader(text, h, p))) {
      let order: number;
      if (h.sig === this.lastSig) order = this.lastOrder;
      else {
        order = this.setup.plan.orders.get(h.sig) ?? -1;
        this.lastSig = h.sig;
        this.lastOrder = order;
      }
      if (order >= 0) {
        if (!fast) this.template.learn(text, p, h);
        this.header(text, p, e, n, order);
        return;
      }
    }
    this.continuation(text.slice(p, e), n);
  }

  private startChat(s: string, n: number): void {
    this.firstHeaderLine = n;
    const digest = createHash('sha256').update(`${this.setup.title}\n${cleanInline(s)}`).digest('hex');
    this.chatId = `wa:${digest.slice(0, 16)}`;
    const { timeZone, zoneGiven, plan } = this.setup;
    if (!zoneGiven) {
      this.problem({
        code: 'needs-answer',
        severity: 'info',
        line: n,
        message: `${this.file}: times are wall-clock; read in zone ${timeZone} (choose another with --tz)`,
        params: { timeZone },
      });
    }
    if (plan.answerIgnored) {
      const a = plan.answerIgnored;
      this.problem({
        code: 'bad-value',
        severity: 'info',
        line: a.line,
        message: `${this.file}: the dates from line ${a.line} on can only be read as ${a.usedInstead}; the date order ${a.order} was not applied to them`,
        params: { line: a.line, field: 'date-order', value: a.order, used: a.usedInstead },
      });
    }
  }

  private senderFor(raw: string): Sender | null {
    let s = this.senders.get(raw);
    if (s === undefined) {
      const name = cleanAuthor(raw);
      s = name === '' ? null : { name, id: null };
      if (this.senders.size < 100_000) this.senders.set(raw, s);
    }
    return s;
  }

  private header(text: string, p: number, e: number, n: number, order: number): void {
    this.flush();
    if (this.chatId === null) this.startChat(text.slice(p, e), n);
    const h = this.h;
    let sentAt: string | null = null;
    if (dateIn(h, order)) sentAt = this.clock.iso(ymd.y, ymd.m, ymd.d, h.h, h.mi, h.s);
    else {
      const written = cleanInline(text.slice(h.dateStart, h.dateEnd));
      this.problem({
        code: 'bad-value',
        severity: 'warning',
        line: n,
        message: `${this.file}: line ${n}: ${written} is not a date when read as ${ORDERS[order]}; the message is kept without a time`,
        params: { line: n, field: 'date' },
      });
    }
    const b = this.body;
    classify(text, h.bodyStart, e, b, this.recent);
    this.pLine = n;
    this.pKind = b.kind;
    this.pAction = b.action;
    this.pSentAt = sentAt;
    this.pText = b.text;
    this.pCaption = b.captionNext;
    this.pCut = false;
    this.pSender = b.author !== null ? this.senderFor(b.author) : null;
    if (b.kind === 'message' && this.pSender && this.authors.size < 3) this.authors.add(this.pSender.name ?? '');
    if (b.kind === 'event') {
      if (b.action !== null && GROUP_ACTIONS.has(b.action)) this.groupEvent = true;
      if (b.unknownSystem && this.unknownSystem++ === 0) this.firstUnknownLine = n;
    }
    const att = b.attachment;
    if (att) {
      this.pAttachments = [att];
      if (b.lookup !== null) {
        this.withMedia++;
        this.media.queue(att, b.lookup, n);
      } else if (att.missingReason === 'unavailable') {
        this.unavailable++;
        if (this.firstNotIncludedLine === 0) this.firstNotIncludedLine = n;
      } else {
        this.notIncluded++;
        if (this.firstNotIncludedLine === 0) this.firstNotIncludedLine = n;
      }
    } else this.pAttachments = [];
  }

  private continuation(s: string, n: number): void {
    if (this.pLine === 0) {
      if (s.trim() !== '') {
        if (this.preamble++ === 0) this.preambleLine = n;
      }
      return;
    }
    if (this.pCaption) {
      this.pCaption = false;
      this.pText = s;
      return;
    }
    if (this.pText.length + s.length + 1 > MAX_TEXT) {
      if (!this.pCut) {
        this.pCut = true;
        this.problem({
          code: 'too-large',
          severity: 'warning',
          line: this.pLine,
          message: `${this.file}: the message at line ${this.pLine} is longer than ${MAX_TEXT} characters; the rest of it was not kept`,
          params: { line: this.pLine, limit: MAX_TEXT },
        });
      }
      return;
    }
    this.pText += `\n${s}`;
  }

  /** Ends the message being read and queues it. */
  private flush(): void {
    const line = this.pLine;
    if (line === 0) return;
    this.pLine = 0;
    let text = this.pText;
    // Blank lines before the next header (or the end) are layout, not text.
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 0x0a) text = text.replace(/\n+$/, '');
    const chat = this.chatId!;
    const m: Message = {
      chat,
      id: `${chat}:${line}`,
      kind: this.pKind,
      sentAt: this.pSentAt,
      sender: this.pSender,
      text,
      attachments: this.pAttachments,
      source: { file: this.file, line },
    };
    if (this.pAction !== null) m.action = this.pAction;
    this.out.push(m);
    this.entries++;
  }

  /** True when queued attachments wait for a lookup in the container (then `drain` must be awaited). */
  get waiting(): boolean {
    return this.media.waiting;
  }

  /**
   * Hands what is queued to the sink now, when no lookup is pending: messages then die young
   * (per 32 KiB piece) instead of surviving into the old generation.
   */
  emitReady(): void {
    if (!this.media.waiting) this.emit();
  }

  /** Looks up pending media, then hands everything queued so far to the sink, in order. */
  async drain(): Promise<void> {
    await this.media.resolve();
    this.emit();
  }

  private emit(): void {
    const out = this.out;
    if (out.length === 0) return;
    this.out = [];
    const sink = this.sink;
    for (const item of out) {
      if (item instanceof Emit) item.fn();
      else sink.message(item);
    }
  }

  /** The stream failed (I/O error). */
  readError(err: unknown, offset: number): void {
    this.readFailed = true;
    const reason = (err as NodeJS.ErrnoException)?.code ?? 'error';
    const line = Math.max(1, this.lineNo);
    this.problem({
      code: 'unreadable',
      severity: 'error',
      line,
      offset,
      message: `${this.file}: reading stopped at byte ${offset} (${reason}); everything before was read`,
      params: { reason, offset },
    });
  }

  /** After the last line: the message being read is complete. */
  end(): void {
    this.flush();
  }

  /** Cancelled: what was read so far still reaches the sink, with its chat. */
  async cancelled(): Promise<void> {
    this.flush();
    await this.drain();
    this.emitChat();
  }

  private emitChat(): void {
    if (this.chatEmitted || this.chatId === null) return;
    this.chatEmitted = true;
    const chat: Chat = {
      id: this.chatId,
      title: this.setup.title,
      type: this.groupEvent || this.authors.size >= 3 ? 'group' : 'personal',
      source: { file: this.file, line: this.firstHeaderLine },
    };
    this.sink.chat(chat);
  }

  /** The chat and the closing summaries; call after the last `drain()`. */
  finish(): void {
    const file = this.file;
    const sink = this.sink;
    this.emitChat();
    if (this.chatId === null && !this.readFailed) {
      sink.problem({
        file,
        line: 1,
        code: 'syntax',
        severity: 'error',
        message: `${file}: no WhatsApp message line was found in ${this.lineNo} line(s)`,
        params: { lines: this.lineNo },
      });
    }
    if (this.preamble > 0 && this.chatId !== null) {
      sink.problem({
        file,
        line: this.preambleLine,
        code: 'syntax',
        severity: 'warning',
        message: `${file}: ${this.preamble} line(s) before the first message (from line ${this.preambleLine}) belong to no message; they were not read`,
        params: { count: this.preamble, line: this.preambleLine },
      });
    }
    const rej = this.setup.scan.rejected;
    if (rej.count > 0 && this.chatId !== null) {
      sink.problem({
        file,
        line: rej.firstLine,
        code: 'syntax',
        severity: 'info',
        message: `${file}: ${rej.count} line(s) look like message headers in another format than the rest (first: line ${rej.firstLine}, shaped "${describeSig(rej.sig)}"); they were read as text of the message before them`,
        params: { count: rej.count, line: rej.firstLine },
      });
    }
    if (this.badLines > 0) {
      sink.problem({
        file,
        line: this.firstBadLine,
        code: 'encoding',
        severity: 'warning',
        message: `${file}: ${this.badLines} line(s) are not valid UTF-8 (first: line ${this.firstBadLine}); the bad bytes were replaced with �`,
        params: { count: this.badLines, line: this.firstBadLine },
      });
    }
    const missing = this.media.problem(file, 'the chat are not in the export');
    if (missing) sink.problem(missing);
    const ni = this.notIncluded + this.unavailable;
    if (ni > 0) {
      sink.problem({
        file,
        line: this.firstNotIncludedLine,
        code: 'media-not-included',
        severity: 'info',
        message: `${file}: ${ni} media file(s) are not in the export (${this.notIncluded} left out when exporting without media, ${this.unavailable} view-once)`,
        params: { count: ni, notIncluded: this.notIncluded, unavailable: this.unavailable },
      });
    }
    if (this.unknownSystem > 0) {
      sink.problem({
        file,
        line: this.firstUnknownLine,
        code: 'unknown-action',
        severity: 'info',
        message: `${file}: ${this.unknownSystem} system line(s) Pereezd does not recognise (first: line ${this.firstUnknownLine}); kept as generic events`,
        params: { count: this.unknownSystem },
      });
    }
    const cap = this.withMedia > 0 ? CAP_WITH_MEDIA : CAP_WITHOUT_MEDIA;
    if (this.entries >= cap && this.chatId !== null) {
      sink.problem({
        file,
        line: this.firstHeaderLine,
        code: 'truncated',
        severity: 'warning',
        message:
          `${file}: ${this.entries} messages — WhatsApp cuts exports at about ${this.withMedia > 0 ? '10 000 messages with media' : '40 000 messages without media'}, ` +
          'so older messages may be missing. To get everything, export again "without media" (the limit is higher), or move the chat with a full phone backup',
        params: { count: this.entries, limit: cap },
      });
    }
    for (const summary of this.cap.summaries()) sink.problem(summary);
  }

  /** Queues a problem (in order with the messages), capped per code. */
  private problem(p: Omit<Problem, 'file'>): void {
    const full: Problem = { file: this.file, ...p };
    if (!this.cap.admit(full, Math.max(1, this.lineNo))) return;
    this.out.push(new Emit(() => this.sink.problem(full)));
  }
}

/** Reads an entry through a WhatsAppReader. Throws only on cancellation. */
export async function readWhatsApp(
  container: Container,
  entry: string,
  sink: SourceSink,
  progress: (bytesRead: number) => void,
  signal: AbortSignal,
  setup: ReaderSetup,
): Promise<void> {
  signal.throwIfAborted();
  const file = container.display(entry);
  const reader = new WhatsAppReader(container, file, sink, setup);
  const splitter = reader.splitter;
  const regions: Buffer[] = [];
  let result;
  try {
    result = await pumpEntry(
      container,
      entry,
      signal,
      async (chunk) => {
        splitter.push(chunk, regions);
        for (const r of regions) {
          reader.region(r);
          if (reader.waiting) await reader.drain();
          else reader.emitReady();
        }
        regions.length = 0;
        await reader.drain();
      },
      progress,
    );
  } catch (err) {
    if (signal.aborted) await reader.cancelled();
    throw err;
  }
  if (result.error) {
    reader.readError(result.error.cause, result.error.offset);
    if (result.error.atOpen) {
      await reader.drain();
      reader.finish();
      return;
    }
  }
  const tail = splitter.end();
  if (tail) reader.region(tail);
  reader.end();
  await reader.drain();
  reader.finish();
}
