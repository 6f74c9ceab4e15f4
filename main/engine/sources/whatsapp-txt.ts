/**
 * WhatsApp "Export chat": a `.txt` (Android, `WhatsApp Chat with X.txt`), or a folder / `.zip`
 * holding `_chat.txt` (iOS) or the named `.txt` plus media. See shared/reference/formats.md §2.
 *
 * Detection looks at the name and the first 64 KiB (the share of lines that start with a message
 * header), then streams the whole file once, decoding only the start of each line, to settle the
 * day/month order of every header shape (whatsapp/dates.ts). When several orders remain the
 * Detection carries a `date-order` question, and `parse` without the answer reads nothing: it
 * reports `needs-answer` instead of guessing. The plan made at detection is kept (per Detection
 * object) for `parse`; a Detection from elsewhere makes `parse` scan the file again.
 */
import type { Problem } from '../../../shared/model/index.js';
import type { Container, Detection, ParseDeps, SourceFormat, SourceSink } from './types.js';
import { SIG_BRACKET, newHeader, scanHeader, weakEnd } from './whatsapp/header.js';
import { splitLines } from './whatsapp/lines.js';
import { chatTitle, pickEntry } from './whatsapp/names.js';
import { readWhatsApp } from './whatsapp/reader.js';
import { planOrders, type ScanResult, scanEntry } from './whatsapp/scan.js';
import { isValidZone, machineZone } from './whatsapp/zone.js';

const HEAD_BYTES = 64 * 1024;

/** The whole-file scan made by `detect`, for `parse` of the same Detection. */
const scans = new WeakMap<Detection, ScanResult>();

interface HeadSniff {
  nonEmpty: number;
  headers: number;
  mainSig: number;
}

/** Share of the head's non-empty lines that start with a header, and the most common header shape. */
function sniffHead(head: Buffer): HeadSniff {
  let text = head.toString('utf8');
  if (text.indexOf('\uFEFF') >= 0) text = text.replaceAll('\uFEFF', '');
  const h = newHeader();
  const bySig = new Map<number, number>();
  let nonEmpty = 0;
  let headers = 0;
  for (const line of splitLines(text)) {
    if (line.trim() === '') continue;
    nonEmpty++;
    if (scanHeader(line, h)) {
      headers++;
      bySig.set(h.sig, (bySig.get(h.sig) ?? 0) + 1);
    }
  }
  let mainSig = 0;
  let best = 0;
  for (const [sig, n] of bySig) {
    if (n > best) {
      best = n;
      mainSig = sig;
    }
  }
  return { nonEmpty, headers, mainSig };
}

async function detect(container: Container): Promise<Detection | null> {
  const picked = await pickEntry(container);
  if (!picked) return null;
  const head = await container.readHead(picked.entry, HEAD_BYTES);
  const sniff = sniffHead(head);
  if (sniff.headers === 0) return null;
  const share = sniff.headers / sniff.nonEmpty;
  if (sniff.headers < 2 && share < 0.5) return null;
  let confidence = 0.35 + 0.6 * share;
  if (picked.named) confidence += 0.05;
  else if (weakEnd(sniff.mainSig)) confidence = Math.min(confidence, 0.5);
  confidence = Math.min(1, confidence);

  const scan = await scanEntry(container, picked.entry);
  const main = scan.dialects[0];
  if (!main) return null;
  const plan = planOrders(scan);
  const detection: Detection = {
    format: 'whatsapp-txt',
    confidence: Math.round(confidence * 100) / 100,
    entry: picked.entry,
    variant: main.sig & SIG_BRACKET ? 'ios' : 'android',
  };
  if (container.kind !== 'file') detection.size = picked.size;
  if (plan.question) detection.question = plan.question;
  scans.set(detection, scan);
  return detection;
}

async function parse(container: Container, detection: Detection, sink: SourceSink, deps: ParseDeps, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const file = container.display(detection.entry);
  const scan = scans.get(detection) ?? (await scanEntry(container, detection.entry, signal));
  const plan = planOrders(scan, deps.options?.dateOrder);
  if (plan.question) {
    const { candidates, samples } = plan.question;
    const line = Math.max(1, plan.questionLine);
    sink.problem({
      file,
      line,
      code: 'needs-answer',
      severity: 'error',
      message:
        `${file}: the dates in this chat (e.g. ${samples.join(', ')}) can be read as ${candidates.join(' or ')}, and nothing in the file tells which; ` +
        `choose the order (CLI: --date-order ${candidates.join('|')}). Nothing was read.`,
      params: { candidates: candidates.join(','), line },
    });
    return;
  }
  let timeZone = deps.options?.timeZone;
  let zoneGiven = timeZone !== undefined;
  if (timeZone !== undefined && !isValidZone(timeZone)) {
    const p: Problem = {
      file,
      line: 1,
      code: 'bad-value',
      severity: 'warning',
      message: `${file}: unknown time zone ${timeZone}; this computer's zone was used instead`,
      params: { field: 'timeZone', value: timeZone },
    };
    sink.problem(p);
    timeZone = undefined;
    zoneGiven = false;
  }
  await readWhatsApp(container, detection.entry, sink, (n) => deps.progress(n), signal, {
    title: chatTitle(container, detection.entry),
    timeZone: timeZone ?? machineZone(),
    zoneGiven,
    plan,
    scan,
  });
}

export const whatsappTxt: SourceFormat = {
  id: 'whatsapp-txt',
  detect,
  parse,
};
