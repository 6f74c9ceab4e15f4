import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileContainer, FolderContainer, safeJoin, statMany } from './container.js';

describe('FolderContainer', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pereezd-container-'));
  mkdirSync(path.join(root, 'general'));
  mkdirSync(path.join(root, 'general', 'deep'));
  writeFileSync(path.join(root, 'users.json'), '[]');
  writeFileSync(path.join(root, 'general', '2024-01-01.json'), '[1]');
  writeFileSync(path.join(root, 'general', 'deep', 'x.bin'), 'abcd');
  const outside = mkdtempSync(path.join(os.tmpdir(), 'pereezd-outside-'));
  writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  symlinkSync(outside, path.join(root, 'link-to-outside'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'secret-link.txt'));

  it('lists every file recursively, sorted, without following symlinks', async () => {
    const c = new FolderContainer(root);
    expect(await c.listAll()).toEqual([
      { path: 'general/2024-01-01.json', size: 3 },
      { path: 'general/deep/x.bin', size: 4 },
      { path: 'users.json', size: 2 },
    ]);
    expect((await c.listAll(1)).length).toBe(1);
    expect((await c.list()).map((e) => e.path)).toEqual(['users.json']);
  });

  it('stats many files in batches (the event loop gets turns), null for what is gone; lstat does not follow links', async () => {
    const many = mkdtempSync(path.join(os.tmpdir(), 'pereezd-statmany-'));
    const names = Array.from({ length: 1300 }, (_, i) => path.join(many, `f${i}`));
    names.forEach((n, i) => writeFileSync(n, Buffer.alloc(i % 7)));
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);
    const stats = await statMany([...names, path.join(many, 'missing')]);
    clearInterval(ticking);
    expect(stats.map((s) => s?.size ?? null)).toEqual([...names.map((_, i) => i % 7), null]);
    expect(turns).toBeGreaterThan(0); // 1301 paths = 3 batches: timers ran in between
    const [viaLink] = await statMany([path.join(root, 'secret-link.txt')], { lstat: true });
    expect(viaLink?.isSymbolicLink()).toBe(true);
    const [followed] = await statMany([path.join(root, 'secret-link.txt')]);
    expect(followed?.isFile()).toBe(true);
  });

  it('links media by cached directory listings and refuses paths that escape the root', async () => {
    const c = new FolderContainer(root);
    expect(await c.stat('general/deep/x.bin')).toEqual({ size: 4 });
    expect(await c.stat('general/deep/nope.bin')).toBeNull();
    expect(await c.stat('general')).toBeNull(); // a folder is not a file
    expect(await c.stat('../' + path.basename(outside) + '/secret.txt')).toBeNull();
    expect(() => c.open('../../etc/passwd')).toThrow(/unsafe/);
  });

  it('safeJoin refuses absolute, drive and parent paths and NUL bytes', () => {
    expect(safeJoin('/r', 'a/b.jpg')).toBe('/r/a/b.jpg');
    expect(safeJoin('/r', 'a\\b.jpg')).toBe('/r/a/b.jpg');
    for (const bad of ['/etc/passwd', 'C:\\x', '../x', 'a/../../x', 'a\0b']) expect(safeJoin('/r', bad), bad).toBeNull();
  });
});

describe('FileContainer', () => {
  it('is one file whose folder is the media root', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-file-'));
    writeFileSync(path.join(dir, 'result.json'), '{}');
    writeFileSync(path.join(dir, 'photo.jpg'), 'jpeg');
    const c = new FileContainer(path.join(dir, 'result.json'), 2);
    expect(await c.listAll()).toEqual([{ path: 'result.json', size: 2 }]);
    expect(await c.stat('photo.jpg')).toEqual({ size: 4 });
    expect(c.display('photo.jpg')).toBe(path.join(dir, 'photo.jpg'));
  });
});
