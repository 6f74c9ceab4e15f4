/**
 * Which files can be exports (by name, as the native dialog filters them), and what a drop gives.
 * Pure: the folder browser and the drop zone use it; detection proper is the app core's job.
 */

/** File kinds the parsers read: Telegram/Skype/Discord/Messenger JSON, WhatsApp text, zips, vCard, CSV. */
export const EXPORT_EXTENSIONS = ['json', 'txt', 'zip', 'vcf', 'vcard', 'csv'] as const;

/** How an entry is drawn: a folder, a zip archive, a file that may be an export, or any other file. */
export type EntryLook = 'folder' | 'zip' | 'export' | 'other';

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function isExportFileName(name: string): boolean {
  return (EXPORT_EXTENSIONS as readonly string[]).includes(extensionOf(name));
}

export function entryLook(entry: { name: string; kind: 'file' | 'folder' }): EntryLook {
  if (entry.kind === 'folder') return 'folder';
  const ext = extensionOf(entry.name);
  if (ext === 'zip') return 'zip';
  return isExportFileName(entry.name) ? 'export' : 'other';
}

/** ".json, .txt, .zip, .vcf, .vcard, .csv" */
export function extensionList(): string {
  return EXPORT_EXTENSIONS.map((e) => `.${e}`).join(', ');
}

export type DropOutcome = { paths: string[]; notice: null } | { paths: []; notice: 'noPath' | 'nothing' };

/**
 * What a drop of `files` adds: every file and folder whose real path the host can tell (Electron),
 * all at once; in the browser host, which cannot, a notice that says so.
 */
export function dropOutcome<F>(files: readonly F[], canResolve: boolean, resolvePath: (file: F) => string | null): DropOutcome {
  if (!files.length) return { paths: [], notice: 'nothing' };
  if (!canResolve) return { paths: [], notice: 'noPath' };
  const paths = [...new Set(files.map(resolvePath).filter((p): p is string => !!p))];
  return paths.length ? { paths, notice: null } : { paths: [], notice: 'nothing' };
}
