import { describe, expect, it } from 'vitest';
import { labelledIndices, labelStep, monthIndex, monthKey, monthSeries, peakMonth, sumActivity } from './activity-chart.js';

/** `months` consecutive months from `start`, each with `count(i)` messages. */
function activityOver(start: string, months: number, count: (i: number) => number = () => 1): Record<string, number> {
  const first = monthIndex(start)!;
  const out: Record<string, number> = {};
  for (let i = 0; i < months; i++) out[monthKey(first + i)] = count(i);
  return out;
}

describe('activity chart helpers', () => {
  it('converts months to indices and back', () => {
    expect(monthIndex('2020-01')).toBe(2020 * 12);
    expect(monthIndex('2020-12')).toBe(2020 * 12 + 11);
    expect(monthKey(2020 * 12 + 11)).toBe('2020-12');
    expect(monthKey(monthIndex('0999-03')!)).toBe('0999-03');
    for (const bad of ['2020-13', '2020-00', '2020-1', '20-01', '2020-01-01', '']) expect(monthIndex(bad)).toBeNull();
  });

  it('sums many chats month by month, ignoring bad months and counts', () => {
    expect(sumActivity([])).toEqual({});
    expect(
      sumActivity([
        { '2018-07': 2, '2022-10': 1 },
        { '2022-10': 1, '2023-01': 5, bogus: 9, '2023-02': 0, '2023-03': -1 },
        { '2018-07': Number.NaN },
      ]),
    ).toEqual({ '2018-07': 2, '2022-10': 2, '2023-01': 5 });
  });

  it('makes a continuous series from the first to the last month, filling gaps with 0', () => {
    expect(monthSeries({})).toEqual([]);
    expect(monthSeries({ '2020-05': 0 })).toEqual([]);
    expect(monthSeries({ '2021-03': 4 })).toEqual([{ month: '2021-03', count: 4 }]);
    const s = monthSeries({ '2020-11': 1, '2021-02': 3, '2019-01': 0 });
    expect(s.map((p) => p.month)).toEqual(['2020-11', '2020-12', '2021-01', '2021-02']);
    expect(s.map((p) => p.count)).toEqual([1, 0, 0, 3]);
    // Across the fixture's range: July 2018 to October 2022 is 52 months.
    expect(monthSeries({ '2018-07': 2, '2022-10': 2 })).toHaveLength(52);
  });

  it('finds the peak (the earliest of equals), none for no months', () => {
    expect(peakMonth([])).toBeNull();
    expect(peakMonth(monthSeries({ '2018-07': 2, '2022-10': 2 }))).toEqual({ month: '2018-07', count: 2 });
    expect(peakMonth(monthSeries({ '2018-07': 2, '2020-05': 1234, '2022-10': 7 }))).toEqual({ month: '2020-05', count: 1234 });
  });

  it('spaces the labels so they never overlap: every month when there is room, years for long spans', () => {
    const width = (step: number) => (step >= 12 ? 4 : 5) * 7; // px per label, as the chart estimates it
    expect(labelStep(0, 650, width)).toBe(1);
    expect(labelStep(1, 650, width)).toBe(1);
    expect(labelStep(12, 650, width)).toBe(1); // 54 px a month
    expect(labelStep(52, 650, width)).toBe(6); // 12.5 px a month: a quarter (37.5) is under 35 + 8, a half-year fits
    expect(labelStep(180, 650, width)).toBe(12); // 3.6 px a month: years (43 ≥ 28 + 8)
  });

  it('never lets two labels come closer than their width plus the gap, from 1 month to 15 years and beyond', () => {
    const width = (step: number) => (step >= 12 ? 4 : 6) * 7;
    for (const plot of [200, 400, 650, 1200]) {
      for (let months = 1; months <= 15 * 12 + 1; months++) {
        const step = labelStep(months, plot, width);
        const series = monthSeries(activityOver('2010-05', months));
        const idx = labelledIndices(series, step);
        expect(idx.length, `${months} months in ${plot}px`).toBeGreaterThan(0);
        const slot = plot / months;
        for (let i = 1; i < idx.length; i++) expect((idx[i]! - idx[i - 1]!) * slot).toBeGreaterThanOrEqual(width(step) + 8);
      }
    }
    // 15 years in 650 px: yearly labels at most, on the Januaries.
    const series = monthSeries(activityOver('2009-03', 180));
    const step = labelStep(180, 650, width);
    expect(step).toBeGreaterThanOrEqual(12);
    expect(labelledIndices(series, step).every((i) => series[i]!.month.endsWith('-01'))).toBe(true);
  });

  it('labels months that fall on the step in the calendar, or the first month when none does', () => {
    const series = monthSeries(activityOver('2020-02', 12));
    expect(labelledIndices(series, 1)).toHaveLength(12);
    expect(labelledIndices(series, 3).map((i) => series[i]!.month)).toEqual(['2020-04', '2020-07', '2020-10', '2021-01']);
    expect(labelledIndices(series, 12).map((i) => series[i]!.month)).toEqual(['2021-01']);
    const short = monthSeries(activityOver('2020-02', 3));
    expect(labelledIndices(short, 12)).toEqual([0]);
    expect(labelledIndices([], 12)).toEqual([]);
  });
});
