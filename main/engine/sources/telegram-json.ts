/**
 * Telegram Desktop "Machine-readable JSON" export: a folder holding `result.json` (full account or
 * one chat) or that file on its own. See docs in shared/reference/formats.md §1.
 *
 * The file is streamed (1 MiB chunks through the container): memory stays flat however large the
 * export is. See telegram/reader.ts for the mapping and telegram/json-scanner.ts for the scanner.
 */
import { readTelegramExport } from './telegram/reader.js';
import { sniffTelegram } from './telegram/sniff.js';
import type { Container, Detection, SourceFormat } from './types.js';

const HEAD_BYTES = 64 * 1024;

async function detect(container: Container): Promise<Detection | null> {
  const entries = await container.list();
  let entry: string | undefined;
  let inFolder = false;
  if (container.kind === 'file') {
    entry = entries.find((e) => e.path.toLowerCase().endsWith('.json'))?.path;
  } else {
    entry = entries.find((e) => e.path === 'result.json')?.path ?? entries.find((e) => e.path.toLowerCase() === 'result.json')?.path;
    inFolder = true;
  }
  if (entry === undefined) return null;
  const head = await container.readHead(entry, HEAD_BYTES);
  const sniff = sniffTelegram(head);
  if (!sniff) return null;
  const bonus = inFolder || entry.toLowerCase().endsWith('result.json') ? 0.04 : 0;
  return {
    format: 'telegram-json',
    confidence: Math.min(1, sniff.confidence + (sniff.confidence >= 0.3 ? bonus : 0)),
    entry,
    variant: sniff.variant,
  };
}

export const telegramJson: SourceFormat = {
  id: 'telegram-json',
  detect,
  parse(container, detection, sink, deps, signal) {
    return readTelegramExport(container, detection.entry, sink, (n) => deps.progress(n), signal);
  },
};
