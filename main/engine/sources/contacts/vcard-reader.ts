/**
 * Streams one .vcf file into contacts: bytes → binary text (UTF-16 files are turned into UTF-8
 * first) → lines → properties (vcard-lexer.ts) → cards → Contact. One card is in memory at a
 * time, without its photo bytes, so memory stays flat however large the file is.
 */
import path from 'node:path';
import { TextDecoder } from 'node:util';
import type { Contact, TypedValue } from '../../../../shared/model/index.js';
import { emptyScore, sniffBom, utf16ByZeros } from '../text/encoding.js';
import { LineSplitter } from '../text/lines.js';
import { pumpEntry } from '../pump.js';
import type { Container, SourceSink } from '../types.js';
import { clean, displayName, NO_NAME, pushTyped } from './contact-build.js';
import { ProblemLog } from './problems.js';
import { paramValue, VcardLexer, type VcardProperty } from './vcard-lexer.js';
import { type CharsetContext, decodeValue, splitStructured, unescapeValue } from './vcard-values.js';

const SNIFF_BYTES = 64;

/**
 * Bytes → a binary string (one char per byte). A UTF-8 BOM is dropped; UTF-16 (by BOM or by its
 * zero bytes) is decoded and re-encoded as UTF-8, so the rest of the reader only ever sees bytes.
 */
export class VcardByteDecoder {
  private state: 'start' | 'binary' | 'utf16' = 'start';
  private held: Buffer[] = [];
  private heldLen = 0;
  private utf16: TextDecoder | null = null;
  /** True once the file turned out to be UTF-16 (its text is Unicode already). */
  unicode = false;

  push(b: Buffer): string {
    if (this.state === 'binary') return b.toString('latin1');
    if (this.state === 'utf16') return this.fromUtf16(b, false);
    this.held.push(b);
    this.heldLen += b.length;
    if (this.heldLen < SNIFF_BYTES) return '';
    return this.decideAndFlush(false);
  }

  end(): string {
    if (this.state === 'start') return this.decideAndFlush(true);
    if (this.state === 'utf16') return this.fromUtf16(Buffer.alloc(0), true);
    return '';
  }

  private decideAndFlush(final: boolean): string {
    const all = Buffer.concat(this.held, this.heldLen);
    this.held = [];
    this.heldLen = 0;
    const bom = sniffBom(all);
    const utf16 = bom && bom.encoding !== 'utf-8' ? bom.encoding : bom ? null : utf16ByZeros(all.subarray(0, SNIFF_BYTES));
    if (utf16) {
      this.state = 'utf16';
      this.unicode = true;
      this.utf16 = new TextDecoder(utf16, { ignoreBOM: true });
      return this.fromUtf16(all.subarray(bom?.length ?? 0), final);
    }
    this.state = 'binary';
    return all.toString('latin1', bom?.length ?? 0);
  }

  private fromUtf16(b: Buffer, final: boolean): string {
    const text = this.utf16!.decode(b, { stream: !final });
    return Buffer.from(text, 'utf8').toString('latin1');
  }
}

export interface VcardFileOptions {
  /** How the file is named in problems and provenance (container.display). */
  file: string;
  /** Base name used in contact ids (`vcard:<basename>:<index>`). */
  basename: string;
  sink: SourceSink;
  /** Longest value kept (chars). */
  maxValue?: number;
  /** Most properties kept per card. */
  maxProperties?: number;
}

interface CardAcc {
  line: number;
  props: VcardProperty[];
  dropped: number;
}

const isBegin = (p: VcardProperty) => p.name === 'BEGIN' && p.group === null && p.value.trim().toUpperCase() === 'VCARD';
const isEnd = (p: VcardProperty) => p.name === 'END' && p.group === null && p.value.trim().toUpperCase() === 'VCARD';

