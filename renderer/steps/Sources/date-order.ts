/**
 * Reading the sample dates of a date-order question (`DetectedSource.question`) the way each
 * candidate order would: "03/04/2022" is 3 April 2022 day-first and 4 March 2022 month-first.
 * Pure: parsing only. Showing a date in the UI language is i18n/format.ts's job.
 */
import type { DateOrder } from '../../../shared/model/index.js';

/** A calendar day (no time, no zone): month 1–12, day 1–31. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** Where each field sits in a date written in that order. */
const FIELDS: Record<DateOrder, readonly ['day' | 'month' | 'year', 'day' | 'month' | 'year', 'day' | 'month' | 'year']> = {
  dmy: ['day', 'month', 'year'],
  mdy: ['month', 'day', 'year'],
  ymd: ['year', 'month', 'day'],
};

/** Two-digit years in messenger exports are this century (WhatsApp exists since 2009). */
function fullYear(y: number, digits: number): number {
  return digits <= 2 ? 2000 + y : y;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The sample read in `order`, or null when it is not a real day in that order (or not a date of
 * three numbers at all). Separators do not matter: `03/04/2022`, `3.4.22`, `2022-04-03`.
 */
export function readSample(sample: string, order: DateOrder): CalendarDate | null {
  const parts = sample.match(/\d+/g);
  if (!parts || parts.length !== 3) return null;
  const out = { day: 0, month: 0, year: 0 };
  FIELDS[order].forEach((field, i) => {
    const text = parts[i]!;
    const n = Number(text);
    out[field] = field === 'year' ? fullYear(n, text.length) : n;
  });
  if (out.month < 1 || out.month > 12) return null;
  if (out.day < 1 || out.day > daysInMonth(out.year, out.month)) return null;
  return out;
}

export function sameDate(a: CalendarDate | null, b: CalendarDate | null): boolean {
  return !!a && !!b && a.year === b.year && a.month === b.month && a.day === b.day;
}

/**
 * The sample to ask about: the first one that every candidate reads as a real but different day
 * ("03/04/2022", never "05/05/2022", which reads the same either way). null when there is none.
 */
export function questionSample(samples: readonly string[], candidates: readonly DateOrder[]): string | null {
  for (const s of samples) {
    const readings = candidates.map((c) => readSample(s, c));
    if (readings.some((r) => !r)) continue;
    const distinct = readings.every((r, i) => readings.every((q, j) => i === j || !sameDate(r, q)));
    if (distinct) return s;
  }
  return null;
}
