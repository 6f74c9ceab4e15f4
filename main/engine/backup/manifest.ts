/**
 * What is inside a backup and how it is named. The payload is a ZIP64 archive:
 *
 *   README.txt                      how to open the backup without Pereezd; format version
 *   model/contacts.jsonl            the normalised model (JSON Lines, DEFLATE)
 *   model/chats.jsonl               one line per chat, with the entry holding its messages
 *   model/problems.jsonl            what the readers reported
 *   model/chats/<id>-<hash>.jsonl   the messages of one chat
 *   blobs/sha256/ab/<hex>           each distinct content once, named by its SHA-256 (STORE)
 *   blobs/n/<number>                a file no other file has the size of (so no duplicate of
 *                                   anything): stored under a number, hashed while it is written
 *                                   (format 2; it spares reading it twice — backup.md §5)
 *   index/originals.jsonl           every original file of every source → its blob (byte-for-byte restore)
 *   index/attachments.jsonl         every attachment referenced by a message → where its bytes are
 *   manifest.json                   LAST: counts, sources, chats and {path,size,sha256} of every entry
 *
 * Format 1 (still read) had the index before the blobs and only SHA-256 names. Readers find a
 * content by its SHA-256 through the manifest's entries (`blobIndex`), whatever its name.
 *
 * The manifest and the side file are untrusted when read (anyone with a public key can make a
 * well-formed backup): both are validated with zod before use.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const BACKUP_FORMAT = 'pereezd-backup';
export const BACKUP_FORMAT_VERSION = 2;
/** Format versions this code reads. */
const FormatVersionSchema = z.union([z.literal(1), z.literal(2)]);
export const MANIFEST_NAME = 'manifest.json';
export const README_NAME = 'README.txt';
export const BACKUP_EXTENSION = '.msgbak';
export const MODEL = {
  contacts: 'model/contacts.jsonl',
  chats: 'model/chats.jsonl',
  problems: 'model/problems.jsonl',
} as const;
export const INDEX = {
  originals: 'index/originals.jsonl',
  attachments: 'index/attachments.jsonl',
} as const;

const HEX64 = /^[0-9a-f]{64}$/;
const Sha256Schema = z.string().regex(HEX64);
const Count = z.number().int().nonnegative();

export function blobName(sha256: string): string {
  if (!HEX64.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return `blobs/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Entry of the `n`-th file stored under a number (see the header). */
export function numberedBlobName(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a blob number: ${n}`);
  return `blobs/n/${String(n).padStart(6, '0')}`;
}

/**
 * Blob entries by the SHA-256 of their content (from the manifest, which lists the hash of every
 * entry): the first one for each hash. Works for both formats.
 */
export function blobIndex(entries: readonly ManifestEntry[]): Map<string, ManifestEntry> {
  const out = new Map<string, ManifestEntry>();
  for (const e of entries) if (e.path.startsWith('blobs/') && !out.has(e.sha256)) out.set(e.sha256, e);
  return out;
}

/** The SHA-256 a blob entry name claims, or null when the name is not a blob name. */
export function blobNameHash(name: string): string | null {
  const m = /^blobs\/sha256\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(name);
  return m && m[2]!.startsWith(m[1]!) ? m[2]! : null;
}

/**
 * Entry of a chat's messages: a file name every file system accepts (case-insensitive ones
 * too), readable, and unique per chat id thanks to a hash suffix.
 */
