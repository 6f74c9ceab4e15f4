import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FinishCleanupList } from '../../../shared/ipc/finish.js';
import type { CleanupEntry, CleanupRecord } from '../../../shared/model/index.js';
import { toUiError } from '../../api-client.js';
import { formatBytes, formatNumber } from '../../i18n/format.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { cleanUp, cleanupList } from './finish-actions.js';

const KIND: Record<CleanupEntry['kind'], string> = {
  'clean-work': 'finish.cleanup.kind.clean-work',
  'convert-temp': 'finish.cleanup.kind.convert-temp',
  'sort-temp': 'finish.cleanup.kind.sort-temp',
  'model-spill': 'finish.cleanup.kind.model-spill',
  'matrix-model': 'finish.cleanup.kind.matrix-model',
  'backup-staging': 'finish.cleanup.kind.backup-staging',
  'partial-backup': 'finish.cleanup.kind.partial-backup',
  'partial-file': 'finish.cleanup.kind.partial-file',
  extracted: 'finish.cleanup.kind.extracted',
};

/** The app's temporary and working folders: listed with sizes, removed after a confirmation, then a scan for plaintext left. */
export function CleanupSection({ paths }: { paths: string[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const [list, setList] = useState<FinishCleanupList | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CleanupRecord | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [refused, setRefused] = useState<string | null>(null);

  const load = useCallback(async () => {
    const l = await cleanupList(paths);
    setList(l);
    setChosen(new Set(l.entries.map((e) => e.path)));
  }, [paths]);
  useEffect(() => {
    let live = true;
    cleanupList(paths).then(
      (l) => {
        if (!live) return;
        setList(l);
        setChosen(new Set(l.entries.map((e) => e.path)));
      },
      (err: unknown) => live && setError(toUiError(err)),
    );
    return () => {
      live = false;
    };
  }, [paths]);

  const chosenBytes = list?.entries.filter((e) => chosen.has(e.path)).reduce((n, e) => n + e.bytes, 0) ?? 0;

  const onRemove = async () => {
    setBusy(true);
    setError(null);
    setRefused(null);
    try {
      const r = await cleanUp(paths, [...chosen]);
      if (r.ok) setResult(r.record);
      else setRefused(t('finish.cleanup.notListed', { path: r.path }));
      setConfirming(false);
      await load();
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  const toggle = (p: string, on: boolean) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (on) next.add(p);
      else next.delete(p);
      return next;
    });

  return (
    <section className="finish-section" aria-labelledby={`${baseId}-title`} data-testid="finish-cleanup">
      <h3 id={`${baseId}-title`}>{t('finish.cleanup.title')}</h3>
      <p className="backup-hint">{t('finish.cleanup.intro')}</p>
      <CallError error={error} what={t('finish.what.cleanup')} testId="cleanup-error" />
      {list && list.entries.length === 0 && (
        <p className="note note--safe" data-testid="cleanup-empty">
          {t('finish.cleanup.empty')}
        </p>
      )}
      {list && list.entries.length > 0 && (
        <>
          <ul className="finish-cleanup" data-testid="cleanup-list">
            {list.entries.map((e) => (
              <li key={e.path} data-testid="cleanup-entry" data-kind={e.kind} data-path={e.path}>
                <label>
                  <input type="checkbox" checked={chosen.has(e.path)} disabled={busy} onChange={(ev) => toggle(e.path, ev.target.checked)} />
                  <span>
                    {t(KIND[e.kind])} — {formatBytes(e.bytes, lang)}, {t('finish.cleanup.files', { n: formatNumber(e.files, lang) })}
                  </span>
                </label>
                <code className="path">{e.path}</code>
              </li>
            ))}
          </ul>
          {!confirming ? (
            <div className="backup-actions">
              <button type="button" className="button button--danger" disabled={busy || chosen.size === 0} data-testid="cleanup-start" onClick={() => setConfirming(true)}>
                {t('finish.cleanup.remove', { size: formatBytes(chosenBytes, lang) })}
              </button>
            </div>
          ) : (
            <div className="note note--warning" role="alertdialog" aria-labelledby={`${baseId}-confirm`} data-testid="cleanup-confirm">
              <p id={`${baseId}-confirm`}>{t('finish.cleanup.confirm', { n: chosen.size, size: formatBytes(chosenBytes, lang) })}</p>
              <div className="backup-actions">
                <button type="button" className="button button--danger" disabled={busy} data-testid="cleanup-confirm-yes" autoFocus onClick={() => void onRemove()}>
                  {busy ? t('finish.cleanup.removing') : t('finish.cleanup.yes')}
                </button>
                <button type="button" className="button" disabled={busy} data-testid="cleanup-confirm-no" onClick={() => setConfirming(false)}>
                  {t('finish.cleanup.no')}
                </button>
              </div>
            </div>
          )}
        </>
      )}
      {refused && (
        <p className="backup-inline-error" role="alert" data-testid="cleanup-refused">
          {refused}
        </p>
      )}
      {result && (
        <div className="backup-result" data-testid="cleanup-result" data-removed={result.removed.length} data-hits={result.scan?.hits.length ?? 0}>
          <p className="note note--safe" role="status">
            {t('finish.cleanup.done', { n: result.removed.length, size: formatBytes(result.bytes, lang) })}
          </p>
          {result.failed.length > 0 && (
            <p className="backup-inline-error" role="alert">
              {t('finish.cleanup.someFailed', { n: result.failed.length })} <code className="path">{result.failed.map((f) => f.path).join(', ')}</code>
            </p>
          )}
          {result.scan &&
            (result.scan.hits.length === 0 ? (
              <p className="note note--safe" data-testid="cleanup-scan">
                {t('finish.cleanup.scanClean', { n: formatNumber(result.scan.filesScanned, lang) })}
              </p>
            ) : (
              <div className="note note--warning" data-testid="cleanup-scan">
                <p>{t('finish.cleanup.scanHits', { n: result.scan.hits.length })}</p>
                <ul>
                  {result.scan.hits.slice(0, 20).map((h) => (
                    <li key={h.path}>
                      <code className="path">{h.path}</code>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
        </div>
      )}
    </section>
  );
}
