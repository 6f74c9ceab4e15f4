// Types for zones.mjs (plain JS so that `npm run lint` runs it with node, no build step).
export interface Probe {
  /** Folder under tests/lint/ holding bad.* and good.*. */
  zone: string;
  /** The style.md §3 row it proves (target folder), or 'tests'. */
  row: string;
  /** Repo-relative path the bad file (and by default the good file) is linted as. */
  as: string;
  /** Repo-relative path the good file is linted as, when it differs. */
  goodAs?: string;
  /** Rules that must fire on bad.*; empty: only good.* is checked. */
  rules: string[];
}
export const lintDir: string;
export const repoRoot: string;
export const SECTION: string;
export const EXPECT_MARKER: string;
export const rows: string[];
export const probes: Probe[];
export function badFile(probe: Probe): string;
export function goodFile(probe: Probe): string;
export function createZoneChecker(opts?: { root?: string }): Promise<{
  check(probe: Probe): Promise<string[]>;
  isIgnoredInPlace(file: string): Promise<boolean>;
}>;
export function layoutProblems(): Promise<string[]>;
