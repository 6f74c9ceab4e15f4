import { describe, expect, it } from 'vitest';
import type { BackupRecord, BackupStatus } from '../../../shared/ipc/backup.js';
import type { JobState } from '../../../shared/model/index.js';
import { backupStage, baseName, checklist, folderOf, groupRecoveryKey, joinPath, latestBackup, nextFreeName, proposeBackupName, proposeKeyFileName, withExtension } from './backup-model.js';

const KEY = 'AGE-SECRET-KEY-1QQQQPPPPZZZZRRRRYYYY9999XXXX8888GGGGFFFF2222TTTTVVVVDDDDWW';

const record = (over: Partial<BackupRecord> = {}): BackupRecord => ({
  file: '/b/one.msgbak',
  sideFile: '/b/one.msgbak.json',
  created: '2024-05-01T10:00:00.000Z',
  size: 100,
  sha256: 'a'.repeat(64),
  exists: true,
  counts: { sources: 1, originalFiles: 1, contacts: 0, chats: 0, messages: 0, attachments: 0 },
  opensWith: ['keychain', 'recovery'],
  verified: { written: '2024-05-01T10:00:01.000Z', quick: null, full: null, sample: null },
  recoveryTestedAt: null,
  copies: [],
  ...over,
});

describe('names proposed by the Backup step', () => {
  it('dates the backup and the key file in local time, sortable', () => {
    const d = new Date(2024, 0, 5, 9, 7);
    expect(proposeBackupName(d)).toBe('pereezd-backup-2024-01-05-0907.msgbak');
    expect(proposeKeyFileName(d)).toBe('pereezd-recovery-key-2024-01-05.age');
  });
  it('offers the next free name after a clash', () => {
    expect(nextFreeName('backup.msgbak', '.msgbak')).toBe('backup-2.msgbak');
    expect(nextFreeName('backup-2.msgbak', '.msgbak')).toBe('backup-3.msgbak');
    expect(nextFreeName('pereezd-backup-2024-01-05-0907.msgbak', '.msgbak')).toBe('pereezd-backup-2024-01-05-0907-2.msgbak');
    expect(nextFreeName('noext', '.msgbak')).toBe('noext-2.msgbak');
  });
  it('adds a missing extension, keeps a present one in any case', () => {
    expect(withExtension('mine', '.msgbak')).toBe('mine.msgbak');
    expect(withExtension(' mine.MSGBAK ', '.msgbak')).toBe('mine.MSGBAK');
    expect(withExtension('  ', '.msgbak')).toBe('');
  });
});

describe('the recovery key as shown and printed', () => {
  it('is the prefix, then groups of four characters, five groups a line, nothing lost', () => {
    const lines = groupRecoveryKey(KEY);
    expect(lines[0]).toBe('AGE-SECRET-KEY-1');
    expect(lines.slice(1).every((l) => l.split(' ').every((g) => g.length <= 4))).toBe(true);
    expect(lines.slice(1, -1).every((l) => l.split(' ').length === 5)).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe(KEY);
    expect(lines).toHaveLength(4);
  });
});

describe('the state of the step', () => {
  it('reads the stage of a running backup from its counters', () => {
    const job = { progress: { done: 1, total: 10, unit: 'items', counters: { stage: 4 } } } as unknown as JobState;
    expect(backupStage(job)).toBe('write');
    expect(backupStage({ progress: { done: 0, total: null, unit: 'items' } } as unknown as JobState)).toBe('prepare');
    expect(backupStage({ progress: { done: 0, total: null, unit: 'items', counters: { stage: 99 } } } as unknown as JobState)).toBe('prepare');
    expect(backupStage(undefined)).toBe('prepare');
  });
  it('takes the newest backup still on disk', () => {
    const status = { backups: [record({ file: '/gone.msgbak', exists: false }), record({ file: '/here.msgbak' })] } as unknown as BackupStatus;
    expect(latestBackup(status)?.file).toBe('/here.msgbak');
    expect(latestBackup(null)).toBeNull();
  });
  it('is complete only when the backup is written and the recovery key proven; copy and full check are extras', () => {
    expect(checklist(null)).toEqual({ written: false, recoveryTested: false, fullyChecked: false, copied: false, complete: false });
    expect(checklist(record()).complete).toBe(false);
    const tested = checklist(record({ recoveryTestedAt: '2024-05-01T11:00:00.000Z' }));
    expect(tested).toMatchObject({ written: true, recoveryTested: true, fullyChecked: true, copied: false, complete: true });
    expect(checklist(record({ copies: [{ file: '/c/one.msgbak', sideFile: '/c/one.msgbak.json', verifiedAt: 'x', exists: false }] })).copied).toBe(false);
    expect(checklist(record({ copies: [{ file: '/c/one.msgbak', sideFile: '/c/one.msgbak.json', verifiedAt: 'x', exists: true }] })).copied).toBe(true);
    expect(checklist(record({ verified: { written: null, quick: null, full: null, sample: null }, recoveryTestedAt: 'x' })).complete).toBe(false);
  });
});

describe('paths as the core writes them', () => {
  it('splits and joins POSIX and Windows paths', () => {
    expect(folderOf('/home/a/b.msgbak')).toBe('/home/a');
    expect(folderOf('/b.msgbak')).toBe('/');
    expect(folderOf('C:\\Users\\a\\b.msgbak')).toBe('C:\\Users\\a');
    expect(baseName('C:\\Users\\a\\b.msgbak')).toBe('b.msgbak');
    expect(baseName('/home/a/b.msgbak')).toBe('b.msgbak');
    expect(joinPath('/home/a', 'x.age')).toBe('/home/a/x.age');
    expect(joinPath('/', 'x.age')).toBe('/x.age');
    expect(joinPath('D:\\keys', 'x.age')).toBe('D:\\keys\\x.age');
  });
});