/** Chat and IM properties → handle type. */
const IM_PROPERTIES: Record<string, string> = {
  'X-JABBER': 'jabber',
  'X-SKYPE': 'skype',
  'X-SKYPE-USERNAME': 'skype',
  'X-ICQ': 'icq',
  'X-AIM': 'aim',
  'X-MSN': 'msn',
  'X-YAHOO': 'yahoo',
  'X-GTALK': 'gtalk',
  'X-GOOGLE-TALK': 'gtalk',
  'X-TELEGRAM': 'telegram',
  'X-TWITTER': 'twitter',
  'X-MS-IMADDRESS': 'im',
};

/** TYPE values that say nothing about which phone or address it is. */
const TEL_NOISE = new Set(['pref', 'voice']);
const EMAIL_NOISE = new Set(['pref', 'internet']);

const APPLE_LABEL = /^_\$!<(.*)>!\$_$/;

/** The reader for one file; feed it binary text with `push`, then call `end`. */
export class VcardFileReader {
  private readonly problems: ProblemLog;
  private readonly splitter: LineSplitter;
  private readonly lexer: VcardLexer;
  private readonly charset: CharsetContext;
  private card: CardAcc | null = null;
  /** Depth inside a nested (AGENT) vCard being skipped. */
  private nested = 0;
  private outside = 0;
  private firstOutside = 0;
  private cards = 0;
  private readonly maxProperties: number;

  constructor(
    private readonly opts: VcardFileOptions,
    unicodeFile: () => boolean,
  ) {
    this.problems = new ProblemLog(opts.sink, opts.file);
    this.maxProperties = opts.maxProperties ?? 5000;
    this.lexer = new VcardLexer(
      {
        property: (p) => this.property(p),
        junk: (line) => this.junk(line),
      },
      opts.maxValue !== undefined ? { maxValue: opts.maxValue } : {},
    );
    this.splitter = new LineSplitter((text, lineNo, overflow) => this.lexer.line(text, lineNo, overflow));
    this.charset = { problems: this.problems, unicodeFile, legacy: emptyScore(), guessed: null };
  }

  /** Contacts emitted so far. */
  get count(): number {
    return this.cards;
  }

  /** The line the reader has reached (for problems about the stream itself). */
  get line(): number {
    return this.splitter.currentLine;
  }

  push(text: string): void {
    this.splitter.push(text);
  }

  /** A read error part-way through the file. */
  unreadable(reason: string, offset: number): void {
    this.problems.add({
      code: 'unreadable',
      severity: 'error',
      line: this.splitter.currentLine,
      message: `reading stopped at byte ${offset} (${reason}); the cards before that point were read`,
      params: { reason, offset },
    });
  }

  end(): void {
    this.splitter.end();
    this.lexer.end();
    if (this.card) {
      const c = this.card;
      this.problems.add({
        code: 'truncated',
        severity: 'error',
        line: c.line,
        message: `the card that starts at line ${c.line} has no END:VCARD (the file ends first); what it holds was kept`,
        params: { line: c.line },
      });
      this.emitCard(c);
      this.card = null;
    }
    if (this.cards === 0) {
      this.problems.add({
        code: 'syntax',
        severity: 'error',
        line: 1,
        message: 'no vCard (BEGIN:VCARD … END:VCARD) was found in this file',
      });
    } else if (this.outside > 0) {
      this.problems.add({
        code: 'syntax',
        severity: 'warning',
        line: this.firstOutside,
        message: `${this.outside} line(s) outside BEGIN:VCARD … END:VCARD were ignored (first: line ${this.firstOutside})`,
        params: { count: this.outside },
      });
    }
    const g = this.charset.guessed;
    if (g) {
      this.problems.add({
        code: 'encoding',
        severity: 'info',
        line: g.line,
        message: `values without a CHARSET are not UTF-8; they were read as ${g.encoding} (guessed from the letters), first at line ${g.line}`,
        params: { encoding: g.encoding },
      });
    }
    this.problems.finish();
  }

  private noteOutside(line: number): void {
    if (this.outside++ === 0) this.firstOutside = line;
  }

