/**
 * What the services call when an operation finishes: one audit record each, plus (for the Matrix steps) the
 * result the report needs, kept in `<configDir>/finish/<workId>/` (mode 0700; files 0600; ids, counts and
 * room ids — no message text). A failing audit write never fails the operation it records: it is reported
 * through `process.emitWarning` (the report's chain check then shows the journal as it is).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../backup/age-file.js';
import type { BackupResult } from '../backup/backup.js';
import type { CleanResult } from '../clean/clean.js';
import type { UploadResult } from '../matrix/upload.js';
import type { VerifyTargetResult } from '../matrix/verify-target.js';
import { openAudit, type AuditEntry } from './audit.js';

export const finishDir = (configDir: string, workId: string): string => path.join(configDir, 'finish', workId);

/** Appends to the audit journal; never throws. */
export async function auditSafe(configDir: string, entry: AuditEntry): Promise<void> {
  try {
    await openAudit(configDir).append(entry);
  } catch (err) {
    process.emitWarning(`audit journal: ${(err as Error).message}`);
  }
}

/** Writes `<configDir>/finish/<workId>/<name>` (0600, atomically); returns its path. */
export async function saveJson(configDir: string, workId: string, name: string, value: unknown): Promise<string> {
  const dir = finishDir(configDir, workId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, name);
  await writeFileAtomic(file, `${JSON.stringify(value)}\n`, 0o600);
  return file;
}

export async function recordClean(configDir: string, workId: string, r: CleanResult, seconds: number | null = null): Promise<void> {
  const a = r.accounting;
  await auditSafe(configDir, {
    op: 'clean', outcome: 'ok',
    counts: {
      contactsIn: a.contacts.in, contactsKept: a.contacts.kept, contactsMerged: a.contacts.merged, chatsIn: a.chats.in, chatsKept: a.chats.kept,
      chatsExcluded: a.chats.excluded, messagesIn: a.messages.in, messagesKept: a.messages.kept, messagesMerged: a.messages.merged,
      messagesQuarantined: a.messages.quarantined, messagesExcluded: a.messages.excluded, problems: a.problems, ...(seconds !== null ? { seconds } : {}),
    },
    refs: { workId, outDir: r.outDir, accounting: r.files.accounting, sources: (r.sources ?? []).map((s) => s.path).slice(0, 64) },
  });
}

export async function recordBackup(configDir: string, r: BackupResult, seconds: number | null = null): Promise<void> {
  const c = r.manifest.counts;
  await auditSafe(configDir, {
    op: 'backup', outcome: r.verified && !r.verified.ok ? 'failed' : 'ok',
    counts: { size: r.size, entries: r.entries, originalFiles: c.originalFiles, contacts: c.contacts, chats: c.chats, messages: c.messages, attachments: c.attachments.referenced, ...(seconds !== null ? { seconds } : {}) },
    refs: { file: r.file, sha256: r.sha256, sideFile: r.sideFile, ...(r.copy ? { copy: r.copy.file, copySha256: r.copy.sha256 } : {}) },
    ...(r.verified ? { note: `written and verified (${r.verified.mode}): ${r.verified.ok ? 'ok' : 'FAILED'}` } : {}),
  });
}

/** What the report reads of the last upload of a source set. */
export interface StoredUpload {
  finishedAt: string;
  homeserver: string | null;
  userId: string;
  seconds: number;
  totals: UploadResult['totals'];
  chats: { chatId: string; roomId: string | null; dm: string | null; parts: number; sent: number; alreadyThere: number; placeholders: number }[];
  problems: { chat: string; code: string }[];
}

export async function recordUpload(configDir: string, workId: string, r: UploadResult, homeserver: string | null, now = new Date()): Promise<void> {
  const stored: StoredUpload = {
    finishedAt: now.toISOString(), homeserver, userId: r.userId, seconds: r.seconds, totals: r.totals,
    chats: r.chats.map((c) => ({ chatId: c.chatId, roomId: c.roomId, dm: c.dm, parts: c.parts, sent: c.sent, alreadyThere: c.alreadyThere, placeholders: c.placeholders })),
    problems: r.problems.slice(0, 1000).map((p) => ({ chat: p.chat, code: p.code })),
  };
  const file = await saveJson(configDir, workId, 'upload.json', stored).catch(() => null);
  const t = r.totals;
  await auditSafe(configDir, {
    op: 'upload', outcome: r.problems.length ? 'partial' : 'ok',
    counts: { chats: t.chats, rooms: t.rooms, roomsCreated: t.roomsCreated, parts: t.parts, sent: t.sent, alreadyThere: t.alreadyThere, placeholders: t.placeholders, media: t.media, rateLimited: t.rateLimited, problems: r.problems.length, seconds: r.seconds },
    refs: { workId, userId: r.userId, ...(homeserver ? { homeserver } : {}), ...(file ? { result: file } : {}) },
  });
}

export interface StoredVerify {
  finishedAt: string;
  homeserver: string | null;
  seconds: number;
  totals: VerifyTargetResult['totals'];
  resent: number;
  chats: Omit<VerifyTargetResult['chats'][number], 'title'>[];
}

export async function recordVerifyTarget(configDir: string, workId: string, r: VerifyTargetResult, homeserver: string | null, now = new Date()): Promise<void> {
  const stored: StoredVerify = {
    finishedAt: now.toISOString(), homeserver, seconds: r.seconds, totals: r.totals, resent: r.resent?.totals.sent ?? 0,
    chats: r.chats.map(({ title: _t, ...c }) => c),
  };
  const file = await saveJson(configDir, workId, 'verify.json', stored).catch(() => null);
  const t = r.totals;
  await auditSafe(configDir, {
    op: 'verify-target', outcome: t.missing || t.mediaMismatched || t.duplicates ? 'partial' : 'ok',
    counts: { chats: t.chats, ok: t.ok, expected: t.expected, found: t.found, missing: t.missing, duplicates: t.duplicates, unknown: t.unknown, mediaChecked: t.mediaChecked, mediaMismatched: t.mediaMismatched, resent: stored.resent, seconds: r.seconds },
    refs: { workId, ...(homeserver ? { homeserver } : {}), ...(file ? { result: file } : {}) },
  });
}
