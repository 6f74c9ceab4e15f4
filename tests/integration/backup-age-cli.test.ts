/**
 * Interoperability of the backup's age layer with the age reference CLI (Debian `age` 1.1.x):
 * our files decrypt with `age -d`, files `age -e` made open with our reader, for the payload
 * sizes around the 64 KiB chunk boundaries; the passphrase-protected recovery key file opens in
 * `age -d -i` (through a pseudo-terminal, where age asks for the passphrase).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgeFile, openAgeFile } from '../../main/engine/backup/age-file.js';
import { generateKeyPair, protectIdentityFile, recoveryKeyFile, type KeyPair } from '../../main/engine/backup/keys.js';

const EDGE_SIZES = [0, 1, 65535, 65536, 65537, 196608, 5 * 1024 * 1024 + 7];
let dir: string;
let k: KeyPair;
let r: KeyPair;
let rFile: string;
let kFile: string;

function requireAge(): void {
  const v = spawnSync('age', ['--version'], { encoding: 'utf8' });
  if (v.status !== 0) throw new Error('the age CLI is missing: install Debian package `age` (scripts/test.sh does)');
}

beforeAll(async () => {
  requireAge();
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-age-cli-'));
  k = await generateKeyPair();
  r = await generateKeyPair();
  rFile = path.join(dir, 'recovery.txt');
  kFile = path.join(dir, 'keychain.txt');
  writeFileSync(rFile, recoveryKeyFile(r, new Date()), { mode: 0o600 });
  writeFileSync(kFile, `${k.identity}\n`, { mode: 0o600 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('our age files → age -d', () => {
  it.each(EDGE_SIZES)('%i bytes decrypt with age -d and either identity', async (size) => {
    const plain = randomBytes(size);
    const file = path.join(dir, `ours-${size}.age`);
    const w = await createAgeFile(file, [k.recipient, r.recipient], { hashCiphertext: true });
    // Odd write sizes so chunk boundaries never line up with writes.
    for (let off = 0; off < size; off += 40_001) await w.write(plain.subarray(off, off + 40_001));
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.partial`)).toBe(true);
    const done = await w.finish();
    await w.publish();
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect(done.sha256).toBe(execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]);
    for (const id of [rFile, kFile]) {
      const out = execFileSync('age', ['-d', '-i', id, file], { maxBuffer: 64 << 20 });
      expect(out.equals(plain)).toBe(true);
    }
  });

  it('refuses to overwrite an existing backup and leaves no .partial behind', async () => {
    const file = path.join(dir, 'exists.age');
    writeFileSync(file, 'precious');
    const w = await createAgeFile(file, [r.recipient]);
    await w.write(Buffer.from('new'));
    await w.finish();
    await expect(w.publish()).rejects.toThrow(/already exists/);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    expect(readdirSync(dir).filter((n) => n.startsWith('exists.age'))).toEqual(['exists.age']);
  });
});

describe('age -e → our reader', () => {
  it.each(EDGE_SIZES)('%i bytes made by age -e -r open with our random-access reader', async (size) => {
    const plain = randomBytes(size);
    const src = path.join(dir, `plain-${size}`);
    const file = path.join(dir, `theirs-${size}.age`);
    writeFileSync(src, plain);
    execFileSync('age', ['-e', '-r', r.recipient, '-r', k.recipient, '-o', file, src]);
    const f = await openAgeFile(file, [r.identity]);
    try {
      expect(f.payload.plaintextSize).toBe(size);
      expect((await f.payload.readAt(0, size)).equals(plain)).toBe(true);
      const parts: Buffer[] = [];
      for await (const c of f.payload.chunksInOrder()) parts.push(c.plain);
      expect(Buffer.concat(parts).equals(plain)).toBe(true);
    } finally {
      await f.close();
    }
  });

  it('says plainly when the key does not fit', async () => {
    const file = path.join(dir, 'theirs-1.age');
    const stranger = await generateKeyPair();
    await expect(openAgeFile(file, [stranger.identity])).rejects.toThrow(/none of the keys given opens this backup/);
  });
});

describe('passphrase-protected recovery key file', () => {
  it('is an age identity file the age CLI opens with the passphrase (asked on the terminal)', async () => {
    const protectedFile = path.join(dir, 'recovery-key.age');
    writeFileSync(protectedFile, await protectIdentityFile(recoveryKeyFile(r, new Date()), 'tr0ub4dor&3 horse', 18));
    const plain = randomBytes(1000);
    const file = path.join(dir, 'for-passphrase.age');
    const w = await createAgeFile(file, [r.recipient]);
    await w.write(plain);
    await w.finish();
    await w.publish();
    const out = path.join(dir, 'out-passphrase');
    // age reads the passphrase from the terminal only: run it under a pseudo-terminal (util-linux script).
    const res = spawnSync('script', ['-qec', `age -d -i '${protectedFile}' -o '${out}' '${file}'`, '/dev/null'], {
      input: 'tr0ub4dor&3 horse\n',
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(res.status, res.stdout + res.stderr).toBe(0);
    expect(readFileSync(out).equals(plain)).toBe(true);
  });
});
