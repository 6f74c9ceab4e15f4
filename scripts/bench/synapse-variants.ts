/**
 * Synapse configurations the Matrix bench can run against (scripts/bench/matrix.mjs --variant NAME).
 * 'fast' is exactly the test profile (tests/helpers/synapse.ts); the others add settings a real deployment could
 * use for a one-off bulk import. Every variant keeps every message a separate m.room.message event.
 */
export interface SynapseVariant {
  name: string;
  describe: string;
  extraConfig: string;
}

export const VARIANTS: Record<string, SynapseVariant> = {
  fast: { name: 'fast', describe: "test profile 'fast' (SQLite, relaxed rc_*, presence off, log WARNING)", extraConfig: '' },
  // No instance sends federation: 3 of the ~32 database transactions per event and the federation sender's loop go.
  // Right for a server that does not federate, or for the import window (when turned back on, the sender resumes
  // from its stored stream position).
  nofed: { name: 'nofed', describe: "'fast' + federation_sender_instances: [] (no federation sending)", extraConfig: 'federation_sender_instances: []\n' },
  // Bulk-import settings on top: room statistics off (one write transaction per event; Synapse warns that the room
  // directory needs them, so only for the import window), Python GC less often, bigger caches.
  bulk: {
    name: 'bulk',
    describe: "'nofed' + stats off, gc_thresholds [20000, 50, 50], caches.global_factor 2",
    extraConfig: 'federation_sender_instances: []\nstats: {enabled: false}\ngc_thresholds: [20000, 50, 50]\ncaches: {global_factor: 2.0}\n',
  },
};