export function chatEntryName(chatId: string): string {
  const readable = chatId.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.codePointAt(0)!.toString(16).toUpperCase().padStart(2, '0')}`).slice(0, 80);
  const hash = createHash('sha256').update(chatId, 'utf8').digest('hex').slice(0, 10);
  return `model/chats/${readable}-${hash}.jsonl`;
}

export const ManifestEntrySchema = z.object({ path: z.string().min(1).max(4096), size: Count, sha256: Sha256Schema }).strict();
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const ManifestSourceSchema = z.object({
  index: Count,
  /** The path the user gave, as given when the backup was made. */
  path: z.string(),
  /** Folder name under `originals/` when restored (`<index>-<name>`). */
  name: z.string(),
  kind: z.enum(['folder', 'file', 'zip']),
  format: z.string().nullable(),
  variant: z.string().optional(),
  files: Count,
  bytes: Count,
  contacts: Count,
  chats: Count,
  messages: Count,
  problems: Count,
});
export type ManifestSource = z.infer<typeof ManifestSourceSchema>;

export const ManifestChatSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  type: z.string(),
  entry: z.string(),
  messages: Count,
  events: Count,
  attachments: Count,
});
export type ManifestChat = z.infer<typeof ManifestChatSchema>;

export const ManifestCountsSchema = z.object({
  sources: Count,
  originalFiles: Count,
  originalBytes: Count,
  blobs: Count,
  blobBytes: Count,
  contacts: Count,
  chats: Count,
  messages: Count,
  /** Service entries (joins, title changes, calls) kept beside the messages. */
  events: Count,
  problems: Count,
  attachments: z.object({
    /** Attachment references in messages whose file was present in the export. */
    referenced: Count,
    /** Distinct attachment contents. */
    distinct: Count,
    /** Distinct contents stored as their own blob. */
    asBlobs: Count,
    /** Distinct contents found inside an original zip (stored once, as part of that zip). */
    inArchives: Count,
    /** References to files the export did not contain. */
    missing: Count,
  }),
});
export type ManifestCounts = z.infer<typeof ManifestCountsSchema>;

export const ManifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: FormatVersionSchema,
  app: z.object({ name: z.string(), version: z.string() }),
  created: z.string(),
  sources: z.array(ManifestSourceSchema),
  counts: ManifestCountsSchema,
  chats: z.array(ManifestChatSchema),
  /** Every entry of the archive except this manifest, in archive order. */
  entries: z.array(ManifestEntrySchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A row of index/originals.jsonl. */
export const OriginalRowSchema = z.object({
  source: Count,
  /** `/`-separated path inside the source (the file name for file and zip sources). */
  path: z.string().min(1),
  size: Count,
  sha256: Sha256Schema,
  mtime: z.string().nullable(),
  /** The entry holding its bytes (format 2; format 1: always `blobName(sha256)`). */
  blob: z.string().min(1).optional(),
});
export type OriginalRow = z.infer<typeof OriginalRowSchema>;

/** A row of index/attachments.jsonl. */
export const AttachmentRowSchema = z.discriminatedUnion('at', [
  /** `blob`: the entry holding its bytes (format 2). */
  z.object({ sha256: Sha256Schema, size: Count, refs: Count, at: z.literal('blob'), blob: z.string().min(1).optional() }),
  z.object({
    sha256: Sha256Schema,
    size: Count,
    refs: Count,
    at: z.literal('archive'),
    /** SHA-256 of the original zip (a blob) that holds it. */
    archive: Sha256Schema,
    /** The entry holding that zip (format 2). */
    archiveBlob: z.string().min(1).optional(),
    /** Path of the attachment inside that zip, relative to the zip's root folder. */
    entry: z.string().min(1),
  }),
]);
export type AttachmentRow = z.infer<typeof AttachmentRowSchema>;

/** `<backup>.json`: the unencrypted side file for the key-less quick check. */
export const SideFileSchema = z.object({
  format: z.literal(`${BACKUP_FORMAT}-side`),
  formatVersion: FormatVersionSchema,
  file: z.string(),
  size: Count,
  sha256: Sha256Schema,
  created: z.string(),
  app: z.object({ name: z.string(), version: z.string() }),
  /** Fingerprints (not the keys) of who can open it: first 16 hex digits of SHA-256(age1…). */
  recipients: z.array(z.object({ role: z.enum(['keychain', 'recovery', 'extra']), fingerprint: z.string().regex(/^[0-9a-f]{16}$/) })),
});
export type SideFile = z.infer<typeof SideFileSchema>;

export function recipientFingerprint(recipient: string): string {
  return createHash('sha256').update(recipient, 'utf8').digest('hex').slice(0, 16);
}

export function readmeText(version: string, created: string): string {
  return `Pereezd encrypted backup — format ${BACKUP_FORMAT} ${BACKUP_FORMAT_VERSION}
Created ${created} by Pereezd ${version}.

This archive is the decrypted content of a .msgbak file. A .msgbak file is a standard age
file (https://age-encryption.org). Without Pereezd:

  age -d -i recovery-key.txt backup.msgbak > backup.zip     (or -i recovery-key.age: asks the passphrase)
  unzip backup.zip

What is inside:
  model/contacts.jsonl       your contacts, one JSON object per line
  model/chats.jsonl          your chats; "entry" names the file with the chat's messages
  model/chats/*.jsonl        the messages of each chat, oldest first as exported
  model/problems.jsonl       what could not be read exactly, with file and line
  index/originals.jsonl      every file of the exports you backed up: {source, path, size, sha256, blob}
  index/attachments.jsonl    where each attachment's bytes are (by SHA-256)
  blobs/sha256/ab/<sha256>   each file content once, named by its SHA-256
  blobs/n/<number>           a file no other file has the size of, stored under a number
  manifest.json              counts, sources, chats, and size + SHA-256 of every entry

To rebuild an export folder by hand: for each line of index/originals.jsonl copy the entry
named in "blob" to <source>/<path> (its SHA-256 must be "sha256"). Pereezd does this for you:
  pereezd restore backup.msgbak --to FOLDER
`;
}