  private junk(line: number): void {
    if (this.nested > 0) return;
    if (!this.card) return this.noteOutside(line);
    this.problems.add({ code: 'syntax', severity: 'warning', line, message: 'this line is not a vCard property (no name:value); it was ignored' });
  }

  private property(p: VcardProperty): void {
    if (this.nested > 0) {
      if (isBegin(p)) this.nested++;
      else if (isEnd(p)) this.nested--;
      return;
    }
    if (isBegin(p)) {
      const c = this.card;
      if (c) {
        const last = c.props[c.props.length - 1];
        if (last && last.name === 'AGENT' && last.value.trim() === '') {
          this.nested = 1;
          this.problems.add({ code: 'bad-value', severity: 'info', line: p.line, message: 'a nested vCard (AGENT) was skipped' });
          return;
        }
        this.problems.add({
          code: 'truncated',
          severity: 'error',
          line: c.line,
          message: `the card that starts at line ${c.line} has no END:VCARD before the next BEGIN:VCARD (line ${p.line}); what it holds was kept`,
          params: { line: c.line },
        });
        this.emitCard(c);
      }
      this.card = { line: p.line, props: [], dropped: 0 };
      return;
    }
    const c = this.card;
    if (!c) return this.noteOutside(p.line);
    if (isEnd(p)) {
      this.card = null;
      this.emitCard(c);
      return;
    }
    if (c.props.length >= this.maxProperties) {
      if (c.dropped++ === 0) {
        this.problems.add({
          code: 'too-large',
          severity: 'warning',
          line: p.line,
          message: `the card that starts at line ${c.line} has more than ${this.maxProperties} properties; the rest were ignored`,
          params: { limit: this.maxProperties },
        });
      }
      return;
    }
    c.props.push(p);
  }

  private emitCard(c: CardAcc): void {
    const index = this.cards++;
    let contact: Contact;
    try {
      contact = this.mapCard(c, index);
    } catch (err) {
      // A bug, not bad input: the card is still accounted for.
      this.problems.add({ code: 'internal', severity: 'error', line: c.line, message: `this card could not be read (${(err as Error).message})` });
      contact = { id: this.idOf(index), name: NO_NAME, phones: [], emails: [], source: { file: this.opts.file, line: c.line } };
    }
    this.opts.sink.contact(contact);
  }

  private idOf(index: number): string {
    return `vcard:${this.opts.basename}:${index}`;
  }

  private text(p: VcardProperty): string {
    return decodeValue(p, this.charset);
  }

