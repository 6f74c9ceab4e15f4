/**
 * A JSON Lines file written synchronously through a 1 MiB buffer: parsers deliver items through a
 * synchronous sink, so the writer must never queue unboundedly behind an async stream. Files are
 * written as `<name>.partial` and renamed when complete, so a crash never leaves a file that looks
 * finished.
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';

const FLUSH_AT = 1 << 20;

export class JsonlWriter {
  private fd: number;
  private buf: string[] = [];
  private size = 0;
  lines = 0;
  readonly partialPath: string;

  constructor(readonly path: string) {
    this.partialPath = `${path}.partial`;
    this.fd = openSync(this.partialPath, 'w', 0o600);
  }

  write(value: unknown): void {
    const line = JSON.stringify(value) + '\n';
    this.buf.push(line);
    this.size += line.length;
    this.lines++;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }

  /** Flush, fsync and move into place. */
  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.partialPath, this.path);
  }

  /** Close without publishing (the `.partial` file stays for inspection or is removed by the caller). */
  abandon(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}
