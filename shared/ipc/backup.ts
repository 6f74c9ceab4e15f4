/**
 * Channels of the backup area. Spread into THE table in ../ipc-contract.ts; each entry gets one function in
 * main/engine/services/backup.ts.
 */
export const backupInvoke = {} as const;
