/**
 * The recovery key after it was shown (backup.md §6 "test-recovery-key", §10):
 * - `readTypedRecoveryKey`: what a person typed back from paper, made into an age identity when it
 *   can be (spaces, line breaks, lower case, a missing prefix, the letter O for the digit 0), or
 *   the reason it cannot (not a key at all, or a typo the key's checksum catches);
 * - `testRecoveryKey`: proves the key opens THIS backup by unwrapping the file key from its header
 *   and checking the header MAC. Nothing of the contents is decrypted, so it takes the same split
 *   second for 1 KB and for 100 GB;
 * - `saveRecoveryKeyFile`: the key as an age identity file protected by a passphrase (one scrypt
 *   stanza, alone in its header as the age spec requires), written without replacing anything.
 */
import { constants } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { AgeHeaderError, unwrapFileKey } from './age-header.js';
import { fsyncDir, readAgePrefix } from './age-file.js';
import { DEFAULT_SCRYPT_LOG_N, isIdentity, protectIdentityFile, recipientOf, recoveryKeyFile } from './keys.js';

const PREFIX = 'AGE-SECRET-KEY-1';
/** The 58 characters after the prefix: bech32's alphabet (no 1, B, I, O), upper case. */
const BODY_RE = /^[02-9AC-HJ-NP-Z]{58}$/;

export type TypedKey = { ok: true; identity: string; recipient: string } | { ok: false; reason: 'not-a-key' | 'typo'; length: number };

/**
 * Reads a recovery key as typed. `length` is the number of key characters seen after spaces and
 * dashes are dropped (the prefix counted as 16), for messages such as "74 expected, 73 typed".
 */
export async function readTypedRecoveryKey(typed: string): Promise<TypedKey> {
  let s = typed.normalize('NFKC').toUpperCase().replace(/[\s\u200b\u2010-\u2015-]+/g, '');
  if (s.startsWith('AGESECRETKEY1')) s = s.slice('AGESECRETKEY1'.length);
  // O and 0 look alike on paper and O is not in the key's alphabet.
  const body = s.replace(/O/g, '0');
  const length = PREFIX.length + body.length;
  if (!BODY_RE.test(body)) return { ok: false, reason: 'not-a-key', length };
  const identity = PREFIX + body;
  if (!isIdentity(identity)) return { ok: false, reason: 'not-a-key', length };
  try {
    // Decoding checks the bech32 checksum: one wrong or swapped character fails here.
    return { ok: true, identity, recipient: await recipientOf(identity) };
  } catch {
    return { ok: false, reason: 'typo', length };
  }
}

export type RecoveryTestResult = { ok: true; recipient: string } | { ok: false; reason: 'not-a-key' | 'typo' | 'wrong-key'; length: number };

/**
 * Whether the typed key opens `file`. A damaged or foreign file (not an age file, header
 * changed) throws an AgeHeaderError with a message naming what is wrong.
 */
export async function testRecoveryKey(file: string, typed: string): Promise<RecoveryTestResult> {
  const key = await readTypedRecoveryKey(typed);
  if (!key.ok) return key;
  const fh = await open(file, 'r');
  try {
    const { header } = await readAgePrefix(fh, (await fh.stat()).size);
    await unwrapFileKey(header, [key.identity]);
    return { ok: true, recipient: key.recipient };
  } catch (err) {
    if (err instanceof AgeHeaderError && err.code === 'no-match') return { ok: false, reason: 'wrong-key', length: PREFIX.length + 58 };
    throw err;
  } finally {
    await fh.close();
  }
}

export class RecoveryFileExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists; the recovery key is never written over a file`);
    this.name = 'RecoveryFileExistsError';
  }
}

/**
 * Writes `identity` as a passphrase-protected age identity file at `file` (mode 0600, created
 * exclusively, fsync'ed with its folder). The age CLI opens it: `age -d -i FILE backup.msgbak`.
 */
export async function saveRecoveryKeyFile(
  file: string,
  identity: string,
  passphrase: string,
  created: Date,
  logN = DEFAULT_SCRYPT_LOG_N,
): Promise<void> {
  if (!isIdentity(identity)) throw new Error('not an age identity (AGE-SECRET-KEY-1…)');
  const text = recoveryKeyFile({ identity, recipient: await recipientOf(identity) }, created);
  const data = await protectIdentityFile(text, passphrase, logN);
  const dir = path.dirname(file);
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new Error(`${dir}: no such folder`);
  const fh = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new RecoveryFileExistsError(file);
    throw err;
  });
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(file, { force: true });
    throw err;
  }
  await fh.close();
  await fsyncDir(dir);
}
