import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../i18n/format.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import { baseName, groupRecoveryKey } from './backup-model.js';
import { useBackupStore, type HeldRecoveryKey } from './backup-store.js';
import { SaveKeyForm } from './SaveKeyForm.js';

type CopyState = 'idle' | 'copied' | 'failed';

/**
 * The new recovery key, shown once: in lines of four-character groups, with Print (a sheet with
 * only the key, the date, the backup's name and how to use it, in the current language), Save as a
 * passphrase-protected file, and Copy. "Test it now" hides the key, so the test proves it was kept.
 */
export function RecoveryKeySheet({ held, onTestNow }: { held: HeldRecoveryKey; onTestNow: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const hidden = useBackupStore((s) => s.keyHidden);
  const setHidden = useBackupStore((s) => s.setKeyHidden);
  const backup = useBackupStore((s) => s.backup);
  const backupDone = useJobStore((s) => (backup ? s.jobs[backup.jobId]?.phase === 'done' : false));
  const backupEnded = useJobStore((s) => (backup ? isTerminalPhase(s.jobs[backup.jobId]?.phase ?? 'running') : false));
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  const [saving, setSaving] = useState(false);
  const lines = groupRecoveryKey(held.key);
  const file = held.file ?? backup?.file ?? null;

  // The sheet appears when the core hands the key over: bring it into view and focus.
  useEffect(() => {
    headingRef.current?.focus();
  }, [held.fingerprint]);

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(held.key);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <section className="backup-section recovery-sheet" aria-labelledby={`${baseId}-title`} data-testid="recovery-sheet">
      <h3 id={`${baseId}-title`} ref={headingRef} tabIndex={-1}>
        {t('backup.key.title')}
      </h3>
      <div className="note note--warning recovery-sheet__warning">
        <p>
          <strong>{t('backup.key.once')}</strong> {t('backup.key.why')}
        </p>
        <p>{t('backup.key.anyone')}</p>
      </div>
      {hidden ? (
        <p className="recovery-sheet__hidden" data-testid="recovery-key-hidden">
          {t('backup.key.hidden')}{' '}
          <button type="button" className="button button--small" data-testid="recovery-key-show" onClick={() => setHidden(false)}>
            {t('backup.key.show')}
          </button>
        </p>
      ) : (
        <div className="recovery-key" role="group" aria-label={t('backup.key.label')} data-testid="recovery-key">
          {lines.map((l, i) => (
            <span key={i} className="recovery-key__line">
              {l}
            </span>
          ))}
        </div>
      )}
      <dl className="recovery-sheet__facts">
        <div>
          <dt>{t('backup.key.created')}</dt>
          <dd>{formatDate(held.created, lang)}</dd>
        </div>
        {file && backupDone && (
          <div>
            <dt>{t('backup.key.forBackup')}</dt>
            <dd>
              <code className="path">{baseName(file)}</code>
            </dd>
          </div>
        )}
      </dl>
      <div className="backup-actions" role="group" aria-label={t('backup.key.keepIt')}>
        <button type="button" className="button" data-testid="recovery-key-print" onClick={() => window.print()}>
          {t('backup.key.print')}
        </button>
        <button type="button" className="button" data-testid="recovery-key-save" aria-expanded={saving} disabled={!backupDone} onClick={() => setSaving((s) => !s)}>
          {t('backup.key.save')}
        </button>
        <button type="button" className="button" data-testid="recovery-key-copy" onClick={() => void onCopy()}>
          {t('backup.key.copy')}
        </button>
      </div>
      {!backupDone && !backupEnded && <p className="muted backup-hint">{t('backup.key.saveAfter')}</p>}
      {!backupDone && backupEnded && (
        <p className="note note--info" data-testid="recovery-key-after-stop">
          {t('backup.key.afterStop')}
        </p>
      )}
      <p className="backup-hint" role="status" data-testid="recovery-key-copied" data-state={copy}>
        {copy === 'copied' ? t('backup.key.copied') : copy === 'failed' ? t('backup.key.copyFailed') : ''}
      </p>
      {saving && backupDone && file && <SaveKeyForm held={held} file={file} onClose={() => setSaving(false)} />}
      <div className="backup-actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="recovery-key-test-now"
          disabled={!backupDone}
          onClick={() => {
            setHidden(true);
            onTestNow();
          }}
        >
          {t('backup.key.testNow')}
        </button>
      </div>
      {createPortal(<PrintSheet held={held} file={backupDone ? file : null} lines={lines} />, document.body)}
    </section>
  );
}

/** Only this prints (styles.css, "Backup step" section): the key, when, for which backup, and how to use it. */
function PrintSheet({ held, file, lines }: { held: HeldRecoveryKey; file: string | null; lines: string[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <div className="backup-print-sheet" data-testid="print-sheet" lang={lang}>
      <h1>{t('backup.print.title')}</h1>
      <p>{t('backup.print.warning')}</p>
      <div className="backup-print-sheet__key">
        {lines.map((l, i) => (
          <div key={i}>{l}</div>
        ))}
      </div>
      <dl>
        <dt>{t('backup.key.created')}</dt>
        <dd>{formatDate(held.created, lang)}</dd>
        {file && (
          <>
            <dt>{t('backup.key.forBackup')}</dt>
            <dd>{baseName(file)}</dd>
          </>
        )}
        <dt>{t('backup.print.printed')}</dt>
        <dd>{formatDate(new Date().toISOString(), lang)}</dd>
      </dl>
      <h2>{t('backup.print.howTitle')}</h2>
      <ol>
        <li>{t('backup.print.how1')}</li>
        <li>{t('backup.print.how2')}</li>
        <li>{t('backup.print.how3')}</li>
      </ol>
      <p>{t('backup.print.cli')}</p>
      <pre>{`age -d -i recovery-key.txt "${file ? baseName(file) : 'backup.msgbak'}" > backup.zip\nunzip backup.zip`}</pre>
    </div>
  );
}
