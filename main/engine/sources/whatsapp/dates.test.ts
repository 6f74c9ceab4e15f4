import { describe, expect, it } from 'vitest';
import { dateIn, daysInMonth, DialectStats, orderIndex, toYear, ymd } from './dates.js';
import { newHeader, scanHeader } from './header.js';
import { planOrders, type ScanResult } from './scan.js';

/** Feeds header lines (all of one dialect) into a DialectStats. */
function stats(lines: string[]): DialectStats {
  const h = newHeader();
  let d: DialectStats | null = null;
  lines.forEach((line, i) => {
    if (!scanHeader(line, h)) throw new Error(`not a header: ${line}`);
    d ??= new DialectStats(h.sig);
    if (d.sig !== h.sig) throw new Error(`another dialect: ${line}`);
    d.add(h, i + 1, () => line.slice(h.dateStart, h.dateEnd));
  });
  return d!;
}

const scanOf = (...dialects: DialectStats[]): ScanResult => ({ dialects, rejected: { count: 0, firstLine: 0, sig: 0 }, lines: 0 });

describe('whatsapp dates: years and calendars', () => {
  it('two digits → 20xx, four digits as written, Buddhist −543, Japanese eras', () => {
    expect(toYear(23, 0, 0, false)).toBe(2023);
    expect(toYear(2019, 1, 0, false)).toBe(2019);
    expect(toYear(2565, 1, 0, true)).toBe(2022);
    expect(toYear(2565, 1, 0, false)).toBe(2022); // a year above 2400 without "BE" (th Android)
    expect(toYear(4, 2, 2019, false)).toBe(2022); // R4
    expect(toYear(30, 2, 1989, false)).toBe(2018); // H30
    expect(toYear(1, 2, 2019, false)).toBe(2019); // R1
  });
  it('days in month, leap years', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2023, 4)).toBe(30);
  });
  it('a date is read in each order, and month > 12 or day > days in month is rejected', () => {
    const h = newHeader();
    scanHeader('30/6/2023, 16:15 - A: x', h);
    expect(dateIn(h, orderIndex('dmy'))).toBe(true);
    expect({ ...ymd }).toEqual({ y: 2023, m: 6, d: 30 });
    expect(dateIn(h, orderIndex('mdy'))).toBe(false); // month 30
    expect(dateIn(h, orderIndex('ymd'))).toBe(false); // four-digit year last
    scanHeader('2/29/23, 10:00 - A: x', h);
    expect(dateIn(h, orderIndex('mdy'))).toBe(false); // 2023 is not a leap year
    scanHeader('2/29/24, 10:00 - A: x', h);
    expect(dateIn(h, orderIndex('mdy'))).toBe(true);
  });
  it('for inferring the order only years WhatsApp existed in count (2009 … next year)', () => {
    const h = newHeader();
    scanHeader('05.02.18, 9:05 - A: x', h);
    expect(dateIn(h, orderIndex('ymd'))).toBe(true); // 2005-02-18 is a calendar date…
    expect(dateIn(h, orderIndex('ymd'), true)).toBe(false); // …but not a WhatsApp one
    expect(dateIn(h, orderIndex('dmy'), true)).toBe(true);
  });
});

