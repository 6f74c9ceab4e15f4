import { useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toUiError } from '../../api-client.js';
import type { UiError } from '../../stores/wizard-store.js';
import { saveRecoveryKeyFile } from './backup-actions.js';
import { folderOf, proposeKeyFileName, withExtension } from './backup-model.js';
import type { HeldRecoveryKey } from './backup-store.js';
import { useBackupStore } from './backup-store.js';
import { CallError } from './CallError.js';
import { FolderField } from './FolderField.js';

const MIN_PASSPHRASE = 10;

const REFUSED: Record<string, string> = {
  'dest-missing': 'backup.save.refused.destMissing',
  exists: 'backup.save.refused.exists',
  'wrong-key': 'backup.save.refused.wrongKey',
  'not-a-key': 'backup.save.refused.notAKey',
  typo: 'backup.save.refused.notAKey',
};

/**
 * Saves the recovery key as an age identity file protected by a passphrase (the age CLI opens it:
 * `age -d -i FILE`). The passphrase is asked twice and goes to the core once; the fields are
 * emptied after saving.
 */
export function SaveKeyForm({ held, file, onClose }: { held: HeldRecoveryKey; file: string; onClose: () => void }) {
  const { t } = useTranslation();
  const baseId = useId();
  const defaultDir = useBackupStore((s) => s.status?.defaultDir ?? folderOf(file));
  const proposed = useMemo(() => proposeKeyFileName(new Date()), []);
  const [dir, setDir] = useState<string | null>(null);
  const [name, setName] = useState(proposed);
  const [pass, setPass] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const folder = dir ?? defaultDir;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setError(null);
    setSaved(null);
    if (pass.length < MIN_PASSPHRASE) return setProblem(t('backup.save.short', { n: MIN_PASSPHRASE }));
    if (pass !== again) return setProblem(t('backup.save.mismatch'));
    const fileName = withExtension(name, '.age');
    setBusy(true);
    try {
      const r = await saveRecoveryKeyFile({ file, key: held.key, dest: { dir: folder.trim(), name: fileName }, passphrase: pass });
      if (r.ok) {
        setSaved(r.file);
        setPass('');
        setAgain('');
      } else setProblem(t(REFUSED[r.reason] ?? 'backup.save.refused.exists', { path: r.path ?? '' }));
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="backup-subform" aria-labelledby={`${baseId}-title`} data-testid="save-key-form" onSubmit={(e) => void onSubmit(e)}>
      <h4 id={`${baseId}-title`}>{t('backup.save.title')}</h4>
      <p className="muted backup-hint">{t('backup.save.intro')}</p>
      <FolderField id={`${baseId}-dir`} label={t('backup.save.folder')} value={folder} onChange={setDir} pickerTitle={t('backup.save.pickerTitle')} testId="save-key-dir" disabled={busy} />
      <div className="field">
        <label htmlFor={`${baseId}-name`} className="field__label">
          {t('backup.save.name')}
        </label>
        <input id={`${baseId}-name`} className="input input--path" type="text" value={name} spellCheck={false} autoComplete="off" disabled={busy} data-testid="save-key-name" onChange={(e) => setName(e.target.value)} />
      </div>
      <div className="backup-form__pair">
        <div className="field">
          <label htmlFor={`${baseId}-pass`} className="field__label">
            {t('backup.save.passphrase')}
          </label>
          <input id={`${baseId}-pass`} className="input" type="password" value={pass} autoComplete="new-password" disabled={busy} aria-describedby={`${baseId}-passhint`} data-testid="save-key-pass" onChange={(e) => setPass(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${baseId}-again`} className="field__label">
            {t('backup.save.repeat')}
          </label>
          <input id={`${baseId}-again`} className="input" type="password" value={again} autoComplete="new-password" disabled={busy} data-testid="save-key-again" onChange={(e) => setAgain(e.target.value)} />
        </div>
      </div>
      <p id={`${baseId}-passhint`} className="muted backup-hint">
        {t('backup.save.passHint', { n: MIN_PASSPHRASE })}
      </p>
      {problem && (
        <p className="backup-inline-error" role="alert" data-testid="save-key-problem">
          {problem}
        </p>
      )}
      <CallError error={error} what={t('backup.what.save')} testId="save-key-error" />
      {saved && (
        <p className="note note--safe" role="status" data-testid="save-key-saved">
          {t('backup.save.saved', { file: saved })}
        </p>
      )}
      <div className="backup-actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="save-key-submit">
          {busy ? t('backup.save.saving') : t('backup.save.submit')}
        </button>
        <button type="button" className="button button--quiet" onClick={onClose}>
          {t('backup.save.close')}
        </button>
      </div>
    </form>
  );
}
