import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgeFile } from './age-file.js';
import { generateKeyPair, readIdentityFile } from './keys.js';
import { readTypedRecoveryKey, RecoveryFileExistsError, saveRecoveryKeyFile, testRecoveryKey } from './recovery-test.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-rtest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ageFile(name: string, recipients: string[], bytes = Buffer.from('hello')): Promise<string> {
  const file = path.join(dir, name);
  const w = await createAgeFile(file, recipients);
  await w.write(bytes);
  await w.finish();
  await w.publish();
  return file;
}

describe('reading a recovery key as a person types it back', () => {
  it('accepts spaces, line breaks, lower case, a prefix without dashes or none, and O for 0', async () => {
    const { identity, recipient } = await generateKeyPair();
    const body = identity.slice(16);
    const variants = [
      identity,
      identity.toLowerCase(),
      `  ${identity}\n`,
      body,
      `AGE SECRET KEY 1 ${body.match(/.{1,4}/g)!.join(' ')}`,
      `age-secret-key-1\n${body.slice(0, 29)}\n${body.slice(29)}`,
      identity.replace(/0/g, 'O'),
    ];
    for (const v of variants) expect(await readTypedRecoveryKey(v), JSON.stringify(v)).toEqual({ ok: true, identity, recipient });
  });

  it('tells a typo (the checksum fails) from something that is not a key, with the length typed', async () => {
    const { identity } = await generateKeyPair();
    const i = 40;
    const typo = identity.slice(0, i) + (identity[i] === 'Q' ? 'P' : 'Q') + identity.slice(i + 1);
    expect(await readTypedRecoveryKey(typo)).toEqual({ ok: false, reason: 'typo', length: 74 });
    const swapped = identity.slice(0, 30) + identity[31] + identity[30] + identity.slice(32);
    if (swapped !== identity) expect((await readTypedRecoveryKey(swapped)).ok).toBe(false);
    expect(await readTypedRecoveryKey(identity.slice(0, 70))).toEqual({ ok: false, reason: 'not-a-key', length: 70 });
    expect(await readTypedRecoveryKey(`${identity}X`)).toEqual({ ok: false, reason: 'not-a-key', length: 75 });
    expect(await readTypedRecoveryKey('my cat')).toMatchObject({ ok: false, reason: 'not-a-key' });
    // B and I are not in the key's alphabet.
    expect(await readTypedRecoveryKey(identity.slice(0, 20) + 'B' + identity.slice(21))).toMatchObject({ ok: false, reason: 'not-a-key' });
  });
});

describe('testing a recovery key against a backup header', () => {
  it('passes for a key the file is encrypted to, fails plainly for another', async () => {
    const mine = await generateKeyPair();
    const other = await generateKeyPair();
    const third = await generateKeyPair();
    const file = await ageFile('two.age', [other.recipient, mine.recipient]);
    expect(await testRecoveryKey(file, mine.identity.toLowerCase())).toEqual({ ok: true, recipient: mine.recipient });
    expect(await testRecoveryKey(file, other.identity)).toEqual({ ok: true, recipient: other.recipient });
    expect(await testRecoveryKey(file, third.identity)).toEqual({ ok: false, reason: 'wrong-key', length: 74 });
    expect(await testRecoveryKey(file, 'nonsense')).toMatchObject({ ok: false, reason: 'not-a-key' });
  });

  it('reads only the header: a payload cut short does not matter, a header that is not age does', async () => {
    const mine = await generateKeyPair();
    const file = await ageFile('big.age', [mine.recipient], Buffer.alloc(300_000, 7));
    const cut = path.join(dir, 'cut.age');
    const bytes = readFileSync(file);
    (await import('node:fs')).writeFileSync(cut, bytes.subarray(0, 2000));
    expect(await testRecoveryKey(cut, mine.identity)).toMatchObject({ ok: true });
    const notAge = path.join(dir, 'plain.txt');
    (await import('node:fs')).writeFileSync(notAge, 'just text, not a backup');
    await expect(testRecoveryKey(notAge, mine.identity)).rejects.toThrow(/not an encrypted backup/);
  });
});

describe('saving the recovery key as a passphrase-protected file', () => {
  it('writes an age file with one scrypt stanza (mode 0600) that opens with the passphrase, never over a file', async () => {
    const pair = await generateKeyPair();
    const file = path.join(dir, 'rk.age');
    await saveRecoveryKeyFile(file, pair.identity, 'a long enough passphrase', new Date('2024-05-01T00:00:00Z'), 10);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(file);
    const header = bytes.subarray(0, bytes.indexOf('\n---')).toString('latin1');
    expect(header.match(/^-> \S+/gm)).toEqual(['-> scrypt']);
    expect(await readIdentityFile(bytes, async () => 'a long enough passphrase')).toEqual([pair.identity]);
    await expect(readIdentityFile(bytes, async () => 'wrong passphrase!')).rejects.toThrow(/wrong passphrase/);
    await expect(saveRecoveryKeyFile(file, pair.identity, 'a long enough passphrase', new Date(), 10)).rejects.toBeInstanceOf(RecoveryFileExistsError);
    await expect(saveRecoveryKeyFile(path.join(dir, 'nope', 'rk.age'), pair.identity, 'a long enough passphrase', new Date(), 10)).rejects.toThrow(/no such folder/);
  });
});
