/** Handlers for the channels in shared/ipc/backup.ts. */
import type { backupInvoke } from '../../../shared/ipc/backup.js';
import type { AreaContext, AreaService } from './types.js';

export function createBackupService(_ctx: AreaContext): AreaService<keyof typeof backupInvoke> {
  return {};
}
