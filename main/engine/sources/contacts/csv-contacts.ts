/**
 * Streams one contacts CSV into contacts: bytes → text (encoding detection, text/encoding.ts) →
 * header (delimiter sniffed on it, layout from csv-schema.ts) → records (csv-reader.ts) → Contact.
 * One record is in memory at a time.
 */
import path from 'node:path';
import type { Contact, TypedValue } from '../../../../shared/model/index.js';
import { AdaptiveDecoder } from '../text/encoding.js';
import { breakLength } from '../text/lines.js';
import { pumpEntry } from '../pump.js';
import type { Container, SourceSink } from '../types.js';
import { clean, displayName, NO_NAME, pushTyped } from './contact-build.js';
import { type CsvRecord, CsvTokenizer, type Delimiter, parseCsv, sepLine, sniffDelimiter } from './csv-reader.js';
import { detectSchema, type Role, type SchemaMatch } from './csv-schema.js';
import { ProblemLog } from './problems.js';

/** Cells that exports write for "nothing": Outlook's empty date and false booleans (ru/en). */
const PLACEHOLDERS = new Set(['0.0.00', '0/0/00', 'ложь', 'false']);
/**
 * Values layouts write into every row whatever the contact (Outlook's Gender/Priority/Sensitivity
 * and e-mail type, ru/en): a row holding only these and placeholders is an empty row.
 */
const FILLERS = new Set(['normal', 'unspecified', 'smtp', 'ex', 'не определен', 'не определён', 'обычная', 'обычный', 'обычное']);
/** Several values in one Google cell. */
const MULTI = ' ::: ';
/** A number Excel wrote in scientific notation: the digits past its precision are gone. */
const EXPONENT = /^[+-]?\d+(?:[.,]\d+)?e\+?\d+$/i;
const MAX_HEADER = 1 << 20;

export function cleanCell(raw: string | undefined): string {
  if (raw === undefined) return '';
  const t = raw.normalize('NFC').trim();
  return PLACEHOLDERS.has(t.toLowerCase()) ? '' : t;
}

/** A cell that says nothing about the contact: empty, a placeholder, a filler, or only Google system labels (`* myContacts`). */
export function isFiller(raw: string | undefined): boolean {
  const v = cleanCell(raw);
  if (v === '' || FILLERS.has(v.toLowerCase())) return true;
  return splitMulti(v).every((x) => x.startsWith('* '));
}

