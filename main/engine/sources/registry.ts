/**
 * Format detection: a folder, a .zip or a file → the format that reads it, with a confidence, or a
 * clear "not recognised" problem. This is the only module that lists formats.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { DetectedSource, Problem } from '../../../shared/model/index.js';
import { openZipContainer, type ZipContainer } from '../archive/zip.js';
import { FileContainer, FolderContainer, readHeadOf } from './container.js';
import { discordPackage } from './discord-package.js';
import { discordJson } from './discord-json.js';
import { messengerJson } from './messenger-json.js';
import { slackZip } from './slack-zip.js';
import { skypeJson } from './skype-json.js';
import { contactsCsv } from './contacts-csv.js';
import { telegramJson } from './telegram-json.js';
import { vcard } from './vcard.js';
import { whatsappTxt } from './whatsapp-txt.js';
import type { Container, Detection, SourceFormat } from './types.js';

export const formats: readonly SourceFormat[] = [telegramJson, messengerJson, discordJson, vcard, contactsCsv, slackZip, whatsappTxt, skypeJson, discordPackage];

export interface OpenedSource {
  detected: DetectedSource;
  /** Present when the path could be opened; the caller closes it. */
  container?: Container;
  detection?: Detection;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const ZIP_EMPTY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

function problem(file: string, code: Problem['code'], message: string, params?: Problem['params']): Problem {
  return { file, code, severity: 'error', message, ...(params ? { params } : {}) };
}

async function openContainer(p: string): Promise<{ container: Container; size: number } | { problem: Problem; kind: DetectedSource['kind'] }> {
  let s;
  try {
    s = await stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: null, problem: problem(p, 'not-found', `${p}: no such file or folder`) };
    return { kind: null, problem: problem(p, 'unreadable', `${p}: cannot be opened (${code ?? 'error'})`, { reason: code ?? 'error' }) };
  }
  if (s.isDirectory()) return { container: new FolderContainer(p), size: 0 };
  if (!s.isFile()) return { kind: null, problem: problem(p, 'not-recognised', `${p}: not a file or folder`) };
  let head: Buffer;
  try {
    head = await readHeadOf(p, 4);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { kind: 'file', problem: problem(p, 'unreadable', `${p}: cannot be read (${code})`, { reason: code }) };
  }
  if (head.equals(ZIP_MAGIC) || head.equals(ZIP_EMPTY)) {
    try {
      return { container: await openZipContainer(p), size: s.size };
    } catch (err) {
      return { kind: 'zip', problem: problem(p, 'unreadable', `${p}: damaged zip archive (${(err as Error).message})`, { reason: (err as Error).message }) };
    }
  }
  return { container: new FileContainer(p, s.size), size: s.size };
}

/** Detects what one path is. Never throws for bad input: the answer carries a problem instead. */
export async function openSource(input: string): Promise<OpenedSource> {
  const p = path.resolve(input);
  const opened = await openContainer(p);
  if ('problem' in opened) {
    return { detected: { path: p, kind: opened.kind, format: null, confidence: 0, size: 0, problem: opened.problem } };
  }
  const { container } = opened;
  let best: Detection | null = null;
  for (const f of formats) {
    try {
      const d = await f.detect(container);
      if (d && (!best || d.confidence > best.confidence)) best = d;
    } catch {
      // a detector that fails on odd input simply does not claim it
    }
  }
  if (!best || best.confidence < 0.3) {
    await container.close();
    const what = container.kind === 'folder' ? 'folder' : container.kind === 'zip' ? 'archive' : 'file';
    return {
      detected: {
        path: p,
        kind: container.kind,
        format: null,
        confidence: 0,
        size: opened.size,
        problem: problem(p, 'not-recognised', `${p}: this ${what} is not an export Pereezd can read`, { what }),
      },
    };
  }
  const entryStat = await container.stat(best.entry);
  return {
    container,
    detection: best,
    detected: {
      path: p,
      kind: container.kind,
      format: best.format,
      confidence: best.confidence,
      entry: best.entry,
      size: best.size ?? entryStat?.size ?? opened.size,
      ...(best.variant ? { variant: best.variant } : {}),
      ...(best.question ? { question: best.question } : {}),
    },
  };
}

/**
 * What the container itself found wrong while opening (a zip's unsafe, linked, encrypted or
 * suspiciously compressed entries): reported with the source, never opened.
 */
export function containerProblems(container: Container): Problem[] {
  const warnings = (container as Partial<ZipContainer>).warnings;
  if (!Array.isArray(warnings)) return [];
  return warnings.map((w) => ({
    file: `${container.path}!/${w.entry}`,
    code: w.code === 'unsupported-method' || w.code === 'duplicate' ? 'unreadable' : 'unsafe-entry',
    severity: w.code === 'duplicate' ? 'warning' : 'error',
    message: `${container.path}!/${w.entry}: ${w.message}`,
    params: { reason: w.code },
  }));
}

export function formatById(id: string): SourceFormat | undefined {
  return formats.find((f) => f.id === id);
}
