import { useTranslation } from 'react-i18next';
import type { JobState } from '../../../shared/model/index.js';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '../../i18n/format.js';

/** The run's phases, in order (main/engine/services/clean.ts reports their index in `counters.phase`). */
const PHASES = ['read', 'sort', 'merge', 'contacts', 'plan'] as const;
const PHASE_TEXT = {
  read: 'clean.progress.phase.read',
  sort: 'clean.progress.phase.sort',
  merge: 'clean.progress.phase.merge',
  contacts: 'clean.progress.phase.contacts',
  plan: 'clean.progress.phase.plan',
} as const;

interface Props {
  job: JobState;
  onCancel: () => void;
  cancelling: boolean;
}

/**
 * A running clean: which of its five phases, how far (one scale for the whole run, so the ETA holds
 * across phases), the phase's own amount (bytes read, messages sorted), live counts, and Cancel.
 */
export function CleanProgress({ job, onCancel, cancelling }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { done, total, counters = {} } = job.progress;
  const phase = PHASES[counters.phase ?? 0] ?? 'read';
  const fraction = total ? Math.min(1, done / total) : null;
  const n = (v: number) => formatNumber(v, lang);
  let amount: string | null = null;
  if (phase === 'read' && counters.bytesDone !== undefined) {
    amount =
      counters.bytesTotal !== undefined
        ? t('clean.progress.bytes', { done: formatBytes(counters.bytesDone, lang), total: formatBytes(counters.bytesTotal, lang) })
        : t('clean.progress.bytesUnknown', { done: formatBytes(counters.bytesDone, lang) });
  } else if ((phase === 'sort' || phase === 'merge' || phase === 'plan') && counters.lines) {
    amount = t('clean.progress.lines', { done: n(Math.min(counters.phaseDone ?? 0, counters.lines)), total: n(counters.lines) });
  }

  return (
    <section className="progress clean-progress" aria-labelledby="clean-progress-title" data-testid="clean-progress" data-phase-name={phase}>
      <h3 id="clean-progress-title" className="progress__title">
        {t('clean.progress.title')}
      </h3>
      <p className="clean-progress__phase" data-testid="clean-phase">
        {t('clean.progress.step', { n: PHASES.indexOf(phase) + 1, total: PHASES.length, phase: t(PHASE_TEXT[phase]) })}
      </p>
      <div
        className="progress__track"
        role="progressbar"
        aria-labelledby="clean-progress-title"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.floor(fraction * 100)}
        aria-valuetext={t(PHASE_TEXT[phase])}
        data-testid="progress-bar"
      >
        <div className={`progress__fill${fraction === null ? ' is-indeterminate' : ''}`} style={{ width: fraction === null ? undefined : `${fraction * 100}%` }} />
      </div>
      <div className="progress__figures">
        {amount && <span data-testid="progress-amount">{amount}</span>}
        {fraction !== null && <span className="progress__percent">{formatPercent(fraction, lang)}</span>}
        <span className="progress__eta" data-testid="progress-eta">
          {job.etaMs !== null && job.etaMs > 0 ? t('progress.eta', { time: formatDuration(job.etaMs, lang) }) : t('progress.etaUnknown')}
        </span>
      </div>
      {phase === 'read' && (
        <dl className="progress__counters">
          {(['messages', 'chats', 'contacts'] as const).map((k) => (
            <div key={k} className="progress__counter">
              <dt>{t(`progress.counters.${k}`)}</dt>
              <dd data-testid={`live-${k}`}>{n(counters[k] ?? 0)}</dd>
            </div>
          ))}
        </dl>
      )}
      <div className="progress__actions">
        <button type="button" className="button button--danger" data-testid="cancel-job" onClick={onCancel} disabled={cancelling}>
          {cancelling ? t('progress.cancelling') : t('progress.cancel')}
        </button>
      </div>
    </section>
  );
}
