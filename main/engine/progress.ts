/** A pure progress sink (the engine never knows who listens). */
export interface IProgress<T> {
  report(item: T): void;
}
export const noProgress: IProgress<unknown> = { report() {} };

/** Sends an event to whoever hosts the engine (a window, WebSocket clients, a test spy). */
export type SendEvent = <E extends import('../../shared/ipc-contract.js').EventChannel>(
  channel: E,
  payload: import('../../shared/ipc-contract.js').EventPayload<E>,
) => void;
