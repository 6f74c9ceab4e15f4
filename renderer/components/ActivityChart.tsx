import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMonth, formatMonthName, formatNumber } from '../i18n/format.js';
import { labelledIndices, labelStep, monthSeries, peakMonth } from './activity-chart.js';

interface Props {
  /** Authored messages per month, `YYYY-MM` → count (one chat, or the sum over many). */
  activity: Record<string, number>;
  /** Chart width in SVG units (the SVG scales to its box, keeping its proportions). */
  width?: number;
  height?: number;
  testId?: string;
}

const PAD_LEFT = 44;
const PAD_RIGHT = 20;
const PAD_TOP = 10;
const PAD_BOTTOM = 34;
const FONT = 11;
/** Average width of one character at FONT, generous so labels never touch. */
const CHAR_W = 7;
const MAX_BAR = 28;

/**
 * Messages per month as bars, drawn as plain SVG elements (no chart library, no inline <style>:
 * colours come from the stylesheet by class). The summary (range and peak) is the SVG's title.
 */
export function ActivityChart({ activity, width = 720, height = 160, testId = 'activity-chart' }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const titleId = useId();
  const series = useMemo(() => monthSeries(activity), [activity]);
  const peak = peakMonth(series);

  if (!series.length || !peak) {
    return (
      <p className="activity-chart activity-chart--empty muted" data-testid={testId} data-months={0}>
        {t('chart.empty')}
      </p>
    );
  }

  const first = series[0]!.month;
  const last = series[series.length - 1]!.month;
  const summary =
    series.length === 1
      ? t('chart.summaryOne', { month: formatMonth(first, lang), peak: formatNumber(peak.count, lang) })
      : t('chart.summary', {
          from: formatMonth(first, lang),
          to: formatMonth(last, lang),
          peak: formatNumber(peak.count, lang),
          peakMonth: formatMonth(peak.month, lang),
        });

  const plotW = width - PAD_LEFT - PAD_RIGHT;
  const plotH = height - PAD_TOP - PAD_BOTTOM;
  const slot = plotW / series.length;
  const barW = Math.max(1, Math.min(MAX_BAR, slot * 0.8, slot - 1 > 0 ? slot - 1 : slot));
  const monthLabelChars = Math.max(...series.slice(0, 12).map((p) => formatMonthName(p.month, lang).length));
  const step = labelStep(series.length, plotW, (s) => (s >= 12 ? 4 : monthLabelChars) * CHAR_W);
  const labels = labelledIndices(series, step);
  const baseY = PAD_TOP + plotH;
  const x = (i: number) => PAD_LEFT + i * slot + slot / 2;
  const maxLabel = formatNumber(peak.count, lang);

  return (
    <svg
      className="activity-chart"
      role="img"
      aria-labelledby={titleId}
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMid meet"
      data-testid={testId}
      data-months={series.length}
      data-step={step}
    >
      <title id={titleId}>{summary}</title>
      {/* y axis: the peak at the top, 0 at the baseline */}
      <line className="activity-chart__grid" x1={PAD_LEFT} x2={width - PAD_RIGHT} y1={PAD_TOP} y2={PAD_TOP} />
      <text className="activity-chart__label" x={PAD_LEFT - 6} y={PAD_TOP} textAnchor="end" dominantBaseline="middle" fontSize={FONT}>
        {maxLabel}
      </text>
      <text className="activity-chart__label" x={PAD_LEFT - 6} y={baseY} textAnchor="end" dominantBaseline="middle" fontSize={FONT}>
        0
      </text>
      <g aria-hidden="true">
        {series.map((p, i) =>
          p.count > 0 ? (
            <rect
              key={p.month}
              className="activity-chart__bar"
              x={x(i) - barW / 2}
              y={baseY - Math.max(1, (p.count / peak.count) * plotH)}
              width={barW}
              height={Math.max(1, (p.count / peak.count) * plotH)}
            >
              <title>{`${formatMonth(p.month, lang)}: ${formatNumber(p.count, lang)}`}</title>
            </rect>
          ) : null,
        )}
      </g>
      <line className="activity-chart__axis" x1={PAD_LEFT} x2={width - PAD_RIGHT} y1={baseY} y2={baseY} />
      <g aria-hidden="true">
        {labels.map((i, n) => {
          const p = series[i]!;
          const month = Number(p.month.slice(5, 7));
          const year = p.month.slice(0, 4);
          const yearly = step >= 12;
          const showYear = !yearly && (month === 1 || n === 0);
          return (
            <g key={p.month}>
              <line className="activity-chart__tick" x1={x(i)} x2={x(i)} y1={baseY} y2={baseY + 4} />
              <text className="activity-chart__label" x={x(i)} y={baseY + 15} textAnchor="middle" fontSize={FONT} data-month={p.month}>
                {yearly ? year : formatMonthName(p.month, lang)}
              </text>
              {showYear && (
                <text className="activity-chart__label activity-chart__label--year" x={x(i)} y={baseY + 28} textAnchor="middle" fontSize={FONT}>
                  {year}
                </text>
              )}
            </g>
          );
        })}
      </g>
    </svg>
  );
}
