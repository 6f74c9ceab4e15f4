/**
 * Channels of the matrix area. Spread into THE table in ../ipc-contract.ts; each entry gets one function in
 * main/engine/services/matrix.ts.
 */
export const matrixInvoke = {} as const;
