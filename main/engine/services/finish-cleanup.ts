/**
 * The finish area's handlers for safe clean-up, the support bundle and the helpdesk status line (the report,
 * checklist and announcement ones are in finish.ts). Clean-up deletes only entries `listCleanup` lists right
 * now (never the backups, their copies or the user's exports, which are protected), then scans the app's
 * folders for plaintext message data and says what it found.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CleanupRecordSchema, type CleanupRecord } from '../../../shared/model/index.js';
import { CleanupNotListedError, listCleanup, runCleanup } from '../finish/cleanup.js';
import { helpdeskStatus } from '../finish/status.js';
import { writeSupportBundle } from '../finish/support-bundle.js';
import type { AreaContext, AreaService } from './types.js';

type Channels = 'finish:cleanup-list' | 'finish:cleanup' | 'finish:support-bundle' | 'finish:status';

async function lastCleanup(configDir: string): Promise<CleanupRecord | null> {
  try {
    const p = CleanupRecordSchema.safeParse(JSON.parse(await readFile(path.join(configDir, 'finish', 'cleanup.json'), 'utf8')));
    return p.success ? p.data : null;
  } catch {
    return null;
  }
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => null))?.isDirectory() ?? false;
}

export function createFinishCleanup(ctx: AreaContext): AreaService<Channels> {
  const configDir = ctx.configDir;
  const now = () => new Date(ctx.deps.now?.() ?? Date.now());

  return {
    async 'finish:cleanup-list'({ paths }) {
      const entries = await listCleanup({ configDir, protect: paths });
      return { entries, bytes: entries.reduce((n, e) => n + e.bytes, 0), last: await lastCleanup(configDir) };
    },

    async 'finish:cleanup'({ paths, ids }) {
      try {
        return { ok: true, record: await runCleanup({ configDir, protect: paths, only: ids, now }) };
      } catch (err) {
        if (err instanceof CleanupNotListedError) return { ok: false, reason: 'not-listed', path: err.path };
        throw err;
      }
    },

    async 'finish:support-bundle'({ dest, paths }) {
      const dir = path.resolve(dest);
      if (!(await isDir(dir))) return { ok: false, reason: 'dest-missing', path: dir };
      const r = await writeSupportBundle({ configDir, destDir: dir, ...(paths ? { paths } : {}), now });
      return { ok: true, bundle: { file: r.file, bytes: r.bytes, redacted: { ...r.redacted } } };
    },

    async 'finish:status'({ paths }) {
      return helpdeskStatus(configDir, paths);
    },
  };
}
