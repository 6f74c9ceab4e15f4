/**
 * `convert`: every source into the normalised model as JSON Lines — contacts.jsonl, chats.jsonl,
 * messages.jsonl, problems.jsonl — plus the inventory counts. Text is Unicode NFC. Attachments that
 * are present in the export get their SHA-256: messages are first written with `sha256: null`,
 * the referenced files are hashed once each (streamed), then a second pass fills the hashes in.
 * That keeps memory bounded by the number of distinct attachments, not by the export.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Chat, Contact, InventoryResult, JobProgress, Message, Problem, SourceOptions } from '../../../shared/model/index.js';
import type { IProgress } from '../progress.js';
import { containerProblems, formatById, openSource } from '../sources/registry.js';
import type { Container, SourceSink } from '../sources/types.js';
import { createInventorySink, emptyCounts } from './inventory.js';
import { JsonlWriter } from './jsonl-writer.js';

export interface ConvertInput {
  paths: string[];
  outDir: string;
  /** Applied to every source (CLI `--date-order`, `--tz`). */
  options?: SourceOptions;
  asOf?: Date;
}

export interface ConvertResult extends InventoryResult {
  files: { contacts: string; chats: string; messages: string; problems: string };
  counts: { contacts: number; chats: number; messages: number; problems: number; hashed: number };
}

const nfc = (s: string | null | undefined) => (typeof s === 'string' ? s.normalize('NFC') : s);

function contactLine(c: Contact) {
  return {
    id: c.id,
    name: nfc(c.name),
    given: nfc(c.given) ?? null,
    family: nfc(c.family) ?? null,
    phones: c.phones.map((p) => ({ value: nfc(p.value), type: p.type ?? null })),
    emails: c.emails.map((e) => ({ value: nfc(e.value), type: e.type ?? null })),
    org: nfc(c.org) ?? null,
    note: nfc(c.note) ?? null,
    source: { file: c.source.file, line: c.source.line ?? null },
    ...(c.handles?.length ? { handles: c.handles.map((h) => ({ value: nfc(h.value), type: h.type ?? null })) } : {}),
    ...(c.sourceUserId ? { sourceUserId: c.sourceUserId } : {}),
    ...(c.self ? { self: true } : {}),
  };
}

function messageLine(m: Message) {
  return {
    chat: m.chat,
    id: m.id,
    kind: m.kind,
    sentAt: m.sentAt,
    sender: m.sender ? { name: nfc(m.sender.name) ?? null, id: m.sender.id } : null,
    text: nfc(m.text),
    ...(m.action ? { action: m.action } : {}),
    replyTo: m.replyTo ?? null,
    forwardedFrom: nfc(m.forwardedFrom) ?? null,
    editedAt: m.editedAt ?? null,
    attachments: m.attachments.map((a) => ({
      name: nfc(a.name),
      kind: a.kind,
      mime: a.mime ?? null,
      size: a.size ?? null,
      sha256: a.sha256 ?? null,
      missing: a.missing,
      ...(a.missingReason ? { missingReason: a.missingReason } : {}),
      ...(a.path && !a.missing ? { path: a.path } : {}),
    })),
    source: { file: m.source.file, line: m.source.line ?? null },
  };
}

async function sha256Of(container: Container, rel: string, signal: AbortSignal): Promise<string> {
  const h = createHash('sha256');
  await pipeline(container.open(rel, signal), h);
  return h.digest('hex');
}

