/**
 * The backup catalogue: what the app knows about the backups it made, as one small JSON file in
 * the config folder (`backup-catalog.json`, mode 0600, written atomically), so the Backup step
 * shows the same thing after a reload or a restart: where each backup and its copies are, which
 * checks passed and when, and whether the recovery key was shown and tested.
 * No secret is ever written here: paths, sizes, SHA-256 of ciphertext, counts, timestamps, and
 * key fingerprints (first 16 hex digits of SHA-256 of the PUBLIC key). A damaged file is set
 * aside and the catalogue starts empty; the backups themselves are untouched.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../backup/age-file.js';
import type { BackupResult, RecipientRole } from '../backup/backup.js';
import { recipientFingerprint } from '../backup/manifest.js';

const Iso = z.string().min(1).max(64);
const Count = z.number().int().nonnegative();

export const CatalogRecordSchema = z.object({
  file: z.string().min(1).max(4096),
  sideFile: z.string().min(1).max(4096),
  created: Iso,
  size: Count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  counts: z.object({ sources: Count, originalFiles: Count, contacts: Count, chats: Count, messages: Count, attachments: Count }),
  opensWith: z.array(z.enum(['keychain', 'recovery', 'extra'])).max(16),
  /** Fingerprint of the recovery key the file is encrypted to (null: none). */
  recoveryFingerprint: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
  /** Fingerprint of the keychain key it is encrypted to (null: none): shredding that key ends it. */
  keychainFingerprint: z.string().regex(/^[0-9a-f]{16}$/).nullable(),
  verified: z.object({ written: Iso.nullable(), quick: Iso.nullable(), full: Iso.nullable(), sample: Iso.nullable() }),
  recoveryTestedAt: Iso.nullable(),
  copies: z.array(z.object({ file: z.string().min(1).max(4096), sideFile: z.string().min(1).max(4096), verifiedAt: Iso })).max(32),
});
export type CatalogRecord = z.infer<typeof CatalogRecordSchema>;

export const CatalogSchema = z.object({
  format: z.literal('pereezd-backup-catalog'),
  formatVersion: z.literal(1),
  /** The recovery key the app created: shown (taken by the window) and tested when. */
  recovery: z.object({ fingerprint: z.string().regex(/^[0-9a-f]{16}$/), shownAt: Iso.nullable(), testedAt: Iso.nullable() }).nullable(),
  /** Oldest first. */
  backups: z.array(CatalogRecordSchema),
});
export type Catalog = z.infer<typeof CatalogSchema>;

/** Backups remembered (the oldest are forgotten first; their files stay where they are). */
export const MAX_RECORDS = 100;

const empty = (): Catalog => ({ format: 'pereezd-backup-catalog', formatVersion: 1, recovery: null, backups: [] });

export interface BackupCatalog {
  read(): Promise<Catalog>;
  /** Applies `change` to the current catalogue and saves it; calls are serialised. */
  update(change: (c: Catalog) => void): Promise<Catalog>;
}

export function catalogFile(configDir: string): string {
  return path.join(configDir, 'backup-catalog.json');
}

export function createBackupCatalog(configDir: string): BackupCatalog {
  const file = catalogFile(configDir);
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<Catalog> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return empty();
    }
    try {
      const parsed = CatalogSchema.safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: set aside below
    }
    await rename(file, `${file}.damaged-${Date.now()}`).catch(() => undefined);
    return empty();
  };
  return {
    read: () => queue.then(read, read),
    update(change) {
      const next = queue.then(async () => {
        const c = await read();
        change(c);
        if (c.backups.length > MAX_RECORDS) c.backups.splice(0, c.backups.length - MAX_RECORDS);
        const checked = CatalogSchema.parse(c);
        await mkdir(configDir, { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, JSON.stringify(checked, null, 1) + '\n', 0o600);
        return checked;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/** The record of `file` (a backup, or one of its copies: then the backup it is a copy of). */
export function findRecord(c: Catalog, file: string): CatalogRecord | undefined {
  return c.backups.find((b) => b.file === file) ?? c.backups.find((b) => b.copies.some((x) => x.file === file));
}

/** The catalogue record of a backup just written (by the app or by `pereezd backup`), with its copy if one was made. */
export function catalogRecordOf(r: BackupResult, recipients: readonly { recipient: string; role: RecipientRole }[], at: string): CatalogRecord {
  const c = r.manifest.counts;
  const fp = (role: RecipientRole) => {
    const x = recipients.find((k) => k.role === role);
    return x ? recipientFingerprint(x.recipient) : null;
  };
  return {
    file: r.file,
    sideFile: r.sideFile,
    created: r.manifest.created,
    size: r.size,
    sha256: r.sha256,
    counts: { sources: c.sources, originalFiles: c.originalFiles, contacts: c.contacts, chats: c.chats, messages: c.messages, attachments: c.attachments.referenced },
    opensWith: recipients.map((x) => x.role),
    recoveryFingerprint: fp('recovery'),
    keychainFingerprint: fp('keychain'),
    verified: { written: r.verified?.ok ? at : null, quick: null, full: null, sample: null },
    recoveryTestedAt: null,
    copies: r.copy ? [{ file: r.copy.file, sideFile: r.copy.sideFile, verifiedAt: at }] : [],
  };
}
