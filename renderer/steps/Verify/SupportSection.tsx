import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FinishBundleResult } from '../../../shared/ipc/finish.js';
import { toUiError } from '../../api-client.js';
import { formatBytes } from '../../i18n/format.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { FolderField } from '../Backup/FolderField.js';
import { CopyButton } from './CopyButton.js';
import { supportBundle } from './finish-actions.js';
import { useFinishStore } from './finish-store.js';

/** One file for the helpdesk, with what is redacted stated before it is made. */
export function SupportSection({ paths, defaultDir }: { paths: string[] | null; defaultDir: string }) {
  const { t, i18n } = useTranslation();
  const baseId = useId();
  const dir = useFinishStore((s) => s.bundleDir) ?? defaultDir;
  const setDir = useFinishStore((s) => s.setBundleDir);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FinishBundleResult | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [refused, setRefused] = useState<string | null>(null);

  const onSave = async () => {
    setBusy(true);
    setError(null);
    setRefused(null);
    try {
      const r = await supportBundle(dir.trim(), paths);
      if (r.ok) setResult(r.bundle);
      else setRefused(t('finish.support.destMissing', { path: r.path }));
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="finish-section" aria-labelledby={`${baseId}-title`} data-testid="finish-support">
      <h3 id={`${baseId}-title`}>{t('finish.support.title')}</h3>
      <p className="backup-hint">{t('finish.support.intro')}</p>
      <p className="note note--safe" data-testid="support-redacted">
        {t('finish.support.redacted')}
      </p>
      <FolderField id={`${baseId}-dir`} label={t('finish.support.folder')} value={dir} onChange={setDir} pickerTitle={t('finish.support.pickerTitle')} testId="support-dir" disabled={busy} />
      {refused && (
        <p className="backup-inline-error" role="alert" data-testid="support-refused">
          {refused}
        </p>
      )}
      <CallError error={error} what={t('finish.what.support')} testId="support-error" />
      <div className="backup-actions">
        <button type="button" className="button button--primary" disabled={busy || !dir.trim()} data-testid="support-start" onClick={() => void onSave()}>
          {busy ? t('finish.support.saving') : t('finish.support.save')}
        </button>
      </div>
      {result && (
        <div className="backup-result" data-testid="support-result" data-file={result.file}>
          <p className="note note--safe" role="status">
            {t('finish.support.done', { size: formatBytes(result.bytes, i18n.language) })} <code className="path">{result.file}</code>{' '}
            <CopyButton text={result.file} label={t('finish.files.copyPath')} testId="support-copy" />
          </p>
        </div>
      )}
    </section>
  );
}
