import { describe, expect, it } from 'vitest';
import { isValidZone, machineZone, offsetText, ZoneClock } from './zone.js';

describe('whatsapp zone: wall-clock → ISO with the offset of that date', () => {
  it('ordinary dates in winter and summer', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(berlin.iso(2022, 1, 15, 9, 30, 0)).toBe('2022-01-15T09:30:00+01:00');
    expect(berlin.iso(2022, 7, 1, 12, 0, 5)).toBe('2022-07-01T12:00:05+02:00');
    expect(new ZoneClock('Europe/Moscow').iso(2022, 3, 27, 21, 41, 55)).toBe('2022-03-27T21:41:55+03:00');
    expect(new ZoneClock('Asia/Kolkata').iso(2023, 1, 1, 0, 0, 0)).toBe('2023-01-01T00:00:00+05:30');
    expect(new ZoneClock('UTC').iso(2023, 12, 31, 23, 59, 59)).toBe('2023-12-31T23:59:59+00:00');
  });
  it('a DST gap shifts the time forward by the gap (Europe/Berlin, 27 March 2022, 02:00 → 03:00)', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(berlin.iso(2022, 3, 27, 1, 59, 59)).toBe('2022-03-27T01:59:59+01:00');
    expect(berlin.iso(2022, 3, 27, 2, 30, 0)).toBe('2022-03-27T03:30:00+02:00');
    expect(berlin.iso(2022, 3, 27, 3, 0, 0)).toBe('2022-03-27T03:00:00+02:00');
    expect(new ZoneClock('America/New_York').iso(2022, 3, 13, 2, 15, 0)).toBe('2022-03-13T03:15:00-04:00');
  });
  it('an overlap takes the earlier instant, i.e. the offset before the change (30 October 2022, 02:00–03:00 twice)', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(berlin.iso(2022, 10, 30, 2, 30, 0)).toBe('2022-10-30T02:30:00+02:00');
    expect(berlin.iso(2022, 10, 30, 3, 0, 0)).toBe('2022-10-30T03:00:00+01:00');
    expect(new ZoneClock('America/New_York').iso(2022, 11, 6, 1, 30, 0)).toBe('2022-11-06T01:30:00-04:00');
  });
  it('half-hour DST (Lord Howe Island): gap and overlap of 30 minutes', () => {
    const lh = new ZoneClock('Australia/Lord_Howe');
    expect(lh.iso(2022, 10, 2, 2, 15, 0)).toBe('2022-10-02T02:45:00+11:00');
    expect(lh.iso(2022, 4, 3, 1, 45, 0)).toBe('2022-04-03T01:45:00+11:00');
  });
  it('a zone that changed its standard offset (Moscow, 26 October 2014, +04:00 → +03:00)', () => {
    const msk = new ZoneClock('Europe/Moscow');
    expect(msk.iso(2014, 10, 25, 12, 0, 0)).toBe('2014-10-25T12:00:00+04:00');
    expect(msk.iso(2014, 10, 26, 1, 30, 0)).toBe('2014-10-26T01:30:00+04:00');
    expect(msk.iso(2014, 10, 27, 12, 0, 0)).toBe('2014-10-27T12:00:00+03:00');
  });
  it('the ISO strings are the instants they claim', () => {
    const berlin = new ZoneClock('Europe/Berlin');
    expect(Date.parse(berlin.iso(2022, 3, 27, 2, 30, 0))).toBe(Date.UTC(2022, 2, 27, 1, 30));
    expect(Date.parse(berlin.iso(2022, 10, 30, 2, 30, 0))).toBe(Date.UTC(2022, 9, 30, 0, 30));
  });
  it('offset text, zone validation, the machine zone', () => {
    expect(offsetText(180)).toBe('+03:00');
    expect(offsetText(-270)).toBe('-04:30');
    expect(offsetText(0)).toBe('+00:00');
    expect(isValidZone('Europe/Moscow')).toBe(true);
    expect(isValidZone('Mars/Olympus')).toBe(false);
    expect(machineZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
