/**
 * The ONLY module that touches `window.pereezd`. In the Electron host the preload exposes the
 * PereezdApi there; in the loopback browser host it is absent and web-transport.ts builds the
 * same api over fetch + WebSocket. Components call the verbs below; they never call the api.
 *
 * It is also the one place that feeds the job mirror: `applyJobState` on every `job:progress`
 * event and after every `job:get` (full snapshots only).
 */
import { RemoteCallError, type PereezdApi } from '../shared/api.js';
import type { ExposedApi } from '../shared/exposed-api.js';
import type { FsListing, InvokeRequest, InvokeResponse } from '../shared/ipc-contract.js';
import type { backupInvoke } from '../shared/ipc/backup.js';
import type { cleanInvoke } from '../shared/ipc/clean.js';
import type { finishInvoke } from '../shared/ipc/finish.js';
import type { matrixInvoke } from '../shared/ipc/matrix.js';
import { runningJobIds, useJobStore } from './stores/job-store.js';
import { browserTimeZone } from './i18n/time-zones.js';
import { inventoryRequest, isStepId, unansweredSources, useWizardStore, type Answers, type UiError } from './stores/wizard-store.js';
import { buildWebApi } from './web-transport.js';

interface Client {
  api: PereezdApi;
  host: 'electron' | 'web';
  pathForFile: ((file: File) => string) | null;
}

let client: Client | null = null;
const MAX_PATHS_PER_CALL = 200; // the contract's limit for sources:detect and inventory:start
const SESSION_KEY = 'pereezd.session';

/** The preload's api in the Electron host; undefined in the browser host. */
function exposed(): ExposedApi<File> | undefined {
  return (window as unknown as { pereezd?: ExposedApi<File> }).pereezd;
}

function getClient(): Client {
  if (client) return client;
  const pre = exposed();
  if (pre) {
    client = { api: pre, host: 'electron', pathForFile: typeof pre.pathForFile === 'function' ? (f) => pre.pathForFile(f) : null };
  } else {
    const { api } = buildWebApi({
      onConnectionChange: (up) => useWizardStore.getState().setConnection(up ? 'connected' : 'reconnecting'),
      // Events may have been missed while the socket was down: fetch full snapshots again.
      onReconnect: () => void resyncJobs(),
    });
    client = { api, host: 'web', pathForFile: null };
  }
  client.api.on['job:progress']((state) => useJobStore.getState().applyJobState(state));
  return client;
}

export function toUiError(err: unknown): UiError {
  if (err instanceof RemoteCallError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'failed', message: err.message };
  return { code: 'failed', message: String(err) };
}

/** Shows a failed call to the user: which action failed (`error.action.<action>`), why, and the detail. */
export function reportError(action: string, err: unknown): void {
  const e = toUiError(err);
  useWizardStore.getState().showBanner({ kind: 'error', key: `error.action.${action}`, code: e.code, detail: e.message });
}

/** Wires the api and loads what the host says of itself; call once at start-up. */
export async function startApiClient(): Promise<void> {
  getClient();
  const saved = readSession(); // before the first render writes anything
  try {
    const info = await getClient().api.invoke['app:info']({});
    const wiz = useWizardStore.getState();
    wiz.setAppInfo(info);
    wiz.adoptOsLocale(info.locale);
  } catch (err) {
    reportError('info', err);
  }
  await restoreSession(saved);
  await syncChatChoices();
}

/**
 * The privacy opt-out is saved by the app core (settings.json in the user's config folder), so it
 * survives the browser host's new port on every start; localStorage only bridges older choices.
 */
