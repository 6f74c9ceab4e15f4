/**
 * The C2SP CCTV age test vectors (npm `cctv-age`) through the exact path a backup is read with:
 * header located by us and parsed/unwrapped by typage (age-header.ts), payload decrypted by our
 * sodium-native STREAM (age-stream.ts). Every vector with an X25519 or hybrid identity in binary
 * form is run; armored and passphrase-only vectors do not apply to backups (binary, X25519).
 */
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as cctv from 'cctv-age';
import { describe, expect, it } from 'vitest';
import { AgeHeaderError, splitHeader, unwrapFileKey } from '../../main/engine/backup/age-header.js';
import { AgePayloadError, decryptPayload, payloadKey, STREAM_NONCE_SIZE } from '../../main/engine/backup/age-stream.js';

type Outcome = 'success' | 'no match' | 'HMAC failure' | 'header failure' | 'payload failure';

interface Vector {
  name: string;
  expect: string;
  payload: string | null;
  identities: string[];
  armored: boolean;
  passphrases: number;
  file: Buffer;
}

function parseVector(name: string, raw: Uint8Array): Vector {
  const buf = Buffer.from(raw);
  const sep = buf.indexOf('\n\n');
  const fields = buf
    .subarray(0, sep)
    .toString('utf8')
    .split('\n')
    .map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)] as const);
  const get = (k: string) => fields.filter(([key]) => key === k).map(([, v]) => v);
  let file = buf.subarray(sep + 2);
  if (get('compressed')[0] === 'zlib') file = inflateSync(file);
  return {
    name,
    expect: get('expect')[0]!,
    payload: get('payload')[0] ?? null,
    identities: get('identity'),
    armored: get('armored')[0] === 'yes',
    passphrases: get('passphrase').length,
    file,
  };
}

async function ourRead(v: Vector): Promise<{ outcome: Outcome; released: Buffer; error?: unknown }> {
  const released: Buffer[] = [];
  try {
    const { header, nonce } = splitHeader(v.file);
    const fileKey = await unwrapFileKey(header, v.identities);
    const key = payloadKey(fileKey, nonce);
    async function* src() {
      yield v.file.subarray(header.length + STREAM_NONCE_SIZE);
    }
    for await (const c of decryptPayload(src(), key)) released.push(c);
    return { outcome: 'success', released: Buffer.concat(released) };
  } catch (error) {
    const out = Buffer.concat(released);
    if (error instanceof AgePayloadError) return { outcome: 'payload failure', released: out, error };
    if (error instanceof AgeHeaderError) {
      const outcome: Outcome = error.code === 'no-match' ? 'no match' : error.code === 'hmac' ? 'HMAC failure' : 'header failure';
      return { outcome, released: out, error };
    }
    throw error;
  }
}

const all = Object.entries(cctv as unknown as Record<string, Uint8Array>)
  .filter(([name, v]) => name !== 'default' && v instanceof Uint8Array)
  .map(([name, v]) => parseVector(name, v));
const applicable = all.filter((v) => !v.armored && v.identities.length > 0 && v.passphrases === 0);

describe('C2SP age test vectors through the backup read path', () => {
  it('covers the X25519, hybrid, stanza, header, HMAC and STREAM vectors', () => {
    expect(all.length).toBeGreaterThan(140);
    expect(applicable.length).toBeGreaterThanOrEqual(80);
    const names = applicable.map((v) => v.name);
    for (const family of ['x25519', 'stream_', 'hmac_', 'stanza_', 'header_', 'hybrid']) {
      expect(names.some((n) => n.startsWith(family))).toBe(true);
    }
  });

  it.each(applicable.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
    const r = await ourRead(v);
    expect(r.outcome, `${v.name}: ${String((r.error as Error | undefined)?.message)}`).toBe(v.expect);
    if (v.payload !== null && (v.expect === 'success' || v.expect === 'payload failure')) {
      // Whatever was released before a failure must be exactly the authentic prefix.
      expect(createHash('sha256').update(r.released).digest('hex')).toBe(v.payload);
    }
  });
});
