import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toUiError } from '../../api-client.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { loadChecklist, tick } from './finish-actions.js';
import { useFinishStore } from './finish-store.js';

/** Deactivating the old account, step by step, for the messengers that were moved; ticks are kept by the core. */
export function ChecklistSection({ paths, reportKey }: { paths: string[]; reportKey: string }) {
  const { t, i18n } = useTranslation();
  const baseId = useId();
  const items = useFinishStore((s) => s.checklist);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const lang = i18n.language === 'ru' ? 'ru' : 'en';

  useEffect(() => {
    void loadChecklist(paths).catch((err: unknown) => setError(toUiError(err)));
  }, [paths, reportKey]);

  const onTick = async (id: string, done: boolean) => {
    setBusy(id);
    setError(null);
    try {
      await tick(paths, id, done);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(null);
    }
  };

  const done = items?.filter((i) => i.done).length ?? 0;
  return (
    <section className="finish-section" aria-labelledby={`${baseId}-title`} data-testid="finish-checklist">
      <h3 id={`${baseId}-title`}>{t('finish.checklist.title')}</h3>
      <p className="backup-hint">{t('finish.checklist.intro')}</p>
      <CallError error={error} what={t('finish.what.checklist')} testId="checklist-error" />
      {items && (
        <>
          <p className="muted" role="status" data-testid="checklist-count">
            {t('finish.checklist.count', { done, total: items.length })}
          </p>
          <ul className="finish-checklist">
            {items.map((i) => (
              <li key={i.id} data-testid="checklist-item" data-id={i.id} data-done={i.done ? 'yes' : 'no'}>
                <label>
                  <input type="checkbox" checked={i.done} disabled={busy === i.id} onChange={(e) => void onTick(i.id, e.target.checked)} />
                  <span>{lang === 'ru' ? i.ru : i.en}</span>
                  {i.auto && <span className="muted"> ({t('finish.checklist.auto')})</span>}
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
