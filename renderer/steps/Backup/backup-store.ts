/**
 * What the Backup step shows: the core's backup status, the user's choice of folder and name, the
 * jobs being followed, and — in memory only, never in any storage — the new recovery key between
 * the moment the core hands it over and the moment the user has proven they kept it.
 * Pure state and verbs; calling the core is backup-actions.ts's job.
 */
import { create } from 'zustand';
import type { BackupStatus, BackupVerifyMode, KeychainProblemCode } from '../../../shared/ipc/backup.js';
import type { UiError } from '../../stores/wizard-store.js';

export interface HeldRecoveryKey {
  key: string;
  created: string;
  fingerprint: string;
  /** The backup it was made for (the test runs against it). */
  file: string | null;
}

export interface StartedBackup {
  jobId: string;
  file: string;
  keychain: 'existing' | 'created' | 'unavailable' | null;
  keychainProblem: KeychainProblemCode | null;
}

export interface BackupUiState {
  status: BackupStatus | null;
  statusError: UiError | null;
  /** The folder the user chose for the backup (null: the proposed one). */
  dir: string | null;
  /** The file name the user typed (null: the proposed one). */
  name: string | null;
  backup: StartedBackup | null;
  recoveryKey: HeldRecoveryKey | null;
  /** The key is hidden while the user types it back from paper. */
  keyHidden: boolean;
  verify: { jobId: string; mode: BackupVerifyMode; file: string } | null;
  copy: { jobId: string; file: string; destDir: string } | null;
  /** The restore being followed: from which backup, into which new folder. */
  restore: { jobId: string; file: string; to: string } | null;
  /** The folder the user chose to restore into (a new folder is made inside it). */
  restoreDir: string | null;
  /** The folder chosen for the second copy. */
  copyDir: string | null;
  /** The next backup makes a new recovery key (the user asked for one, e.g. after losing theirs). */
  newKey: boolean;

  setStatus: (status: BackupStatus) => void;
  setStatusError: (error: UiError | null) => void;
  setDir: (dir: string | null) => void;
  setName: (name: string | null) => void;
  startedBackup: (b: StartedBackup) => void;
  holdRecoveryKey: (k: HeldRecoveryKey) => void;
  setKeyHidden: (hidden: boolean) => void;
  /** A later backup of the same keys: the held key opens it too, so the test runs against it. */
  retargetRecoveryKey: (file: string) => void;
  /** The key was proven (or the user leaves it): it is dropped from memory. */
  forgetRecoveryKey: () => void;
  startedVerify: (v: BackupUiState['verify']) => void;
  startedCopy: (c: BackupUiState['copy']) => void;
  startedRestore: (r: BackupUiState['restore']) => void;
  setRestoreDir: (dir: string | null) => void;
  setCopyDir: (dir: string | null) => void;
  setNewKey: (newKey: boolean) => void;
}

export const useBackupStore = create<BackupUiState>()((set) => ({
  status: null,
  statusError: null,
  dir: null,
  name: null,
  backup: null,
  recoveryKey: null,
  keyHidden: false,
  verify: null,
  copy: null,
  restore: null,
  restoreDir: null,
  copyDir: null,
  newKey: false,

  setStatus: (status) => set({ status, statusError: null }),
  setStatusError: (statusError) => set({ statusError }),
  setDir: (dir) => set({ dir }),
  setName: (name) => set({ name }),
  startedBackup: (backup) => set({ backup }),
  holdRecoveryKey: (recoveryKey) => set({ recoveryKey, keyHidden: false }),
  setKeyHidden: (keyHidden) => set({ keyHidden }),
  retargetRecoveryKey: (file) => set((s) => (s.recoveryKey ? { recoveryKey: { ...s.recoveryKey, file } } : s)),
  forgetRecoveryKey: () => set({ recoveryKey: null, keyHidden: false }),
  startedVerify: (verify) => set({ verify }),
  startedCopy: (copy) => set({ copy }),
  startedRestore: (restore) => set({ restore }),
  setRestoreDir: (restoreDir) => set({ restoreDir }),
  setCopyDir: (copyDir) => set({ copyDir }),
  setNewKey: (newKey) => set({ newKey }),
}));
