/**
 * The Backup step's verbs: each calls the core through api-client's `backupCall`, updates the
 * step's store and fetches the first snapshot of any job it started. They throw on a failed call;
 * the component that asked shows the error where the user is looking.
 */
import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc-contract.js';
import type { BackupVerifyMode } from '../../../shared/ipc/backup.js';
import { backupCall, cancelJob, refreshJob } from '../../api-client.js';
import { useBackupStore } from './backup-store.js';

/** Asks the core where things stand; follows again any job it still runs (after a reload). */
export async function loadStatus(): Promise<void> {
  const status = await backupCall('backup:status', {});
  const store = useBackupStore.getState();
  store.setStatus(status);
  for (const r of status.running) {
    if (r.kind === 'backup' && store.backup?.jobId !== r.jobId) store.startedBackup({ jobId: r.jobId, file: r.file, keychain: null, keychainProblem: null });
    if (r.kind === 'verify' && store.verify?.jobId !== r.jobId) store.startedVerify({ jobId: r.jobId, mode: 'full', file: r.file });
    if (r.kind === 'copy' && store.copy?.jobId !== r.jobId) store.startedCopy({ jobId: r.jobId, file: r.file, destDir: r.file });
    if (r.kind === 'restore' && store.restore?.jobId !== r.jobId) store.startedRestore({ jobId: r.jobId, file: r.file, to: '' });
    await refreshJob(r.jobId);
  }
  // A new recovery key the window has not taken yet (it reloaded right after starting): take it now.
  if (status.pendingRecoveryKey && !useBackupStore.getState().recoveryKey) await takeRecoveryKey(status.pendingRecoveryKey, null);
}

export async function takeRecoveryKey(jobId: string, file: string | null): Promise<void> {
  const k = await backupCall('backup:recovery-key', { jobId });
  useBackupStore.getState().holdRecoveryKey({ ...k, file: file ?? useBackupStore.getState().backup?.file ?? null });
}

export async function startBackup(req: InvokeRequest<'backup:start'>): Promise<InvokeResponse<'backup:start'>> {
  const r = await backupCall('backup:start', req);
  if (!r.ok) return r;
  const store = useBackupStore.getState();
  store.startedBackup({ jobId: r.jobId, file: r.file, keychain: r.keychain, keychainProblem: r.keychainProblem });
  store.startedVerify(null);
  store.startedCopy(null);
  await refreshJob(r.jobId);
  if (r.newRecoveryKey) await takeRecoveryKey(r.jobId, r.file);
  // A key still held from an earlier start (cancelled, say) opens this backup too: same keys.
  else store.retargetRecoveryKey(r.file);
  return r;
}

export async function testRecoveryKey(file: string, key: string): Promise<InvokeResponse<'backup:recovery-test'>> {
  const r = await backupCall('backup:recovery-test', { file, key });
  if (r.ok) {
    // Proven: the key leaves memory; the user has it.
    useBackupStore.getState().forgetRecoveryKey();
    await loadStatus();
  }
  return r;
}

export function saveRecoveryKeyFile(req: InvokeRequest<'backup:save-identity'>): Promise<InvokeResponse<'backup:save-identity'>> {
  return backupCall('backup:save-identity', req);
}

export async function verifyBackup(file: string, mode: BackupVerifyMode, key?: string): Promise<InvokeResponse<'backup:verify'>> {
  const r = await backupCall('backup:verify', key === undefined ? { file, mode } : { file, mode, key });
  if (r.ok) {
    useBackupStore.getState().startedVerify({ jobId: r.jobId, mode, file });
    await refreshJob(r.jobId);
  }
  return r;
}

export async function copyBackup(file: string, destDir: string): Promise<InvokeResponse<'backup:copy'>> {
  const r = await backupCall('backup:copy', { file, destDir });
  if (r.ok) {
    useBackupStore.getState().startedCopy({ jobId: r.jobId, file, destDir });
    await refreshJob(r.jobId);
  }
  return r;
}

export function backupContents(file: string, key?: string): Promise<InvokeResponse<'backup:contents'>> {
  return backupCall('backup:contents', key === undefined ? { file } : { file, key });
}

export async function restoreBackup(req: InvokeRequest<'backup:restore'>): Promise<InvokeResponse<'backup:restore'>> {
  const r = await backupCall('backup:restore', req);
  if (r.ok) {
    useBackupStore.getState().startedRestore({ jobId: r.jobId, file: req.file, to: r.to });
    await refreshJob(r.jobId);
  }
  return r;
}

export async function shredKey(file: string): Promise<InvokeResponse<'backup:shred'>> {
  const r = await backupCall('backup:shred', { file });
  await loadStatus();
  return r;
}

export { cancelJob };
