/**
 * The uploader's local journal: append-only JSON Lines, each record fsync'ed before the next send, in a folder
 * the caller gives. It is a cache of what the server already has (room per chat, event per source id, mxc per
 * file hash) so a resume does not have to re-read rooms; it is never the only truth — the resume pages the
 * room back to find the last source id written (matrix.md §4). A torn last line (crash mid-write) is ignored.
 */
import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export type JournalRecord =
  | { t: 'room'; chat: string; room: string; at: number }
  | { t: 'sent'; chat: string; sid: string; event: string }
  | { t: 'media'; sha256: string; mxc: string }
  | { t: 'chat-done'; chat: string; parts: number; at: number };

export interface JournalState {
  rooms: Map<string, string>;
  /** chat → (source id → event id). */
  sent: Map<string, Map<string, string>>;
  media: Map<string, string>;
  done: Map<string, number>;
  /** Lines that could not be read (a torn last line after a crash). */
  skipped: number;
}

export class Journal {
  readonly file: string;
  readonly state: JournalState;
  private fd: number | null = null;

  constructor(dir: string, private readonly fsync = true) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, 'journal.jsonl');
    this.state = { rooms: new Map(), sent: new Map(), media: new Map(), done: new Map(), skipped: 0 };
    if (existsSync(this.file)) {
      const text = readFileSync(this.file, 'utf8');
      for (const line of text.split('\n')) {
        if (!line) continue;
        try {
          this.apply(JSON.parse(line) as JournalRecord);
        } catch {
          this.state.skipped++;
        }
      }
      // A torn last line must not glue itself to the next record.
      if (text.length && !text.endsWith('\n')) {
        this.open();
        writeSync(this.fd!, '\n');
      }
    }
  }

  private apply(r: JournalRecord): void {
    switch (r.t) {
      case 'room':
        this.state.rooms.set(r.chat, r.room);
        break;
      case 'sent': {
        let m = this.state.sent.get(r.chat);
        if (!m) this.state.sent.set(r.chat, (m = new Map()));
        m.set(r.sid, r.event);
        break;
      }
      case 'media':
        this.state.media.set(r.sha256, r.mxc);
        break;
      case 'chat-done':
        this.state.done.set(r.chat, r.parts);
        break;
      default:
        throw new Error('unknown record');
    }
  }

  private open(): void {
    if (this.fd === null) this.fd = openSync(this.file, 'a', 0o600);
  }

  append(r: JournalRecord): void {
    this.apply(r);
    this.open();
    writeSync(this.fd!, `${JSON.stringify(r)}\n`);
    if (this.fsync) fdatasyncSync(this.fd!);
  }

  /** Forgets a chat's sent records in memory (the room was lost or replaced); the file keeps its history. */
  forgetChat(chat: string): void {
    this.state.sent.delete(chat);
    this.state.done.delete(chat);
    this.state.rooms.delete(chat);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
