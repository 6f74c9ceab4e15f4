/** What a backup holds, without restoring anything: read from its manifest (a few chunks at the end). */
import type { Identity } from 'age-encryption';
import type { Manifest, ManifestChat } from './manifest.js';
import { openBackup } from './reader.js';

export interface BackupListing {
  file: string;
  size: number;
  created: string;
  app: Manifest['app'];
  sources: Manifest['sources'];
  counts: Manifest['counts'];
  chats: ManifestChat[];
  entries: number;
  /** Size of the archive inside. */
  archiveSize: number;
  /** Chunks decrypted to answer / chunks in the file. */
  chunks: { decrypted: number; total: number };
}

export async function listBackup(file: string, identities: readonly (string | Identity)[]): Promise<BackupListing> {
  const opened = await openBackup(file, identities);
  try {
    const m = opened.manifest;
    return {
      file,
      size: opened.age.size,
      created: m.created,
      app: m.app,
      sources: m.sources,
      counts: m.counts,
      chats: m.chats,
      entries: m.entries.length + 1,
      archiveSize: opened.age.payload.plaintextSize,
      chunks: { decrypted: opened.age.payload.stats.decrypted, total: opened.age.payload.chunks },
    };
  } finally {
    await opened.close();
  }
}
