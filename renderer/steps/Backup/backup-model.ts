/**
 * Pure helpers of the Backup step: names proposed for files, the recovery key laid out for reading
 * and typing, the stage of a running backup, and what is still missing before the step is done.
 * No calls, no React: unit-tested beside this file.
 */
import { BACKUP_FILE_EXTENSION, BACKUP_STAGES, type BackupRecord, type BackupStage, type BackupStatus } from '../../../shared/ipc/backup.js';
import type { JobState } from '../../../shared/model/index.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** `pereezd-backup-2024-05-01-1530.msgbak`, in local time: sorts by date, says when at a glance. */
export function proposeBackupName(d: Date): string {
  return `pereezd-backup-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${BACKUP_FILE_EXTENSION}`;
}

/** `pereezd-recovery-key-2024-05-01.age`. */
export function proposeKeyFileName(d: Date): string {
  return `pereezd-recovery-key-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}.age`;
}

/** `name.msgbak` → `name-2.msgbak` → `name-3.msgbak` (the same for any extension). */
export function nextFreeName(name: string, extension: string): string {
  const base = name.toLowerCase().endsWith(extension) ? name.slice(0, -extension.length) : name;
  // A small counter at the end is counted on; a longer number (a time such as 0907) is part of the name.
  const m = /^(.*)-(\d{1,3})$/.exec(base);
  return m ? `${m[1]}-${Number(m[2]) + 1}${extension}` : `${base}-2${extension}`;
}

/** Adds the extension when the user left it out. */
export function withExtension(name: string, extension: string): string {
  const n = name.trim();
  return n === '' || n.toLowerCase().endsWith(extension) ? n : `${n}${extension}`;
}

const PREFIX = 'AGE-SECRET-KEY-1';

/**
 * The recovery key in lines for reading aloud, copying onto paper and typing back: the prefix,
 * then the 58 characters in groups of four, five groups a line.
 */
export function groupRecoveryKey(key: string): string[] {
  const body = key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key;
  const groups = body.match(/.{1,4}/g) ?? [];
  const lines = [PREFIX];
  for (let i = 0; i < groups.length; i += 5) lines.push(groups.slice(i, i + 5).join(' '));
  return lines;
}

/** The stage a running backup job is in (from `counters.stage`). */
export function backupStage(job: JobState | undefined): BackupStage {
  const i = job?.progress.counters?.stage;
  return typeof i === 'number' && i >= 0 && i < BACKUP_STAGES.length ? BACKUP_STAGES[i]! : 'prepare';
}

/** The newest backup that is still on disk, or null. */
export function latestBackup(status: BackupStatus | null): BackupRecord | null {
  return status?.backups.find((b) => b.exists) ?? null;
}

export interface Checklist {
  /** Written and fully checked right after writing. */
  written: boolean;
  /** The user typed their recovery key back and it opened this backup. */
  recoveryTested: boolean;
  /** A full check passed (after writing, or asked for since). */
  fullyChecked: boolean;
  /** A second copy exists and was checked. */
  copied: boolean;
  /** The step is complete: written and the recovery key proven (the copy is recommended, not required). */
  complete: boolean;
}

export function checklist(b: BackupRecord | null): Checklist {
  const written = !!b && b.verified.written !== null;
  const recoveryTested = !!b && b.recoveryTestedAt !== null;
  const fullyChecked = !!b && (b.verified.full !== null || b.verified.written !== null);
  const copied = !!b && b.copies.some((c) => c.exists);
  return { written, recoveryTested, fullyChecked, copied, complete: written && recoveryTested };
}

/** A running job's figures as a fraction (null while the total is unknown). */
export function jobFraction(job: JobState): number | null {
  const { done, total } = job.progress;
  return total && total > 0 ? Math.min(1, done / total) : null;
}

/** The folder part of a path as the core wrote it (POSIX or Windows separators). */
export function folderOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i <= 0 ? file.slice(0, i + 1) || file : file.slice(0, i);
}

/** The last part of a path. */
export function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return file.slice(i + 1);
}

/** Joins a folder and a file name with the folder's own separator. */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}
