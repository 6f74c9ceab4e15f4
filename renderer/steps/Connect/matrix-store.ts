/**
 * What the Connect, Pilot and Upload steps know of the new service: the session (never a token: the app core
 * keeps it in the keychain), the status of the current source set, and the jobs these steps started. Verbs only;
 * calling the app core is matrix-actions.ts's job.
 */
import { create } from 'zustand';
import type { MatrixSession, MatrixStatus } from '../../../shared/ipc/matrix.js';

export type MatrixJobKind = 'prepare' | 'pilot' | 'upload' | 'verify';

export interface MatrixStoreState {
  session: MatrixSession | null;
  /** The status of the source set named by `statusKey` (its sorted paths). */
  status: MatrixStatus | null;
  statusKey: string | null;
  /** The last job of each kind started (or found running) for the current set. */
  jobs: Partial<Record<MatrixJobKind, string>>;
  /** Bumped when the people list must be fetched again (a mapping changed, a new sign-in). */
  peopleVersion: number;
  setSession: (session: MatrixSession) => void;
  setStatus: (key: string, status: MatrixStatus) => void;
  setJob: (kind: MatrixJobKind, jobId: string) => void;
  bumpPeople: () => void;
}

export const setKeyOf = (paths: readonly string[]) => [...paths].sort().join('\n');

export const useMatrixStore = create<MatrixStoreState>()((set) => ({
  session: null,
  status: null,
  statusKey: null,
  jobs: {},
  peopleVersion: 0,
  setSession: (session) => set((s) => ({ session, peopleVersion: s.session?.userId === session.userId ? s.peopleVersion : s.peopleVersion + 1 })),
  setStatus: (statusKey, status) => set((s) => (s.statusKey === statusKey ? { status } : { status, statusKey, jobs: {} })),
  setJob: (kind, jobId) => set((s) => ({ jobs: { ...s.jobs, [kind]: jobId } })),
  bumpPeople: () => set((s) => ({ peopleVersion: s.peopleVersion + 1 })),
}));
