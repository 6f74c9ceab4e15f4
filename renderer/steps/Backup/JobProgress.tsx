import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobState } from '../../../shared/model/index.js';
import { formatBytes, formatDuration, formatPercent } from '../../i18n/format.js';
import { jobFraction } from './backup-model.js';

interface Props {
  job: JobState;
  title: string;
  /** What is being done right now ("Encrypting and writing"). */
  doing: string;
  onCancel: () => void;
  cancelling: boolean;
  testId: string;
  /** The stage, for tests and support tools (people read `doing`). */
  stage?: string;
}

/** A running job of the Backup step: what it does now, how far (bar and percent), the time left, Cancel. */
export function JobProgress({ job, title, doing, onCancel, cancelling, testId, stage }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const titleId = useId();
  const fraction = jobFraction(job);
  const percent = fraction === null ? null : Math.floor(fraction * 100);
  const { unit, done, total, current } = job.progress;
  const amount = unit === 'bytes' && total ? t('progress.bytes', { done: formatBytes(done, lang), total: formatBytes(total, lang) }) : null;

  return (
    <section className="progress backup-progress" aria-labelledby={titleId} data-testid={testId} data-job-id={job.jobId} data-stage={stage}>
      <h4 id={titleId} className="progress__title">
        {title}
      </h4>
      <p className="backup-progress__doing" data-testid={`${testId}-doing`}>
        {doing}
      </p>
      <div
        className="progress__track"
        role="progressbar"
        aria-labelledby={titleId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-valuetext={`${doing}${percent === null ? '' : ` — ${formatPercent(fraction!, lang)}`}`}
        data-testid={`${testId}-bar`}
        data-done={done}
        data-total={total ?? ''}
      >
        <div className={`progress__fill${fraction === null ? ' is-indeterminate' : ''}`} style={{ width: fraction === null ? undefined : `${fraction * 100}%` }} />
      </div>
      <div className="progress__figures">
        {fraction !== null && <span className="progress__percent">{formatPercent(fraction, lang)}</span>}
        {amount && <span>{amount}</span>}
        <span className="progress__eta" data-testid={`${testId}-eta`}>
          {job.etaMs !== null && job.etaMs > 0 ? t('progress.eta', { time: formatDuration(job.etaMs, lang) }) : t('progress.etaUnknown')}
        </span>
      </div>
      {current && (
        <p className="progress__current" title={current}>
          <code className="path">{current}</code>
        </p>
      )}
      <div className="progress__actions">
        <button type="button" className="button button--danger" data-testid={`${testId}-cancel`} onClick={onCancel} disabled={cancelling}>
          {cancelling ? t('progress.cancelling') : t('progress.cancel')}
        </button>
      </div>
    </section>
  );
}
