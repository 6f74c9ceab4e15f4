/**
 * A tolerant RFC 4180 reader for streamed text: quoted fields may hold delimiters, `""` and line
 * breaks; a quote inside an unquoted field is an ordinary character; text after a closing quote
 * is kept. Records end at `\r\n`, `\n`, `\r` or `\r\r\n`, even when a chunk ends between `\r` and
 * `\n`. Line breaks inside quoted fields become `\n`. Each record says the line it starts on.
 */
import { breakLength } from '../text/lines.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
  /** A quoted field was still open at the end of the input. */
  unclosedQuote: boolean;
  /** A field or the field count went over the limits and was cut. */
  cut: boolean;
}

export interface CsvLimits {
  /** Longest field kept (chars). */
  maxField?: number;
  /** Most fields kept per record. */
  maxFields?: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

const enum S {
  Start,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

export class CsvTokenizer {
  private state = S.Start;
  private fields: string[] = [];
  private field = '';
  private quotedSeen = false;
  private recordLine = 1;
  private lineNo = 1;
  private carry = '';
  private cut = false;
  private readonly maxField: number;
  private readonly maxFields: number;
  private readonly delim: number;

  constructor(
    delimiter: string,
    private readonly onRecord: (r: CsvRecord) => void,
    limits: CsvLimits = {},
  ) {
    this.delim = delimiter.charCodeAt(0);
    this.maxField = limits.maxField ?? 1 << 20;
    this.maxFields = limits.maxFields ?? 10_000;
  }

  /** The line being read. */
  get line(): number {
    return this.lineNo;
  }

  push(text: string): void {
    this.scan(this.carry + text, false);
  }

  end(): void {
    const rest = this.carry;
    this.carry = '';
    if (rest) this.scan(rest, true);
    if (this.fields.length > 0 || this.field !== '' || this.quotedSeen) this.endRecord(this.state === S.Quoted);
  }

  private append(s: string): void {
    if (!s) return;
    const room = this.maxField - this.field.length;
    if (s.length > room) {
      this.cut = true;
      s = s.slice(0, Math.max(0, room));
    }
    this.field += s;
  }

  private endField(): void {
    if (this.fields.length < this.maxFields) this.fields.push(this.field);
    else this.cut = true;
    this.field = '';
    this.state = S.Start;
  }

  private endRecord(unclosedQuote = false): void {
    this.endField();
    const fields = this.fields;
    const blank = fields.length === 1 && fields[0] === '' && !this.quotedSeen;
    if (!blank) this.onRecord({ fields, line: this.recordLine, unclosedQuote, cut: this.cut });
    this.fields = [];
    this.quotedSeen = false;
    this.cut = false;
  }

  private scan(text: string, final: boolean): void {
    this.carry = '';
    const n = text.length;
    const d = this.delim;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case S.Start:
          if (this.fields.length === 0 && this.field === '' && !this.quotedSeen) this.recordLine = this.lineNo;
          if (c === QUOTE) {
            this.state = S.Quoted;
            this.quotedSeen = true;
            i++;
            continue;
          }
          this.state = S.Unquoted;
          continue; // re-read c as part of an unquoted field
        case S.Unquoted: {
          let j = i;
          let k = text.charCodeAt(j);
          while (j < n && k !== d && k !== CR && k !== LF) k = text.charCodeAt(++j);
          this.append(text.slice(i, j));
          if (j >= n) return;
          if (k === d) {
            this.endField();
            i = j + 1;
            continue;
          }
          const bl = breakLength(text, j, final);
          if (bl < 0) {
            this.carry = text.slice(j);
            return;
          }
          this.endRecord();
          this.lineNo++;
          i = j + bl;
          continue;
        }
        case S.Quoted: {
          let j = i;
          let k = text.charCodeAt(j);
          while (j < n && k !== QUOTE && k !== CR && k !== LF) k = text.charCodeAt(++j);
          this.append(text.slice(i, j));
          if (j >= n) return;
          if (k === QUOTE) {
            this.state = S.QuoteInQuoted;
            i = j + 1;
            continue;
          }
          const bl = breakLength(text, j, final);
          if (bl < 0) {
            this.carry = text.slice(j);
            return;
          }
          this.append('\n');
          this.lineNo++;
          i = j + bl;
          continue;
        }
        case S.QuoteInQuoted:
          if (c === QUOTE) {
            this.append('"');
            this.state = S.Quoted;
            i++;
          } else {
            // The quote closed the field; anything before the delimiter is kept as written.
            this.state = S.Unquoted;
          }
          continue;
      }
    }
  }
}

export type Delimiter = ',' | ';' | '\t';

/**
 * The delimiter of a header line: whichever of `,` `;` tab occurs most often outside quotes up to
 * the first line break outside quotes (ties: `,` then `;` then tab; none at all: `,`).
 */
export function sniffDelimiter(text: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') q = !q;
    else if (!q && (ch === '\n' || ch === '\r')) break;
    else if (!q && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  let best: Delimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

/** Excel's `sep=;` first line names the delimiter. */
export function sepLine(line: string): Delimiter | null {
  const m = /^\uFEFF?"?sep=(.)"?\s*$/i.exec(line);
  if (!m) return null;
  const d = m[1];
  return d === ',' || d === ';' || d === '\t' ? d : null;
}

/** All records of a complete text (detection heads, tests). */
export function parseCsv(text: string, delimiter: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  const t = new CsvTokenizer(delimiter, (r) => out.push(r));
  t.push(text);
  t.end();
  return out;
}
