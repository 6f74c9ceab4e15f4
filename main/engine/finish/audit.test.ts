import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAudit, recordHash, verifyAuditChain } from './audit.js';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'pereezd-audit-'));

describe('audit journal', () => {
  it('chains records (seq, prev = previous hash) and verifies them', async () => {
    const d = dir();
    const a = openAudit(d);
    const r1 = await a.append({ op: 'read', outcome: 'ok', counts: { messages: 3 }, refs: { source: '/x/result.json' } });
    const r2 = await a.append({ op: 'backup', outcome: 'ok', counts: { size: 10 }, refs: { sha256: 'ab'.repeat(32) } });
    expect(r1).toMatchObject({ seq: 1, prev: '0'.repeat(64) });
    expect(r2).toMatchObject({ seq: 2, prev: r1.hash });
    expect(recordHash(r2)).toBe(r2.hash);
    expect(await verifyAuditChain(a.file)).toEqual({ file: a.file, records: 2, ok: true, firstBroken: null, reason: null, head: r2.hash });
  });

  it('serialises concurrent appends into one unbroken chain', async () => {
    const a = openAudit(dir());
    await Promise.all(Array.from({ length: 20 }, (_, i) => a.append({ op: 'upload-batch', outcome: 'ok', counts: { i } })));
    const st = await a.verify();
    expect(st).toMatchObject({ ok: true, records: 20 });
    const seqs = readFileSync(a.file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('names the first changed, removed or inserted record', async () => {
    const a = openAudit(dir());
    for (let i = 0; i < 5; i++) await a.append({ op: 'verify', outcome: 'ok', counts: { i } });
    const lines = readFileSync(a.file, 'utf8').trim().split('\n');

    const edited = [...lines];
    edited[2] = edited[2]!.replace('"i":2', '"i":7');
    writeFileSync(a.file, `${edited.join('\n')}\n`);
    expect(await a.verify()).toMatchObject({ ok: false, firstBroken: 3, records: 2 });
    expect((await a.verify()).reason).toMatch(/does not match its hash/);

    writeFileSync(a.file, `${[lines[0], lines[1], lines[3], lines[4]].join('\n')}\n`);
    expect(await a.verify()).toMatchObject({ ok: false, firstBroken: 3 });
    expect((await a.verify()).reason).toMatch(/removed or inserted/);

    writeFileSync(a.file, `${[lines[0], 'garbage', ...lines.slice(1)].join('\n')}\n`);
    expect(await a.verify()).toMatchObject({ ok: false, firstBroken: 2 });
  });

  it('refuses records that are not the schema (unknown op, text where a number goes)', async () => {
    const a = openAudit(dir());
    await expect(a.append({ op: 'chat' as never, outcome: 'ok' })).rejects.toThrow();
    await expect(a.append({ op: 'read', outcome: 'ok', counts: { n: 'x' as never } })).rejects.toThrow();
    expect((await a.verify()).records).toBe(0);
  });
});
