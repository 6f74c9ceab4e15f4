/**
 * vCard 2.1 / 3.0 / 4.0 contacts (formats.md §3): one .vcf/.vcard file (or any file that starts
 * with BEGIN:VCARD), or a folder/archive whose top level holds only .vcf files (each is read, in
 * name order). Streamed card by card; see contacts/vcard-reader.ts.
 */
import { VcardByteDecoder, readVcardEntry } from './contacts/vcard-reader.js';
import type { Container, ContainerEntry, Detection, SourceFormat } from './types.js';

const HEAD_BYTES = 4096;

const isVcfName = (p: string) => /\.(vcf|vcard)$/i.test(p);
/** Files an OS drops into folders; they do not make a folder "not only vCards". */
const isSystemFile = (p: string) => p.startsWith('.') || /^(thumbs\.db|desktop\.ini)$/i.test(p);

/** The head of a file as text lines (BOM and UTF-16 handled like the reader does). */
function headLines(head: Buffer): string[] {
  const d = new VcardByteDecoder();
  const text = d.push(head) + d.end();
  return text.split(/\r\n|\n|\r/);
}

const BEGIN = /^\s*BEGIN\s*:\s*VCARD\s*$/i;

async function detect(container: Container): Promise<Detection | null> {
  const entries = await container.list();
  if (container.kind === 'file') {
    const e = entries[0];
    if (!e) return null;
    const lines = headLines(await container.readHead(e.path, HEAD_BYTES));
    if (isVcfName(e.path)) {
      // A .vcf without a card still belongs here: reading it says "no vCard found" clearly.
      return { format: 'vcard', confidence: lines.some((l) => BEGIN.test(l)) ? 0.95 : 0.4, entry: e.path };
    }
    const first = lines.find((l) => l.trim() !== '');
    return first !== undefined && BEGIN.test(first) ? { format: 'vcard', confidence: 0.8, entry: e.path } : null;
  }
  const files = vcfEntries(entries);
  if (!files) return null;
  return {
    format: 'vcard',
    confidence: 0.85,
    entry: files[0]!.path,
    variant: 'folder',
    size: files.reduce((n, f) => n + f.size, 0),
  };
}

/** The .vcf files of a folder whose top level holds nothing else, in name order; null otherwise. */
function vcfEntries(entries: ContainerEntry[]): ContainerEntry[] | null {
  const relevant = entries.filter((e) => !isSystemFile(e.path));
  if (relevant.length === 0 || !relevant.every((e) => isVcfName(e.path))) return null;
  return relevant.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export const vcard: SourceFormat = {
  id: 'vcard',
  detect,
  async parse(container, detection, sink, deps, signal) {
    let files: string[] = [detection.entry];
    if (container.kind !== 'file') {
      const listed = vcfEntries(await container.list());
      if (listed) files = listed.map((e) => e.path);
    }
    let before = 0;
    for (const entry of files) {
      signal.throwIfAborted();
      const { bytes } = await readVcardEntry(container, entry, sink, (n) => deps.progress(before + n), signal);
      before += bytes;
    }
    deps.progress(before);
  },
};
