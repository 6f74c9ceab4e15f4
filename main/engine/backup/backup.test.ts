import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTelegramExport, media, mtimeOf, readTree } from '../../../tests/helpers/backup-fixtures.js';
import { writeZip } from '../../../tests/helpers/zip-writer.js';
import { BackupError, type BackupProgress, runBackup } from './backup.js';
import { generateKeyPair, type KeyPair } from './keys.js';
import { listBackup } from './list.js';
import { openBackup } from './reader.js';
import { blobName, chatEntryName } from './manifest.js';
import { runRestore } from './restore.js';
import { verifyBackup } from './verify.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const quiet = { progress: { report() {} } };
const live = () => new AbortController().signal;

let dir: string;
let staging: string;
let k: KeyPair;
let r: KeyPair;
let folderExport: string;
let zipExport: string;
let fileExport: string;
const shared = media('photos/shared.jpg', 40_000, 'same bytes in two chats');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-backup-'));
  staging = path.join(dir, 'staging');
  mkdirSync(staging);
  k = await generateKeyPair();
  r = await generateKeyPair();
  folderExport = makeTelegramExport(path.join(dir, 'export-folder'), [
    { id: 11, name: 'Анна', messages: [{ text: 'привет', photo: media('photos/a1.jpg', 70_000) }, { text: 'дубль', photo: { ...shared } }, { text: 'без вложений' }] },
    { id: 12, name: 'Work', type: 'private_group', messages: [{ text: 'same picture', photo: { ...shared, rel: 'photos/shared-copy.jpg' } }, { text: 'doc', file: media('files/report.pdf', 1234) }] },
  ]);
  utimesSync(path.join(folderExport, 'photos/a1.jpg'), new Date('2023-03-04T05:06:07Z'), new Date('2023-03-04T05:06:07Z'));
  // The same kind of export, zipped: its media are reached inside the zip (stored once, as the zip).
  const zipSrc = makeTelegramExport(path.join(dir, 'zip-src'), [{ id: 21, name: 'Zipped chat', messages: [{ text: 'in a zip', photo: media('photos/z1.jpg', 100_000) }] }]);
  zipExport = path.join(dir, 'export.zip');
  await writeZip(
    zipExport,
    [...readTree(zipSrc)].map(([name, data]) => ({ name: `Telegram Desktop/${name}`, data, method: name.endsWith('.jpg') ? 0 : 8 })),
  );
  // An export handed over as its main file only: the media beside it are backed up too.
  fileExport = path.join(makeTelegramExport(path.join(dir, 'export-file'), [{ id: 31, name: 'Single file', messages: [{ text: 'x', file: media('files/beside.bin', 5000) }] }]), 'result.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function backup(name: string, paths: string[], extra: Partial<Parameters<typeof runBackup>[0]> = {}) {
  const out = path.join(dir, name);
  const steps: BackupProgress['step'][] = [];
  const res = await runBackup(
    { paths, out, recipients: [{ recipient: k.recipient, role: 'keychain' }, { recipient: r.recipient, role: 'recovery' }], ...extra },
    { progress: { report: (p) => (steps.at(-1) !== p.step ? steps.push(p.step) : undefined) }, stagingDir: staging },
    live(),
  );
  return { out, res, steps };
}

