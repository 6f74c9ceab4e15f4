/**
 * Reads a UTF-8 text file line by line through a fixed buffer: memory is one buffer plus the
 * longest line, whatever the file size. Synchronous reads in 1 MiB blocks (far cheaper per line
 * than readline's async iteration); callers yield to the event loop every few thousand lines.
 * Lines are split at byte 0x0A, which never occurs inside a multi-byte UTF-8 sequence.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export class LineReader {
  private fd: number;
  private buf: Buffer;
  private lines: string[] = [];
  private at = 0;
  private carry = '';
  private eof = false;
  private decoder = new StringDecoder('utf8');
  /** 1-based number of the line last returned. */
  lineNo = 0;
  /** Bytes read from the file so far. */
  bytesRead = 0;

  constructor(readonly path: string, blockSize = 1 << 20) {
    this.fd = openSync(path, 'r');
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  /** The next line without its `\n` (and without a trailing `\r`), or null at the end. */
  next(): string | null {
    while (this.at >= this.lines.length) {
      if (this.eof) return null;
      this.fill();
    }
    this.lineNo++;
    const line = this.lines[this.at++]!;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }

  private fill(): void {
    const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
    this.lines = [];
    this.at = 0;
    if (n === 0) {
      this.eof = true;
      const rest = this.carry + this.decoder.end();
      this.carry = '';
      if (rest !== '') this.lines.push(rest);
      return;
    }
    this.bytesRead += n;
    const text = this.carry + this.decoder.write(this.buf.subarray(0, n));
    const parts = text.split('\n');
    this.carry = parts.pop()!;
    this.lines = parts;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Yields to the event loop (lets cancellation and other work in the host run). */
export const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
