/**
 * Contacts exported as CSV (formats.md §4): Google (current and legacy), Outlook (English and
 * Russian UI), or an unknown layout whose obvious columns are used. A `.csv` file, or a
 * tab-separated `.txt`/`.tsv` with a known header. Streamed row by row; see
 * contacts/csv-contacts.ts.
 */
import { readCsvEntry, readHeader } from './contacts/csv-contacts.js';
import { schemaConfidence } from './contacts/csv-schema.js';
import { decodeAll, sniffBom } from './text/encoding.js';
import type { Container, Detection, SourceFormat } from './types.js';

const HEAD_BYTES = 64 * 1024;

/** Text of a file head; a head cut at HEAD_BYTES is trimmed to whole lines first (no half characters). */
export function headText(head: Buffer, truncated: boolean): string {
  let b = head;
  if (truncated) {
    const bom = sniffBom(head);
    if (bom && bom.encoding !== 'utf-8') b = head.subarray(0, head.length & ~1);
    else {
      const nl = head.lastIndexOf(0x0a);
      if (nl > 0) b = head.subarray(0, nl + 1);
    }
  }
  return decodeAll(b).text;
}

async function detect(container: Container): Promise<Detection | null> {
  if (container.kind !== 'file') return null;
  const entry = (await container.list())[0];
  if (!entry) return null;
  const name = entry.path.toLowerCase();
  const csv = name.endsWith('.csv');
  const tabText = name.endsWith('.txt') || name.endsWith('.tsv');
  if (!csv && !tabText) return null;
  const head = await container.readHead(entry.path, HEAD_BYTES);
  const info = readHeader(headText(head, head.length >= HEAD_BYTES));
  if (!info) return null;
  if (tabText && (info.delimiter !== '\t' || info.match.schema === 'unknown')) return null;
  const confidence = schemaConfidence(info.match);
  if (confidence <= 0) return null;
  return { format: 'contacts-csv', confidence, entry: entry.path, variant: info.match.schema };
}

export const contactsCsv: SourceFormat = {
  id: 'contacts-csv',
  detect,
  async parse(container, detection, sink, deps, signal) {
    const { bytes } = await readCsvEntry(container, detection.entry, sink, (n) => deps.progress(n), signal);
    deps.progress(bytes);
  },
};
