/**
 * What the Upload step shows of the uploader's journal (matrix/journal.ts) while it grows: per chat key the room,
 * the events recorded as sent and whether it finished. Read incrementally (only the bytes appended since the last
 * look), so polling it during a long upload costs nothing; a torn last line is read again next time.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

export interface JournalView {
  rooms: Map<string, string>;
  sent: Map<string, number>;
  done: Set<string>;
}

export class JournalWatcher {
  private offset = 0;
  private readonly view: JournalView = { rooms: new Map(), sent: new Map(), done: new Set() };
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'journal.jsonl');
  }

  read(): JournalView {
    if (!existsSync(this.file)) return this.view;
    const size = statSync(this.file).size;
    if (size < this.offset) {
      // Replaced by a new file: start over.
      this.offset = 0;
      this.view.rooms.clear();
      this.view.sent.clear();
      this.view.done.clear();
    }
    if (size === this.offset) return this.view;
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 64 << 20));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      // Whole lines only (a line being written, or a multi-byte character cut by the chunk, waits for the next look).
      const end = buf.subarray(0, n).lastIndexOf(0x0a);
      if (end < 0) return this.view;
      this.offset += end + 1;
      const lines = buf.subarray(0, end).toString('utf8').split('\n');
      for (const line of lines) {
        if (!line) continue;
        try {
          const r = JSON.parse(line) as { t?: string; chat?: string; room?: string };
          if (typeof r.chat !== 'string') continue;
          if (r.t === 'room' && typeof r.room === 'string') this.view.rooms.set(r.chat, r.room);
          else if (r.t === 'sent') this.view.sent.set(r.chat, (this.view.sent.get(r.chat) ?? 0) + 1);
          else if (r.t === 'chat-done') this.view.done.add(r.chat);
        } catch {
          // a torn line from a crash: the uploader skips it too
        }
      }
    } finally {
      closeSync(fd);
    }
    return this.view;
  }
}
