import { describe, expect, it } from 'vitest';
import { parseRequest } from '../ipc-contract.js';
import { AbsolutePathSchema, fileNameProblem } from './backup.js';

describe('backup file names', () => {
  it.each([
    ['backup.msgbak', null],
    ['Резервная копия 2024.msgbak', null],
    ['', 'empty'],
    ['a/b.msgbak', 'characters'],
    ['a\\b.msgbak', 'characters'],
    ['a:b.msgbak', 'characters'],
    ['tab\there.msgbak', 'characters'],
    [' lead.msgbak', 'characters'],
    ['.msgbak', 'dot'],
    ['.hidden.msgbak', 'dot'],
    ['backup.zip', 'extension'],
    [`${'x'.repeat(200)}.msgbak`, 'long'],
  ] as const)('%j → %s', (name, problem) => {
    expect(fileNameProblem(name, '.msgbak')).toBe(problem);
  });
});

describe('paths in backup requests', () => {
  it('must be absolute, POSIX or Windows, without NUL', () => {
    for (const ok of ['/home/a', 'C:\\Users\\a', 'd:/x', '\\\\server\\share\\x']) expect(AbsolutePathSchema.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['home/a', './a', '..\\a', 'C:', '/a\0b', '']) expect(AbsolutePathSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('are checked by the contract, with the channel and the field in the message', () => {
    const r = parseRequest('backup:copy', { file: '/a/b.msgbak', destDir: 'relative' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-request', message: expect.stringMatching(/^backup:copy: .*at destDir$/) } });
    expect(parseRequest('backup:copy', { file: '/a/b.msgbak', destDir: '/c' }).ok).toBe(true);
    expect(parseRequest('backup:verify', { file: '/a/b.msgbak', mode: 'full', key: 'k'.repeat(513) }).ok).toBe(false);
    expect(parseRequest('backup:start', { paths: ['/a'], dest: { dir: '/b', name: 'x.msgbak', extra: 1 } }).ok).toBe(false);
  });
});
