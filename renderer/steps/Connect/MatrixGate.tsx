import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toUiError } from '../../api-client.js';
import { browserTimeZone } from '../../i18n/time-zones.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import { inventoryRequest, nextBlocker, useWizardStore, type UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { loadSession, loadStatus, prepare, type MatrixSources } from './matrix-actions.js';
import { setKeyOf, useMatrixStore } from './matrix-store.js';
import { MatrixJobProgress } from './MatrixJobProgress.js';

/** The source set of the Sources step as the matrix channels name it; null while none can be read. */
export function useMatrixSources(): MatrixSources | null {
  const sources = useWizardStore((s) => s.sources);
  const answers = useWizardStore((s) => s.answers);
  return useMemo(() => (nextBlocker({ sources, answers }) ? null : inventoryRequest({ sources, answers }, browserTimeZone())), [sources, answers]);
}

/** Loads the session and the status of the set (again whenever a job of these steps finishes). */
export function useMatrixStatus(sources: MatrixSources | null): { error: UiError | null } {
  const [error, setError] = useState<UiError | null>(null);
  const jobs = useMatrixStore((s) => s.jobs);
  const finished = useJobStore((s) =>
    Object.values(jobs)
      .map((id) => (id && s.jobs[id] && isTerminalPhase(s.jobs[id]!.phase) ? id : ''))
      .join(','),
  );
  const key = sources ? setKeyOf(sources.paths) : '';
  useEffect(() => {
    let live = true;
    (async () => {
      try {
        await loadSession();
        if (sources) await loadStatus(sources);
        if (live) setError(null);
      } catch (err) {
        if (live) setError(toUiError(err));
      }
    })();
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, finished]);
  return { error };
}

/**
 * What the Pilot and Upload steps need before they can do anything: exports that can be read, a sign-in, and a
 * model to upload (the Clean step's output, or the exports read now). Says which is missing and offers the way.
 */
export function MatrixGate({ sources, children, testId }: { sources: MatrixSources | null; children: (s: MatrixSources) => ReactNode; testId: string }) {
  const { t } = useTranslation();
  const goToStep = useWizardStore((s) => s.goToStep);
  const session = useMatrixStore((s) => s.session);
  const status = useMatrixStore((s) => s.status);
  const prepareJob = useMatrixStore((s) => s.jobs.prepare);
  const prepareState = useJobStore((s) => (prepareJob ? s.jobs[prepareJob] : undefined));
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);

  if (!sources) {
    return (
      <div className="empty-state" data-testid={`${testId}-no-sources`}>
        <p>{t('matrix.gate.noSources')}</p>
        <button type="button" className="button button--primary" onClick={() => goToStep('sources')}>
          {t('matrix.gate.goSources')}
        </button>
      </div>
    );
  }
  if (session && !session.signedIn) {
    return (
      <div className="empty-state" data-testid={`${testId}-signed-out`}>
        <p>{t('matrix.gate.signIn')}</p>
        <button type="button" className="button button--primary" onClick={() => goToStep('connect')}>
          {t('matrix.gate.goConnect')}
        </button>
      </div>
    );
  }
  if (!status || !session) return <p className="muted">{t('matrix.loading')}</p>;
  if (!status.model) {
    const running = prepareState && !isTerminalPhase(prepareState.phase);
    return (
      <div className="matrix-prepare" data-testid={`${testId}-prepare`}>
        <p>{t('matrix.gate.noModel')}</p>
        <div className="matrix-actions">
          <button type="button" className="button" onClick={() => goToStep('clean')}>
            {t('matrix.gate.goClean')}
          </button>
          <button
            type="button"
            className="button button--primary"
            data-testid="matrix-prepare-button"
            disabled={busy || !!running}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await prepare(sources);
              } catch (err) {
                setError(toUiError(err));
              } finally {
                setBusy(false);
              }
            }}
          >
            {t('matrix.gate.prepare')}
          </button>
        </div>
        {prepareState && <MatrixJobProgress job={prepareState} title={t('matrix.gate.preparing')} testId="matrix-prepare-progress" />}
        <CallError error={error} what={t('matrix.what.prepare')} testId="matrix-prepare-error" />
      </div>
    );
  }
  return <>{children(sources)}</>;
}
