/**
 * Number, size, date and duration formatting in the current UI language, via Intl (never by hand,
 * never in the OS locale when the user chose another language). Formatters are cached: the chat
 * table formats thousands of cells.
 */
const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

/**
 * The Intl locale for a UI language. English uses British conventions (day before month, 24-hour
 * clock): most users are in Russia and Europe, and "07/11" must not read as July to them.
 */
export function intlLocale(lang: string): string {
  if (lang.startsWith('ru')) return 'ru-RU';
  if (lang === 'en') return 'en-GB';
  return lang;
}

function numberFormat(lang: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${lang}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.NumberFormat(intlLocale(lang), opts)));
  return f;
}

function dateFormat(lang: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${lang}|${JSON.stringify(opts)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = new Intl.DateTimeFormat(intlLocale(lang), opts)));
  return f;
}

export function formatNumber(n: number, lang: string): string {
  return numberFormat(lang, { maximumFractionDigits: 0 }).format(n);
}

export function formatPercent(fraction: number, lang: string): string {
  const digits = fraction > 0 && fraction < 0.1 ? 1 : 0;
  return numberFormat(lang, { style: 'percent', maximumFractionDigits: digits }).format(Math.min(1, Math.max(0, fraction)));
}

const BYTE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** 1.2 GB / 1,2 ГБ (decimal units, as file managers show them). */
export function formatBytes(bytes: number, lang: string): string {
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < BYTE_UNITS.length - 1) {
    value /= 1000;
    i++;
  }
  const digits = i === 0 || value >= 100 ? 0 : 1;
  return numberFormat(lang, { style: 'unit', unit: BYTE_UNITS[i], unitDisplay: 'short', maximumFractionDigits: digits }).format(value);
}

/**
 * A calendar date from an ISO string; '' when missing or unparsable. `compact` is for table cells:
 * "22 Jul 2018" in English, "22.07.2018" in Russian (its medium style adds "г." and runs long).
 */
export function formatDate(iso: string | null | undefined, lang: string, style: 'medium' | 'compact' = 'medium'): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const opts: Intl.DateTimeFormatOptions = style === 'compact' && lang.startsWith('ru') ? { dateStyle: 'short' } : { dateStyle: 'medium' };
  return dateFormat(lang, opts).format(t);
}

function unit(n: number, u: 'second' | 'minute' | 'hour', lang: string): string {
  return numberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'long', maximumFractionDigits: 0 }).format(n);
}

/** A rough duration for an ETA: "40 seconds", "3 minutes", "1 hour 20 minutes". */
export function formatDuration(ms: number, lang: string): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 60) return unit(s, 'second', lang);
  const m = Math.round(s / 60);
  if (m < 60) return unit(m, 'minute', lang);
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return rest ? `${unit(h, 'hour', lang)} ${unit(rest, 'minute', lang)}` : unit(h, 'hour', lang);
}

/** A calendar day with no time and no zone (month 1–12). */
export interface DayOfYear {
  year: number;
  month: number;
  day: number;
}

const utcDay = (d: DayOfYear) => Date.UTC(d.year, d.month - 1, d.day);

/** "3 April 2022" / "3 апреля 2022 г.": a calendar day, never shifted by the computer's time zone. */
export function formatCalendarDate(d: DayOfYear, lang: string): string {
  return dateFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(utcDay(d));
}

/** The day, the month name (in the form that follows a day: "апреля") and the year, as Intl writes them. */
export function calendarDateParts(d: DayOfYear, lang: string): { day: string; month: string; year: string } {
  const parts = dateFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).formatToParts(utcDay(d));
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: get('day'), month: get('month'), year: get('year') };
}

/** The ordinal plural category of a number in the UI language (en: 1 → one, 2 → two, 3 → few, 4 → other). */
export function ordinalCategory(n: number, lang: string): Intl.LDMLPluralRule {
  return new Intl.PluralRules(intlLocale(lang), { type: 'ordinal' }).select(n);
}

/** "A, B or C" / "A, B или C". */
export function formatAlternatives(items: string[], lang: string): string {
  return new Intl.ListFormat(intlLocale(lang), { type: 'disjunction' }).format(items);
}

/** A calendar month `YYYY-MM`: "Jul 2018" / "июль 2018 г." (UTC, never shifted by the computer's zone). */
export function formatMonth(month: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  return dateFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

/** The short month name alone ("Jul" / "июль"), for axis labels below a year. */
export function formatMonthName(month: string, lang: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  return dateFormat(lang, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}
