/**
 * Opening a backup for reading: the age layer (header through typage, final chunk authenticated
 * first), the zip inside read through a `readAt` that decrypts only the chunks it touches, and
 * the manifest (last entry) validated. Used by verify, list and restore.
 *
 * Whoever knows a recipient's public key can make a well-formed backup, so the content is
 * treated as untrusted: zip limits stay on (declared sizes bound every entry, no overlapping
 * entries), names are checked before anything is written, the manifest is schema-validated.
 */
import type { Readable } from 'node:stream';
import type { Identity } from 'age-encryption';
import { openZipSource, type ZipContainer, type ZipEntryInfo, type ZipLimits, type ZipSource } from '../archive/zip.js';
import { openAgeFile, type AgeFile } from './age-file.js';
import { type Manifest, MANIFEST_NAME, ManifestSchema } from './manifest.js';

/** Limits for the archive inside a backup: big totals are expected, bombs are not. */
export const BACKUP_ZIP_LIMITS: Partial<ZipLimits> = {
  maxTotalSize: Number.MAX_SAFE_INTEGER,
  maxEntries: 20_000_000,
  // DEFLATE cannot exceed ~1032:1; above that the declared size (always enforced) is the bound.
  maxRatio: 2000,
};
/** The manifest is read whole: refuse absurd ones before allocating. */
const MAX_MANIFEST_SIZE = 1 << 30;

export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFormatError';
  }
}

export interface OpenedBackup {
  readonly file: string;
  readonly age: AgeFile;
  readonly zip: ZipContainer;
  readonly manifest: Manifest;
  close(): Promise<void>;
}

export async function readAllStream(s: Readable, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of s) {
    n += (c as Buffer).length;
    if (n > limit) {
      s.destroy();
      throw new BackupFormatError(`an entry is larger than ${limit} bytes`);
    }
    parts.push(c as Buffer);
  }
  return Buffer.concat(parts);
}

/** The plaintext of an age file as a ZipSource. */
export function payloadSource(age: AgeFile): ZipSource {
  return {
    size: age.payload.plaintextSize,
    readAt: (position, length) => age.payload.readAt(position, length),
    stream: (start, end) => age.payload.stream(start, end),
    close: () => age.close(),
  };
}

/** A STORED entry of `zip` (a zip inside the zip) as a ZipSource over the same bytes. */
export async function storedEntrySource(parent: ZipSource, info: ZipEntryInfo): Promise<ZipSource> {
  if (info.method !== 0) throw new BackupFormatError(`${info.path} is compressed; a nested archive must be stored`);
  const local = await parent.readAt(info.offset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== 0x04034b50) throw new BackupFormatError(`${info.path}: no local header`);
  const start = info.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  const size = info.compressedSize;
  if (start + size > parent.size) throw new BackupFormatError(`${info.path}: data runs past the end of the archive`);
  return {
    size,
    readAt: (position, length) => parent.readAt(start + position, Math.max(0, Math.min(length, size - position))),
    stream: (s, e) => parent.stream(start + s, start + Math.min(e, size - 1)),
    close: async () => undefined,
  };
}

export async function readManifest(zip: ZipContainer): Promise<Manifest> {
  const info = await zip.stat(MANIFEST_NAME);
  if (!info) throw new BackupFormatError('this backup has no manifest.json: it was not made by Pereezd or is incomplete');
  if (info.size > MAX_MANIFEST_SIZE) throw new BackupFormatError('manifest.json is implausibly large');
  const raw = await readAllStream(zip.open(MANIFEST_NAME), MAX_MANIFEST_SIZE);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new BackupFormatError(`manifest.json is not valid JSON (${(err as Error).message})`);
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupFormatError(`manifest.json is not a Pereezd backup manifest (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'})`);
  }
  return parsed.data;
}

/**
 * Opens a backup with the first identity that matches. Throws AgeHeaderError (no key fits,
 * header damaged), AgePayloadError (truncated or damaged), ZipError or BackupFormatError.
 */
export async function openBackup(file: string, identities: readonly (string | Identity)[]): Promise<OpenedBackup> {
  const age = await openAgeFile(file, identities);
  let zip: ZipContainer;
  try {
    zip = await openZipSource(file, payloadSource(age), BACKUP_ZIP_LIMITS);
  } catch (err) {
    await age.close().catch(() => undefined);
    throw err;
  }
  try {
    const manifest = await readManifest(zip);
    return { file, age, zip, manifest, close: () => zip.close() };
  } catch (err) {
    await zip.close().catch(() => undefined);
    throw err;
  }
}
