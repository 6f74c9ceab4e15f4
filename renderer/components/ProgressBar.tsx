import { useTranslation } from 'react-i18next';
import type { JobState } from '../../shared/model/index.js';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '../i18n/format.js';

interface Props {
  job: JobState;
  onCancel: () => void;
  cancelling: boolean;
}

const COUNTERS = ['messages', 'chats', 'contacts', 'attachments'] as const;

/** A running job: amount done of total, percent, ETA, what is being read, live counters, and Cancel. */
export function ProgressBar({ job, onCancel, cancelling }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { done, total, unit, current, counters } = job.progress;
  const fmt = (n: number) => (unit === 'bytes' ? formatBytes(n, lang) : formatNumber(n, lang));
  const fraction = total && total > 0 ? Math.min(1, done / total) : null;
  const percent = fraction === null ? null : Math.floor(fraction * 100);

  return (
    <section className="progress" aria-labelledby="progress-title" data-testid="progress">
      <h3 id="progress-title" className="progress__title">
        {t('progress.label')}
      </h3>
      <div
        className="progress__track"
        role="progressbar"
        aria-labelledby="progress-title"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={total ? t('progress.bytes', { done: fmt(done), total: fmt(total) }) : t('progress.bytesUnknown', { done: fmt(done) })}
        data-testid="progress-bar"
        data-done={done}
        data-total={total ?? ''}
      >
        <div className={`progress__fill${fraction === null ? ' is-indeterminate' : ''}`} style={{ width: fraction === null ? undefined : `${fraction * 100}%` }} />
      </div>
      <div className="progress__figures">
        <span data-testid="progress-amount">
          {total ? t('progress.bytes', { done: fmt(done), total: fmt(total) }) : t('progress.bytesUnknown', { done: fmt(done) })}
        </span>
        {fraction !== null && <span className="progress__percent">{formatPercent(fraction, lang)}</span>}
        <span className="progress__eta" data-testid="progress-eta">
          {job.etaMs !== null && job.etaMs > 0 ? t('progress.eta', { time: formatDuration(job.etaMs, lang) }) : t('progress.etaUnknown')}
        </span>
      </div>
      {current && (
        <p className="progress__current" title={current}>
          {t('progress.current', { file: current })}
        </p>
      )}
      <dl className="progress__counters">
        {COUNTERS.map((k) => (
          <div key={k} className="progress__counter">
            <dt>{t(`progress.counters.${k}`)}</dt>
            <dd data-testid={`live-${k}`}>{formatNumber(counters?.[k] ?? 0, lang)}</dd>
          </div>
        ))}
      </dl>
      <div className="progress__actions">
        <button type="button" className="button button--danger" data-testid="cancel-job" onClick={onCancel} disabled={cancelling}>
          {cancelling ? t('progress.cancelling') : t('progress.cancel')}
        </button>
      </div>
    </section>
  );
}
