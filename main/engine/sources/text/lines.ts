/**
 * Splits streamed text into lines. One line break is any of `\r\r\n` (seen in a real iOS vCard),
 * `\r\n`, `\n` or a lone `\r` (old Mac files); a break split across chunks is still one break.
 * Lines are numbered from 1. A line longer than `maxLine` chars keeps its first `maxLine` chars and
 * is flagged `overflow` (memory stays bounded however long a line is).
 */

export type LineHandler = (line: string, lineNo: number, overflow: boolean) => void;

const CR = 0x0d;
const LF = 0x0a;

/**
 * Length of the line break starting at `i` (a `\r` or `\n`), or -1 when the text ends before the
 * break can be told apart (`\r` or `\r\r` at the very end of a chunk that is not the last).
 */
export function breakLength(text: string, i: number, final: boolean): number {
  const c = text.charCodeAt(i);
  if (c === LF) return 1;
  // c === CR
  if (i + 1 >= text.length) return final ? 1 : -1;
  const d = text.charCodeAt(i + 1);
  if (d === LF) return 2;
  if (d !== CR) return 1;
  if (i + 2 >= text.length) return final ? 1 : -1;
  return text.charCodeAt(i + 2) === LF ? 3 : 1;
}

export class LineSplitter {
  private parts: string[] = [];
  private len = 0;
  private overflow = false;
  /** Unresolved `\r` / `\r\r` from the end of the previous chunk. */
  private carry = '';
  private lineNo = 1;

  constructor(
    private readonly onLine: LineHandler,
    private readonly maxLine = 1 << 20,
  ) {}

  /** The number the next line will get. */
  get currentLine(): number {
    return this.lineNo;
  }

  push(text: string): void {
    this.scan(this.carry + text, false);
  }

  end(): void {
    const rest = this.carry;
    this.carry = '';
    if (rest) this.scan(rest, true);
    if (this.len > 0 || this.overflow) this.emit();
  }

  private scan(text: string, final: boolean): void {
    this.carry = '';
    let start = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== CR && c !== LF) {
        i++;
        continue;
      }
      const bl = breakLength(text, i, final);
      if (bl < 0) {
        this.append(text, start, i);
        this.carry = text.slice(i);
        return;
      }
      this.append(text, start, i);
      this.emit();
      i += bl;
      start = i;
    }
    this.append(text, start, n);
  }

  private append(text: string, from: number, to: number): void {
    if (to <= from) return;
    const room = this.maxLine - this.len;
    if (room <= 0) {
      this.overflow = true;
      return;
    }
    if (to - from > room) {
      to = from + room;
      this.overflow = true;
    }
    this.parts.push(text.slice(from, to));
    this.len += to - from;
  }

  private emit(): void {
    const line = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    const overflow = this.overflow;
    this.parts = [];
    this.len = 0;
    this.overflow = false;
    this.onLine(line, this.lineNo++, overflow);
  }
}
