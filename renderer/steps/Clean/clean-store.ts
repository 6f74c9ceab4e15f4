/**
 * The Clean step's view state: the summary of the current source set's last run (from the app core),
 * the clean job being watched, the group list's filter and search, the group shown in detail, and
 * which action is in flight. Pure state and verbs; clean-actions.ts calls the app core and feeds it.
 * The region choice lives in the wizard store (a user choice); the job itself in the job store.
 */
import { create } from 'zustand';
import type { CleanGroupView, CleanRegions, CleanSummary, GroupFilter } from '../../../shared/ipc/clean.js';

export type CleanBusy = 'start' | 'decide' | 'undo' | 'restore' | 'export' | null;

export interface ExportDone {
  file: string;
  format: 'vcard' | 'csv';
  contacts: number;
}

export interface CleanState {
  /** The source set the summary is about (its paths, joined), so a change of sources starts over. */
  setKey: string | null;
  summary: CleanSummary | null;
  regions: CleanRegions | null;
  /** The clean job shown (started here, or found running by the summary). */
  jobId: string | null;
  /** Bumped whenever the groups or the quarantine may have changed: lists fetch their pages again. */
  version: number;
  filter: GroupFilter;
  query: string;
  /** The group shown field by field. */
  selected: CleanGroupView | null;
  busy: CleanBusy;
  lastExport: ExportDone | null;

  /** A summary for this source set (a new set forgets the previous one's view). */
  setSummary: (setKey: string, summary: CleanSummary) => void;
  setRegions: (regions: CleanRegions) => void;
  watchJob: (jobId: string | null) => void;
  setFilter: (filter: GroupFilter) => void;
  setQuery: (query: string) => void;
  select: (group: CleanGroupView | null) => void;
  /** A group changed (a decision): shown at once if it is the selected one; lists refresh. */
  groupChanged: (group: CleanGroupView | null) => void;
  /** The data behind the lists changed (a run finished, an undo, a restore). */
  refresh: () => void;
  setBusy: (busy: CleanBusy) => void;
  exported: (done: ExportDone | null) => void;
}

export const useCleanStore = create<CleanState>()((set, get) => ({
  setKey: null,
  summary: null,
  regions: null,
  jobId: null,
  version: 0,
  filter: 'all',
  query: '',
  selected: null,
  busy: null,
  lastExport: null,

  setSummary: (setKey, summary) => {
    if (get().setKey !== setKey) {
      set({ setKey, summary, jobId: summary.runningJobId, selected: null, lastExport: null, version: get().version + 1, filter: 'all', query: '' });
      return;
    }
    set((s) => ({ summary, jobId: summary.runningJobId ?? s.jobId }));
  },
  setRegions: (regions) => set({ regions }),
  watchJob: (jobId) => set({ jobId }),
  setFilter: (filter) => set({ filter }),
  setQuery: (query) => set({ query }),
  select: (selected) => set({ selected }),
  groupChanged: (group) =>
    set((s) => ({ selected: group && s.selected?.id === group.id ? group : s.selected, version: s.version + 1 })),
  refresh: () =>
    set((s) => ({ version: s.version + 1 })),
  setBusy: (busy) => set({ busy }),
  exported: (lastExport) => set({ lastExport }),
}));

/** Key of a source set: its paths in a stable order. */
export function setKeyOf(paths: readonly string[]): string {
  return [...paths].sort().join('\n');
}

/** Whether the output of the last run is behind the user's decisions or restores. */
export function hasUnapplied(summary: CleanSummary | null): boolean {
  return !!summary && summary.unapplied.decisions + summary.unapplied.restores > 0;
}

/** Whether the last run should be run again: decisions or restores wait, or other chats were unticked since. */
export function isOutOfDate(summary: CleanSummary | null): boolean {
  return !!summary?.run && (hasUnapplied(summary) || summary.excludedChanged);
}

/** in = kept + merged + quarantined + excluded */
export function balances(t: { in: number; kept: number; merged: number; quarantined: number; excluded: number }): boolean {
  return t.in === t.kept + t.merged + t.quarantined + t.excluded;
}
