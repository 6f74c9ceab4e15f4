/**
 * The whole-file pass made at detection: every header line's dialect and date, streamed (only the
 * first bytes of each line are decoded), to decide which header shapes are real message headers
 * and in which day/month order each is written. See dates.ts for the inference itself.
 */
import type { DateOrder, SourceQuestion } from '../../../../shared/model/index.js';
import type { Container } from '../types.js';
import { cleanInline } from './chars.js';
import { DialectStats, ORDERS, orderIndex } from './dates.js';
import { HeaderTemplate, newHeader, scanHeader, weakEnd } from './header.js';
import { forEachLine, LineSplitter } from './lines.js';

/** Bytes of a line decoded to look for a header (the longest real header, Arabic with marks, is ~70). */
const PREFIX_BYTES = 120;

export interface ScanResult {
  /** Dialects accepted as message headers, most frequent first. */
  dialects: DialectStats[];
  /** Header-looking lines of other shapes: they are read as message text. */
  rejected: { count: number; firstLine: number; sig: number };
  lines: number;
}

/** Which dialects are real: the most frequent one, and others that are not rare (continuation lines can look like dates). */
function accept(all: DialectStats[]): { dialects: DialectStats[]; rejected: ScanResult['rejected'] } {
  const sorted = [...all].sort((a, b) => b.count - a.count || a.firstLine - b.firstLine);
  const total = sorted.reduce((n, d) => n + d.count, 0);
  const dialects: DialectStats[] = [];
  const rejected = { count: 0, firstLine: 0, sig: 0 };
  sorted.forEach((d, i) => {
    const share = d.count / total;
    const ok = i === 0 || (d.count >= 3 && share >= (weakEnd(d.sig) ? 0.05 : 0.01));
    if (ok) dialects.push(d);
    else {
      rejected.count += d.count;
      if (rejected.firstLine === 0 || d.firstLine < rejected.firstLine) {
        rejected.firstLine = d.firstLine;
        rejected.sig = d.sig;
      }
    }
  });
  return { dialects, rejected };
}

/** Streams an entry and gathers the dialect statistics. Throws only when `signal` aborts. */
export async function scanEntry(container: Container, entry: string, signal?: AbortSignal): Promise<ScanResult> {
  const stats = new Map<number, DialectStats>();
  const h = newHeader();
  let lineNo = 0;
  let lastSig = -1;
  let last: DialectStats | null = null;
  let text = '';
  const raw = () => cleanInline(text.slice(h.dateStart, h.dateEnd));
  const template = new HeaderTemplate();
  const count = () => {
    if (h.sig !== lastSig) {
      lastSig = h.sig;
      last = stats.get(h.sig) ?? null;
      if (!last) stats.set(h.sig, (last = new DialectStats(h.sig)));
    }
    last!.add(h, lineNo, raw);
  };
  /** One line `[s, e)` of a region (`latin1` is the region decoded as latin1). */
  const line = (buf: Buffer, latin1: string, s: number, e: number) => {
    lineNo++;
    if (e === s) return;
    const b = buf[s]!;
    if (!((b >= 0x30 && b <= 0x39) || b === 0x5b || b >= 0x80)) return;
    text = latin1;
    if (template.match(latin1, s, h)) {
      count();
      return;
    }
    const limit = e - s > PREFIX_BYTES ? s + PREFIX_BYTES : e;
    // Latin1 reads exactly like UTF-8 while every byte the scanner looked at is ASCII. With a
    // `] ` or ` - ` end that is the header itself. A weak end (`: `, a bare space) is what a
    // marker or separator in other bytes turns into in latin1 (`11:17 ДП - `, `P‎M`, `-\u00a0`):
    // then the whole start of the line must be ASCII. Anything else is re-read as UTF-8.
    let latinOk = scanHeader(latin1, h, s);
    if (latinOk) {
      const upTo = weakEnd(h.sig) ? limit : h.bodyStart;
      for (let k = s; k < upTo; k++) {
        if (buf[k]! >= 0x80) {
          latinOk = false;
          break;
        }
      }
    }
    if (!latinOk) {
      let ascii = true;
      for (let k = s; k < limit; k++) {
        if (buf[k]! >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return;
      text = buf.toString('utf8', s, limit);
      // The reader drops U+FEFF everywhere (BOMs of re-saved files), so does this.
      if (text.indexOf('\uFEFF') >= 0) text = text.replaceAll('\uFEFF', '');
      if (!scanHeader(text, h)) return;
    } else template.learn(latin1, s, h);
    count();
  };
  const visit = (buf: Buffer) => {
    // One latin1 decode per region (each byte one char: fast); headers are ASCII in most exports.
    // A line whose header holds other bytes (no-break spaces, direction marks, Arabic digits) is
    // decoded again as UTF-8, that line's start only.
    const latin1 = buf.toString('latin1');
    if (latin1.indexOf('\r') >= 0) {
      forEachLine(buf, (s, e) => line(buf, latin1, s, e));
      return;
    }
    const n = latin1.length;
    let p = 0;
    while (p < n) {
      let e = latin1.indexOf('\n', p);
      if (e < 0) e = n;
      line(buf, latin1, p, e);
      p = e + 1;
    }
  };

  const splitter = new LineSplitter();
  const regions: Buffer[] = [];
  let lastYield = performance.now();
  try {
    const stream = container.open(entry, signal);
    try {
      for await (const chunk of stream as AsyncIterable<Buffer | string>) {
        signal?.throwIfAborted();
        splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, regions);
        for (const r of regions) visit(r);
        regions.length = 0;
        if (performance.now() - lastYield > 20) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          lastYield = performance.now();
        }
      }
    } finally {
      stream.destroy();
    }
    const tail = splitter.end();
    if (tail) visit(tail);
  } catch (err) {
    if (signal?.aborted) throw err;
    // An I/O error: the dates seen so far decide; the reader reports the error when it gets there.
  }
  const { dialects, rejected } = accept([...stats.values()]);
  return { dialects, rejected, lines: lineNo };
}

