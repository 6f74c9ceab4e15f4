/**
 * Pure helpers for the activity chart: months as a continuous series (gaps filled with 0), the sum
 * over many chats, the peak, and how many months apart the x-axis labels must be so they never overlap.
 */

/** One calendar month (`YYYY-MM`) and the authored messages in it. */
export interface MonthCount {
  month: string;
  count: number;
}

const MONTH_RE = /^(\d{4})-(\d{2})$/;

/** `2020-03` → a month index (year × 12 + month − 1), or null when not a month. */
export function monthIndex(month: string): number | null {
  const m = MONTH_RE.exec(month);
  if (!m) return null;
  const mm = Number(m[2]);
  if (mm < 1 || mm > 12) return null;
  return Number(m[1]) * 12 + mm - 1;
}

/** A month index back to `YYYY-MM`. */
export function monthKey(index: number): string {
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** Sums the per-month counts of many chats (ill-formed months and negative or non-finite counts are ignored). */
export function sumActivity(list: Iterable<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const activity of list) {
    for (const [month, n] of Object.entries(activity)) {
      if (monthIndex(month) === null || !Number.isFinite(n) || n <= 0) continue;
      out[month] = (out[month] ?? 0) + n;
    }
  }
  return out;
}

/** Every month from the first to the last that has messages, in order, with the empty ones as 0. */
export function monthSeries(activity: Record<string, number>): MonthCount[] {
  let first = Infinity;
  let last = -Infinity;
  for (const [month, n] of Object.entries(activity)) {
    const i = monthIndex(month);
    if (i === null || !(n > 0)) continue;
    first = Math.min(first, i);
    last = Math.max(last, i);
  }
  if (first > last) return [];
  const out: MonthCount[] = [];
  for (let i = first; i <= last; i++) {
    const month = monthKey(i);
    const n = activity[month];
    out.push({ month, count: n !== undefined && n > 0 ? n : 0 });
  }
  return out;
}

/** The month with the most messages (the earliest of equals), or null for an empty series. */
export function peakMonth(series: MonthCount[]): MonthCount | null {
  let best: MonthCount | null = null;
  for (const p of series) if (!best || p.count > best.count) best = p;
  return best;
}

/** Steps between labels the axis may use: every month, quarter, half-year, year, or several years. */
export const LABEL_STEPS = [1, 2, 3, 6, 12, 24, 60, 120, 240] as const;

/**
 * How many months apart the labels are, so that no two overlap: the smallest step whose distance
 * is at least the label's width plus a gap. `labelWidth(step)` is the width of one label when
 * labels are that far apart (years only from a step of 12, month and year below).
 */
export function labelStep(months: number, plotWidth: number, labelWidth: (step: number) => number, gap = 8): number {
  if (months <= 1) return 1;
  const slot = plotWidth / months;
  for (const step of LABEL_STEPS) if (step * slot >= labelWidth(step) + gap) return step;
  return LABEL_STEPS[LABEL_STEPS.length - 1]!;
}

/**
 * The positions (indices into the series) that get a label: months that fall on the step in the
 * calendar (January for yearly labels, Jan/Apr/Jul/Oct for quarterly), so labels read naturally.
 * With fewer months than one step, the first month is labelled so the axis never goes blank.
 */
export function labelledIndices(series: MonthCount[], step: number): number[] {
  const out: number[] = [];
  series.forEach((p, i) => {
    const idx = monthIndex(p.month);
    if (idx !== null && idx % step === 0) out.push(i);
  });
  if (!out.length && series.length) out.push(0);
  return out;
}
