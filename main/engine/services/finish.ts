/** Handlers for the channels in shared/ipc/finish.ts. */
import type { finishInvoke } from '../../../shared/ipc/finish.js';
import type { AreaContext, AreaService } from './types.js';

export function createFinishService(_ctx: AreaContext): AreaService<keyof typeof finishInvoke> {
  return {};
}
