import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toUiError } from '../../api-client.js';
import { browserTimeZone } from '../../i18n/time-zones.js';
import { inventoryRequest, nextBlocker, useWizardStore, type UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { AnnouncementSection } from './AnnouncementSection.js';
import { ChecklistSection } from './ChecklistSection.js';
import { CleanupSection } from './CleanupSection.js';
import { loadView } from './finish-actions.js';
import { setKeyOf, useFinishStore } from './finish-store.js';
import { ReportSection } from './ReportSection.js';
import { SupportSection } from './SupportSection.js';

/**
 * Step 8: what the earlier steps did, checked and written down — the report (HTML + JSON) that proves
 * nothing was lost or names exactly what was, the checklist for closing the old account, the announcement
 * to contacts and groups, the safe clean-up of working files, and a redacted support bundle.
 * Everything comes from the core (`finish:*`), so a reload or a restart shows the same.
 */
export function Verify() {
  const { t } = useTranslation();
  const sources = useWizardStore((s) => s.sources);
  const answers = useWizardStore((s) => s.answers);
  const homeDir = useWizardStore((s) => s.appInfo?.homeDir ?? '');
  const goToStep = useWizardStore((s) => s.goToStep);
  const request = useMemo(() => (nextBlocker({ sources, answers }) ? null : inventoryRequest({ sources, answers }, browserTimeZone())), [sources, answers]);
  const paths = useMemo(() => request?.paths ?? null, [request]);
  const key = paths ? setKeyOf(paths) : '';
  const view = useFinishStore((s) => (s.setKey === key ? s.view : null));
  const [error, setError] = useState<UiError | null>(null);
  /** The set whose last report has been asked for (the page says when it is loaded, for tests and tools). */
  const [loadedKey, setLoadedKey] = useState<string | null>(null);

  useEffect(() => {
    if (!paths) return;
    const k = setKeyOf(paths);
    loadView(paths)
      .then(() => setError(null))
      .catch((err: unknown) => setError(toUiError(err)))
      .finally(() => setLoadedKey(k));
  }, [paths]);

  const reportKey = view?.generatedAt ?? 'none';
  return (
    <section className="panel finish" aria-labelledby="finish-title" data-testid="step-verify" data-loaded={!paths || loadedKey === key ? 'yes' : 'no'}>
      <h2 id="finish-title">{t('finish.title')}</h2>
      <p className="lead">{t('finish.intro')}</p>
      {!paths ? (
        <div className="empty-state" data-testid="finish-empty">
          <p>{t('finish.noSources')}</p>
          <button type="button" className="button button--primary" onClick={() => goToStep('sources')}>
            {t('inventory.goSources')}
          </button>
        </div>
      ) : (
        <>
          <CallError error={error} what={t('finish.what.view')} testId="finish-view-error" />
          <ReportSection paths={paths} defaultDir={homeDir} />
          {view ? (
            <>
              <ChecklistSection paths={paths} reportKey={reportKey} />
              <AnnouncementSection paths={paths} reportKey={reportKey} />
            </>
          ) : (
            <p className="muted" data-testid="finish-needs-report">
              {t('finish.needsReport')}
            </p>
          )}
          <CleanupSection paths={paths} />
        </>
      )}
      <SupportSection paths={paths} defaultDir={homeDir} />
    </section>
  );
}
