import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupRecord, CopyJobOutput } from '../../../shared/ipc/backup.js';
import { toUiError } from '../../api-client.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import type { UiError } from '../../stores/wizard-store.js';
import { cancelJob, copyBackup, loadStatus } from './backup-actions.js';
import { useBackupStore } from './backup-store.js';
import { CallError } from './CallError.js';
import { FolderField } from './FolderField.js';
import { JobProgress } from './JobProgress.js';

const REFUSED: Record<string, string> = {
  missing: 'backup.copy.refused.missing',
  'no-side-file': 'backup.copy.refused.noSideFile',
  'dest-missing': 'backup.copy.refused.destMissing',
  'same-folder': 'backup.copy.refused.sameFolder',
  exists: 'backup.copy.refused.exists',
  busy: 'backup.copy.refused.busy',
};

/** A second copy in another folder (ideally another drive), read back and compared with the original. */
export function CopySection({ backup }: { backup: BackupRecord }) {
  const { t } = useTranslation();
  const baseId = useId();
  const dir = useBackupStore((s) => s.copyDir) ?? '';
  const setDir = useBackupStore((s) => s.setCopyDir);
  const copy = useBackupStore((s) => s.copy);
  const job = useJobStore((s) => (copy ? s.jobs[copy.jobId] : undefined));
  const [refused, setRefused] = useState<{ key: string; path: string } | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const running = !!copy && (!job || !isTerminalPhase(job.phase));
  const finished = copy && job && isTerminalPhase(job.phase) ? job : null;
  const out = finished?.output as unknown as CopyJobOutput | undefined;

  useEffect(() => {
    if (finished) void loadStatus().catch((err: unknown) => setError(toUiError(err)));
  }, [finished?.jobId, finished]);

  const onCopy = async () => {
    setRefused(null);
    setError(null);
    try {
      const r = await copyBackup(backup.file, dir.trim());
      if (!r.ok) setRefused({ key: REFUSED[r.reason] ?? 'backup.copy.refused.exists', path: r.path ?? '' });
    } catch (err) {
      setError(toUiError(err));
    }
  };

  const checking = job ? job.progress.total !== null && job.progress.done > job.progress.total / 2 : false;

  return (
    <section className="backup-section" aria-labelledby={`${baseId}-title`} data-testid="backup-copy">
      <h3 id={`${baseId}-title`}>{t('backup.copy.title')}</h3>
      <p className="backup-hint">{t('backup.copy.intro')}</p>
      <FolderField
        id={`${baseId}-dir`}
        label={t('backup.copy.folder')}
        value={dir}
        onChange={(d) => {
          setDir(d);
          setRefused(null);
        }}
        pickerTitle={t('backup.copy.pickerTitle')}
        testId="copy-dir"
        disabled={running}
      />
      {refused && (
        <p className="backup-inline-error" role="alert" data-testid="copy-refused">
          {t(refused.key, { path: refused.path })}
        </p>
      )}
      <CallError error={error} what={t('backup.what.copy')} testId="copy-error" />
      <div className="backup-actions">
        <button type="button" className="button button--primary" disabled={running || !dir.trim()} data-testid="copy-start" onClick={() => void onCopy()}>
          {t('backup.copy.start')}
        </button>
      </div>
      {running && copy && job && (
        <JobProgress
          job={job}
          title={t('backup.copy.running')}
          doing={checking ? t('backup.copy.checking') : t('backup.copy.copying')}
          onCancel={() => {
            setCancelling(copy.jobId);
            void cancelJob(copy.jobId);
          }}
          cancelling={cancelling === copy.jobId}
          testId="copy-progress"
        />
      )}
      {finished && (
        <div className="backup-result" data-testid="copy-result" data-phase={finished.phase}>
          {finished.phase === 'done' && out && (
            <p className="note note--safe" role="status">
              {t('backup.copy.done', { file: out.file })}
            </p>
          )}
          {finished.phase === 'cancelled' && (
            <p className="note note--warning" role="status">
              {t('backup.copy.cancelled')}
            </p>
          )}
          {finished.phase === 'failed' && (
            <div className="banner banner--error" role="alert">
              <div className="banner__body">
                <p>{t('backup.copy.failed')}</p>
                {finished.error && (
                  <details className="banner__details">
                    <summary>{t('banner.details')}</summary>
                    <code>{finished.error.message}</code>
                  </details>
                )}
              </div>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