describe('runBackup', () => {
  let main: Awaited<ReturnType<typeof backup>>;
  beforeAll(async () => {
    main = await backup('main.msgbak', [folderExport, zipExport, fileExport]);
  });

  it('writes one verified file and its side file, reporting each step, leaving no staging behind', () => {
    const { out, res, steps } = main;
    expect(existsSync(out)).toBe(true);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(res.verified?.ok).toBe(true);
    expect(res.verified?.problems).toEqual([]);
    expect(res.verified?.entries.checked).toBe(res.entries); // every entry, the manifest included
    expect(res.sha256).toBe(sha(readFileSync(out)));
    const side = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    expect(side).toMatchObject({ file: 'main.msgbak', size: readFileSync(out).length, sha256: res.sha256 });
    expect(side.recipients.map((x: { role: string }) => x.role)).toEqual(['keychain', 'recovery']);
    expect(JSON.stringify(side)).not.toContain(k.recipient); // fingerprints only
    expect(steps).toEqual(['prepare', 'read', 'index', 'hash', 'write', 'verify']);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('counts what went in: sources, originals, distinct contents, chats, messages, attachments', () => {
    const c = main.res.manifest.counts;
    expect(main.res.manifest.sources.map((s) => [s.kind, s.format])).toEqual([
      ['folder', 'telegram-json'],
      ['zip', 'telegram-json'],
      ['file', 'telegram-json'],
    ]);
    // folder: result.json + 4 media; zip: 1; file: result.json + the file beside it
    expect(c.originalFiles).toBe(5 + 1 + 2);
    // shared.jpg and shared-copy.jpg are the same bytes: stored once
    expect(c.blobs).toBe(c.originalFiles - 1);
    expect(c.chats).toBe(4);
    expect(c.messages).toBe(3 + 2 + 1 + 1);
    expect(c.contacts).toBe(3 * 2 + 3); // two contacts per export, and each export's owner
    expect(c.attachments).toMatchObject({ referenced: 6, distinct: 5, asBlobs: 4, inArchives: 1, missing: 0 });
  });

  it('restores everything byte for byte, with modification times, plus the model', async () => {
    const to = path.join(dir, 'restore-all');
    const res = await runRestore({ file: main.out, to, select: { kind: 'all' }, identities: [r.identity] }, quiet, live());
    expect(res.problems).toEqual([]);
    const restored = readTree(path.join(to, 'originals/0-export-folder'));
    const original = readTree(folderExport);
    expect([...restored.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [rel, bytes] of original) expect(restored.get(rel)!.equals(bytes), rel).toBe(true);
    expect(mtimeOf(path.join(to, 'originals/0-export-folder/photos/a1.jpg'))).toBe(Date.parse('2023-03-04T05:06:07Z') / 1000);
    expect(readFileSync(path.join(to, 'originals/1-export.zip/export.zip')).equals(readFileSync(zipExport))).toBe(true);
    expect(readFileSync(path.join(to, 'originals/2-result.json/files/beside.bin')).equals(readFileSync(path.join(path.dirname(fileExport), 'files/beside.bin')))).toBe(true);
    const chats = readFileSync(path.join(to, 'model/chats.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(chats.map((c) => c.id).sort()).toEqual(['tg:11', 'tg:12', 'tg:21', 'tg:31']);
    const anna = readFileSync(path.join(to, chatEntryName('tg:11')), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(anna.map((m) => m.text)).toEqual(['привет', 'дубль', 'без вложений']);
    expect(existsSync(path.join(to, 'manifest.json'))).toBe(true);
    // restoring again into the same folder never overwrites
    await expect(runRestore({ file: main.out, to, select: { kind: 'all' }, identities: [r.identity] }, quiet, live())).rejects.toThrow(/already exists/);
  });

  it('restores one chat with its media, including a picture that lives inside an original zip', async () => {
    const to = path.join(dir, 'restore-chat');
    const res = await runRestore({ file: main.out, to, select: { kind: 'chat', id: 'tg:21' }, identities: [k.identity] }, quiet, live());
    expect(res.problems).toEqual([]);
    const base = path.basename(chatEntryName('tg:21'), '.jsonl');
    expect(res.files.sort()).toEqual([`${base}/chat.json`, `${base}/media/photos/z1.jpg`, `${base}/messages.jsonl`]);
    expect(readFileSync(path.join(to, base, 'media/photos/z1.jpg')).equals(readFileSync(path.join(dir, 'zip-src/photos/z1.jpg')))).toBe(true);
    // No other file has the zip's size: it was read once, stored under a number, and the index
    // (written after the blobs) names that entry and the zip's SHA-256 learnt while writing it.
    const opened = await openBackup(main.out, [r.identity]);
    try {
      const chunks: Buffer[] = [];
      for await (const c of opened.zip.open('index/attachments.jsonl')) chunks.push(c as Buffer);
      const rows = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
      const inZip = rows.find((x) => x.at === 'archive');
      expect(inZip).toMatchObject({ archive: sha(readFileSync(zipExport)), archiveBlob: expect.stringMatching(/^blobs\/n\/\d{6}$/), entry: 'photos/z1.jpg' });
      expect(opened.manifest.entries.find((e) => e.path === inZip.archiveBlob)?.sha256).toBe(inZip.archive);
      expect(rows.filter((x) => x.at === 'blob').every((x) => x.blob === blobName(x.sha256))).toBe(true);
    } finally {
      await opened.close();
    }
    const two = await runRestore({ file: main.out, to: path.join(dir, 'restore-chat-12'), select: { kind: 'chat', id: 'tg:12' }, identities: [k.identity] }, quiet, live());
    expect(two.files.filter((f) => f.includes('/media/')).sort()).toEqual([
      `${path.basename(chatEntryName('tg:12'), '.jsonl')}/media/files/report.pdf`,
      `${path.basename(chatEntryName('tg:12'), '.jsonl')}/media/photos/shared-copy.jpg`,
    ]);
  });

  it('restores the contacts only, and names an unknown chat helpfully', async () => {
    const to = path.join(dir, 'restore-contacts');
    const res = await runRestore({ file: main.out, to, select: { kind: 'contacts' }, identities: [r.identity] }, quiet, live());
    expect(res.files).toEqual(['contacts.jsonl']);
    expect(readFileSync(path.join(to, 'contacts.jsonl'), 'utf8').trim().split('\n')).toHaveLength(9);
    await expect(runRestore({ file: main.out, to: path.join(dir, 'nochat'), select: { kind: 'chat', id: 'Work' }, identities: [r.identity] }, quiet, live())).rejects.toThrow(
      /no chat with id Work; did you mean tg:12 \(Work\)/,
    );
  });

  it('lists contents from the manifest alone', async () => {
    const l = await listBackup(main.out, [r.identity]);
    expect(l.chats.map((c) => [c.id, c.title, c.messages, c.attachments])).toEqual(
      expect.arrayContaining([
        ['tg:11', 'Анна', 3, 2],
        ['tg:21', 'Zipped chat', 1, 1],
      ]),
    );
    expect(l.counts).toEqual(main.res.manifest.counts);
  });

  it('verifies quick (no key), full and sampled', async () => {
    const quick = await verifyBackup(main.out, { mode: 'quick' }, quiet, live());
    expect(quick).toMatchObject({ ok: true, sideFile: 'match' });
    const full = await verifyBackup(main.out, { mode: 'full', identities: [k.identity], hashCiphertext: true }, quiet, live());
    expect(full).toMatchObject({ ok: true, sideFile: 'match', ciphertextSha256: main.res.sha256 });
    expect(full.chunks.checked).toBe(full.chunks.total);
    const sample = await verifyBackup(main.out, { mode: 'sample', sample: 3, identities: [r.identity] }, quiet, live());
    expect(sample.ok).toBe(true);
    expect(sample.entries.checked).toBe(3);
  });

  it('makes a verified second copy in another folder', async () => {
    const other = path.join(dir, 'second-drive');
    mkdirSync(other);
    const { out, res } = await backup('copied.msgbak', [folderExport], { copyTo: other });
    expect(res.copyError).toBeNull();
    expect(res.copy).toMatchObject({ file: path.join(other, 'copied.msgbak'), sha256: res.sha256 });
    expect(readFileSync(path.join(other, 'copied.msgbak')).equals(readFileSync(out))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(other, 'copied.msgbak.json'), 'utf8')).sha256).toBe(res.sha256);
    expect((await verifyBackup(path.join(other, 'copied.msgbak'), { mode: 'quick' }, quiet, live())).ok).toBe(true);
  });
});

describe('runBackup refusals and edge cases', () => {
  it('refuses a missing source, an existing output, an output inside the source and a copy to the same folder', async () => {
    const rec = [{ recipient: r.recipient, role: 'recovery' as const }];
    const run = (paths: string[], out: string, copyTo?: string) => runBackup({ paths, out, recipients: rec, ...(copyTo ? { copyTo } : {}) }, { ...quiet, stagingDir: staging }, live());
    await expect(run([path.join(dir, 'nope')], path.join(dir, 'x.msgbak'))).rejects.toMatchObject({ code: 'not-found' });
    writeFileSync(path.join(dir, 'taken.msgbak'), 'x');
    await expect(run([folderExport], path.join(dir, 'taken.msgbak'))).rejects.toMatchObject({ code: 'exists' });
    await expect(run([folderExport], path.join(folderExport, 'inside.msgbak'))).rejects.toThrow(/cannot be written inside what it backs up/);
    await expect(run([folderExport], path.join(dir, 'y.msgbak'), dir)).rejects.toThrow(/another folder/);
    await expect(runBackup({ paths: [folderExport], out: path.join(dir, 'z.msgbak'), recipients: [] }, quiet, live())).rejects.toBeInstanceOf(BackupError);
    expect(readdirSync(dir).filter((n) => /^[xyz]\.msgbak/.test(n))).toEqual([]);
  });

  it('backs up a file it cannot read as an export byte for byte, and skips links with a warning', async () => {
    const odd = path.join(dir, 'odd');
    mkdirSync(odd);
    const blob = randomBytes(3 * 65536 + 1);
    writeFileSync(path.join(odd, 'data.bin'), blob);
    symlinkSync('/etc/passwd', path.join(odd, 'link'));
    const { out, res } = await backup('odd.msgbak', [odd]);
    expect(res.manifest.sources[0]).toMatchObject({ kind: 'folder', format: null, files: 1 });
    expect(res.problems.some((p) => /link.*not backed up|not backed up.*link/.test(p.message))).toBe(true);
    const l = await listBackup(out, [r.identity]);
    expect(l.counts.blobs).toBe(1);
    const to = path.join(dir, 'odd-restored');
    await runRestore({ file: out, to, select: { kind: 'all' }, identities: [r.identity] }, quiet, live());
    expect(readFileSync(path.join(to, 'originals/0-odd/data.bin')).equals(blob)).toBe(true);
    expect(existsSync(path.join(to, 'originals/0-odd/link'))).toBe(false);
    const blobEntry = blobName(sha(blob));
    expect(blobEntry).toMatch(/^blobs\/sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
  });

  it('hashes big files on the hash worker (read straight into its ring) to the same names and bytes', async () => {
    const bigDir = path.join(dir, 'big-files');
    mkdirSync(bigDir);
    const files = { 'a.bin': randomBytes((5 << 20) + 12_345), 'b.bin': randomBytes(1 << 20), 'same-as-a.bin': Buffer.alloc(0) };
    files['same-as-a.bin'] = files['a.bin'];
    for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(bigDir, name), bytes);
    const { out, res } = await backup('big-files.msgbak', [bigDir]);
    expect(res.verified?.ok).toBe(true); // every entry's SHA-256 recomputed from the backup
    expect(res.manifest.counts).toMatchObject({ originalFiles: 3, blobs: 2 });
    const listing = await listBackup(out, [r.identity]);
    expect(listing.counts.blobBytes).toBe(files['a.bin'].length + files['b.bin'].length);
    const to = path.join(dir, 'big-files-restored');
    await runRestore({ file: out, to, select: { kind: 'all' }, identities: [r.identity] }, quiet, live());
    for (const [name, bytes] of Object.entries(files)) expect(readFileSync(path.join(to, 'originals/0-big-files', name)).equals(bytes), name).toBe(true);
  });

  it('reads the attachments convert already hashed only once (when writing them), and the other files first', async () => {
    const hashTotals: (number | null)[] = [];
    const out = path.join(dir, 'once.msgbak');
    const res = await runBackup({ paths: [folderExport], out, recipients: [{ recipient: r.recipient, role: 'recovery' }] }, {
      progress: { report: (p) => (p.step === 'hash' ? hashTotals.push(p.total) : undefined) },
      stagingDir: staging,
    }, live());
    const size = (rel: string) => readFileSync(path.join(folderExport, rel)).length;
    // Of the two files with the same content, the second one is read first to find out that it is
    // the same (shared-copy.jpg sorts before shared.jpg); result.json is no attachment, but no
    // other file has its size, so it is read once too, when written, under a number.
    expect(hashTotals[0]).toBe(size('photos/shared.jpg'));
    expect(res.manifest.counts).toMatchObject({ originalFiles: 5, blobs: 4 });
    expect(res.verified?.ok).toBe(true);
    const opened = await openBackup(out, [r.identity]);
    const m = opened.manifest;
    await opened.close();
    const numbered = m.entries.filter((e) => e.path.startsWith('blobs/n/'));
    expect(numbered).toEqual([{ path: 'blobs/n/000001', size: size('result.json'), sha256: sha(readFileSync(path.join(folderExport, 'result.json'))) }]);
    const to = path.join(dir, 'once-restored');
    await runRestore({ file: out, to, select: { kind: 'all' }, identities: [r.identity] }, quiet, live());
    for (const [rel, bytes] of readTree(folderExport)) expect(readFileSync(path.join(to, 'originals/0-export-folder', rel)).equals(bytes), rel).toBe(true);
  });

  it('fails, leaving nothing, when an attachment changed after convert hashed it (same size, other bytes)', async () => {
    const exp = makeTelegramExport(path.join(dir, 'changing'), [{ id: 41, name: 'C', messages: [{ text: 'x', photo: media('photos/c.jpg', 200_000) }] }]);
    const out = path.join(dir, 'changing.msgbak');
    let changed = false;
    const p = runBackup({ paths: [exp], out, recipients: [{ recipient: r.recipient, role: 'recovery' }] }, {
      progress: {
        report: (x) => {
          if (x.step === 'hash' && !changed) {
            changed = true;
            writeFileSync(path.join(exp, 'photos/c.jpg'), randomBytes(200_000));
          }
        },
      },
      stagingDir: staging,
    }, live());
    await expect(p).rejects.toMatchObject({ code: 'source-changed', message: expect.stringMatching(/photos\/c\.jpg: the file changed while the backup was being made/) });
    expect(changed).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('changing.msgbak'))).toEqual([]);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('fails, leaving nothing, when a file read only once (no other has its size) shrinks before it is written', async () => {
    const folder = path.join(dir, 'shrinking');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes.bin'), randomBytes(300_000));
    const out = path.join(dir, 'shrinking.msgbak');
    let cut = false;
    const p = runBackup({ paths: [folder], out, recipients: [{ recipient: r.recipient, role: 'recovery' }] }, {
      progress: {
        report: (x) => {
          // The first entries (README, model) are written before the blobs.
          if (x.step === 'write' && !cut) {
            cut = true;
            writeFileSync(path.join(folder, 'notes.bin'), randomBytes(1000));
          }
        },
      },
      stagingDir: staging,
    }, live());
    await expect(p).rejects.toMatchObject({ code: 'source-changed', message: expect.stringMatching(/notes\.bin: the file changed while the backup was being made/) });
    expect(cut).toBe(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('shrinking.msgbak'))).toEqual([]);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('leaves nothing when cancelled midway (no backup, no .partial, no staging)', async () => {
    const controller = new AbortController();
    const big = path.join(dir, 'big');
    mkdirSync(big);
    writeFileSync(path.join(big, 'a.bin'), randomBytes(8 << 20));
    const out = path.join(dir, 'cancelled.msgbak');
    const p = runBackup({ paths: [big], out, recipients: [{ recipient: r.recipient, role: 'recovery' }] }, {
      progress: { report: (x) => (x.step === 'write' && x.done > 1 << 20 ? controller.abort() : undefined) },
      stagingDir: staging,
    }, controller.signal);
    await expect(p).rejects.toThrow();
    expect(readdirSync(dir).filter((n) => n.startsWith('cancelled'))).toEqual([]);
    expect(readdirSync(staging)).toEqual([]);
  });
});
