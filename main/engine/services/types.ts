/** What an area's service factory receives from createService: the shared job runner, settings and host deps. */
import type { InvokeChannel, InvokeParsed, InvokeResponse } from '../../../shared/ipc-contract.js';
import type { JobRunner } from '../jobs/job-runner.js';
import type { ServiceDeps } from '../service.js';
import type { SettingsStore } from '../settings.js';

export interface AreaContext {
  deps: ServiceDeps;
  jobs: JobRunner;
  settings: SettingsStore;
  /** The config folder (settings.json, backup keys, upload journals). */
  configDir: string;
}

/** The handlers of a subset of channels. */
export type AreaService<K extends InvokeChannel> = { [C in K]: (req: InvokeParsed<C>) => Promise<InvokeResponse<C>> };
