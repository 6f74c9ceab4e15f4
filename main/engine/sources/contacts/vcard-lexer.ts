/**
 * vCard lexer: physical lines → logical properties, in the order formats.md §3 prescribes:
 *   1. line endings are already normalised by the LineSplitter (`\r\r\n`, `\r\n`, `\n`, `\r`);
 *   2. QP soft breaks are joined first, and only for ENCODING=QUOTED-PRINTABLE properties
 *      (a value line ending in `=` continues on the next line, which is not indented);
 *   3. then folded lines are unfolded (a line starting with a space or tab continues the previous
 *      one; that one blank is removed);
 *   4. then each logical line is split into group.name;params:value.
 * vCard 2.1 base64 blocks (`PHOTO;ENCODING=BASE64:` + lines until a blank line, indented or not)
 * are recognised so they never turn into bogus properties. The bytes of binary properties (PHOTO,
 * LOGO, SOUND, KEY) are skipped as they stream by: the model keeps no photos.
 *
 * Works on binary strings (one char per byte): every syntax character is ASCII, and values are
 * decoded with their CHARSET later (vcard-values.ts).
 */
import { isBase64Line } from '../text/transfer.js';

export interface VcardParam {
  /** Upper-case name; bare vCard 2.1 params get their implied name (`TEL;CELL` → TYPE=cell). */
  name: string;
  /** Values, quotes removed, split on unquoted commas. */
  values: string[];
}

export interface VcardHeader {
  /** Lower-case group (`item1`), or null. */
  group: string | null;
  /** Upper-case property name. */
  name: string;
  params: VcardParam[];
  /** Index of the first value char (after the `:`). */
  valueStart: number;
}

export interface VcardProperty extends VcardHeader {
  /** Raw value as a binary string: QP soft breaks joined and folds unfolded, nothing decoded. */
  value: string;
  /** Line the property starts on (1-based). */
  line: number;
  /** The value was longer than the limit and was cut. */
  overflow: boolean;
  /** The bytes of a binary property were skipped (value is empty). */
  skipped: boolean;
}

const ENCODING_WORDS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);
const VALUE_WORDS = new Set(['INLINE', 'URL', 'URI', 'CONTENT-ID', 'CID']);
/** Properties whose values are bytes (or links to them), never kept in the model. */
export const BINARY_PROPERTIES = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);

/**
 * Parses `group.NAME;p1;p2=a,b;p3="x:y":` up to the first `:` outside quotes. Returns null when the
 * line has no such `:` (not a property) or no name.
 */
export function parseHeader(s: string): VcardHeader | null {
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 0x3b /* ; */ || c === 0x3a /* : */) break;
    i++;
  }
  if (i >= n) return null;
  const fullName = s.slice(0, i).trim();
  if (!fullName) return null;
  const dot = fullName.lastIndexOf('.');
  const group = dot > 0 ? fullName.slice(0, dot).toLowerCase() : null;
  const name = (dot >= 0 ? fullName.slice(dot + 1) : fullName).toUpperCase();
  if (!name) return null;
  const params: VcardParam[] = [];
  while (i < n && s.charCodeAt(i) === 0x3b) {
    i++;
    // One parameter, up to an unquoted `;` or `:`.
    const start = i;
    let inQuote = false;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === 0x22 /* " */) inQuote = !inQuote;
      else if (!inQuote && (c === 0x3b || c === 0x3a)) break;
      i++;
    }
    if (i >= n) return null; // no `:` outside quotes
    const p = parseParam(s.slice(start, i));
    if (p) params.push(p);
  }
  if (i >= n || s.charCodeAt(i) !== 0x3a) return null;
  return { group, name, params, valueStart: i + 1 };
}

function parseParam(raw: string): VcardParam | null {
  const text = raw.trim();
  if (!text) return null;
  const eq = indexOutsideQuotes(text, 0x3d /* = */);
  if (eq < 0) {
    const word = unquote(text);
    const upper = word.toUpperCase();
    if (ENCODING_WORDS.has(upper)) return { name: 'ENCODING', values: [upper] };
    if (VALUE_WORDS.has(upper)) return { name: 'VALUE', values: [word.toLowerCase()] };
    return { name: 'TYPE', values: splitList(word, true).map((v) => v.toLowerCase()) };
  }
  const name = text.slice(0, eq).trim().toUpperCase();
  // TYPE is always a list, quoted or not (RFC 6350 writes `TYPE="voice,home"`).
  const values = splitList(text.slice(eq + 1).trim(), name === 'TYPE');
  if (name === 'TYPE' || name === 'ENCODING' || name === 'VALUE') return { name, values: values.map((v) => (name === 'ENCODING' ? v.toUpperCase() : v.toLowerCase())) };
  return { name, values };
}

function indexOutsideQuotes(s: string, code: number): number {
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) q = !q;
    else if (!q && c === code) return i;
  }
  return -1;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s.replace(/"/g, '');
}

/** `a,b`, `"a",b` → [a, b]; `"a,b"` is one value unless `commasInQuotes`; empty items dropped. */
function splitList(s: string, commasInQuotes = false): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') {
      q = !q;
      continue;
    }
    if (ch === ',' && (!q || commasInQuotes)) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((v) => v.trim()).filter((v) => v !== '');
}

/** First value of a parameter, or undefined. */
export function paramValue(h: VcardHeader, name: string): string | undefined {
  for (const p of h.params) if (p.name === name && p.values.length > 0) return p.values[0];
  return undefined;
}

