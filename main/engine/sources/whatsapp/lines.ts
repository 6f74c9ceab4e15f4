/**
 * Bytes → complete lines, for streams cut anywhere (1-byte chunks included).
 *
 * A line ends at LF, CRLF or a lone CR (iOS writes CRLF, Android LF, old editors CR). The splitter
 * hands out "regions": runs of whole lines, each region ending right after a line break, so a
 * region can be decoded as UTF-8 on its own (a break byte never occurs inside a multi-byte
 * character). A CRLF cut between two chunks is recognised (the LF is dropped). Memory stays
 * bounded: a "line" longer than MAX_LINE bytes keeps its first MAX_LINE bytes and the rest of it is
 * dropped (reported by the reader as too large).
 */

export const MAX_LINE = 8 * 1024 * 1024;

/**
 * Regions are handed out in pieces of about this many bytes (cut at line breaks): their decoded
 * strings then stay below V8's large-object size and die young, instead of piling up in the
 * large-object space until a full GC (which made the peak memory grow with the file).
 */
export const PIECE = 32 * 1024;

const LF = 0x0a;
const CR = 0x0d;

function firstBreak(buf: Buffer, from: number): number {
  const lf = buf.indexOf(LF, from);
  const cr = buf.indexOf(CR, from);
  if (lf < 0) return cr;
  if (cr < 0) return lf;
  return lf < cr ? lf : cr;
}

/** Cuts `buf` to at most `max` bytes without splitting a UTF-8 character. */
function cutUtf8(buf: Buffer, max: number): Buffer {
  if (buf.length <= max) return buf;
  let end = max;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end);
}

export class LineSplitter {
  private carry: Buffer | null = null;
  private pendingCR = false;
  private skipping = false;
  /** The last region whose first line was cut to MAX_LINE bytes (the reader reports it). */
  cutRegion: Buffer | null = null;

  /** Appends the complete regions found in `chunk` to `out`. */
  push(input: Buffer, out: Buffer[]): void {
    let chunk = input;
    if (chunk.length === 0) return;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (chunk[0] === LF) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return;
      }
    }
    const last = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
    if (last < 0) {
      this.keep(chunk);
      return;
    }
    let start = 0;
    if (this.carry !== null || this.skipping) {
      let first = firstBreak(chunk, 0);
      if (chunk[first] === CR && chunk[first + 1] === LF) first++;
      const head = this.skipping ? chunk.subarray(chunk[first] === LF && chunk[first - 1] === CR ? first - 1 : first, first + 1) : chunk.subarray(0, first + 1);
      const region = this.carry ? Buffer.concat([this.carry, head]) : Buffer.from(head);
      if (this.skipping) this.cutRegion = region;
      this.carry = null;
      this.skipping = false;
      out.push(region);
      start = first + 1;
    }
    if (start <= last) pieces(chunk, start, last + 1, out);
    this.pendingCR = chunk[last] === CR && last === chunk.length - 1;
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  private keep(part: Buffer): void {
    if (this.skipping) return;
    const total = (this.carry?.length ?? 0) + part.length;
    if (total > MAX_LINE) {
      const joined = this.carry ? Buffer.concat([this.carry, part]) : part;
      this.carry = Buffer.from(cutUtf8(joined, MAX_LINE));
      this.skipping = true;
      return;
    }
    // Copy: a view would keep the whole chunk alive.
    this.carry = this.carry ? Buffer.concat([this.carry, part]) : Buffer.from(part);
  }

  /** The last line when the input does not end with a line break, or null. */
  end(): Buffer | null {
    const c = this.carry;
    if (c !== null && this.skipping) this.cutRegion = c;
    this.carry = null;
    this.skipping = false;
    return c;
  }
}

/** Pushes `buf[start, end)` (which ends with a line break) in pieces of about PIECE bytes, each ending with a break. */
function pieces(buf: Buffer, start: number, end: number, out: Buffer[]): void {
  while (end - start > PIECE) {
    let cut = buf.lastIndexOf(LF, start + PIECE);
    if (cut < start) {
      cut = buf.lastIndexOf(CR, start + PIECE);
      if (cut >= start && buf[cut + 1] === LF) cut++;
    }
    if (cut < start) {
      // One line longer than a piece: up to its end.
      cut = firstBreak(buf, start + PIECE);
      if (cut < 0 || cut >= end) break;
      if (buf[cut] === CR && buf[cut + 1] === LF) cut++;
    }
    out.push(buf.subarray(start, cut + 1));
    start = cut + 1;
  }
  if (start < end) out.push(buf.subarray(start, end));
}

/**
 * Calls `cb(start, end)` for each line of a region (`end` excludes the break). A region that does
 * not end with a break (the last line of the input) still yields its last line.
 */
export function forEachLine(buf: Buffer, cb: (start: number, end: number) => void): void {
  const n = buf.length;
  let p = 0;
  if (buf.indexOf(CR) < 0) {
    while (p < n) {
      let e = buf.indexOf(LF, p);
      if (e < 0) e = n;
      cb(p, e);
      p = e + 1;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    if (b === LF || b === CR) {
      cb(p, i);
      if (b === CR && buf[i + 1] === LF) i++;
      p = i + 1;
    }
  }
  if (p < n) cb(p, n);
}

const BREAKS = /\r\n|\r|\n/;

/** The lines of a decoded region (same rules as forEachLine). */
export function splitLines(text: string): string[] {
  const lines = text.indexOf('\r') < 0 ? text.split('\n') : text.split(BREAKS);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
