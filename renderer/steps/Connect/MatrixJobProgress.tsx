import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cancelJob, toUiError } from '../../api-client.js';
import type { JobState } from '../../../shared/model/index.js';
import { formatDuration, formatNumber, formatPercent } from '../../i18n/format.js';
import { isTerminalPhase } from '../../stores/job-store.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { setPaused } from './matrix-actions.js';

/** Seconds left of a wait the server asked for, ticking (null when not waiting). */
function useWaitLeft(until: number | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until || until <= Date.now()) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [until]);
  return until && until > now ? Math.ceil((until - now) / 1000) : null;
}

/**
 * A running Matrix job: what it does, events sent of the total (bar), time left from the observed rate, the
 * server's rate-limit waits in words, Pause/Resume (uploads) and Cancel. Finished jobs say how they ended.
 */
export function MatrixJobProgress({ job, title, testId, pausable = false }: { job: JobState; title: string; testId: string; pausable?: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const titleId = useId();
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const c = job.progress.counters ?? {};
  const waitLeft = useWaitLeft(c.waitUntil);
  const paused = c.paused === 1;
  const running = !isTerminalPhase(job.phase);
  const { done, total } = job.progress;
  const fraction = total ? Math.min(1, done / total) : null;
  const eta = typeof c.etaMs === 'number' && c.etaMs > 0 ? c.etaMs : job.etaMs;
  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  let doing: string;
  if (job.phase === 'done') doing = t('matrix.job.done');
  else if (job.phase === 'cancelled') doing = t('matrix.job.cancelled');
  else if (job.phase === 'failed') doing = t('matrix.job.failed', { reason: job.error?.message ?? '' });
  else if (paused) doing = t('matrix.job.paused');
  else if (waitLeft !== null) doing = t('matrix.job.wait', { seconds: formatNumber(waitLeft, lang) });
  else if (job.progress.unit === 'bytes') doing = t('matrix.job.reading');
  else if (total === null) doing = t('matrix.job.preparing');
  else doing = t('matrix.job.sending', { chat: job.progress.current ?? '' });

  return (
    <section
      className={`progress matrix-progress${job.phase === 'failed' ? ' is-failed' : ''}`}
      aria-labelledby={titleId}
      data-testid={testId}
      data-phase={job.phase}
      data-paused={paused ? 'yes' : 'no'}
      data-waiting={waitLeft !== null ? 'yes' : 'no'}
    >
      <h4 id={titleId} className="progress__title">
        {title}
      </h4>
      <p className="matrix-progress__doing" data-testid={`${testId}-doing`} role="status" aria-live="polite">
        {doing}
      </p>
      <div
        className="progress__track"
        role="progressbar"
        aria-labelledby={titleId}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.floor(fraction * 100)}
        aria-valuetext={doing}
      >
        <div className={`progress__fill${fraction === null && running ? ' is-indeterminate' : ''}`} style={{ width: fraction === null ? undefined : `${fraction * 100}%` }} />
      </div>
      <div className="progress__figures">
        {fraction !== null && <span className="progress__percent">{formatPercent(fraction, lang)}</span>}
        {total !== null && job.progress.unit === 'items' && (
          <span data-testid={`${testId}-count`}>{t('matrix.job.count', { done: formatNumber(done, lang), total: formatNumber(total, lang) })}</span>
        )}
        {running && (
          <span className="progress__eta" data-testid={`${testId}-eta`}>
            {eta !== null && eta > 0 ? t('progress.eta', { time: formatDuration(eta, lang) }) : t('progress.etaUnknown')}
          </span>
        )}
        {typeof c.rateLimited === 'number' && c.rateLimited > 0 && (
          <span data-testid={`${testId}-limited`}>{t('matrix.job.limited', { n: formatNumber(c.rateLimited, lang) })}</span>
        )}
      </div>
      {running && (
        <div className="progress__actions">
          {pausable && (
            <button type="button" className="button" data-testid={`${testId}-pause`} disabled={busy} onClick={() => act(() => setPaused(job.jobId, !paused))}>
              {paused ? t('matrix.job.resume') : t('matrix.job.pause')}
            </button>
          )}
          <button type="button" className="button button--danger" data-testid={`${testId}-cancel`} disabled={busy} onClick={() => act(() => cancelJob(job.jobId))}>
            {t('progress.cancel')}
          </button>
        </div>
      )}
      <CallError error={error} what={t('matrix.what.control')} testId={`${testId}-error`} />
    </section>
  );
}
