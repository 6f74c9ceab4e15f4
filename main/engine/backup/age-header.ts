/**
 * The age v1 header, through typage (`age-encryption`) only: a hand-rolled parser failed nine
 * malformed-header vectors of the C2SP test kit (backup.md §4), so this module never interprets
 * stanzas itself.
 *
 * Writing ("capturing recipient", backup.md §4): typage's Encrypter is given the real recipients
 * plus one recipient that records the file key and adds no stanza, and encrypts an empty payload.
 * Its output is header ‖ 16-byte nonce ‖ the 16-byte tag of the empty final chunk; we keep header
 * and nonce, derive the payload key from the captured file key and run the STREAM ourselves. This
 * relies on typage internals (one file key per `encrypt`, wrapped before the header is written),
 * so the result is checked every time: typage's own Decrypter must parse the header and accept
 * its MAC under the captured key, and the dropped tag must open as the empty final chunk under the
 * derived payload key. The age CLI round trip is in the integration tests; age-encryption is
 * pinned in package-lock.
 *
 * Reading: the header ends at the first line that starts with `--- ` (stanza lines start with
 * `-> `, body lines are base64 and cannot contain `-`); those bytes go to typage's
 * `Decrypter.decryptHeader`, which parses them, unwraps the file key and checks the MAC.
 */
import { Decrypter, Encrypter, type Identity, type Recipient, type Stanza } from 'age-encryption';
import { openChunk, payloadKey, STREAM_NONCE_SIZE, TAG_SIZE } from './age-stream.js';

export const AGE_VERSION_LINE = 'age-encryption.org/v1\n';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';
/** No header we or the age CLI write comes near this (a few hundred bytes per recipient). */
export const MAX_HEADER_SIZE = 64 * 1024;

export type AgeHeaderErrorCode = 'not-age' | 'armored' | 'malformed' | 'no-match' | 'hmac';

export class AgeHeaderError extends Error {
  readonly code: AgeHeaderErrorCode;
  constructor(message: string, code: AgeHeaderErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgeHeaderError';
    this.code = code;
  }
}

export interface NewHeader {
  /** Header bytes, through the MAC line's newline. */
  header: Buffer;
  /** The 16-byte payload nonce that follows the header. */
  nonce: Buffer;
  fileKey: Buffer;
  payloadKey: Buffer;
}

/** Builds a header for `recipients` (age1… X25519 public keys, or typage Recipient objects). */
export async function createHeader(recipients: readonly (string | Recipient)[]): Promise<NewHeader> {
  if (recipients.length === 0) throw new Error('a backup needs at least one recipient');
  const e = new Encrypter();
  for (const r of recipients) {
    if (typeof r === 'string' && !/^age1[02-9ac-hj-np-z]{58}$/.test(r)) {
      throw new Error(`not an age X25519 recipient (age1… public key): ${r.slice(0, 12)}…`);
    }
    e.addRecipient(r);
  }
  const captured: Uint8Array[] = [];
  e.addRecipient({
    wrapFileKey(fileKey: Uint8Array): Stanza[] {
      captured.push(Uint8Array.from(fileKey));
      return [];
    },
  });
  const out = Buffer.from(await e.encrypt(new Uint8Array(0)));
  if (captured.length !== 1 || captured[0]!.length !== 16) throw new Error('age header: the file key was not captured exactly once (age-encryption changed?)');
  const fileKey = Buffer.from(captured[0]!);
  const headerLength = out.length - STREAM_NONCE_SIZE - TAG_SIZE;
  if (headerLength <= 0 || locateHeader(out) !== headerLength) throw new Error('age header: unexpected encrypter output layout (age-encryption changed?)');
  const header = out.subarray(0, headerLength);
  const nonce = out.subarray(headerLength, headerLength + STREAM_NONCE_SIZE);
  const key = payloadKey(fileKey, nonce);
  if (!openChunk(key, 0, true, out.subarray(headerLength + STREAM_NONCE_SIZE), Buffer.alloc(0))) {
    throw new Error('age header: the captured file key does not match the payload (age-encryption changed?)');
  }
  const check = await unwrapFileKey(header, [knownFileKey(fileKey)]);
  if (!check.equals(fileKey)) throw new Error('age header: typage did not read back the header it wrote');
  return { header: Buffer.from(header), nonce: Buffer.from(nonce), fileKey, payloadKey: key };
}

