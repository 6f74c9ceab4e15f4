/**
 * Day/month order of a WhatsApp export, decided over the whole file.
 *
 * The export writes dates in the phone's regional format with no hint of the order (a Russian-UI
 * iPhone set to the US region writes `3/18/22`). Lines are grouped by header dialect (header.ts:
 * separators, year width, brackets, 12/24 h…), because one file can mix two formats (`6/30/23`
 * and `30/6/2023` after a settings change). For each dialect:
 *
 * 1. The orders its shape allows: a four-digit or era year first → ymd; last → dmy or mdy; all
 *    parts short → dmy, mdy or ymd (`18. 6. 13.` is year-first).
 * 2. An order stays possible only if every date of the dialect is valid in it (month ≤ 12, day ≤
 *    days in that month of that year, and a year WhatsApp existed in: 2009 — its release — up to
 *    next year; an export holds no future dates). `29.01.18` is then only 29 January 2018, not
 *    2029-01-18.
 * 3. Among several possible orders, a chat's dates must be (nearly) non-decreasing in the right
 *    one: an order with clearly more decreases than the best one is dropped. Exports do have a few
 *    out-of-order lines (the encryption notice is dated when the export was made), so a slack of
 *    max(2, 2 % of the date changes) is tolerated.
 * 4. One order left → it is used. Several → the user is asked (SourceQuestion); nothing is
 *    guessed. None (every order has impossible dates: a damaged file) → the order with the fewest
 *    impossible dates, which are then reported one by one.
 */
import type { DateOrder } from '../../../../shared/model/index.js';
import type { Header } from './header.js';

export const ORDERS: readonly DateOrder[] = ['dmy', 'mdy', 'ymd'];
const DMY = 0;
const MDY = 1;
const YMD = 2;

export function orderIndex(o: DateOrder): number {
  return o === 'dmy' ? DMY : o === 'mdy' ? MDY : YMD;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : DAYS[m - 1]!;
}

/**
 * A written year → Gregorian: two digits → 20xx; Japanese era (`R4` → 2022, `H30` → 2018);
 * Thai Buddhist era (`2565 BE`, or any year above 2400, which no Gregorian WhatsApp date reaches)
 * → −543.
 */
export function toYear(v: number, cls: number, era: number, be: boolean): number {
  if (cls === 2) return era + v - 1;
  if (cls === 0) return 2000 + v;
  if (be || v > 2400) return v - 543;
  return v;
}

/** The orders a header shape allows, as a bit mask over ORDERS. */
export function allowedMask(h: Header): number {
  if (h.c1 !== 0) return 1 << YMD;
  if (h.c3 !== 0 || h.be) return (1 << DMY) | (1 << MDY);
  return 7;
}

// Scratch result of dateIn (no allocation per line).
export const ymd = { y: 0, m: 0, d: 0 };

/** First year of WhatsApp (released 2009). */
export const FIRST_YEAR = 2009;
/** Latest plausible year of a message (next year, for clocks and zones ahead). */
export const LAST_YEAR = new Date().getUTCFullYear() + 1;

/**
 * Reads the header's date in one order into `ymd`; false when it is not a real date in that order.
 * `plausible` also requires a year in WhatsApp's lifetime (used to infer the order, not to read).
 */
export function dateIn(h: Header, order: number, plausible = false): boolean {
  let y: number;
  let m: number;
  let d: number;
  if (order === YMD) {
    if (h.c3 !== 0) return false;
    y = toYear(h.p1, h.c1, h.e1, h.be);
    m = h.p2;
    d = h.p3;
  } else {
    if (h.c1 !== 0) return false;
    y = toYear(h.p3, h.c3, h.e3, h.be);
    if (order === DMY) {
      d = h.p1;
      m = h.p2;
    } else {
      m = h.p1;
      d = h.p2;
    }
  }
  if (m < 1 || m > 12 || d < 1 || y < 1 || y > 9999 || d > daysInMonth(y, m)) return false;
  if (plausible && (y < FIRST_YEAR || y > LAST_YEAR)) return false;
  ymd.y = y;
  ymd.m = m;
  ymd.d = d;
  return true;
}

/** What the whole-file scan learned about one dialect. */
export class DialectStats {
  count = 0;
  firstLine = 0;
  allowed = 0;
  readonly invalid = [0, 0, 0];
  readonly decreases = [0, 0, 0];
  private readonly last = [-1, -1, -1];
  changes = 0;
  private lastRaw = -1;
  readonly samples: string[] = [];

  constructor(readonly sig: number) {}

  /** One header line of this dialect; `raw` gives the date as written (only called for samples). */
  add(h: Header, line: number, raw: () => string): void {
    if (this.count++ === 0) this.firstLine = line;
    const key = (h.p1 * 10000 + h.p2) * 10000 + h.p3 + (h.e1 + h.e3) * 1e12;
    if (key === this.lastRaw) return;
    this.lastRaw = key;
    this.changes++;
    if (this.samples.length < 5) {
      const r = raw();
      if (!this.samples.includes(r)) this.samples.push(r);
    }
    const mask = allowedMask(h);
    this.allowed |= mask;
    for (let o = 0; o < 3; o++) {
      if ((mask & (1 << o)) === 0) continue;
      if (!dateIn(h, o, true)) {
        this.invalid[o]!++;
        continue;
      }
      const k = ymd.y * 512 + ymd.m * 32 + ymd.d;
      const prev = this.last[o]!;
      if (prev >= 0 && k < prev) this.decreases[o]!++;
      this.last[o] = k;
    }
  }

  /** The orders still possible (step 2–3 above), best first. */
  candidates(): DateOrder[] {
    const allowed = [0, 1, 2].filter((o) => (this.allowed & (1 << o)) !== 0);
    if (allowed.length === 0) return [];
    let pool = allowed.filter((o) => this.invalid[o] === 0);
    if (pool.length === 0) {
      const fewest = Math.min(...allowed.map((o) => this.invalid[o]!));
      pool = allowed.filter((o) => this.invalid[o] === fewest);
    }
    if (pool.length > 1) {
      const best = Math.min(...pool.map((o) => this.decreases[o]!));
      const slack = Math.max(2, Math.ceil(this.changes * 0.02));
      pool = pool.filter((o) => this.decreases[o]! <= best + slack);
    }
    return pool.map((o) => ORDERS[o]!);
  }

  /** True when every date of the dialect is valid in `order`. */
  fits(order: DateOrder): boolean {
    const o = orderIndex(order);
    return (this.allowed & (1 << o)) !== 0 && this.invalid[o] === 0;
  }
}