async function syncChatChoices(): Promise<void> {
  const { api } = getClient();
  try {
    const saved = await api.invoke['settings:get']({});
    const local = Object.keys(useWizardStore.getState().excludedChats);
    const ids = [...new Set([...saved.excludedChats, ...local])];
    if (ids.length !== saved.excludedChats.length) await api.invoke['settings:set']({ excludedChats: ids });
    useWizardStore.getState().adoptChatChoices(ids);
  } catch (err) {
    reportError('settings', err);
  }
  useWizardStore.subscribe((s, prev) => {
    if (s.excludedChats === prev.excludedChats) return;
    api.invoke['settings:set']({ excludedChats: Object.keys(s.excludedChats) }).catch((err: unknown) => reportError('settings', err));
  });
}

/** Electron only: the real path of a dropped file. null in the browser host (browsers hide it). */
export function pathForDroppedFile(file: File): string | null {
  const fn = getClient().pathForFile;
  if (!fn) return null;
  try {
    const p = fn(file);
    return p ? p : null;
  } catch {
    return null;
  }
}

export function canResolveDroppedFiles(): boolean {
  return getClient().pathForFile !== null;
}

/** Adds paths to the list and asks the app core what each one is. */
export async function addAndDetect(inputs: string[]): Promise<void> {
  const wiz = useWizardStore.getState();
  const added = wiz.addSources(inputs);
  if (added.length < inputs.filter((s) => s.trim()).length) wiz.showBanner({ kind: 'info', key: 'sources.duplicate' });
  for (let i = 0; i < added.length; i += MAX_PATHS_PER_CALL) {
    const batch = added.slice(i, i + MAX_PATHS_PER_CALL);
    try {
      const { sources } = await getClient().api.invoke['sources:detect']({ paths: batch });
      useWizardStore.getState().markDetected(batch, sources);
    } catch (err) {
      useWizardStore.getState().markDetectFailed(batch, toUiError(err));
      reportError('detect', err);
    }
  }
  saveSession();
}

/** The native open dialog (Electron); adds whatever the user picked. */
export async function pickAndDetect(mode: 'files' | 'folder'): Promise<void> {
  try {
    const { paths } = await getClient().api.invoke['sources:pick']({ mode });
    if (paths.length) await addAndDetect(paths);
  } catch (err) {
    reportError('pick', err);
  }
}

/** One folder's listing for the in-app folder browser (null: the home folder). Throws; the browser shows it. */
export async function listFolder(dir: string | null): Promise<FsListing> {
  return getClient().api.invoke['fs:list']({ dir });
}

export function removeSource(input: string): void {
  useWizardStore.getState().removeSource(input);
  saveSession();
}

// Answers (date order, time zone) are part of the session: a reload must not ask them again.
useWizardStore.subscribe((s, prev) => {
  if (s.answers !== prev.answers) saveSession();
});

/**
 * Starts reading every recognised source, with the user's answers (date order, time zone), and
 * moves to the Inventory step. A source still waiting for an answer is shown instead.
 */
export async function startInventory(): Promise<void> {
  const wiz = useWizardStore.getState();
  const req = inventoryRequest(wiz, browserTimeZone(), MAX_PATHS_PER_CALL);
  if (!req) {
    const open = unansweredSources(wiz)[0]?.detected;
    if (open) wiz.showQuestion(open.path);
    return;
  }
  try {
    const { jobId } = await getClient().api.invoke['inventory:start'](req);
    useWizardStore.getState().startedInventory(jobId);
    saveSession();
    await refreshJob(jobId);
  } catch (err) {
    reportError('start', err);
  }
}

/** One call of the Clean step's channels (its verbs are in steps/Clean/clean-actions.ts). Throws; the caller reports. */
export function cleanCall<C extends keyof typeof cleanInvoke>(channel: C, req: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  return getClient().api.invoke[channel](req);
}

/** One call of the Backup step's channels (its verbs are in steps/Backup/backup-actions.ts). Throws; the caller reports. */
export function backupCall<C extends keyof typeof backupInvoke>(channel: C, req: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  return getClient().api.invoke[channel](req);
}

