/**
 * Channels of the finish area (wizard step 8: verify & report, audit journal, deactivation checklist,
 * announcement, safe clean-up, support bundle). Spread into THE table in ../ipc-contract.ts; each entry gets
 * one function in main/engine/services/finish.ts.
 */
export const finishInvoke = {} as const;