  private mapCard(c: CardAcc, index: number): Contact {
    const labels = new Map<string, string>();
    for (const p of c.props) {
      if (p.group !== null && p.name === 'X-ABLABEL' && !labels.has(p.group)) {
        const raw = clean(unescapeValue(this.text(p)));
        if (raw) labels.set(p.group, APPLE_LABEL.exec(raw)?.[1]?.trim() || raw);
      }
    }
    let full: string | undefined;
    let n: string[] | undefined;
    let nickname: string | undefined;
    const orgs: string[] = [];
    let uid: string | undefined;
    const notes: string[] = [];
    const phones: TypedValue[] = [];
    const emails: TypedValue[] = [];
    const handles: TypedValue[] = [];
    for (const p of c.props) {
      if (p.overflow) {
        this.problems.add({
          code: 'too-large',
          severity: 'warning',
          line: p.line,
          message: `the ${p.name} value is too long; only its beginning was kept`,
          params: { property: p.name },
        });
      }
      switch (p.name) {
        case 'FN':
          full ??= clean(unescapeValue(this.text(p)));
          break;
        case 'N':
          if (!n) {
            const parts = splitStructured(this.text(p));
            if (parts.some((x) => x.trim() !== '')) n = parts;
          }
          break;
        case 'NICKNAME':
          nickname ??= clean(unescapeValue(this.text(p)));
          break;
        case 'ORG': {
          // organisation;unit;unit → "organisation, unit"; several ORG properties are all kept.
          const parts = splitStructured(this.text(p)).map(clean).filter((x): x is string => x !== undefined);
          const one = parts.join(', ');
          if (one && !orgs.includes(one)) orgs.push(one);
          break;
        }
        case 'NOTE': {
          const note = clean(unescapeValue(this.text(p)));
          if (note) notes.push(note);
          break;
        }
        case 'UID':
          uid ??= clean(unescapeValue(this.text(p)));
          break;
        case 'TEL': {
          let v = clean(unescapeValue(this.text(p)));
          if (v && (/^tel:/i.test(v) || paramValue(p, 'VALUE') === 'uri')) v = v.replace(/^tel:/i, '');
          pushTyped(phones, v, this.typeOf(p, TEL_NOISE, labels));
          break;
        }
        case 'EMAIL': {
          const v = clean(unescapeValue(this.text(p)))?.replace(/^mailto:/i, '');
          pushTyped(emails, v, this.typeOf(p, EMAIL_NOISE, labels));
          break;
        }
        case 'IMPP': {
          const v = clean(unescapeValue(this.text(p)));
          if (!v) break;
          const m = /^([a-z][a-z0-9+.-]*):(.+)$/i.exec(v);
          const service = paramValue(p, 'X-SERVICE-TYPE')?.toLowerCase() ?? m?.[1]?.toLowerCase();
          pushTyped(handles, m ? m[2] : v, service);
          break;
        }
        case 'AGENT':
          if (p.value.trim() !== '') {
            this.problems.add({ code: 'bad-value', severity: 'info', line: p.line, message: 'a nested vCard (AGENT) was skipped' });
          }
          break;
        default: {
          const im = IM_PROPERTIES[p.name];
          if (im) pushTyped(handles, unescapeValue(this.text(p)), im);
        }
      }
    }
    const given = clean(n?.[1]);
    const family = clean(n?.[0]);
    const org = orgs.length > 0 ? orgs.join('; ') : undefined;
    const file = this.opts.file;
    let name = displayName({ full, given, family, nickname, org }, phones, emails);
    if (name === null) {
      name = NO_NAME;
      this.problems.add({
        code: 'bad-value',
        severity: 'warning',
        line: c.line,
        message: 'this card has no name, organisation, phone or e-mail; it was kept as "(no name)"',
      });
    }
    const contact: Contact = { id: this.idOf(index), name, phones, emails, source: { file, line: c.line } };
    if (uid) contact.source.id = uid;
    if (given) contact.given = given;
    if (family) contact.family = family;
    if (handles.length > 0) contact.handles = handles;
    if (org) contact.org = org;
    if (notes.length > 0) contact.note = notes.join('\n');
    return contact;
  }

  /** The Apple label of the property's group, else its TYPE values without the noise, joined by `,`. */
  private typeOf(p: VcardProperty, noise: Set<string>, labels: Map<string, string>): string | undefined {
    if (p.group !== null) {
      const label = labels.get(p.group);
      if (label) return label;
    }
    const types: string[] = [];
    for (const param of p.params) {
      if (param.name !== 'TYPE') continue;
      for (const v of param.values) if (!noise.has(v) && !types.includes(v)) types.push(v);
    }
    return types.length > 0 ? types.join(',') : undefined;
  }
}

/** Reads one .vcf entry of a container into the sink. Throws only on cancellation. */
export async function readVcardEntry(
  container: Container,
  entry: string,
  sink: SourceSink,
  progress: (bytesRead: number) => void,
  signal: AbortSignal,
): Promise<{ contacts: number; bytes: number }> {
  const bytes = new VcardByteDecoder();
  const reader = new VcardFileReader({ file: container.display(entry), basename: path.posix.basename(entry.replace(/\\/g, '/')), sink }, () => bytes.unicode);
  const result = await pumpEntry(container, entry, signal, (chunk) => reader.push(bytes.push(chunk)), progress);
  reader.push(bytes.end());
  if (result.error) reader.unreadable(result.error.reason, result.error.offset);
  reader.end();
  return { contacts: reader.count, bytes: result.bytes };
}