/** `a ::: b` → [a, b]; empty parts dropped. */
export function splitMulti(s: string): string[] {
  if (!s) return [];
  return s
    .split(MULTI)
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** Google marks its own labels with `* ` (`* myContacts`, `* Work`). */
export function stripLabel(s: string): string {
  return s.replace(/^\*\s+/, '').trim();
}

export interface CsvFileOptions {
  file: string;
  basename: string;
  sink: SourceSink;
}

export interface CsvHeaderInfo {
  delimiter: Delimiter;
  header: string[];
  line: number;
  match: SchemaMatch;
}

interface Group {
  label?: string;
  value?: string;
}

/** The reader for one file: feed decoded text with `push`, then call `end`. */
export class CsvContactsReader {
  private readonly problems: ProblemLog;
  private pre = '';
  private preScan = 0;
  private preQuote = false;
  private tokenizer: CsvTokenizer | null = null;
  private skipFirst = false;
  private headerInfo: CsvHeaderInfo | null = null;
  private contacts = 0;
  /** First line with non-ASCII text, and with U+FFFD (for the encoding problems). */
  private firstNonAscii = 0;
  private firstReplacement = 0;

  constructor(private readonly opts: CsvFileOptions) {
    this.problems = new ProblemLog(opts.sink, opts.file);
  }

  get count(): number {
    return this.contacts;
  }

  get header(): CsvHeaderInfo | null {
    return this.headerInfo;
  }

  get line(): number {
    return this.tokenizer?.line ?? 1;
  }

  push(text: string): void {
    if (this.tokenizer) return this.tokenizer.push(text);
    this.pre += text;
    if (this.headerComplete() || this.pre.length > MAX_HEADER) this.start();
  }

  unreadable(reason: string, offset: number): void {
    this.problems.add({
      code: 'unreadable',
      severity: 'error',
      line: this.line,
      message: `reading stopped at byte ${offset} (${reason}); the rows before that point were read`,
      params: { reason, offset },
    });
  }

  /** Ends the input; `decoder` says how the bytes were decoded (for the encoding problems). */
  end(decoder?: { encoding: string | null; reason: string | null; invalid: number }): void {
    if (!this.tokenizer) this.start();
    this.tokenizer!.end();
    if (!this.headerInfo) {
      this.problems.add({ code: 'syntax', severity: 'error', line: 1, message: 'the file is empty: no header row and no contacts' });
    }
    if (decoder && decoder.reason === 'guess' && this.firstNonAscii > 0) {
      this.problems.add({
        code: 'encoding',
        severity: 'info',
        line: this.firstNonAscii,
        message: `the file has no byte-order mark and is not UTF-8; it was read as ${decoder.encoding} (guessed from the letters)`,
        params: { encoding: decoder.encoding ?? '' },
      });
    }
    if (decoder && decoder.invalid > 0) {
      const line = this.firstReplacement || this.firstNonAscii || 1;
      this.problems.add({
        code: 'encoding',
        severity: 'warning',
        line,
        message: `${decoder.invalid} byte sequence(s) are not valid ${decoder.encoding}; they were replaced by U+FFFD (first at line ${line})`,
        params: { count: decoder.invalid, encoding: decoder.encoding ?? '' },
      });
    }
    this.problems.finish();
  }

  /** Whether `pre` holds a whole first line (a line break outside quotes). */
  private headerComplete(): boolean {
    const s = this.pre;
    for (let i = this.preScan; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) this.preQuote = !this.preQuote;
      else if (!this.preQuote && (c === 0x0a || c === 0x0d)) {
        if (breakLength(s, i, false) < 0) {
          this.preScan = i;
          return false;
        }
        return true;
      }
    }
    this.preScan = s.length;
    return false;
  }

  private start(): void {
    const pre = this.pre;
    this.pre = '';
    const firstLine = pre.split(/\r|\n/, 1)[0] ?? '';
    const sep = sepLine(firstLine);
    this.skipFirst = sep !== null;
    const delimiter = sep ?? sniffDelimiter(pre);
    this.tokenizer = new CsvTokenizer(delimiter, (r) => this.record(r, delimiter));
    this.tokenizer.push(pre);
  }

  private record(r: CsvRecord, delimiter: Delimiter): void {
    if (this.skipFirst) {
      this.skipFirst = false;
      return;
    }
    this.noteText(r);
    if (r.unclosedQuote) {
      this.problems.add({
        code: 'truncated',
        severity: 'error',
        line: r.line,
        message: 'a quoted field that starts on this row is never closed: the rest of the file was read as part of it',
      });
    }
    if (r.cut) {
      this.problems.add({ code: 'too-large', severity: 'warning', line: r.line, message: 'this row is too long (a field over 1 MiB or over 10 000 fields); it was cut' });
    }
    if (!this.headerInfo) {
      const match = detectSchema(r.fields);
      this.headerInfo = { delimiter, header: r.fields, line: r.line, match };
      if (match.schema === 'unknown') {
        this.problems.add({
          code: 'needs-answer',
          severity: 'warning',
          line: r.line,
          message: `the columns are not a known contacts layout (Google, Outlook); ${match.useful} column(s) that look like names, phones or e-mails were used: the column mapping needs checking`,
          params: { columns: r.fields.length, mapped: match.useful },
        });
      }
      return;
    }
    try {
      this.row(r, this.headerInfo);
    } catch (err) {
      this.problems.add({ code: 'internal', severity: 'error', line: r.line, message: `this row could not be read (${(err as Error).message})` });
      this.contacts++;
      this.opts.sink.contact({ id: this.idOf(r.line), name: NO_NAME, phones: [], emails: [], source: { file: this.opts.file, line: r.line } });
    }
  }

  private noteText(r: CsvRecord): void {
    if (this.firstNonAscii && this.firstReplacement) return;
    for (const f of r.fields) {
      if (!this.firstNonAscii && hasNonAscii(f)) this.firstNonAscii = r.line;
      if (!this.firstReplacement && f.includes('\uFFFD')) this.firstReplacement = r.line;
    }
  }

  private idOf(line: number): string {
    return `csv:${this.opts.basename}:${line}`;
  }

  private row(r: CsvRecord, h: CsvHeaderInfo): void {
    const { fields, line } = r;
    const width = h.header.length;
    if (fields.length > width) {
      const extra = fields.slice(width).filter((f) => f.trim() !== '').length;
      if (extra > 0) {
        this.problems.add({
          code: 'bad-value',
          severity: 'warning',
          line,
          message: `this row has ${fields.length - width} more field(s) than the header (${width}); ${extra} value(s) past the last column were not read`,
          params: { fields: fields.length, columns: width },
        });
      }
    }
    // An empty row (`,,,,`, or only the values a layout writes into every row) is not a contact.
    if (fields.every(isFiller)) return;

    const parts: { full?: string; given?: string; middle?: string; family?: string; nickname?: string; fileAs?: string } = {};
    const orgs: string[] = [];
    const depts: string[] = [];
    const notes: string[] = [];
    const phones: TypedValue[] = [];
    const emails: TypedValue[] = [];
    const handles: TypedValue[] = [];
    const phoneGroups = new Map<number, Group>();
    const emailGroups = new Map<number, Group>();
    const imGroups = new Map<number, Group>();
    const groupOf = (m: Map<number, Group>, n: number) => {
      let g = m.get(n);
      if (!g) m.set(n, (g = {}));
      return g;
    };
    const roles = h.match.roles;

    for (let i = 0; i < Math.min(width, fields.length); i++) {
      const role: Role | null | undefined = roles[i];
      if (!role || role.kind === 'known') continue;
      const v = cleanCell(fields[i]);
      if (!v) continue;
      switch (role.kind) {
        case 'full':
        case 'given':
        case 'middle':
        case 'family':
        case 'nickname':
          parts[role.kind] ??= v;
          break;
        case 'file-as':
          parts.fileAs ??= v;
          break;
        case 'org':
          orgs.push(v);
          break;
        case 'dept':
          depts.push(v);
          break;
        case 'note':
          notes.push(v);
          break;
        case 'phone':
          for (const p of splitMulti(v)) this.addPhone(phones, p, role.type, line, h.header[i] ?? '');
          break;
        case 'email':
          for (const e of splitMulti(v)) pushTyped(emails, e, role.type);
          break;
        case 'handle':
          for (const x of splitMulti(v)) pushTyped(handles, x, role.type);
          break;
        case 'phone-label':
          groupOf(phoneGroups, role.group).label = v;
          break;
        case 'phone-value':
          groupOf(phoneGroups, role.group).value = v;
          break;
        case 'email-label':
          groupOf(emailGroups, role.group).label = v;
          break;
        case 'email-value':
          groupOf(emailGroups, role.group).value = v;
          break;
        case 'im-label':
          groupOf(imGroups, role.group).label = v;
          break;
        case 'im-value':
          groupOf(imGroups, role.group).value = v;
          break;
      }
    }
    const byNumber = (m: Map<number, Group>) => [...m.entries()].sort(([a], [b]) => a - b);
    for (const [n, g] of byNumber(phoneGroups)) {
      zipLabels(g, (value, label) => this.addPhone(phones, value, label, line, `Phone ${n} - Value`));
    }
    for (const [, g] of byNumber(emailGroups)) zipLabels(g, (value, label) => pushTyped(emails, value, label));
    for (const [, g] of byNumber(imGroups)) zipLabels(g, (value, label) => pushTyped(handles, value, label?.toLowerCase()));

    const org = [orgs[0], depts[0]].filter((x): x is string => x !== undefined).join(', ') || undefined;
    const given = clean(parts.given);
    const family = clean(parts.family);
    let name = displayName({ full: parts.full, given, middle: parts.middle, family, nickname: parts.nickname ?? parts.fileAs, org }, phones, emails);
    if (name === null) {
      name = NO_NAME;
      this.problems.add({
        code: 'bad-value',
        severity: 'warning',
        line,
        message: 'this row has no name, organisation, phone or e-mail in the columns that were read; it was kept as "(no name)"',
      });
    }
    const contact: Contact = { id: this.idOf(line), name, phones, emails, source: { file: this.opts.file, line } };
    if (given) contact.given = given;
    if (family) contact.family = family;
    if (handles.length > 0) contact.handles = handles;
    if (org) contact.org = org;
    if (notes.length > 0) contact.note = notes.join('\n');
    this.contacts++;
    this.opts.sink.contact(contact);
  }

  private addPhone(list: TypedValue[], raw: string, type: string | undefined, line: number, column: string): void {
    // Excel's text marker: `'+7 916…` was typed so that Excel keeps it as text.
    const value = raw.replace(/^'+/, '').trim();
    if (!value) return;
    if (EXPONENT.test(value)) {
      this.problems.add({
        code: 'bad-value',
        severity: 'warning',
        line,
        message: `a phone in column "${column}" was turned into a number by Excel (scientific notation); the digits past its precision are lost, so it was kept as written and must be checked`,
        params: { column },
      });
    }
    pushTyped(list, value, type);
  }
}

/** Values of a numbered group with their labels: one label per value when the counts match, else the first label for all. */
function zipLabels(g: Group, add: (value: string, label: string | undefined) => void): void {
  const values = splitMulti(g.value ?? '');
  const labels = splitMulti(g.label ?? '').map(stripLabel).filter((x) => x !== '');
  values.forEach((v, i) => add(v, labels.length === values.length ? labels[i] : labels[0]));
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** Reads one CSV entry of a container into the sink. Throws only on cancellation. */
export async function readCsvEntry(
  container: Container,
  entry: string,
  sink: SourceSink,
  progress: (bytesRead: number) => void,
  signal: AbortSignal,
): Promise<{ contacts: number; bytes: number }> {
  const decoder = new AdaptiveDecoder();
  const reader = new CsvContactsReader({ file: container.display(entry), basename: path.posix.basename(entry.replace(/\\/g, '/')), sink });
  const result = await pumpEntry(container, entry, signal, (chunk) => reader.push(decoder.push(chunk)), progress);
  reader.push(decoder.end());
  if (result.error) reader.unreadable(result.error.reason, result.error.offset);
  reader.end({ encoding: decoder.encoding, reason: decoder.reason, invalid: decoder.invalid });
  return { contacts: reader.count, bytes: result.bytes };
}

/** The header of the head of a CSV file (detection): delimiter sniffed, layout matched. */
export function readHeader(text: string): CsvHeaderInfo | null {
  const sep = sepLine(text.split(/\r|\n/, 1)[0] ?? '');
  const delimiter = sep ?? sniffDelimiter(text);
  const records = parseCsv(text, delimiter);
  const first = records[sep ? 1 : 0];
  if (!first) return null;
  return { delimiter, header: first.fields, line: first.line, match: detectSchema(first.fields) };
}
