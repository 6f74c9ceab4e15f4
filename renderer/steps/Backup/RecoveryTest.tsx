import { forwardRef, useId, useImperativeHandle, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupRecord } from '../../../shared/ipc/backup.js';
import { toUiError } from '../../api-client.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import type { UiError } from '../../stores/wizard-store.js';
import { testRecoveryKey } from './backup-actions.js';
import { useBackupStore } from './backup-store.js';
import { CallError } from './CallError.js';
import { NEW_KEY_ID } from './StartSection.js';

export interface RecoveryTestHandle {
  focusInput(): void;
}

type Outcome = { ok: true } | { ok: false; reason: 'not-a-key' | 'typo' | 'wrong-key'; length: number };

const FAILED: Record<'not-a-key' | 'typo' | 'wrong-key', string> = {
  'not-a-key': 'backup.test.notAKey',
  typo: 'backup.test.typo',
  'wrong-key': 'backup.test.wrongKey',
};

/**
 * "Test your recovery key" (mandatory): the user types the key back from where they kept it; the
 * core checks it opens this backup's header. The step is complete only when it passes.
 */
export const RecoveryTest = forwardRef<RecoveryTestHandle, { backup: BackupRecord; onPassed: () => void }>(function RecoveryTest({ backup, onPassed }, ref) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [typed, setTyped] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  /** After a pass the form folds away; "Test again" brings it back (a periodic re-test is wise). */
  const [again, setAgain] = useState(false);
  const tested = backup.recoveryTestedAt;
  const showForm = !tested || again;
  const held = useBackupStore((s) => s.recoveryKey !== null);
  const [lostHint, setLostHint] = useState(false);

  /** The key is gone: the way out is a new backup with a new recovery key (ticked for the user). */
  const onLost = () => {
    useBackupStore.getState().setNewKey(true);
    setLostHint(true);
    const box = document.getElementById(NEW_KEY_ID);
    box?.scrollIntoView({ block: 'center' });
    box?.focus();
  };
  useImperativeHandle(
    ref,
    () => ({
      focusInput: () => {
        setAgain(true);
        requestAnimationFrame(() => inputRef.current?.focus());
      },
    }),
    [],
  );

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!typed.trim()) return;
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      const r = await testRecoveryKey(backup.file, typed);
      setOutcome(r);
      if (r.ok) {
        setTyped('');
        setAgain(false);
        onPassed();
      }
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="backup-section" aria-labelledby={`${baseId}-title`} data-testid="recovery-test" data-tested={tested ? 'yes' : 'no'}>
      <h3 id={`${baseId}-title`}>{t('backup.test.title')}</h3>
      {outcome?.ok ? (
        <p className="note note--safe" role="status" data-testid="recovery-test-ok">
          {t('backup.test.ok')}
        </p>
      ) : tested ? (
        <p className="note note--safe" data-testid="recovery-test-passed">
          {t('backup.test.passed', { date: formatDate(tested, lang) })}
        </p>
      ) : (
        <p className="note note--info" data-testid="recovery-test-required">
          {t('backup.test.required')}
        </p>
      )}
      {showForm ? (
        <form className="backup-form" onSubmit={(e) => void onSubmit(e)}>
          <div className="field">
            <label htmlFor={`${baseId}-key`} className="field__label">
              {t('backup.test.label')}
            </label>
            <input
              id={`${baseId}-key`}
              ref={inputRef}
              className="input input--path recovery-test__input"
              type="text"
              value={typed}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="characters"
              disabled={busy}
              placeholder="AGE-SECRET-KEY-1…"
              aria-describedby={`${baseId}-hint`}
              data-testid="recovery-test-input"
              onChange={(e) => setTyped(e.target.value)}
            />
            <p id={`${baseId}-hint`} className="muted backup-hint">
              {t('backup.test.hint')}
            </p>
          </div>
          {outcome && !outcome.ok && (
            <p className="backup-inline-error" role="alert" data-testid="recovery-test-failed" data-reason={outcome.reason}>
              {t(FAILED[outcome.reason], { typed: formatNumber(outcome.length, lang), expected: formatNumber(74, lang) })}
            </p>
          )}
          <CallError error={error} what={t('backup.what.test')} testId="recovery-test-error" />
          <div className="backup-actions">
            <button type="submit" className="button button--primary" disabled={busy || !typed.trim()} data-testid="recovery-test-submit">
              {busy ? t('backup.test.testing') : t('backup.test.submit')}
            </button>
            {!tested && !held && (
              <button type="button" className="button button--quiet" data-testid="recovery-test-lost" onClick={onLost}>
                {t('backup.test.lost')}
              </button>
            )}
          </div>
          {lostHint && (
            <p className="note note--warning" role="status" data-testid="recovery-test-lost-hint">
              {t('backup.test.lostHint')}
            </p>
          )}
        </form>
      ) : (
        <div className="backup-actions">
          <button
            type="button"
            className="button"
            data-testid="recovery-test-again"
            onClick={() => {
              setOutcome(null);
              setAgain(true);
              requestAnimationFrame(() => inputRef.current?.focus());
            }}
          >
            {t('backup.test.again')}
          </button>
        </div>
      )}
    </section>
  );
});
