/**
 * Wall-clock time → ISO 8601 with the real UTC offset of that moment in an IANA zone.
 *
 * WhatsApp writes the phone's wall-clock time and no zone. We read it in the zone the user chose
 * (or this computer's) and compute the offset for that date with Intl.DateTimeFormat (the zone
 * rules of the ICU data Node ships; no library). Offsets change only at DST/zone transitions, so
 * the offset is looked up once per calendar day, and per message only on the few days around a
 * transition:
 *
 * - DST gap (spring forward: 02:30 does not exist in Europe/Berlin on 2022-03-27): the time is
 *   shifted forward by the length of the gap, as a clock that was not yet set forward would read
 *   it: 02:30 → 03:30+02:00 (the instant 01:30Z). This is Temporal's "compatible" choice.
 * - Overlap (fall back: 02:30 happens twice on 2022-10-30): the earlier of the two instants, i.e.
 *   the offset in force before the transition: 02:30+02:00 (00:30Z), not 02:30+01:00.
 */

const DAY_MS = 86_400_000;

const TIME_TEXT: string[] = [];
for (let h = 0; h < 24; h++) for (let m = 0; m < 60; m++) TIME_TEXT.push(`${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const TWO: string[] = [];
for (let i = 0; i < 100; i++) TWO.push(String(i).padStart(2, '0'));

/** `HH:MM:SS` per second of the day, made when first needed. */
const HMS: (string | undefined)[] = new Array<string | undefined>(86_400);

function pad4(y: number): string {
  return y < 1000 ? String(y).padStart(4, '0') : String(y);
}

/** `+03:00`, `-04:30`, `+00:00` from an offset in minutes. */
export function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${TWO[Math.floor(a / 60)] ?? String(Math.floor(a / 60))}:${TWO[a % 60]!}`;
}

/** True when Intl knows the zone. */
export function isValidZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function machineZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

interface DayInfo {
  /** `YYYY-MM-DDT` */
  prefix: string;
  /** Offset text for the whole day, or null when a transition is near (then per message). */
  offset: string | null;
}

export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;
  private lastKey = -1;
  private lastDay: DayInfo | null = null;
  private readonly days = new Map<number, DayInfo>();

  constructor(readonly timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
  }

  /** Offset in minutes of the zone at an instant (ms since the epoch). */
  offsetAt(instant: number): number {
    const parts = this.fmt.formatToParts(new Date(instant));
    let y = 0;
    let mo = 0;
    let d = 0;
    let h = 0;
    let mi = 0;
    let s = 0;
    let bc = false;
    for (const p of parts) {
      switch (p.type) {
        case 'year':
          y = Number(p.value);
          break;
        case 'month':
          mo = Number(p.value);
          break;
        case 'day':
          d = Number(p.value);
          break;
        case 'hour':
          h = Number(p.value) % 24;
          break;
        case 'minute':
          mi = Number(p.value);
          break;
        case 'second':
          s = Number(p.value);
          break;
        case 'era':
          bc = p.value.startsWith('B');
          break;
        default:
          break;
      }
    }
    if (bc) y = 1 - y;
    const wall = new Date(0);
    wall.setUTCFullYear(y, mo - 1, d);
    wall.setUTCHours(h, mi, s, 0);
    const floored = Math.floor(instant / 1000) * 1000;
    return Math.round((wall.getTime() - floored) / 60_000);
  }

  private day(y: number, m: number, d: number): DayInfo {
    const key = (y * 13 + m) * 32 + d;
    if (key === this.lastKey) return this.lastDay!;
    let info = this.days.get(key);
    if (!info) {
      const midnight = Date.UTC(y, m - 1, d) + (y < 100 ? wallYearFix(y) : 0);
      // Offsets span −12…+14 h: instants from a day before to two days after local midnight
      // cover every wall-clock time of this day. Equal offsets at both ends → no transition.
      const before = this.offsetAt(midnight - DAY_MS);
      const after = this.offsetAt(midnight + 2 * DAY_MS);
      info = { prefix: `${pad4(y)}-${TWO[m]!}-${TWO[d]!}T`, offset: before === after ? offsetText(before) : null };
      if (this.days.size > 20_000) this.days.clear();
      this.days.set(key, info);
    }
    this.lastKey = key;
    this.lastDay = info;
    return info;
  }

  /** ISO 8601 with offset for a wall-clock time (valid date assumed). */
  iso(y: number, m: number, d: number, h: number, mi: number, s: number): string {
    const info = this.day(y, m, d);
    if (info.offset !== null) {
      const x = (h * 60 + mi) * 60 + s;
      return info.prefix + (HMS[x] ??= `${TIME_TEXT[h * 60 + mi]!}:${TWO[s]!}`) + info.offset;
    }
    return this.resolve(y, m, d, h, mi, s);
  }

  /** The general case, near a transition (see the header comment for gaps and overlaps). */
  resolve(y: number, m: number, d: number, h: number, mi: number, s: number): string {
    const date = new Date(0);
    date.setUTCFullYear(y, m - 1, d);
    date.setUTCHours(h, mi, s, 0);
    const wall = date.getTime();
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    let instant: number;
    let offset: number;
    if (before === after) {
      instant = wall - before * 60_000;
      offset = before;
    } else {
      const a = wall - before * 60_000;
      const b = wall - after * 60_000;
      const aOk = this.offsetAt(a) === before;
      const bOk = this.offsetAt(b) === after;
      if (aOk && bOk) {
        // Overlap: the earlier instant.
        if (a <= b) {
          instant = a;
          offset = before;
        } else {
          instant = b;
          offset = after;
        }
      } else if (aOk) {
        instant = a;
        offset = before;
      } else if (bOk) {
        instant = b;
        offset = after;
      } else {
        // Gap: read with the offset before the transition; the instant lies after it.
        instant = a;
        offset = this.offsetAt(a);
      }
    }
    const local = new Date(instant + offset * 60_000);
    const yy = local.getUTCFullYear();
    return `${pad4(yy)}-${TWO[local.getUTCMonth() + 1]!}-${TWO[local.getUTCDate()]!}T${TIME_TEXT[local.getUTCHours() * 60 + local.getUTCMinutes()]!}:${TWO[local.getUTCSeconds()]!}${offsetText(offset)}`;
  }
}

/** Date.UTC maps years 0–99 to 1900–1999; this undoes it. */
function wallYearFix(y: number): number {
  const a = Date.UTC(y, 0, 1);
  const d = new Date(0);
  d.setUTCFullYear(y, 0, 1);
  return d.getTime() - a;
}
