import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toUiError } from '../../api-client.js';
import { AVAILABLE_STEPS, useWizardStore } from '../../stores/wizard-store.js';
import { loadStatus } from './backup-actions.js';
import { checklist, latestBackup } from './backup-model.js';
import { useBackupStore } from './backup-store.js';
import { BackupList } from './BackupList.js';
import { CallError } from './CallError.js';
import { CopySection } from './CopySection.js';
import { RecoveryKeySheet } from './RecoveryKeySheet.js';
import { RecoveryTest, type RecoveryTestHandle } from './RecoveryTest.js';
import { RestoreSection } from './RestoreSection.js';
import { ShredSection } from './ShredSection.js';
import { KEYCHAIN_PROBLEM, StartSection } from './StartSection.js';
import { VerifySection, type VerifyHandle } from './VerifySection.js';

/**
 * Step 4: one encrypted backup file of the exports (and the cleaned model), key in the system
 * keychain plus a recovery key the user must prove they kept; then checks, a second copy on another
 * drive, and where everything is. What the core knows (keys, backups, checks) comes from
 * `backup:status`, so a reload or a restart shows the same.
 */
export function Backup() {
  const { t } = useTranslation();
  const status = useBackupStore((s) => s.status);
  const statusError = useBackupStore((s) => s.statusError);
  const setStatusError = useBackupStore((s) => s.setStatusError);
  const held = useBackupStore((s) => s.recoveryKey);
  const testRef = useRef<RecoveryTestHandle>(null);
  const verifyRef = useRef<VerifyHandle>(null);
  const [loaded, setLoaded] = useState(false);

  useEffect(() => {
    loadStatus()
      .catch((err: unknown) => setStatusError(toUiError(err)))
      .finally(() => setLoaded(true));
  }, [setStatusError]);

  const goToStep = useWizardStore((s) => s.goToStep);
  const connectAvailable = AVAILABLE_STEPS.has('connect');
  const latest = latestBackup(status);
  const done = checklist(latest);

  return (
    <section className="panel backup" aria-labelledby="backup-title" data-testid="step-backup" data-loaded={loaded ? 'yes' : 'no'}>
      <h2 id="backup-title">{t('backup.title')}</h2>
      <p className="lead">{t('backup.intro')}</p>
      <CallError error={statusError} what={t('backup.what.status')} testId="backup-status-error" />
      {status &&
        (status.keychain.available ? (
          <p className="note note--safe" data-testid="backup-keychain" data-available="yes">
            {t('backup.keychain.ok')}
          </p>
        ) : (
          <p className="note note--warning" data-testid="backup-keychain" data-available="no" data-problem={status.keychain.problem}>
            {t(KEYCHAIN_PROBLEM[status.keychain.problem])} {t('backup.keychain.recoveryOnly')}
          </p>
        ))}

      <Checklist done={done} hasBackup={!!latest} />

      <StartSection />

      {held && <RecoveryKeySheet held={held} onTestNow={() => testRef.current?.focusInput()} />}

      {latest && (
        <>
          <RecoveryTest ref={testRef} backup={latest} onPassed={() => requestAnimationFrame(() => verifyRef.current?.focus())} />
          <VerifySection ref={verifyRef} backup={latest} />
          <CopySection backup={latest} />
          <RestoreSection key={latest.file} backup={latest} />
        </>
      )}

      {status && <BackupList backups={status.backups} />}
      {latest && <ShredSection backup={latest} />}

      <div className="step-actions">
        {connectAvailable ? (
          <button
            type="button"
            className="button button--primary"
            disabled={!done.complete}
            aria-describedby={done.complete ? undefined : 'backup-next-hint'}
            data-testid="backup-next"
            onClick={() => goToStep('connect')}
          >
            {t('backup.nextConnect')}
          </button>
        ) : (
          <button type="button" className="button button--primary" disabled title={t('nav.comingLater')} data-testid="backup-next">
            {t('backup.next')}
          </button>
        )}
        {!done.complete && (
          <p className="muted" id="backup-next-hint" data-testid="backup-next-hint">
            {latest ? t('backup.checklist.todo') : t('backup.checklist.start')}
          </p>
        )}
      </div>
    </section>
  );
}

function Checklist({ done, hasBackup }: { done: ReturnType<typeof checklist>; hasBackup: boolean }) {
  const { t } = useTranslation();
  const items: { key: string; ok: boolean; required: boolean; id: string }[] = [
    { id: 'written', key: 'backup.checklist.written', ok: done.written, required: true },
    { id: 'tested', key: 'backup.checklist.tested', ok: done.recoveryTested, required: true },
    { id: 'checked', key: 'backup.checklist.checked', ok: done.fullyChecked, required: false },
    { id: 'copied', key: 'backup.checklist.copied', ok: done.copied, required: false },
  ];
  return (
    <section className="backup-checklist" aria-labelledby="backup-checklist-title" data-testid="backup-checklist" data-complete={done.complete ? 'yes' : 'no'}>
      <h3 id="backup-checklist-title">{t('backup.checklist.title')}</h3>
      <ul>
        {items.map((i) => (
          <li key={i.id} className={i.ok ? 'is-done' : ''} data-testid={`checklist-${i.id}`} data-done={i.ok ? 'yes' : 'no'}>
            <span className="backup-checklist__mark" aria-hidden="true">
              {i.ok ? '✓' : '○'}
            </span>
            <span>
              {t(i.key)}
              {!i.required && <span className="muted"> ({t('backup.checklist.recommended')})</span>}
              <span className="visually-hidden"> — {i.ok ? t('backup.checklist.done') : t('backup.checklist.notYet')}</span>
            </span>
          </li>
        ))}
      </ul>
      <p className={done.complete ? 'note note--safe' : 'muted'} role="status" data-testid="backup-complete">
        {done.complete ? t('backup.checklist.complete') : hasBackup ? t('backup.checklist.todo') : t('backup.checklist.start')}
      </p>
    </section>
  );
}