/** The native folder dialog (Electron): the folder picked, or null when cancelled. Throws; the caller reports. */
export async function pickFolder(): Promise<string | null> {
  const { paths } = await getClient().api.invoke['sources:pick']({ mode: 'folder' });
  return paths[0] ?? null;
}

export async function cancelJob(jobId: string): Promise<void> {
  try {
    await getClient().api.invoke['job:cancel']({ jobId });
  } catch (err) {
    reportError('cancel', err);
  }
  await refreshJob(jobId);
}

/** Fetches the latest full snapshot of a job into the mirror. */
export async function refreshJob(jobId: string): Promise<void> {
  try {
    const state = await getClient().api.invoke['job:get']({ jobId });
    if (state) useJobStore.getState().applyJobState(state);
    else if (useWizardStore.getState().inventoryJobId === jobId && !useJobStore.getState().jobs[jobId]) {
      // The app core restarted since: say so rather than show a reading that will never move.
      useWizardStore.getState().watchInventoryJob(null);
      useWizardStore.getState().showBanner({ kind: 'info', key: 'inventory.jobLost' });
      saveSession();
    }
  } catch (err) {
    reportError('refresh', err);
  }
}

async function resyncJobs(): Promise<void> {
  const ids = new Set(runningJobIds(useJobStore.getState().jobs));
  const inv = useWizardStore.getState().inventoryJobId;
  if (inv && !useJobStore.getState().jobs[inv]) ids.add(inv);
  await Promise.all([...ids].map((id) => refreshJob(id)));
}

/* A reloaded page picks up where it was: the sources it had and the job it was watching. */

interface SavedSession {
  inputs: string[];
  inventoryJobId: string | null;
  step: string;
  /** The user's answers per source path (validated again on restore). */
  answers?: Answers;
}

/** The address the page was opened with: a step in it wins over the remembered one. */
const initialHash = typeof location === 'undefined' ? '' : location.hash;
let restored = false;

function saveSession(): void {
  if (!restored) return; // never overwrite what a reload should restore before restoring it
  try {
    const s = useWizardStore.getState();
    const saved: SavedSession = { inputs: s.sources.map((r) => r.input), inventoryJobId: s.inventoryJobId, step: s.step, answers: s.answers };
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved));
  } catch {
    // storage unavailable (private mode): a reload simply starts over
  }
}

export function rememberStep(): void {
  saveSession();
}

function readSession(): SavedSession | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    const v = raw ? (JSON.parse(raw) as unknown) : null;
    return typeof v === 'object' && v !== null ? (v as SavedSession) : null;
  } catch {
    return null;
  }
}

async function restoreSession(saved: SavedSession | null): Promise<void> {
  restored = true;
  if (!saved) {
    saveSession();
    return;
  }
  const wiz = useWizardStore.getState();
  if (isStepId(saved.step) && !initialHash) wiz.goToStep(saved.step);
  if (typeof saved.answers === 'object' && saved.answers !== null) wiz.restoreAnswers(saved.answers);
  if (Array.isArray(saved.inputs) && saved.inputs.length) await addAndDetect(saved.inputs.filter((x) => typeof x === 'string'));
  if (typeof saved.inventoryJobId === 'string') {
    wiz.watchInventoryJob(saved.inventoryJobId);
    await refreshJob(saved.inventoryJobId);
  }
  saveSession();
}

/** One call of the matrix area's channels (Connect, Pilot, Upload; verbs in steps/Connect/matrix-actions.ts). Throws; the caller reports. */
export function matrixCall<C extends keyof typeof matrixInvoke>(channel: C, req: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  return getClient().api.invoke[channel](req);
}

/** One call of the finish area's channels (Verify & report; verbs in steps/Verify/finish-actions.ts). Throws; the caller reports. */
export function finishCall<C extends keyof typeof finishInvoke>(channel: C, req: InvokeRequest<C>): Promise<InvokeResponse<C>> {
  return getClient().api.invoke[channel](req);
}