export function encodingOf(h: VcardHeader): 'qp' | 'b64' | null {
  for (const p of h.params) {
    if (p.name !== 'ENCODING') continue;
    for (const v of p.values) {
      if (v === 'QUOTED-PRINTABLE') return 'qp';
      if (v === 'BASE64' || v === 'B') return 'b64';
    }
  }
  return null;
}

export interface LexerEvents {
  property(p: VcardProperty): void;
  /** A non-blank line that is not a property (no `name:`). */
  junk(line: number, text: string): void;
}

export interface LexerOptions {
  /** Longest value kept (chars); longer ones are cut and flagged. */
  maxValue?: number;
}

const BEGIN_END = /^\s*(BEGIN|END)\s*:\s*VCARD\s*$/i;

interface Current {
  line: number;
  parts: string[];
  len: number;
  header: VcardHeader | null;
  mode: 'plain' | 'qp' | 'b64';
  skip: boolean;
  overflow: boolean;
  /** The last physical line ended with a QP soft break. */
  soft: boolean;
}

export class VcardLexer {
  private cur: Current | null = null;
  private readonly maxValue: number;

  constructor(
    private readonly events: LexerEvents,
    opts: LexerOptions = {},
  ) {
    this.maxValue = opts.maxValue ?? 1 << 20;
  }

  /** One physical line (line break already removed). */
  line(text: string, lineNo: number, overflow: boolean): void {
    const cur = this.cur;
    if (cur) {
      if (cur.soft) {
        if (BEGIN_END.test(text)) {
          // A QP value that "continues" into BEGIN/END is a producer bug: the card structure wins.
          this.finish();
        } else {
          this.append(cur, text, overflow, true);
          return;
        }
      } else if (text.length > 0 && (text.charCodeAt(0) === 0x20 || text.charCodeAt(0) === 0x09)) {
        this.append(cur, text.slice(1), overflow, false);
        return;
      } else if (cur.mode === 'b64') {
        if (text.trim() === '') {
          // The blank line that closes a vCard 2.1 base64 block belongs to it.
          this.finish();
          return;
        }
        if (isBase64Line(text)) {
          this.append(cur, text, overflow, false);
          return;
        }
        this.finish();
      } else {
        this.finish();
      }
    }
    if (text.trim() === '') return; // blank lines inside and between cards mean nothing
    this.start(text, lineNo, overflow);
  }

  end(): void {
    this.finish();
  }

  private start(text: string, lineNo: number, overflow: boolean): void {
    const cur: Current = { line: lineNo, parts: [], len: 0, header: null, mode: 'plain', skip: false, overflow: false, soft: false };
    this.cur = cur;
    this.append(cur, text, overflow, false);
  }

  private append(cur: Current, text: string, overflow: boolean, joiningSoft: boolean): void {
    if (joiningSoft) {
      // Drop the `=` (and blanks after it) that made the previous line a soft break.
      this.dropSoftBreak(cur);
    }
    if (overflow) cur.overflow = true;
    if (!cur.skip) {
      const room = this.maxValue - cur.len;
      if (text.length > room) {
        cur.overflow = true;
        text = text.slice(0, Math.max(0, room));
      }
      if (text) {
        cur.parts.push(text);
        cur.len += text.length;
      }
    }
    const hadHeader = cur.header !== null;
    if (!hadHeader) this.tryHeader(cur);
    cur.soft = cur.mode === 'qp' && this.endsSoft(cur, text, !hadHeader);
  }

  private tryHeader(cur: Current): void {
    const joined = cur.parts.join('');
    cur.parts = joined ? [joined] : [];
    const h = parseHeader(joined);
    if (!h) return;
    cur.header = h;
    const enc = encodingOf(h);
    cur.mode = enc ?? 'plain';
    if (BINARY_PROPERTIES.has(h.name)) {
      cur.skip = true;
      // Keep only the header: the bytes are never needed.
      cur.parts = [joined.slice(0, h.valueStart)];
      cur.len = h.valueStart;
    }
  }

  /** Whether the physical line just added ends with a QP soft break (`=` in the value, blanks after it allowed). */
  private endsSoft(cur: Current, text: string, headerLine: boolean): boolean {
    const t = text.trimEnd();
    if (!t.endsWith('=')) return false;
    // On the line that holds the header the `=` must be in the value (`X;ENCODING=QUOTED-PRINTABLE:` is empty).
    if (headerLine && cur.header && t.length - 1 < cur.header.valueStart) return false;
    return true;
  }

  private dropSoftBreak(cur: Current): void {
    const last = cur.parts.pop();
    if (last === undefined) return;
    const t = last.trimEnd();
    const cut = t.endsWith('=') ? t.slice(0, -1) : t;
    cur.len -= last.length - cut.length;
    cur.parts.push(cut);
  }

  private finish(): void {
    const cur = this.cur;
    if (!cur) return;
    this.cur = null;
    const text = cur.parts.join('');
    const h = cur.header ?? parseHeader(text);
    if (!h) {
      this.events.junk(cur.line, text);
      return;
    }
    this.events.property({
      ...h,
      value: cur.skip ? '' : text.slice(h.valueStart),
      line: cur.line,
      overflow: cur.overflow && !cur.skip,
      skipped: cur.skip,
    });
  }
}
