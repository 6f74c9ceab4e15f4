import { describe, expect, it } from 'vitest';
import { calendarDateParts, formatAlternatives, formatCalendarDate, ordinalCategory } from '../../i18n/format.js';
import { questionSample, readSample, sameDate } from './date-order.js';

describe('reading a sample date in each order', () => {
  it('reads 03/04/2022 as 3 April day-first, 4 March month-first', () => {
    expect(readSample('03/04/2022', 'dmy')).toEqual({ year: 2022, month: 4, day: 3 });
    expect(readSample('03/04/2022', 'mdy')).toEqual({ year: 2022, month: 3, day: 4 });
  });

  it('takes any separator and two-digit years (this century)', () => {
    expect(readSample('3.4.22', 'dmy')).toEqual({ year: 2022, month: 4, day: 3 });
    expect(readSample('2022-04-03', 'ymd')).toEqual({ year: 2022, month: 4, day: 3 });
    expect(readSample('22/04/03', 'ymd')).toEqual({ year: 2022, month: 4, day: 3 });
  });

  it('says null for what is not a real day in that order', () => {
    expect(readSample('13/04/2022', 'mdy')).toBeNull(); // no 13th month
    expect(readSample('31/04/2022', 'dmy')).toBeNull(); // April has 30 days
    expect(readSample('29/02/2023', 'dmy')).toBeNull();
    expect(readSample('29/02/2024', 'dmy')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(readSample('03/04', 'dmy')).toBeNull();
    expect(readSample('yesterday', 'dmy')).toBeNull();
  });

  it('asks about the first sample that reads as a different real day in every candidate order', () => {
    expect(questionSample(['05/05/2022', '03/04/2022', '04/05/2022'], ['dmy', 'mdy'])).toBe('03/04/2022');
    expect(questionSample(['05/05/2022'], ['dmy', 'mdy'])).toBeNull();
    expect(questionSample([], ['dmy', 'mdy'])).toBeNull();
    expect(questionSample(['13/04/22', '03/04/05'], ['dmy', 'mdy', 'ymd'])).toBe('03/04/05');
    expect(sameDate(readSample('05/05/2022', 'dmy'), readSample('05/05/2022', 'mdy'))).toBe(true);
  });
});

describe('showing a calendar day in the UI language', () => {
  const april3 = { year: 2022, month: 4, day: 3 };

  it('writes the whole date with Intl, never shifted by the time zone', () => {
    expect(formatCalendarDate(april3, 'en')).toBe('3 April 2022');
    expect(formatCalendarDate(april3, 'ru')).toBe('3 апреля 2022 г.');
    expect(formatCalendarDate({ year: 2022, month: 12, day: 31 }, 'en')).toBe('31 December 2022');
  });

  it('gives the day, the month in the form that follows a day, and the year', () => {
    expect(calendarDateParts(april3, 'en')).toEqual({ day: '3', month: 'April', year: '2022' });
    expect(calendarDateParts(april3, 'ru')).toEqual({ day: '3', month: 'апреля', year: '2022' });
  });

  it('knows the English ordinal categories (1st, 2nd, 3rd, 4th, 11th, 21st) and that Russian has one', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31].map((n) => ordinalCategory(n, 'en'))).toEqual([
      'one', 'two', 'few', 'other', 'other', 'other', 'other', 'one', 'two', 'few', 'one',
    ]);
    expect(ordinalCategory(3, 'ru')).toBe('other');
  });

  it('joins alternatives with "or" in each language', () => {
    expect(formatAlternatives(['A', 'B'], 'en')).toBe('A or B');
    expect(formatAlternatives(['A', 'B', 'C'], 'en')).toBe('A, B or C');
    expect(formatAlternatives(['A', 'B'], 'ru')).toBe('A или B');
  });
});
