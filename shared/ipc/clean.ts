/**
 * Channels of the clean area. Spread into THE table in ../ipc-contract.ts; each entry gets one function in
 * main/engine/services/clean.ts.
 */
export const cleanInvoke = {} as const;
