import { describe, expect, it } from 'vitest';
import { browserTimeZone, isValidTimeZone, offsetOf, placeOf, regionOf, supportedTimeZones, timeZoneGroups, TIME_ZONE_REGIONS } from './time-zones.js';

describe('time zones for wall-clock exports', () => {
  const winter = new Date('2024-01-15T12:00:00Z');

  it('defaults to the zone Intl resolves for this computer', () => {
    expect(browserTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(isValidTimeZone(browserTimeZone())).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('lists every zone Intl knows, and UTC', () => {
    const zones = supportedTimeZones();
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toContain('Europe/Moscow');
    expect(zones).toContain('UTC');
  });

  it('names the region and the place of a zone id', () => {
    expect(regionOf('Europe/Moscow')).toBe('europe');
    expect(regionOf('America/Argentina/Buenos_Aires')).toBe('america');
    expect(regionOf('UTC')).toBe('other');
    expect(regionOf('Etc/GMT+5')).toBe('other');
    expect(placeOf('America/Argentina/Buenos_Aires')).toBe('Argentina / Buenos Aires');
    expect(placeOf('Europe/Moscow')).toBe('Moscow');
    expect(placeOf('UTC')).toBe('UTC');
  });

  it('shows the offset at a given moment, summer time included', () => {
    expect(offsetOf('Europe/Moscow', 'en', winter)).toBe('GMT+3');
    expect(offsetOf('Asia/Kolkata', 'ru', winter)).toBe('GMT+5:30');
    expect(offsetOf('Europe/Berlin', 'en', winter)).toBe('GMT+1');
    expect(offsetOf('Europe/Berlin', 'en', new Date('2024-07-15T12:00:00Z'))).toBe('GMT+2');
  });

  it('groups every zone by region, in a fixed region order, sorted by place within a region', () => {
    const groups = timeZoneGroups('en', [], winter);
    const regions = groups.map((g) => g.region);
    expect(regions).toEqual(TIME_ZONE_REGIONS.filter((r) => regions.includes(r)));
    expect(regions.slice(0, 2)).toEqual(['europe', 'asia']);
    const ids = groups.flatMap((g) => g.zones.map((z) => z.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(supportedTimeZones().length);
    const europe = groups.find((g) => g.region === 'europe')!;
    expect(europe.zones.find((z) => z.id === 'Europe/Moscow')!.label).toBe('Moscow (GMT+3)');
    const labels = europe.zones.map((z) => z.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base', numeric: true })));
    expect(groups.find((g) => g.region === 'other')!.zones.map((z) => z.id)).toContain('UTC');
  });

  it('adds a zone the list lacks (a remembered answer, the default) so the select can show it', () => {
    const alias = 'Europe/Kiev';
    const known = new Set(supportedTimeZones());
    const extra = known.has(alias) ? 'Europe/Kyiv' : alias;
    const ids = timeZoneGroups('en', [extra, 'Not/AZone'], winter).flatMap((g) => g.zones.map((z) => z.id));
    expect(ids).toContain(extra);
    expect(ids).not.toContain('Not/AZone');
  });
});
