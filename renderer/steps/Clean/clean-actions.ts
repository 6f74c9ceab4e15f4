/**
 * The Clean step's verbs: each calls the app core through api-client.ts and feeds the clean store
 * (and the job mirror, through refreshJob). A failed call is shown as a banner naming what failed.
 */
import type { CleanGroupsPage, CleanPlanPage, CleanQuarantinePage, CleanEdit, GroupFilter } from '../../../shared/ipc/clean.js';
import type { InvokeRequest } from '../../../shared/ipc-contract.js';
import { cleanCall, pickFolder, refreshJob, toUiError } from '../../api-client.js';
import { useWizardStore } from '../../stores/wizard-store.js';
import { setKeyOf, useCleanStore, type CleanBusy } from './clean-store.js';

export type CleanSources = InvokeRequest<'clean:summary'>;

type CleanErrorKey =
  | 'clean.error.summary'
  | 'clean.error.regions'
  | 'clean.error.start'
  | 'clean.error.decide'
  | 'clean.error.undo'
  | 'clean.error.restore'
  | 'clean.error.export'
  | 'clean.error.pick'
  | 'clean.error.page';

function report(key: CleanErrorKey, err: unknown): void {
  const e = toUiError(err);
  useWizardStore.getState().showBanner({ kind: 'error', key, code: e.code, detail: e.message });
}

async function busy<T>(what: Exclude<CleanBusy, null>, fn: () => Promise<T>): Promise<T> {
  useCleanStore.getState().setBusy(what);
  try {
    return await fn();
  } finally {
    useCleanStore.getState().setBusy(null);
  }
}

/** The regions for the select, once. */
export async function loadRegions(): Promise<void> {
  if (useCleanStore.getState().regions) return;
  try {
    useCleanStore.getState().setRegions(await cleanCall('clean:regions', {}));
  } catch (err) {
    report('clean.error.regions', err);
  }
}

/** The last run of this source set (from disk: survives a reload), and a run still going. */
export async function loadSummary(sources: CleanSources): Promise<void> {
  try {
    const summary = await cleanCall('clean:summary', sources);
    useCleanStore.getState().setSummary(setKeyOf(sources.paths), summary);
    useWizardStore.getState().setCleanOutDir(summary.run ? summary.outDir : null);
    if (summary.runningJobId) await refreshJob(summary.runningJobId);
  } catch (err) {
    report('clean.error.summary', err);
  }
}

/** Runs clean over the sources (again): applies every decision and restore saved so far. */
export async function startClean(sources: CleanSources, region: string | null): Promise<void> {
  await busy('start', async () => {
    try {
      const { jobId } = await cleanCall('clean:start', { ...sources, region });
      useCleanStore.getState().watchJob(jobId);
      await refreshJob(jobId);
    } catch (err) {
      report('clean.error.start', err);
    }
  });
}

/** After the watched job finished: the new summary, and every list fetched again. */
export async function jobFinished(sources: CleanSources): Promise<void> {
  await loadSummary(sources);
  const s = useCleanStore.getState();
  s.select(null);
  s.refresh();
}

export async function decide(decision: 'accept' | 'reject' | 'edit', groupId: string, edited?: CleanEdit): Promise<boolean> {
  const workId = useCleanStore.getState().summary?.workId;
  if (!workId) return false;
  return busy('decide', async () => {
    try {
      const r = await cleanCall('clean:decide', { workId, groupId, decision, ...(edited ? { edited } : {}) });
      const s = useCleanStore.getState();
      s.setSummary(s.setKey!, r.summary);
      s.groupChanged(r.group);
      return true;
    } catch (err) {
      report('clean.error.decide', err);
      return false;
    }
  });
}

export async function undoLast(): Promise<void> {
  const workId = useCleanStore.getState().summary?.workId;
  if (!workId) return;
  await busy('undo', async () => {
    try {
      const r = await cleanCall('clean:undo', { workId });
      const s = useCleanStore.getState();
      s.setSummary(s.setKey!, r.summary);
      // The group shown may be the one taken back: show it as it is now.
      s.groupChanged(r.group);
    } catch (err) {
      report('clean.error.undo', err);
    }
  });
}

export async function restore(ids: string[]): Promise<void> {
  const workId = useCleanStore.getState().summary?.workId;
  if (!workId || !ids.length) return;
  await busy('restore', async () => {
    try {
      const r = await cleanCall('clean:restore', { workId, ids });
      const s = useCleanStore.getState();
      s.setSummary(s.setKey!, r.summary);
      s.refresh();
    } catch (err) {
      report('clean.error.restore', err);
    }
  });
}

export async function exportContacts(format: 'vcard' | 'csv', dir: string): Promise<void> {
  const workId = useCleanStore.getState().summary?.workId;
  if (!workId) return;
  await busy('export', async () => {
    try {
      const r = await cleanCall('clean:export', { workId, format, dir });
      useCleanStore.getState().exported({ file: r.file, format, contacts: r.contacts });
    } catch (err) {
      useCleanStore.getState().exported(null);
      report('clean.error.export', err);
    }
  });
}

/** The native folder dialog (desktop app); null when cancelled or when it failed (the failure is shown). */
export async function chooseFolder(): Promise<string | null> {
  try {
    return await pickFolder();
  } catch (err) {
    report('clean.error.pick', err);
    return null;
  }
}

export async function groupsPage(workId: string, filter: GroupFilter, query: string, offset: number, limit: number): Promise<CleanGroupsPage | null> {
  try {
    return await cleanCall('clean:groups', { workId, filter, query, offset, limit });
  } catch (err) {
    report('clean.error.page', err);
    return null;
  }
}

export async function quarantinePage(workId: string, offset: number, limit: number): Promise<CleanQuarantinePage | null> {
  try {
    return await cleanCall('clean:quarantine', { workId, offset, limit });
  } catch (err) {
    report('clean.error.page', err);
    return null;
  }
}

export async function planPage(workId: string, offset: number, limit: number): Promise<CleanPlanPage | null> {
  try {
    return await cleanCall('clean:plan', { workId, offset, limit });
  } catch (err) {
    report('clean.error.page', err);
    return null;
  }
}
