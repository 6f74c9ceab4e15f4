import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { initI18n } from '../i18n/index.js';
import { ActivityChart } from './ActivityChart.js';
import { monthIndex, monthKey } from './activity-chart.js';

beforeAll(async () => {
  await initI18n('en');
});

const render = (activity: Record<string, number>) => renderToStaticMarkup(<ActivityChart activity={activity} />);
const labels = (html: string) => [...html.matchAll(/data-month="([\d-]+)"/g)].map((m) => m[1]);

describe('ActivityChart', () => {
  it('says so when there is no month at all (no SVG)', () => {
    const html = render({});
    expect(html).not.toContain('<svg');
    expect(html).toContain('No dated messages to show.');
  });

  it('draws one month as one bar, labelled, with the summary as its title', () => {
    const html = render({ '2021-05': 1234 });
    expect(html).toContain('<title id=');
    expect(html).toContain('Messages per month, May 2021: 1,234');
    expect(html.match(/class="activity-chart__bar/g)).toHaveLength(1);
    expect(labels(html)).toEqual(['2021-05']);
    expect(html).toContain('role="img"');
    expect(html).not.toContain('<style');
  });

  it('draws 15 years of months with yearly (or sparser) labels and the peak in the summary', () => {
    const first = monthIndex('2009-03')!;
    const activity: Record<string, number> = {};
    for (let i = 0; i < 180; i++) activity[monthKey(first + i)] = i === 30 ? 1234 : (i % 7) + 1;
    const html = render(activity);
    expect(html).toContain('data-months="180"');
    expect(html).toContain('Messages per month, Mar 2009 – Feb 2024, peak 1,234 in Sept 2011');
    expect(html.match(/class="activity-chart__bar/g)).toHaveLength(180);
    const l = labels(html);
    expect(l.length).toBeGreaterThan(3);
    expect(l.length).toBeLessThanOrEqual(15);
    expect(l.every((m) => m!.endsWith('-01'))).toBe(true);
  });
});
