/**
 * age files on disk: a crash-safe writer (`<file>.partial`, fsync, rename, fsync of the folder,
 * so a file under its final name is always complete) and a random-access reader.
 */
import { constants } from 'node:fs';
import { link, lstat, open, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Identity, Recipient } from 'age-encryption';
import { AgeHeaderError, createHeader, MAX_HEADER_SIZE, splitHeader, unwrapFileKey } from './age-header.js';
import { AgePayloadError, EncryptedPayload, payloadKey, PayloadEncryptor, STREAM_NONCE_SIZE } from './age-stream.js';
import { localSha256, type Sha256Stream } from './hash-worker.js';

export const PARTIAL_SUFFIX = '.partial';
const SYNC_EVERY = 64 << 20;

/** fsync a folder so a rename inside it is durable (no-op where folders cannot be opened, e.g. Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(dir, constants.O_RDONLY);
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EACCES' && code !== 'EINVAL') throw err;
  } finally {
    await fh?.close();
  }
}

/** Writes a small file atomically: `.partial`, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const partial = file + PARTIAL_SUFFIX;
  const fh = await open(partial, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(partial, file);
  await fsyncDir(path.dirname(file));
}

/**
 * Renames `from` to `to` unless `to` exists (EEXIST then). A hard link makes the check atomic;
 * file systems without links (FAT, exFAT) fall back to check-then-rename.
 */
export async function moveNoReplace(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw Object.assign(new Error(`${to} already exists`), { code });
    if (await lstat(to).then(() => true, () => false)) throw Object.assign(new Error(`${to} already exists`), { code: 'EEXIST' });
    await rename(from, to);
    return;
  }
  await unlink(from);
}

export interface AgeFileWriter {
  /** Payload plaintext in. Resolves when it reached the file (backpressure). */
  write(data: Uint8Array): Promise<void>;
  /** Seals the final chunk, fsyncs and closes the `.partial` file (still under that name). */
  finish(): Promise<{ size: number; sha256: string | null }>;
  /** After `finish` (and any checks on the `.partial` file): moves it into place, never over an existing file, and fsyncs the folder. */
  publish(): Promise<void>;
  /** Closes and removes the `.partial` file. */
  abort(): Promise<void>;
  readonly fileKey: Buffer;
  readonly partialPath: string;
  readonly plaintextBytes: number;
}

export interface AgeFileWriterOptions {
  /** Also compute the SHA-256 of everything written (the side file's quick-verify hash), in this thread… */
  hashCiphertext?: boolean;
  /** …or through this stream (e.g. on the hash worker). */
  ciphertextHash?: Sha256Stream;
  /** File mode of the new file (default 0600: only the user reads their backup). */
  mode?: number;
}

/**
 * Starts writing `file` (as `file.partial`, which must not exist; nor may `file`) encrypted to
 * `recipients`.
 */
export async function createAgeFile(file: string, recipients: readonly (string | Recipient)[], options: AgeFileWriterOptions = {}): Promise<AgeFileWriter> {
  const head = await createHeader(recipients);
  const partialPath = file + PARTIAL_SUFFIX;
  const fh = await open(partialPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, options.mode ?? 0o600);
  const hash: Sha256Stream | null = options.ciphertextHash ?? (options.hashCiphertext ? localSha256() : null);
  let size = 0;
  let closed = false;
  const writeAll = async (data: Buffer) => {
    let off = 0;
    while (off < data.length) {
      const { bytesWritten } = await fh.write(data, off, data.length - off);
      off += bytesWritten;
    }
  };
  // One write in flight while the next batch is being encrypted (the write runs on libuv's
  // thread pool): encryption and disk overlap, memory stays at two batches.
  let inFlight: Promise<void> = Promise.resolve();
  // Dirty pages are flushed as the file grows (fdatasync every SYNC_EVERY bytes, in the
  // background), so the disk works while we encrypt and the final fsync has little left to do.
  let syncing: Promise<void> = Promise.resolve();
  let unsynced = 0;
  const sink = async (data: Buffer, hashed = false) => {
    if (!hashed) await hash?.update(data);
    size += data.length;
    await inFlight;
    unsynced += data.length;
    if (unsynced >= SYNC_EVERY) {
      unsynced = 0;
      await syncing;
      syncing = fh.datasync();
      syncing.catch(() => undefined);
    }
    inFlight = writeAll(data);
    // A failed write surfaces on the next call or at finish; never as an unhandled rejection.
    inFlight.catch(() => undefined);
  };
  // With the hash worker, batches are sealed straight into its ring (hashed where they lie) and
  // written to the file from there. A batch's room comes back round only after the ring wrapped
  // (several MiB later), while at most one write (the previous batch) is ever in flight: `sink`
  // awaits it before starting the next.
  const reserve = hash?.reserve;
  const encryptor = new PayloadEncryptor(head.payloadKey, sink, undefined, reserve ? (len) => reserve(len) : undefined);
  try {
    await sink(Buffer.concat([head.header, head.nonce]));
  } catch (err) {
    await fh.close();
    await rm(partialPath, { force: true });
    throw err;
  }
  return {
    fileKey: head.fileKey,
    partialPath,
    get plaintextBytes() {
      return encryptor.plaintextBytes;
    },
    write: (data) => encryptor.write(data),
    async finish() {
      await encryptor.end();
      await inFlight;
      await syncing;
      await fh.sync();
      await fh.close();
      closed = true;
      return { size, sha256: hash ? await hash.digest() : null };
    },
    async publish() {
      if (!closed) throw new Error('publish before finish');
      try {
        await moveNoReplace(partialPath, file);
      } catch (err) {
        await rm(partialPath, { force: true });
        throw err;
      }
      await fsyncDir(path.dirname(file));
    },
    async abort() {
      if (!closed) {
        closed = true;
        await inFlight.catch(() => undefined);
        await syncing.catch(() => undefined);
        await fh.close().catch(() => undefined);
      }
      await rm(partialPath, { force: true });
    },
  };
}

export interface AgeFile {
  readonly path: string;
  /** Ciphertext size. */
  readonly size: number;
  /** Header bytes (through the MAC line). */
  readonly header: Buffer;
  /** Header + nonce. */
  readonly payloadStart: number;
  readonly payload: EncryptedPayload;
  readonly fileKey: Buffer;
  close(): Promise<void>;
}

/** Reads the header and the nonce of an open age file: header length and nonce. */
export async function readAgePrefix(fh: FileHandle, size: number): Promise<{ header: Buffer; nonce: Buffer }> {
  const want = Math.min(size, MAX_HEADER_SIZE + STREAM_NONCE_SIZE);
  const prefix = Buffer.alloc(want);
  let done = 0;
  while (done < want) {
    const { bytesRead } = await fh.read(prefix, done, want - done, done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  const { header, nonce } = splitHeader(prefix.subarray(0, done));
  return { header, nonce };
}

/**
 * Opens an age file for random access with the first identity that matches (or a known file
 * key: `knownFileKey`). The header MAC and the final chunk are checked before this returns.
 */
export async function openAgeFile(file: string, identities: readonly (string | Identity)[]): Promise<AgeFile> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const { header, nonce } = await readAgePrefix(fh, size);
    const fileKey = await unwrapFileKey(header, identities);
    const payloadStart = header.length + STREAM_NONCE_SIZE;
    const payload = await EncryptedPayload.open(fh, payloadStart, size, payloadKey(fileKey, nonce));
    return { path: file, size, header: Buffer.from(header), payloadStart, payload, fileKey, close: () => fh.close() };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

export { AgeHeaderError, AgePayloadError };
