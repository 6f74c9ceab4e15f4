/**
 * What the Verify & report step shows: the last report of the source set (summary from the core), the report
 * job being followed, the folders the user chose. Pure state and verbs; calling the core is
 * finish-actions.ts's job. Texts from exports (chat titles, announcements) are kept as plain strings.
 */
import { create } from 'zustand';
import type { FinishReportView } from '../../../shared/ipc/finish.js';
import type { ChecklistItem } from '../../../shared/model/index.js';

export interface FinishUiState {
  /** The sorted paths of the set the view below belongs to. */
  setKey: string;
  view: FinishReportView | null;
  /** The report job being followed (survives a change of step). */
  reportJobId: string | null;
  reportDir: string | null;
  bundleDir: string | null;
  checklist: ChecklistItem[] | null;

  setView: (setKey: string, view: FinishReportView | null) => void;
  setReportJob: (jobId: string | null) => void;
  setReportDir: (dir: string) => void;
  setBundleDir: (dir: string) => void;
  setChecklist: (items: ChecklistItem[]) => void;
}

export const setKeyOf = (paths: readonly string[]) => [...paths].sort().join('\n');

export const useFinishStore = create<FinishUiState>()((set) => ({
  setKey: '',
  view: null,
  reportJobId: null,
  reportDir: null,
  bundleDir: null,
  checklist: null,

  setView: (setKey, view) => set({ setKey, view }),
  setReportJob: (reportJobId) => set({ reportJobId }),
  setReportDir: (reportDir) => set({ reportDir }),
  setBundleDir: (bundleDir) => set({ bundleDir }),
  setChecklist: (checklist) => set({ checklist }),
}));
