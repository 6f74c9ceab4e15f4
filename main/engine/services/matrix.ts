/** Handlers for the channels in shared/ipc/matrix.ts. */
import type { matrixInvoke } from '../../../shared/ipc/matrix.js';
import type { AreaContext, AreaService } from './types.js';

export function createMatrixService(_ctx: AreaContext): AreaService<keyof typeof matrixInvoke> {
  return {};
}
