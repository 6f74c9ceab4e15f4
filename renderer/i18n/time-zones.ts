/**
 * Time zones for exports that carry wall-clock times only (WhatsApp): the browser's own zone as the
 * default, and every IANA zone the browser knows, grouped by region for a usable <select>.
 */
import { intlLocale } from './format.js';

/** Region groups, in the order the first part of an IANA id names them; anything else is `other`. */
export const TIME_ZONE_REGIONS = [
  'europe',
  'asia',
  'africa',
  'america',
  'atlantic',
  'indian',
  'pacific',
  'australia',
  'antarctica',
  'arctic',
  'other',
] as const;
export type TimeZoneRegion = (typeof TIME_ZONE_REGIONS)[number];

export interface TimeZoneChoice {
  id: string;
  /** "Argentina / Buenos Aires (GMT-3)": the place from the id, and its offset today. */
  label: string;
}

export interface TimeZoneGroup {
  region: TimeZoneRegion;
  zones: TimeZoneChoice[];
}

const FALLBACK_ZONE = 'UTC';

/** The zone this computer is set to (what `Intl` resolves); UTC when the browser does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || FALLBACK_ZONE;
  } catch {
    return FALLBACK_ZONE;
  }
}

/** Every zone the browser knows (plus UTC, which `supportedValuesOf` leaves out). */
export function supportedTimeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return zones.includes(FALLBACK_ZONE) ? zones : [...zones, FALLBACK_ZONE];
}

/** Whether `id` is a zone `Intl` can use. */
export function isValidTimeZone(id: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: id });
    return true;
  } catch {
    return false;
  }
}

export function regionOf(id: string): TimeZoneRegion {
  const head = id.includes('/') ? id.slice(0, id.indexOf('/')).toLowerCase() : '';
  return (TIME_ZONE_REGIONS as readonly string[]).includes(head) && head !== 'other' ? (head as TimeZoneRegion) : 'other';
}

/** "America/Argentina/Buenos_Aires" → "Argentina / Buenos Aires"; "UTC" → "UTC". */
export function placeOf(id: string): string {
  const rest = regionOf(id) === 'other' ? id : id.slice(id.indexOf('/') + 1);
  return rest.split('/').map((p) => p.replace(/_/g, ' ')).join(' / ');
}

/** "GMT+3", "GMT+5:30", "GMT" — the zone's offset at `at`, as Intl writes it. */
export function offsetOf(id: string, lang: string, at: Date): string {
  try {
    const parts = new Intl.DateTimeFormat(intlLocale(lang), { timeZone: id, timeZoneName: 'shortOffset' }).formatToParts(at);
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    return '';
  }
}

const groupsCache = new Map<string, TimeZoneGroup[]>();

/**
 * Every zone, grouped by region in TIME_ZONE_REGIONS order, sorted by place within a group.
 * `extra` zones (the default, a remembered answer) are added when the list lacks them, so the
 * select can always show the current value. Offsets are as of `at` (today).
 */
export function timeZoneGroups(lang: string, extra: readonly string[] = [], at: Date = new Date()): TimeZoneGroup[] {
  const wanted = extra.filter((z) => z && isValidTimeZone(z));
  const key = `${lang}|${at.toISOString().slice(0, 10)}|${[...wanted].sort().join(',')}`;
  const cached = groupsCache.get(key);
  if (cached) return cached;
  const ids = [...new Set([...supportedTimeZones(), ...wanted])];
  const collator = new Intl.Collator(intlLocale(lang), { sensitivity: 'base', numeric: true });
  const byRegion = new Map<TimeZoneRegion, TimeZoneChoice[]>();
  for (const id of ids) {
    const region = regionOf(id);
    const offset = offsetOf(id, lang, at);
    const place = placeOf(id);
    const list = byRegion.get(region) ?? [];
    list.push({ id, label: offset ? `${place} (${offset})` : place });
    byRegion.set(region, list);
  }
  const groups = TIME_ZONE_REGIONS.filter((r) => byRegion.has(r)).map((region) => ({
    region,
    zones: byRegion.get(region)!.sort((a, b) => collator.compare(a.label, b.label)),
  }));
  groupsCache.set(key, groups);
  return groups;
}
