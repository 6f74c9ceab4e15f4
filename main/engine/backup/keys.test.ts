import { Decrypter, Encrypter } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  isAgeFile,
  isIdentity,
  isRecipient,
  parseIdentityFile,
  protectIdentityFile,
  readIdentityFile,
  recipientOf,
  recoveryKeyFile,
  unprotectIdentityFile,
} from './keys.js';

describe('keys', () => {
  it('generates X25519 identities of the documented shape whose public key matches', async () => {
    const pair = await generateKeyPair();
    expect(pair.identity).toHaveLength(74);
    expect(pair.recipient).toHaveLength(62);
    expect(isIdentity(pair.identity)).toBe(true);
    expect(isRecipient(pair.recipient)).toBe(true);
    expect(await recipientOf(pair.identity)).toBe(pair.recipient);
    const e = new Encrypter();
    e.addRecipient(pair.recipient);
    const d = new Decrypter();
    d.addIdentity(pair.identity);
    expect(await d.decrypt(await e.encrypt('x'), 'text')).toBe('x');
  });

  it('writes the recovery key as an age identity file that parses back (comments ignored)', async () => {
    const pair = await generateKeyPair();
    const text = recoveryKeyFile(pair, new Date('2025-01-02T03:04:05Z'));
    expect(text).toContain(`# public key: ${pair.recipient}`);
    expect(text).toContain('2025-01-02T03:04:05.000Z');
    expect(parseIdentityFile(text)).toEqual([pair.identity]);
    expect(parseIdentityFile(`\uFEFF# c\r\n\r\n${pair.identity}\r\n`)).toEqual([pair.identity]);
  });

  it('refuses identity files with anything but keys and comments', async () => {
    const pair = await generateKeyPair();
    expect(() => parseIdentityFile('')).toThrow(/no age secret key/);
    expect(() => parseIdentityFile(`${pair.identity}\nhello\n`)).toThrow(/line 2 is not an age secret key/);
    expect(() => parseIdentityFile(pair.recipient)).toThrow(/line 1/);
    await expect(recipientOf('AGE-SECRET-KEY-1XYZ')).rejects.toThrow(/not an age X25519 identity/);
  });

  it('protects the recovery key with a passphrase (scrypt) and opens it only with that passphrase', async () => {
    const pair = await generateKeyPair();
    const text = recoveryKeyFile(pair, new Date());
    const bytes = await protectIdentityFile(text, 'correct horse battery staple', 10);
    expect(isAgeFile(bytes)).toBe(true);
    expect(Buffer.from(bytes).toString('latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt \S+ 10\n/);
    expect(Buffer.from(bytes).includes(pair.identity)).toBe(false);
    expect(await unprotectIdentityFile(bytes, 'correct horse battery staple')).toBe(text);
    await expect(unprotectIdentityFile(bytes, 'wrong')).rejects.toThrow(/wrong passphrase/);
    let asked = 0;
    const ids = await readIdentityFile(bytes, async () => {
      asked++;
      return 'correct horse battery staple';
    });
    expect(ids).toEqual([pair.identity]);
    expect(asked).toBe(1);
    expect(await readIdentityFile(Buffer.from(text), async () => 'never asked')).toEqual([pair.identity]);
    await expect(protectIdentityFile(text, '', 10)).rejects.toThrow(/empty/);
    await expect(protectIdentityFile(text, 'p', 21)).rejects.toThrow(/10\.\.20/);
  });
});
