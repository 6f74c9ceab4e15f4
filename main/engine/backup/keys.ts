/**
 * Backup keys (backup.md §2). Both slots are X25519 age identities:
 * - K, the keychain identity: its secret lives only in the OS keychain;
 * - R, the recovery identity: shown to the user once as a recovery key (`AGE-SECRET-KEY-1…`, an
 *   age identity file the age CLI reads with `-i`), optionally saved as a passphrase-protected
 *   age identity file (scrypt, which `age -d -i file.age` also reads, asking for the passphrase).
 * Making a backup needs only their public halves (`age1…`).
 */
import { Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { AGE_VERSION_LINE } from './age-header.js';

export interface KeyPair {
  /** `AGE-SECRET-KEY-1…` (74 characters). Secret. */
  identity: string;
  /** `age1…` (62 characters). Public. */
  recipient: string;
}

const IDENTITY_RE = /^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/;
const RECIPIENT_RE = /^age1[02-9ac-hj-np-z]{58}$/;
/** age's default; typage refuses more than 20 when decrypting, so 18..20 is the usable range. */
export const DEFAULT_SCRYPT_LOG_N = 18;

export async function generateKeyPair(): Promise<KeyPair> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

export function isIdentity(s: string): boolean {
  return IDENTITY_RE.test(s);
}

export function isRecipient(s: string): boolean {
  return RECIPIENT_RE.test(s);
}

/** The public key of an identity (also validates its checksum). */
export async function recipientOf(identity: string): Promise<string> {
  if (!isIdentity(identity)) throw new Error('not an age X25519 identity (AGE-SECRET-KEY-1…)');
  return identityToRecipient(identity);
}

export class IdentityFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityFileError';
  }
}

/**
 * The identities of an age identity file (one `AGE-SECRET-KEY-1…` per line; `#` comments and
 * blank lines allowed, as the age CLI reads them). Anything else is refused rather than skipped.
 */
export function parseIdentityFile(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!isIdentity(line)) throw new IdentityFileError(`line ${i + 1} is not an age secret key (AGE-SECRET-KEY-1…)`);
    out.push(line);
  }
  if (out.length === 0) throw new IdentityFileError('no age secret key (AGE-SECRET-KEY-1…) in this file');
  return out;
}

/** The recovery key as an age identity file: readable by people and by `age -d -i`. */
export function recoveryKeyFile(pair: KeyPair, created: Date): string {
  return [
    '# Pereezd recovery key',
    `# created: ${created.toISOString()}`,
    `# public key: ${pair.recipient}`,
    '# Keep it offline (printed, or on a USB stick in a drawer). Without it, a lost or broken',
    '# computer means your backups cannot be opened. Anyone who has it can open your backups.',
    '# Restore without Pereezd: age -d -i THIS-FILE backup.msgbak > backup.zip && unzip backup.zip',
    pair.identity,
    '',
  ].join('\n');
}

/** True when the bytes are a binary age file (e.g. a passphrase-protected identity file). */
export function isAgeFile(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, AGE_VERSION_LINE.length)).toString('latin1') === AGE_VERSION_LINE;
}

/** Encrypts an identity file with a passphrase (scrypt stanza), as `age -p` would. */
export async function protectIdentityFile(text: string, passphrase: string, logN = DEFAULT_SCRYPT_LOG_N): Promise<Uint8Array> {
  if (passphrase.length === 0) throw new Error('the passphrase is empty');
  if (logN < 10 || logN > 20) throw new Error('scrypt work factor must be 10..20');
  const e = new Encrypter();
  e.setPassphrase(passphrase);
  e.setScryptWorkFactor(logN);
  return e.encrypt(text);
}

/** Opens a passphrase-protected identity file; a wrong passphrase says so. */
export async function unprotectIdentityFile(bytes: Uint8Array, passphrase: string): Promise<string> {
  const d = new Decrypter();
  d.addPassphrase(passphrase);
  try {
    return await d.decrypt(bytes, 'text');
  } catch (err) {
    const message = (err as Error).message ?? '';
    if (/no identity matched|incorrect passphrase/i.test(message)) throw new IdentityFileError('wrong passphrase for this recovery key file');
    throw new IdentityFileError(`the recovery key file is damaged or not passphrase-protected (${message})`);
  }
}

/**
 * Reads the identities out of an identity file's bytes: plain text, or passphrase-protected
 * (then `askPassphrase` is called once).
 */
export async function readIdentityFile(bytes: Uint8Array, askPassphrase: () => Promise<string>): Promise<string[]> {
  if (isAgeFile(bytes)) return parseIdentityFile(await unprotectIdentityFile(bytes, await askPassphrase()));
  return parseIdentityFile(Buffer.from(bytes).toString('utf8'));
}
