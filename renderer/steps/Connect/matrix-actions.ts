/**
 * The verbs of the Connect, Pilot and Upload steps: each calls the app core through api-client's `matrixCall`
 * and feeds the matrix store (and the job mirror, through refreshJob). Calls that can fail in ways the user can
 * act on (sign-in) return the failure; the others throw and the caller shows where it happened.
 */
import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc-contract.js';
import { matrixCall, refreshJob } from '../../api-client.js';
import { setKeyOf, useMatrixStore, type MatrixJobKind } from './matrix-store.js';

export type MatrixSources = InvokeRequest<'matrix:status'>;

export async function loadSession(): Promise<void> {
  useMatrixStore.getState().setSession(await matrixCall('matrix:session', {}));
}

/** The status of the source set; follows again a job the app core still runs (after a reload). */
export async function loadStatus(sources: MatrixSources): Promise<void> {
  const status = await matrixCall('matrix:status', sources);
  const store = useMatrixStore.getState();
  store.setStatus(setKeyOf(sources.paths), status);
  if (status.running && store.jobs[status.running.kind] !== status.running.jobId) {
    store.setJob(status.running.kind, status.running.jobId);
    await refreshJob(status.running.jobId);
  }
}

export function discover(server: string): Promise<InvokeResponse<'matrix:discover'>> {
  return matrixCall('matrix:discover', { server });
}

export async function signIn(server: string, user: string, password: string): Promise<InvokeResponse<'matrix:login'>> {
  const r = await matrixCall('matrix:login', { server, user, password });
  if (r.ok) useMatrixStore.getState().setSession(r.session);
  return r;
}

export async function signOut(): Promise<void> {
  useMatrixStore.getState().setSession(await matrixCall('matrix:logout', {}));
}

export function peoplePage(req: InvokeRequest<'matrix:people'>): Promise<InvokeResponse<'matrix:people'>> {
  return matrixCall('matrix:people', req);
}

export async function mapPerson(req: InvokeRequest<'matrix:map'>): Promise<InvokeResponse<'matrix:map'>> {
  return matrixCall('matrix:map', req);
}

export function chatsPage(req: InvokeRequest<'matrix:chats'>): Promise<InvokeResponse<'matrix:chats'>> {
  return matrixCall('matrix:chats', req);
}

async function started(kind: MatrixJobKind, sources: MatrixSources, call: Promise<{ jobId: string }>): Promise<void> {
  const { jobId } = await call;
  useMatrixStore.getState().setJob(kind, jobId);
  await refreshJob(jobId);
  await loadStatus(sources);
}

export const prepare = (sources: MatrixSources) => started('prepare', sources, matrixCall('matrix:prepare', sources));
export const startPilot = (sources: MatrixSources, chatId: string) => started('pilot', sources, matrixCall('matrix:pilot', { ...sources, chatId }));
export const startUpload = (sources: MatrixSources) => started('upload', sources, matrixCall('matrix:upload', sources));
export const startVerify = (sources: MatrixSources, resend: boolean) =>
  started('verify', sources, matrixCall('matrix:verify', resend ? { ...sources, resend: true } : sources));

export async function setPaused(jobId: string, paused: boolean): Promise<void> {
  await matrixCall('matrix:pause', { jobId, paused });
  await refreshJob(jobId);
}
