/**
 * A streaming CSV reader (RFC 4180: `,` separated, `"` quoted, `""` an escaped quote, quoted fields
 * may span lines; CRLF, LF or CR line ends; a UTF-8 byte order mark is dropped). Fed text chunks
 * of any size; hands over each record with the 1-based line it starts on. Lenient like
 * spreadsheet programs: a quote inside an unquoted field is kept as text, text after a closing
 * quote is appended to the field. Never throws.
 */
export class CsvReader {
  private field = '';
  private fields: string[] = [];
  /** 0: at field start, 1: unquoted, 2: quoted, 3: quote seen inside quoted. */
  private state = 0;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private pendingCr = false;
  private any = false;
  /** The quoted text read so far ends with CR (its LF may come in the next chunk). */
  private quotedCr = false;

  constructor(private readonly onRecord: (fields: string[], line: number) => void) {}

  /** Current 1-based line. */
  get currentLine(): number {
    return this.line;
  }

  push(text: string): void {
    let s = text;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    let i = 0;
    const n = s.length;
    if (this.pendingCr && n > 0) {
      this.pendingCr = false;
      if (s[0] === '\n') i = 1; // the LF of a CRLF split across chunks
    }
    while (i < n) {
      const c = s[i]!;
      switch (this.state) {
        case 2: {
          const q = s.indexOf('"', i);
          const end = q === -1 ? n : q;
          const chunk = s.slice(i, end);
          this.countLines(chunk);
          this.field += chunk;
          i = end;
          if (q !== -1) {
            this.state = 3;
            i++;
          }
          continue;
        }
        case 3:
          if (c === '"') {
            this.field += '"';
            this.state = 2;
            i++;
            continue;
          }
          this.state = 1; // closing quote: anything but a separator continues the field as text
          continue;
        case 0:
          if (c === '"') {
            this.state = 2;
            this.any = true;
            i++;
            continue;
          }
          this.state = 1;
          continue;
        default:
          if (c === ',') {
            this.fields.push(this.field);
            this.field = '';
            this.state = 0;
            this.any = true;
            i++;
            continue;
          }
          if (c === '\n' || c === '\r') {
            this.endRecord();
            this.line++;
            if (c === '\r') {
              if (i + 1 < n) {
                if (s[i + 1] === '\n') i++;
              } else this.pendingCr = true;
            }
            this.recordLine = this.line;
            i++;
            continue;
          }
          this.field += c;
          this.any = true;
          i++;
      }
    }
  }

  /** Line ends inside a quoted field: CR, LF or CRLF (also split across chunks) count once. */
  private countLines(chunk: string): void {
    for (let k = 0; k < chunk.length; k++) {
      const c = chunk.charCodeAt(k);
      if (c === 0x0d) this.line++;
      else if (c === 0x0a && !(k === 0 ? this.quotedCr : chunk.charCodeAt(k - 1) === 0x0d)) this.line++;
    }
    if (chunk.length > 0) this.quotedCr = chunk.charCodeAt(chunk.length - 1) === 0x0d;
  }

  private endRecord(): void {
    if (!this.any && this.fields.length === 0 && this.field === '') {
      this.state = 0;
      return; // a blank line
    }
    this.fields.push(this.field);
    const rec = this.fields;
    this.fields = [];
    this.field = '';
    this.state = 0;
    this.any = false;
    this.onRecord(rec, this.recordLine);
  }

  /** After the last chunk. Returns the line of a quoted field left open (the record is dropped), or null. */
  end(): number | null {
    if (this.state === 2) {
      const line = this.recordLine;
      this.fields = [];
      this.field = '';
      this.state = 0;
      this.any = false;
      return line;
    }
    if (this.any || this.fields.length > 0 || this.field !== '') this.endRecord();
    return null;
  }
}
