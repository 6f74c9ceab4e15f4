import { randomBytes } from 'node:crypto';
import { Decrypter, Encrypter } from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { AgeHeaderError, createHeader, knownFileKey, locateHeader, unwrapFileKey } from './age-header.js';
import { decryptPayload, payloadKey, PayloadEncryptor, STREAM_NONCE_SIZE } from './age-stream.js';
import { generateKeyPair } from './keys.js';

async function ourFile(recipients: string[], plain: Buffer): Promise<{ file: Buffer; fileKey: Buffer }> {
  const h = await createHeader(recipients);
  const parts: Buffer[] = [h.header, h.nonce];
  const enc = new PayloadEncryptor(h.payloadKey, async (b) => {
    parts.push(Buffer.from(b));
  });
  await enc.write(plain);
  await enc.end();
  return { file: Buffer.concat(parts), fileKey: h.fileKey };
}

async function ourDecrypt(file: Buffer, identities: string[]): Promise<Buffer> {
  const len = locateHeader(file);
  const fileKey = await unwrapFileKey(file.subarray(0, len), identities);
  const key = payloadKey(fileKey, file.subarray(len, len + STREAM_NONCE_SIZE));
  const out: Buffer[] = [];
  async function* src() {
    yield file.subarray(len + STREAM_NONCE_SIZE);
  }
  for await (const c of decryptPayload(src(), key)) out.push(c);
  return Buffer.concat(out);
}

describe('createHeader (capturing recipient)', () => {
  it('writes a header typage decrypts with either recipient, and our payload decrypts with it', async () => {
    const k = await generateKeyPair();
    const r = await generateKeyPair();
    const plain = randomBytes(200_000);
    const { file } = await ourFile([k.recipient, r.recipient], plain);
    for (const id of [k.identity, r.identity]) {
      const d = new Decrypter();
      d.addIdentity(id);
      expect(Buffer.from(await d.decrypt(file)).equals(plain)).toBe(true);
    }
    const text = file.subarray(0, locateHeader(file)).toString('latin1');
    expect(text.startsWith('age-encryption.org/v1\n')).toBe(true);
    expect(text.match(/^-> X25519 /gm)).toHaveLength(2); // the capturing recipient adds no stanza
  });

  it('uses a fresh file key and nonce for every file', async () => {
    const k = await generateKeyPair();
    const a = await createHeader([k.recipient]);
    const b = await createHeader([k.recipient]);
    expect(a.fileKey.equals(b.fileKey)).toBe(false);
    expect(a.nonce.equals(b.nonce)).toBe(false);
    expect(a.fileKey).toHaveLength(16);
    expect(await unwrapFileKey(a.header, [k.identity])).toEqual(a.fileKey);
  });

  it('refuses malformed or non-X25519 recipients and an empty list', async () => {
    await expect(createHeader([])).rejects.toThrow(/at least one recipient/);
    await expect(createHeader(['age1notakey'])).rejects.toThrow(/not an age X25519 recipient/);
    const k = await generateKeyPair();
    const broken = k.recipient.slice(0, -1) + (k.recipient.endsWith('q') ? 'p' : 'q'); // bad bech32 checksum
    await expect(createHeader([broken])).rejects.toThrow();
  });
});

describe('reading headers', () => {
  it('opens a file typage wrote (header through typage, payload through our STREAM)', async () => {
    const k = await generateKeyPair();
    const e = new Encrypter();
    e.addRecipient(k.recipient);
    for (const size of [0, 1, 65536, 65537]) {
      const plain = randomBytes(size);
      const file = Buffer.from(await e.encrypt(plain));
      expect((await ourDecrypt(file, [k.identity])).equals(plain)).toBe(true);
    }
  });

  it('tells a wrong key, a modified header, armor, garbage and truncation apart', async () => {
    const k = await generateKeyPair();
    const other = await generateKeyPair();
    const { file } = await ourFile([k.recipient], Buffer.from('hello'));
    const len = locateHeader(file);
    const header = file.subarray(0, len);
    await expect(unwrapFileKey(header, [other.identity])).rejects.toMatchObject({ code: 'no-match' });
    // A different MAC: the line is still well formed, only the value changes.
    const mac = header.toString('latin1');
    const i = mac.lastIndexOf('--- ') + 4;
    const changed = Buffer.from(mac.slice(0, i) + (mac[i] === 'A' ? 'B' : 'A') + mac.slice(i + 1), 'latin1');
    await expect(unwrapFileKey(changed, [k.identity])).rejects.toMatchObject({ code: 'hmac' });
    expect(() => locateHeader(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n'))).toThrow(expect.objectContaining({ code: 'armored' }));
    expect(() => locateHeader(Buffer.from('PK\x03\x04 a zip'))).toThrow(expect.objectContaining({ code: 'not-age' }));
    expect(() => locateHeader(file.subarray(0, len - 10))).toThrow(/truncated: its header is incomplete/);
    const e = (() => {
      try {
        locateHeader(Buffer.from('age-encryption.org/v2\n'));
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(AgeHeaderError);
  });

  it('checks the MAC with a known file key (verification right after writing)', async () => {
    const k = await generateKeyPair();
    const h = await createHeader([k.recipient]);
    await expect(unwrapFileKey(h.header, [knownFileKey(h.fileKey)])).resolves.toEqual(h.fileKey);
    await expect(unwrapFileKey(h.header, [knownFileKey(randomBytes(16))])).rejects.toMatchObject({ code: 'hmac' });
  });
});
