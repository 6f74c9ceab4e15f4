import { forwardRef, useEffect, useId, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupRecord, BackupVerifyMode, KeychainState, VerifyJobOutput } from '../../../shared/ipc/backup.js';
import { toUiError } from '../../api-client.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import type { UiError } from '../../stores/wizard-store.js';
import { cancelJob, loadStatus, verifyBackup } from './backup-actions.js';
import { useBackupStore } from './backup-store.js';
import { CallError } from './CallError.js';
import { JobProgress } from './JobProgress.js';
import { RecoveryKeyPrompt } from './RecoveryKeyPrompt.js';

export interface VerifyHandle {
  focus(): void;
}

const KEY_REFUSED: Record<string, string> = {
  'not-a-key': 'backup.verify.keyNotAKey',
  typo: 'backup.verify.keyTypo',
  'wrong-key': 'backup.verify.keyWrong',
  missing: 'backup.verify.missing',
};

/**
 * Checking the backup again: quick (the file against its side file, no key, seconds) and full
 * (decrypt everything, every entry against its SHA-256) with progress, time left and Cancel. The
 * full check opens the backup with this computer's keychain key, or asks for the recovery key.
 */
export const VerifySection = forwardRef<VerifyHandle, { backup: BackupRecord }>(function VerifySection({ backup }, ref) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const verify = useBackupStore((s) => s.verify);
  const job = useJobStore((s) => (verify ? s.jobs[verify.jobId] : undefined));
  const [needsKey, setNeedsKey] = useState<KeychainState | null>(null);
  const [key, setKey] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  useImperativeHandle(ref, () => ({ focus: () => headingRef.current?.focus() }), []);
  const running = !!verify && verify.file === backup.file && (!job || !isTerminalPhase(job.phase));
  const finished = verify && verify.file === backup.file && job && isTerminalPhase(job.phase) ? job : null;
  const out = finished?.output as unknown as VerifyJobOutput | undefined;

  useEffect(() => {
    if (finished) void loadStatus().catch((err: unknown) => setError(toUiError(err)));
  }, [finished?.jobId, finished]);

  const start = async (mode: BackupVerifyMode, withKey?: string) => {
    setRefused(null);
    setError(null);
    try {
      const r = await verifyBackup(backup.file, mode, withKey);
      if (r.ok) {
        setNeedsKey(null);
        setKey('');
        return;
      }
      if (r.reason === 'needs-key') {
        setNeedsKey(r.keychain);
        requestAnimationFrame(() => keyRef.current?.focus());
      } else setRefused(KEY_REFUSED[r.reason] ?? 'backup.verify.keyWrong');
    } catch (err) {
      setError(toUiError(err));
    }
  };

  const n = (v: number) => formatNumber(v, lang);
  const stamp = (iso: string | null) => (iso ? formatDate(iso, lang) : t('backup.verify.never'));

  return (
    <section className="backup-section" aria-labelledby={`${baseId}-title`} data-testid="backup-verify">
      <h3 id={`${baseId}-title`} ref={headingRef} tabIndex={-1}>
        {t('backup.verify.title')}
      </h3>
      <p className="backup-hint">{t('backup.verify.intro')}</p>
      <dl className="backup-facts">
        <div>
          <dt>{t('backup.verify.written')}</dt>
          <dd>{stamp(backup.verified.written)}</dd>
        </div>
        <div>
          <dt>{t('backup.verify.lastQuick')}</dt>
          <dd data-testid="verify-last-quick">{stamp(backup.verified.quick)}</dd>
        </div>
        <div>
          <dt>{t('backup.verify.lastFull')}</dt>
          <dd data-testid="verify-last-full">{stamp(backup.verified.full)}</dd>
        </div>
      </dl>
      <div className="backup-actions">
        <button type="button" className="button" disabled={running} data-testid="verify-quick" onClick={() => void start('quick')}>
          {t('backup.verify.quick')}
        </button>
        <button type="button" className="button" disabled={running} data-testid="verify-full" onClick={() => void start('full')}>
          {t('backup.verify.full')}
        </button>
      </div>
      {needsKey && !running && (
        <RecoveryKeyPrompt
          keychain={needsKey}
          noKeyText={t('backup.verify.needsKey')}
          submitText={t('backup.verify.fullWithKey')}
          value={key}
          onChange={setKey}
          onSubmit={(k) => void start('full', k)}
          inputRef={keyRef}
          testId="verify"
        />
      )}
      {refused && (
        <p className="backup-inline-error" role="alert" data-testid="verify-refused">
          {t(refused)}
        </p>
      )}
      <CallError error={error} what={t('backup.what.verify')} testId="verify-error" />
      {running && verify && job && (
        <JobProgress
          job={job}
          title={verify.mode === 'quick' ? t('backup.verify.runningQuick') : t('backup.verify.runningFull')}
          doing={verify.mode === 'quick' ? t('backup.verify.doingQuick') : t('backup.verify.doingFull')}
          onCancel={() => {
            setCancelling(verify.jobId);
            void cancelJob(verify.jobId);
          }}
          cancelling={cancelling === verify.jobId}
          testId="verify-progress"
        />
      )}
      {finished && (
        <div className="backup-result" data-testid="verify-result" data-phase={finished.phase} data-ok={out?.ok ? 'yes' : 'no'} data-mode={verify?.mode}>
          {finished.phase === 'done' && out?.ok && (
            <p className="note note--safe" role="status">
              {out.mode === 'quick' ? t('backup.verify.okQuick') : t('backup.verify.okFull', { n: n(out.entries.checked) })}
            </p>
          )}
          {((finished.phase === 'done' && out && !out.ok) || finished.phase === 'failed') && (
            <div className="banner banner--error" role="alert">
              <div className="banner__body">
                <p>{t('backup.verify.damaged')}</p>
                <details className="banner__details">
                  <summary>{t('banner.details')}</summary>
                  <ul>
                    {(out?.problems ?? [finished.error?.message ?? '']).map((p, i) => (
                      <li key={i}>
                        <code>{p}</code>
                      </li>
                    ))}
                  </ul>
                </details>
              </div>
            </div>
          )}
          {finished.phase === 'cancelled' && (
            <p className="note note--warning" role="status">
              {t('backup.verify.cancelled')}
            </p>
          )}
        </div>
      )}
    </section>
  );
});
