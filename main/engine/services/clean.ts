/** Handlers for the channels in shared/ipc/clean.ts. */
import type { cleanInvoke } from '../../../shared/ipc/clean.js';
import type { AreaContext, AreaService } from './types.js';

export function createCleanService(_ctx: AreaContext): AreaService<keyof typeof cleanInvoke> {
  return {};
}
