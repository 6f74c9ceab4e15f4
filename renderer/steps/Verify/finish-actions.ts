/**
 * The Verify & report step's verbs: each calls the core through api-client's `finishCall`, feeds the step's
 * store and fetches the first snapshot of a job it started. They throw on a failed call; the section that
 * asked shows the error where the user is looking.
 */
import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc-contract.js';
import { finishCall, refreshJob } from '../../api-client.js';
import { setKeyOf, useFinishStore } from './finish-store.js';

export async function loadView(paths: string[]): Promise<void> {
  const view = await finishCall('finish:report-view', { paths });
  useFinishStore.getState().setView(setKeyOf(paths), view);
}

export async function startReport(req: InvokeRequest<'finish:report'>): Promise<InvokeResponse<'finish:report'>> {
  const r = await finishCall('finish:report', req);
  if (r.ok) {
    useFinishStore.getState().setReportJob(r.jobId);
    await refreshJob(r.jobId);
  }
  return r;
}

export function reportChats(req: InvokeRequest<'finish:report-chats'>): Promise<InvokeResponse<'finish:report-chats'>> {
  return finishCall('finish:report-chats', req);
}

export function openReport(file: string): Promise<InvokeResponse<'finish:open-report'>> {
  return finishCall('finish:open-report', { file });
}

export async function loadChecklist(paths: string[]): Promise<void> {
  const { items } = await finishCall('finish:checklist', { paths });
  useFinishStore.getState().setChecklist(items);
}

export async function tick(paths: string[], item: string, done: boolean): Promise<void> {
  const { items } = await finishCall('finish:tick', { paths, item, done });
  useFinishStore.getState().setChecklist(items);
}

export function announcements(req: InvokeRequest<'finish:announcement'>): Promise<InvokeResponse<'finish:announcement'>> {
  return finishCall('finish:announcement', req);
}

export function cleanupList(paths: string[]): Promise<InvokeResponse<'finish:cleanup-list'>> {
  return finishCall('finish:cleanup-list', { paths });
}

export function cleanUp(paths: string[], ids: string[]): Promise<InvokeResponse<'finish:cleanup'>> {
  return finishCall('finish:cleanup', { paths, ids });
}

export function supportBundle(dest: string, paths: string[] | null): Promise<InvokeResponse<'finish:support-bundle'>> {
  return finishCall('finish:support-bundle', paths ? { dest, paths } : { dest });
}
