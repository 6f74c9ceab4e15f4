/**
 * Reads what the uploader sends: a cleaned model folder (main/engine/clean/clean.ts) or a convert output
 * (main/engine/pipeline/convert.ts) — chats.jsonl + messages.jsonl. Messages are spilled into one temp file per
 * chat in a single pass (memory bounded by the spill buffer, not by the export), then each chat's history is
 * read back and ordered chronologically (stable: ties keep the export order) when it is its turn.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { LineReader, yieldNow } from '../clean/line-reader.js';
import type { ChatLine, MessageLine } from '../clean/types.js';
import { shortHash } from './txn.js';

export class ModelError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null = null,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export interface ModelChat {
  chat: ChatLine;
  /** The folder the chat came from. */
  dir: string;
  /** Lines in its spill file. */
  count: number;
  spill: string;
}

export interface ModelProblem {
  file: string;
  line: number | null;
  code: 'bad-line' | 'unknown-chat' | 'duplicate-chat';
  message: string;
}

export interface LoadedModel {
  chats: ModelChat[];
  problems: ModelProblem[];
  /** Removes the spill files. */
  dispose(): void;
}

/** Checks that a folder is a model folder; the message names the folder and what is missing. */
export function assertModelDir(dir: string): void {
  for (const f of ['chats.jsonl', 'messages.jsonl']) {
    if (!existsSync(path.join(dir, f))) {
      throw new ModelError(`${dir}: not a Pereezd model folder (no ${f}); give the output folder of "pereezd clean" or "pereezd convert"`, path.join(dir, f));
    }
  }
}

/** Removes spill folders left by processes that no longer run (a killed upload leaves its own behind). */
function removeStaleSpills(workDir: string): void {
  for (const name of readdirSync(workDir)) {
    const m = /^spill-(\d+)-/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (err) {
        alive = (err as NodeJS.ErrnoException).code === 'EPERM';
      }
    }
    if (!alive) rmSync(path.join(workDir, name), { recursive: true, force: true });
  }
}

export async function loadModel(dirs: string[], workDir: string, signal: AbortSignal, onLines?: (n: number) => void): Promise<LoadedModel> {
  mkdirSync(workDir, { recursive: true });
  removeStaleSpills(workDir);
  const spillDir = mkdtempSync(path.join(workDir, `spill-${process.pid}-`));
  const problems: ModelProblem[] = [];
  const chats = new Map<string, ModelChat>();
  try {
    for (const dir of dirs) assertModelDir(dir);
    for (const dir of dirs) {
      const chatsFile = path.join(dir, 'chats.jsonl');
      const r = new LineReader(chatsFile);
      try {
        for (let l = r.next(); l !== null; l = r.next()) {
          if (!l.trim()) continue;
          let c: ChatLine;
          try {
            c = JSON.parse(l) as ChatLine;
            if (typeof c.id !== 'string' || typeof c.title !== 'string') throw new Error('no id/title');
          } catch {
            problems.push({ file: chatsFile, line: r.lineNo, code: 'bad-line', message: `${chatsFile}:${r.lineNo}: not a chat line; skipped` });
            continue;
          }
          if (chats.has(c.id)) {
            problems.push({ file: chatsFile, line: r.lineNo, code: 'duplicate-chat', message: `${chatsFile}:${r.lineNo}: chat ${c.id} is also in ${chats.get(c.id)!.dir}; the first is used` });
            continue;
          }
          chats.set(c.id, { chat: c, dir, count: 0, spill: path.join(spillDir, `${shortHash(c.id)}.jsonl`) });
        }
      } finally {
        r.close();
      }
    }
    const buffers = new Map<string, string[]>();
    let buffered = 0;
    const flush = () => {
      for (const [spill, lines] of buffers) appendFileSync(spill, lines.join(''));
      buffers.clear();
      buffered = 0;
    };
    let total = 0;
    for (const dir of dirs) {
      const file = path.join(dir, 'messages.jsonl');
      const r = new LineReader(file);
      try {
        for (let l = r.next(); l !== null; l = r.next()) {
          if (!l.trim()) continue;
          let chatId: unknown;
          try {
            const m = JSON.parse(l) as Partial<MessageLine>;
            chatId = m.chat;
            if (typeof m.id !== 'string' || typeof chatId !== 'string' || !Array.isArray(m.attachments)) throw new Error('shape');
          } catch {
            problems.push({ file, line: r.lineNo, code: 'bad-line', message: `${file}:${r.lineNo}: not a message line; skipped` });
            continue;
          }
          const c = chats.get(chatId);
          if (!c || c.dir !== dir) {
            if (!c) problems.push({ file, line: r.lineNo, code: 'unknown-chat', message: `${file}:${r.lineNo}: message of chat ${chatId}, which chats.jsonl does not list; skipped` });
            continue;
          }
          c.count++;
          let b = buffers.get(c.spill);
          if (!b) buffers.set(c.spill, (b = []));
          b.push(`${l}\n`);
          buffered += l.length;
          if (buffered > 8 << 20) flush();
          if (++total % 5000 === 0) {
            onLines?.(total);
            signal.throwIfAborted();
            await yieldNow();
          }
        }
      } finally {
        r.close();
      }
    }
    flush();
    onLines?.(total);
  } catch (err) {
    rmSync(spillDir, { recursive: true, force: true });
    throw err;
  }
  return { chats: [...chats.values()], problems, dispose: () => rmSync(spillDir, { recursive: true, force: true }) };
}

/** A chat's messages in chronological order (undated entries keep their place after the previous dated one). */
export function readChatMessages(c: ModelChat): MessageLine[] {
  if (c.count === 0) return [];
  const out: { m: MessageLine; t: number; i: number }[] = [];
  const r = new LineReader(c.spill);
  let last = -Infinity;
  try {
    for (let l = r.next(); l !== null; l = r.next()) {
      if (!l) continue;
      const m = JSON.parse(l) as MessageLine;
      const t = m.sentAt ? Date.parse(m.sentAt) : NaN;
      if (Number.isFinite(t)) last = t;
      out.push({ m, t: Number.isFinite(t) ? t : last, i: out.length });
    }
  } finally {
    r.close();
  }
  out.sort((a, b) => a.t - b.t || a.i - b.i);
  return out.map((x) => x.m);
}