/** How each accepted dialect will be read, given the user's answer (if any). */
export interface ReadPlan {
  /** Dialect signature → order index (ORDERS). */
  orders: Map<number, number>;
  /** Set when some dialect has several possible orders and no answer was given. */
  question: SourceQuestion | null;
  /** First line of a dialect that needs the answer. */
  questionLine: number;
  /** Dialects whose dates could not be read in the answered order (it was ignored for them). */
  answerIgnored: { order: DateOrder; usedInstead: DateOrder; line: number } | null;
}

export function planOrders(scan: ScanResult, answer?: DateOrder): ReadPlan {
  const orders = new Map<number, number>();
  const ambiguousCandidates = new Set<DateOrder>();
  const samples: string[] = [];
  let questionLine = 0;
  let answerIgnored: ReadPlan['answerIgnored'] = null;
  for (const d of scan.dialects) {
    const cands = d.candidates();
    if (cands.length === 0) continue; // cannot happen for a dialect with lines; read as text otherwise
    // The answer settles only what the file leaves open (the CLI applies one --date-order to every
    // source): a dialect with one possible order keeps it, and a differing answer is reported.
    let chosen: DateOrder | null = null;
    if (cands.length === 1) chosen = cands[0]!;
    else if (answer && cands.includes(answer)) chosen = answer;
    if (answer && chosen !== answer && chosen !== null && !answerIgnored) answerIgnored = { order: answer, usedInstead: chosen, line: d.firstLine };
    // Several orders possible and no usable answer (none, or one the dates rule out): ask.
    if (chosen === null) {
      for (const c of cands) ambiguousCandidates.add(c);
      for (const s of d.samples) if (samples.length < 5 && !samples.includes(s)) samples.push(s);
      if (questionLine === 0 || d.firstLine < questionLine) questionLine = d.firstLine;
      continue;
    }
    orders.set(d.sig, orderIndex(chosen));
  }
  const question: SourceQuestion | null =
    ambiguousCandidates.size > 1 ? { kind: 'date-order', candidates: ORDERS.filter((o) => ambiguousCandidates.has(o)), samples } : null;
  return { orders, question, questionLine, answerIgnored };
}