export async function runConvert(input: ConvertInput, deps: { progress: IProgress<JobProgress> }, signal: AbortSignal): Promise<ConvertResult> {
  const asOf = input.asOf ?? new Date();
  mkdirSync(input.outDir, { recursive: true });
  const files = {
    contacts: path.join(input.outDir, 'contacts.jsonl'),
    chats: path.join(input.outDir, 'chats.jsonl'),
    messages: path.join(input.outDir, 'messages.jsonl'),
    problems: path.join(input.outDir, 'problems.jsonl'),
  };
  const contacts = new JsonlWriter(files.contacts);
  const chats = new JsonlWriter(files.chats);
  const firstPass = new JsonlWriter(path.join(input.outDir, '.messages.unhashed.jsonl'));
  const problems = new JsonlWriter(files.problems);
  const writers = [contacts, chats, firstPass, problems];
  /** Relative attachment path per source → hash, filled after parsing each source. */
  const hashes = new Map<string, string | Error>();
  let hashed = 0;
  const sources: InventoryResult['sources'] = [];
  const totals = emptyCounts();
  let ok = false;
  try {
    const opened = [];
    for (const p of input.paths) {
      signal.throwIfAborted();
      opened.push(await openSource(p));
    }
    const total = opened.reduce((n, o) => n + (o.container ? o.detected.size : 0), 0);
    let before = 0;
    for (const [index, o] of opened.entries()) {
      const { detected } = o;
      const inv = createInventorySink(detected.path, asOf);
      const chatInfo = new Map<string, Chat>();
      const toHash = new Set<string>();
      const writeProblem = (p: Problem) => {
        inv.sink.problem(p);
        problems.write({ file: p.file, line: p.line ?? null, offset: p.offset ?? null, code: p.code, severity: p.severity, message: p.message });
      };
      const sink: SourceSink = {
        contact(c) {
          inv.sink.contact(c);
          contacts.write(contactLine(c));
        },
        chat(c) {
          inv.sink.chat(c);
          chatInfo.set(c.id, c);
        },
        message(m) {
          inv.sink.message(m);
          for (const a of m.attachments) if (!a.missing && a.path) toHash.add(a.path);
          firstPass.write({ src: index, ...messageLine(m) });
        },
        problem: writeProblem,
        owner(name) {
          inv.sink.owner?.(name);
        },
      };
      if (o.container) for (const p of containerProblems(o.container)) writeProblem(p);
      if (o.container && o.detection) {
        const format = formatById(o.detection.format);
        if (!format) throw new Error(`no parser for ${o.detection.format}`);
        try {
          await format.parse(o.container, o.detection, sink, {
            options: input.options ?? {},
            progress: (read) => deps.progress.report({ done: before + read, total, unit: 'bytes', current: detected.path, counters: inv.liveCounts() }),
          }, signal);
          for (const rel of toHash) {
            signal.throwIfAborted();
            try {
              hashes.set(`${index}\0${rel}`, await sha256Of(o.container, rel, signal));
              hashed++;
            } catch (err) {
              signal.throwIfAborted();
              hashes.set(`${index}\0${rel}`, err as Error);
              writeProblem({ file: o.container.display(rel), code: 'unreadable', severity: 'error', message: `${o.container.display(rel)}: could not be read to compute its checksum (${(err as Error).message})`, params: { reason: (err as Error).message } });
            }
          }
        } finally {
          await o.container.close();
        }
        before += detected.size;
      } else if (detected.problem) {
        writeProblem(detected.problem);
      }
      const s = inv.summary();
      for (const c of s.chatList) {
        const info = chatInfo.get(c.id);
        chats.write({
          id: c.id,
          title: nfc(c.title),
          type: c.type,
          members: c.members,
          messages: c.messages,
          events: c.events,
          firstAt: c.firstAt,
          lastAt: c.lastAt,
          source: { file: info?.source.file ?? detected.path, line: info?.source.line ?? null },
        });
      }
      sources.push({
        path: detected.path, format: detected.format, ...s.counts, problems: s.problems, bytes: detected.size, chatList: s.chatList,
        ...(detected.variant ? { variant: detected.variant } : {}), ...(s.owner ? { owner: s.owner } : {}),
      });
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += s.counts[k];
    }
    firstPass.close();
    // Second pass: fill in the hashes, drop the internal source index.
    const messages = new JsonlWriter(files.messages);
    writers.push(messages);
    const rl = createInterface({ input: createReadStream(firstPass.path, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of rl) {
      if (!line) continue;
      const { src, ...m } = JSON.parse(line) as ReturnType<typeof messageLine> & { src: number };
      for (const a of m.attachments) {
        if (a.missing || !('path' in a) || typeof a.path !== 'string') continue;
        const h = hashes.get(`${src}\0${a.path}`);
        if (typeof h === 'string') a.sha256 = h;
      }
      messages.write(m);
    }
    rmSync(firstPass.path, { force: true });
    contacts.close();
    chats.close();
    problems.close();
    messages.close();
    ok = true;
    return {
      sources,
      totals,
      asOf: asOf.toISOString(),
      files,
      counts: { contacts: contacts.lines, chats: chats.lines, messages: messages.lines, problems: problems.lines, hashed },
    };
  } finally {
    if (!ok) {
      for (const w of writers) {
        try {
          w.abandon();
        } catch {
          // already closed
        }
        rmSync(w.partialPath, { force: true });
      }
      rmSync(path.join(input.outDir, '.messages.unhashed.jsonl'), { force: true });
    }
  }
}
