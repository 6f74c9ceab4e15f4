/**
 * Every invoke channel of the contract as a plain async function. The desktop host (Electron IPC)
 * and the loopback web host both validate the request against the contract, then dispatch here.
 */
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, FsEntry, InvokeChannel, InvokeParsed, InvokeResponse } from '../../shared/ipc-contract.js';
import { createJobRunner, type JobRunner } from './jobs/job-runner.js';
import type { PrintToPdf } from './finish/report.js';
import { runInventory } from './pipeline/inventory.js';
import type { SendEvent } from './progress.js';
import { openSource } from './sources/registry.js';
import { configDir } from './config-dir.js';
import { createSettingsStore } from './settings.js';
import { createBackupService } from './services/backup.js';
import { createCleanService } from './services/clean.js';
import { createFinishService } from './services/finish.js';
import { createMatrixService } from './services/matrix.js';
import type { AreaContext } from './services/types.js';

export type Service = { [C in InvokeChannel]: (req: InvokeParsed<C>) => Promise<InvokeResponse<C>> };

export interface ServiceDeps {
  host: AppInfo['host'];
  send: SendEvent;
  version: string;
  locale?: string;
  /** The host's native open dialog; absent in the browser host (which uses `fs:list`). */
  pickPaths?: (mode: 'files' | 'folder') => Promise<string[]>;
  now?: () => number;
  /** Reference instant for last-90-days counts (tests pin it). */
  asOf?: () => Date;
  /** The host's HTML → PDF printer (Electron's printToPDF in a hidden sandboxed window); absent in the browser host. */
  printToPdf?: PrintToPdf;
  /** Where settings.json lives; defaults to the user's config folder. */
  configDir?: string;
}

export class UnsupportedError extends Error {
  readonly code = 'unsupported';
}

const MAX_LISTING = 5000;

export function createService(deps: ServiceDeps): { service: Service; jobs: JobRunner; dispose(): void } {
  const jobs = createJobRunner({ send: deps.send, ...(deps.now ? { now: deps.now } : {}) });
  const dir = deps.configDir ?? configDir();
  const settings = createSettingsStore(dir);
  const area: AreaContext = { deps, jobs, settings, configDir: dir };
  const service: Service = {
    ...createCleanService(area),
    ...createBackupService(area),
    ...createMatrixService(area),
    ...createFinishService(area),
    async 'app:info'() {
      return {
        name: 'Pereezd',
        version: deps.version,
        host: deps.host,
        platform: process.platform,
        locale: deps.locale ?? Intl.DateTimeFormat().resolvedOptions().locale,
        nativeDialog: Boolean(deps.pickPaths),
        homeDir: os.homedir(),
      };
    },
    async 'sources:detect'({ paths }) {
      const sources = [];
      for (const p of paths) {
        const o = await openSource(p);
        await o.container?.close();
        sources.push(o.detected);
      }
      return { sources };
    },
    async 'sources:pick'({ mode }) {
      if (!deps.pickPaths) throw new UnsupportedError('this host has no native file dialog; use the folder browser');
      return { paths: await deps.pickPaths(mode) };
    },
    async 'fs:list'({ dir }) {
      const target = path.resolve(dir ?? os.homedir());
      const dirents = await readdir(target, { withFileTypes: true });
      const entries: FsEntry[] = [];
      let omitted = 0;
      for (const d of dirents.sort((a, b) => a.name.localeCompare(b.name))) {
        if (d.name.startsWith('.')) continue;
        const full = path.join(target, d.name);
        let isDir = d.isDirectory();
        let size = 0;
        if (d.isSymbolicLink() || d.isFile()) {
          const s = await stat(full).catch(() => null);
          if (!s) continue;
          isDir = s.isDirectory();
          size = s.isFile() ? s.size : 0;
        } else if (!isDir) continue;
        if (entries.length >= MAX_LISTING) {
          omitted++;
          continue;
        }
        entries.push({ name: d.name, path: full, kind: isDir ? 'folder' : 'file', size });
      }
      entries.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'folder' ? -1 : 1));
      const parent = path.dirname(target);
      return {
        dir: target,
        parent: parent === target ? null : parent,
        entries,
        omitted,
        places: [
          { name: 'home', path: os.homedir() },
          { name: 'root', path: path.parse(target).root },
        ],
      };
    },
    async 'inventory:start'({ paths, options }) {
      const asOf = deps.asOf?.();
      const jobId = jobs.start('inventory', (ctx) =>
        runInventory({ paths, ...(options ? { options } : {}), ...(asOf ? { asOf } : {}) }, { progress: ctx.progress }, ctx.signal),
      );
      return { jobId };
    },
    async 'job:get'({ jobId }) {
      return jobs.get(jobId);
    },
    async 'job:cancel'({ jobId }) {
      return { cancelled: jobs.cancel(jobId) };
    },
    async 'settings:get'() {
      return settings.get();
    },
    async 'settings:set'(patch) {
      return settings.set(patch);
    },
  };
  return { service, jobs, dispose: () => jobs.dispose() };
}
