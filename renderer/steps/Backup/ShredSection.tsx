import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupRecord } from '../../../shared/ipc/backup.js';
import { toUiError } from '../../api-client.js';
import type { UiError } from '../../stores/wizard-store.js';
import { shredKey } from './backup-actions.js';
import { CallError } from './CallError.js';
import { KEYCHAIN_PROBLEM } from './StartSection.js';

const REFUSED: Record<string, string> = {
  'no-key': 'backup.shred.noKey',
  'not-this-key': 'backup.shred.notThisKey',
  missing: 'backup.shred.missing',
};

/**
 * Crypto-shredding, behind a disclosure and a confirmation: deletes this computer's keychain key,
 * and says honestly that the recovery key still opens the backup and that keychains have copies.
 */
export function ShredSection({ backup }: { backup: BackupRecord }) {
  const { t } = useTranslation();
  const baseId = useId();
  const [understood, setUnderstood] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'done' | 'refused'; text: string } | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  if (!backup.opensWith.includes('keychain') && !result) return null;

  const onShred = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await shredKey(backup.file);
      if (r.ok) setResult({ kind: 'done', text: r.recoveryStillOpens === false ? t('backup.shred.doneNoRecovery') : t('backup.shred.done') });
      else if (r.reason === 'keychain-unavailable') setResult({ kind: 'refused', text: t(KEYCHAIN_PROBLEM[r.problem ?? 'failed']) });
      else setResult({ kind: 'refused', text: t(REFUSED[r.reason] ?? 'backup.shred.noKey') });
      setUnderstood(false);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="backup-section backup-shred" data-testid="backup-shred">
      <summary>{t('backup.shred.title')}</summary>
      <p>{t('backup.shred.what')}</p>
      <p className="note note--warning">{t('backup.shred.honest')}</p>
      <p className="muted backup-hint">{t('backup.shred.bestEffort')}</p>
      <label className="backup-check">
        <input id={`${baseId}-ok`} type="checkbox" className="checkbox" checked={understood} disabled={busy} data-testid="shred-confirm" onChange={(e) => setUnderstood(e.target.checked)} />
        <span>{t('backup.shred.confirm')}</span>
      </label>
      <div className="backup-actions">
        <button type="button" className="button button--danger" disabled={!understood || busy} data-testid="shred-button" onClick={() => void onShred()}>
          {t('backup.shred.button')}
        </button>
      </div>
      {result && (
        <p className={`note ${result.kind === 'done' ? 'note--safe' : 'note--warning'}`} role="status" data-testid="shred-result" data-kind={result.kind}>
          {result.text}
        </p>
      )}
      <CallError error={error} what={t('backup.what.shred')} testId="shred-error" />
    </details>
  );
}