describe('whatsapp dates: inferring the order', () => {
  it('one date with a part above 12 settles day/month', () => {
    expect(stats(['1/29/18, 11:33 PM - A: x', '1/30/18, 0:00 AM - B: y']).candidates()).toEqual(['mdy']);
    expect(stats(['23/03/2022, 13:31 - A: x', '18/03/2022, 14:56 - B: y']).candidates()).toEqual(['dmy']);
  });
  it('every date ≤ 12 in both parts: several orders remain and the plan asks', () => {
    const d = stats(['2/4/23, 10:35 PM - A: x', '2/5/23, 9:00 AM - B: y', '3/5/23, 11:11 AM - A: z']);
    expect(d.candidates()).toEqual(['dmy', 'mdy']); // ymd: 2002/2003 are before WhatsApp
    const plan = planOrders(scanOf(d));
    expect(plan.question).toEqual({ kind: 'date-order', candidates: ['dmy', 'mdy'], samples: ['2/4/23', '2/5/23', '3/5/23'] });
    expect(plan.questionLine).toBe(1);
    expect(plan.orders.size).toBe(0);
  });
  it('a single date that fits all three orders keeps all three', () => {
    expect(stats(['12/9/20, 23:55 - A: x']).candidates()).toEqual(['dmy', 'mdy', 'ymd']);
  });
  it('the answer settles an ambiguous dialect', () => {
    const d = stats(['2/4/23, 10:35 PM - A: x', '3/5/23, 11:11 AM - A: z']);
    const plan = planOrders(scanOf(d), 'mdy');
    expect(plan.question).toBeNull();
    expect(plan.orders.get(d.sig)).toBe(orderIndex('mdy'));
    expect(plan.answerIgnored).toBeNull();
  });
  it('an answer the dates rule out is not used: a settled dialect keeps its order (and says so), an open one still asks', () => {
    const settled = stats(['1/29/18, 11:33 PM - A: x']);
    const p1 = planOrders(scanOf(settled), 'dmy');
    expect(p1.orders.get(settled.sig)).toBe(orderIndex('mdy'));
    expect(p1.answerIgnored).toEqual({ order: 'dmy', usedInstead: 'mdy', line: 1 });
    const open = stats(['2/4/23, 10:35 PM - A: x']);
    const p2 = planOrders(scanOf(open), 'ymd');
    expect(p2.question?.candidates).toEqual(['dmy', 'mdy']);
  });
  it('an answer does not override an order the file settles by itself (the CLI gives one answer for every source)', () => {
    const lines = ['1/2/22', '5/2/22', '10/2/22', '2/3/22', '7/3/22', '12/3/22', '3/4/22', '8/4/22', '1/5/22', '9/5/22'].map((d) => `${d}, 10:00 - A: x`);
    const d = stats(lines);
    expect(d.fits('mdy')).toBe(true); // every date is valid as m/d/y…
    const plan = planOrders(scanOf(d), 'mdy');
    expect(plan.orders.get(d.sig)).toBe(orderIndex('dmy')); // …but only d/m/y runs forward
    expect(plan.answerIgnored).toEqual({ order: 'mdy', usedInstead: 'dmy', line: 1 });
  });
  it('chronology drops an order whose dates keep going backwards (all parts ≤ 12)', () => {
    // Real dates (dmy): 1 Feb … 9 May 2022. Read as mdy they jump back three times.
    const lines = ['1/2/22', '5/2/22', '10/2/22', '2/3/22', '7/3/22', '12/3/22', '3/4/22', '8/4/22', '1/5/22', '9/5/22'].map((d) => `${d}, 10:00 - A: x`);
    const d = stats(lines);
    expect(d.decreases[orderIndex('dmy')]).toBe(0);
    expect(d.decreases[orderIndex('mdy')]).toBe(3);
    expect(d.candidates()).toEqual(['dmy']);
  });
  it('a few out-of-order lines (the encryption notice is dated at export) do not decide anything', () => {
    const d = stats(['9/3/22, 13:31 - x', '1/3/22, 10:00 - A: x', '2/3/22, 10:00 - A: x', '3/3/22, 10:00 - A: x']);
    expect(d.candidates()).toEqual(['dmy', 'mdy']);
  });
  it('a damaged date does not make every order impossible: the one with fewest bad dates wins', () => {
    const d = stats(['23/03/2022, 13:31 - A: x', '24/03/2022, 10:00 - A: x', '32/03/2022, 10:00 - A: x']);
    expect(d.invalid[orderIndex('dmy')]).toBe(1);
    expect(d.candidates()).toEqual(['dmy']);
  });
  it('samples are distinct dates as written, at most five', () => {
    const d = stats(['1/1/23, 10:00 - A: x', '1/1/23, 10:01 - A: x', '1/2/23, 10:00 - A: x', '1/3/23, 10:00 - A: x', '1/4/23, 10:00 - A: x', '1/5/23, 10:00 - A: x', '1/6/23, 10:00 - A: x']);
    expect(d.samples).toEqual(['1/1/23', '1/2/23', '1/3/23', '1/4/23', '1/5/23']);
    expect(d.count).toBe(7);
  });
});
