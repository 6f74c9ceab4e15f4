/**
 * What is inside a backup and how it is named. The payload is a ZIP64 archive:
 *
 *   README.txt                      how to open the backup without Pereezd; format version
 *   model/contacts.jsonl            the normalised model (JSON Lines, DEFLATE)
 *   model/chats.jsonl               one line per chat, with the entry holding its messages
 *   model/problems.jsonl            what the readers reported
 *   model/chats/<id>-<hash>.jsonl   the messages of one chat
 *   index/originals.jsonl           every original file of every source → blob (byte-for-byte restore)
 *   index/attachments.jsonl         every attachment referenced by a message → where its bytes are
 *   blobs/sha256/ab/<hex>           each distinct content once, named by its SHA-256 (STORE)
 *   manifest.json                   LAST: counts, sources, chats and {path,size,sha256} of every entry
 *
 * The manifest and the side file are untrusted when read (anyone with a public key can make a
 * well-formed backup): both are validated with zod before use.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const BACKUP_FORMAT = 'pereezd-backup';
export const BACKUP_FORMAT_VERSION = 1;
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
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
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
});
export type OriginalRow = z.infer<typeof OriginalRowSchema>;

/** A row of index/attachments.jsonl. */
export const AttachmentRowSchema = z.discriminatedUnion('at', [
  z.object({ sha256: Sha256Schema, size: Count, refs: Count, at: z.literal('blob') }),
  z.object({
    sha256: Sha256Schema,
    size: Count,
    refs: Count,
    at: z.literal('archive'),
    /** SHA-256 of the original zip (a blob) that holds it. */
    archive: Sha256Schema,
    /** Path of the attachment inside that zip, relative to the zip's root folder. */
    entry: z.string().min(1),
  }),
]);
export type AttachmentRow = z.infer<typeof AttachmentRowSchema>;

/** `<backup>.json`: the unencrypted side file for the key-less quick check. */
export const SideFileSchema = z.object({
  format: z.literal(`${BACKUP_FORMAT}-side`),
  formatVersion: z.literal(BACKUP_FORMAT_VERSION),
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
  index/originals.jsonl      every file of the exports you backed up: {source, path, size, sha256}
  index/attachments.jsonl    where each attachment's bytes are (by SHA-256)
  blobs/sha256/ab/<sha256>   each file content once, named by its SHA-256
  manifest.json              counts, sources, chats, and size + SHA-256 of every entry

To rebuild an export folder by hand: for each line of index/originals.jsonl copy
blobs/sha256/<first two hex digits>/<sha256> to <source>/<path>. Pereezd does this for you:
  pereezd restore backup.msgbak --to FOLDER
`;
}