/**
 * Length of the header at the start of `prefix` (through the newline after the MAC line), or an
 * AgeHeaderError when the bytes are not an age v1 binary file or the header does not end within
 * MAX_HEADER_SIZE bytes.
 */
export function locateHeader(prefix: Uint8Array): number {
  const buf = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (!buf.subarray(0, AGE_VERSION_LINE.length).equals(Buffer.from(AGE_VERSION_LINE))) {
    const start = buf.subarray(0, 64).toString('latin1').trimStart();
    if (start.startsWith(ARMOR_BEGIN)) {
      throw new AgeHeaderError('this is an ASCII-armored age file; Pereezd backups are binary: convert it with `age -d` first', 'armored');
    }
    if (start.startsWith('age-encryption.org/')) {
      throw new AgeHeaderError('this age file uses an unsupported format version', 'malformed');
    }
    throw new AgeHeaderError('this is not an encrypted backup (not an age v1 file)', 'not-age');
  }
  const mac = buf.indexOf('\n--- ', AGE_VERSION_LINE.length - 1, 'latin1');
  const end = mac < 0 ? -1 : buf.indexOf(0x0a, mac + 1);
  if (mac < 0 || end < 0 || end + 1 > MAX_HEADER_SIZE) {
    throw new AgeHeaderError(
      buf.length < MAX_HEADER_SIZE ? 'the backup file is truncated: its header is incomplete' : 'the backup file is damaged: its header has no end',
      'malformed',
    );
  }
  // The MAC is 32 bytes: exactly 43 unpadded base64 characters (typage then checks canonicity).
  if (!/^--- [A-Za-z0-9+/]{43}$/.test(buf.subarray(mac + 1, end).toString('latin1'))) {
    throw new AgeHeaderError('the backup header is damaged (its MAC line is malformed)', 'malformed');
  }
  return end + 1;
}

/** Header and payload nonce at the start of a file (`prefix` holds at least the header and 16 more bytes when the file has them). */
export function splitHeader(prefix: Uint8Array): { header: Buffer; nonce: Buffer } {
  const len = locateHeader(prefix);
  const buf = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (buf.length < len + STREAM_NONCE_SIZE) throw new AgeHeaderError('the backup file is truncated: it ends right after its header', 'malformed');
  return { header: buf.subarray(0, len), nonce: buf.subarray(len, len + STREAM_NONCE_SIZE) };
}

/** An identity that answers with a file key already known (verification right after writing). */
export function knownFileKey(fileKey: Uint8Array): Identity {
  return { unwrapFileKey: () => Uint8Array.from(fileKey) };
}

/**
 * Unwraps the file key of a located header with the first identity that matches, and checks the
 * header MAC. Identities: `AGE-SECRET-KEY-1…` strings or typage Identity objects.
 */
export async function unwrapFileKey(header: Uint8Array, identities: readonly (string | Identity)[]): Promise<Buffer> {
  const d = new Decrypter();
  for (const id of identities) d.addIdentity(id);
  try {
    return Buffer.from(await d.decryptHeader(header));
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/no identity matched/i.test(message)) {
      throw new AgeHeaderError('none of the keys given opens this backup (it was encrypted to other keys)', 'no-match', { cause: err });
    }
    if (/header HMAC/i.test(message)) {
      throw new AgeHeaderError('the backup header was modified or is damaged (its MAC does not match)', 'hmac', { cause: err });
    }
    throw new AgeHeaderError(`the backup header is damaged (${message})`, 'malformed', { cause: err });
  }
}
