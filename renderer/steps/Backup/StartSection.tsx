import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { BACKUP_FILE_EXTENSION, fileNameProblem, type BackupJobOutput, type BackupRefusal, type KeychainProblemCode } from '../../../shared/ipc/backup.js';
import type { JobState } from '../../../shared/model/index.js';
import { toUiError } from '../../api-client.js';
import { formatBytes, formatNumber } from '../../i18n/format.js';
import { browserTimeZone } from '../../i18n/time-zones.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import { inventoryRequest, nextBlocker, useWizardStore, type UiError } from '../../stores/wizard-store.js';
import { cancelJob, loadStatus, startBackup } from './backup-actions.js';
import { backupStage, folderOf, nextFreeName, proposeBackupName, withExtension } from './backup-model.js';
import { useBackupStore } from './backup-store.js';
import { CallError } from './CallError.js';
import { FolderField } from './FolderField.js';
import { JobProgress } from './JobProgress.js';

/** Why a start was refused, in words naming the path (keys written out so the catalogue check sees them). */
export const REFUSED: Record<BackupRefusal, string> = {
  'no-sources': 'backup.refused.noSources',
  'source-missing': 'backup.refused.sourceMissing',
  'dest-missing': 'backup.refused.destMissing',
  exists: 'backup.refused.exists',
  'partial-exists': 'backup.refused.partialExists',
  'inside-source': 'backup.refused.insideSource',
  busy: 'backup.refused.busy',
  'conflicting-answers': 'backup.refused.conflictingAnswers',
};

export const NAME_PROBLEM: Record<NonNullable<ReturnType<typeof fileNameProblem>>, string> = {
  empty: 'backup.dest.nameEmpty',
  characters: 'backup.dest.nameCharacters',
  dot: 'backup.dest.nameDot',
  extension: 'backup.dest.nameExtension',
  long: 'backup.dest.nameLong',
};

/** The keychain's problem in plain words (the same list as the core's). */
export const KEYCHAIN_PROBLEM: Record<KeychainProblemCode, string> = {
  'no-session': 'backup.keychain.problem.noSession',
  'no-service': 'backup.keychain.problem.noService',
  locked: 'backup.keychain.problem.locked',
  denied: 'backup.keychain.problem.denied',
  failed: 'backup.keychain.problem.failed',
};

/** The "new recovery key" box, focused from the recovery key test when the user lost their key. */
export const NEW_KEY_ID = 'backup-new-recovery-key';

const STAGE: Record<string, string> = {
  prepare: 'backup.stage.prepare',
  read: 'backup.stage.read',
  hash: 'backup.stage.hash',
  index: 'backup.stage.index',
  write: 'backup.stage.write',
  verify: 'backup.stage.verify',
  copy: 'backup.stage.copy',
};

/**
 * What goes into the backup (the wizard's exports, and the cleaned model when the Clean step made
 * one), where it goes (folder and file name), Start; then the running backup with its stage,
 * progress, time left and Cancel, and what came of it.
 */
export function StartSection() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const formId = useId();
  const goToStep = useWizardStore((s) => s.goToStep);
  const sources = useWizardStore((s) => s.sources);
  const answers = useWizardStore((s) => s.answers);
  const cleanOutDir = useWizardStore((s) => s.cleanOutDir);
  const status = useBackupStore((s) => s.status);
  const chosenDir = useBackupStore((s) => s.dir);
  const chosenName = useBackupStore((s) => s.name);
  const setDir = useBackupStore((s) => s.setDir);
  const setName = useBackupStore((s) => s.setName);
  const backup = useBackupStore((s) => s.backup);
  const job = useJobStore((s) => (backup ? s.jobs[backup.jobId] : undefined));
  const proposed = useMemo(() => proposeBackupName(new Date()), []);
  const [refusal, setRefusal] = useState<{ reason: BackupRefusal; path: string | null } | null>(null);
  const [nameProblem, setNameProblem] = useState<string | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const lostKey = status?.recovery?.shown === false;
  const newKey = useBackupStore((s) => s.newKey);
  const setNewKey = useBackupStore((s) => s.setNewKey);
  const resultRef = useRef<HTMLHeadingElement>(null);

  const dir = chosenDir ?? status?.defaultDir ?? '';
  const name = chosenName ?? proposed;
  const request = inventoryRequest({ sources, answers }, browserTimeZone());
  const blocker = nextBlocker({ sources, answers });
  const running = !!backup && (!job || !isTerminalPhase(job.phase));
  const finishedPhase = job && isTerminalPhase(job.phase) ? job.phase : null;

  // When the backup ends: the status (catalogue, keys) is fetched again and focus goes to the result.
  useEffect(() => {
    if (!finishedPhase) return;
    void loadStatus().catch((err: unknown) => setError(toUiError(err)));
    // The recovery key sheet keeps the focus while it is open (the user is copying the key); the result is announced.
    if (!useBackupStore.getState().recoveryKey) resultRef.current?.focus();
  }, [finishedPhase, backup?.jobId]);

  const onStart = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    setError(null);
    const fileName = withExtension(name, BACKUP_FILE_EXTENSION);
    const problem = fileNameProblem(fileName, BACKUP_FILE_EXTENSION);
    setNameProblem(problem ? NAME_PROBLEM[problem] : null);
    if (problem || !request || !dir.trim()) return;
    if (fileName !== name) setName(fileName);
    setStarting(true);
    try {
      const r = await startBackup({
        paths: request.paths,
        ...(request.options ? { options: request.options } : {}),
        ...(cleanOutDir ? { modelDir: cleanOutDir } : {}),
        dest: { dir: dir.trim(), name: fileName },
        ...(newKey || lostKey ? { newRecoveryKey: true } : {}),
      });
      if (!r.ok) setRefusal({ reason: r.reason, path: r.path });
      else setNewKey(false);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setStarting(false);
    }
  };

  const onCancel = async () => {
    if (!backup) return;
    setCancelling(backup.jobId);
    await cancelJob(backup.jobId);
  };

  const doing = job ? t(STAGE[backupStage(job)] ?? 'backup.stage.prepare') : t('backup.stage.prepare');

  return (
    <section className="backup-section" aria-labelledby={`${formId}-title`} data-testid="backup-start">
      <h3 id={`${formId}-title`}>{t('backup.start.title')}</h3>
      {!request ? (
        <div className="empty-state" data-testid="backup-no-sources" data-blocker={blocker ?? ''}>
          <p>{blocker === 'unanswered' ? t('backup.start.unanswered') : blocker === 'detecting' ? t('backup.start.detecting') : t('backup.start.noSources')}</p>
          <button type="button" className="button" onClick={() => goToStep('sources')}>
            {t('backup.start.goSources')}
          </button>
        </div>
      ) : (
        <>
          <p>{t('backup.start.what', { n: formatNumber(request.paths.length, lang) })}</p>
          <ul className="backup-sources" data-testid="backup-sources">
            {request.paths.map((p) => (
              <li key={p}>
                <code className="path">{p}</code>
              </li>
            ))}
            {cleanOutDir && (
              <li data-testid="backup-model-dir">
                <code className="path">{cleanOutDir}</code> <span className="muted">— {t('backup.start.model')}</span>
              </li>
            )}
          </ul>
          <p className="muted backup-hint">{t('backup.start.asIs')}</p>

          <form className="backup-form" onSubmit={(e) => void onStart(e)} aria-describedby={`${formId}-where`}>
            <p id={`${formId}-where`} className="muted backup-hint">
              {t('backup.dest.hint')}
            </p>
            <FolderField
              id={`${formId}-dir`}
              label={t('backup.dest.folder')}
              value={dir}
              onChange={(d) => {
                setDir(d);
                setRefusal(null);
              }}
              pickerTitle={t('backup.dest.pickerTitle')}
              testId="backup-dir"
              disabled={running || starting}
            />
            {status?.defaultDirFree != null && dir === status.defaultDir && (
              <p className="muted backup-hint" data-testid="backup-free">
                {t('backup.dest.free', { size: formatBytes(status.defaultDirFree, lang) })}
              </p>
            )}
            <div className="field">
              <label htmlFor={`${formId}-name`} className="field__label">
                {t('backup.dest.name')}
              </label>
              <input
                id={`${formId}-name`}
                className="input input--path"
                type="text"
                value={name}
                spellCheck={false}
                autoComplete="off"
                disabled={running || starting}
                aria-invalid={nameProblem ? true : undefined}
                aria-describedby={nameProblem ? `${formId}-name-problem` : undefined}
                data-testid="backup-name-input"
                onChange={(e) => {
                  setName(e.target.value);
                  setNameProblem(null);
                  setRefusal(null);
                }}
              />
              {nameProblem && (
                <p id={`${formId}-name-problem`} className="backup-inline-error" role="alert" data-testid="backup-name-problem">
                  {t(nameProblem)}
                </p>
              )}
            </div>
            {status?.recovery && !lostKey && (
              <label className="backup-check">
                <input
                  id={NEW_KEY_ID}
                  type="checkbox"
                  className="checkbox"
                  checked={newKey}
                  disabled={running || starting}
                  data-testid="backup-new-key"
                  onChange={(e) => setNewKey(e.target.checked)}
                />
                <span>
                  {t('backup.dest.newKey')} <span className="muted">{t('backup.dest.newKeyHint')}</span>
                </span>
              </label>
            )}
            {lostKey && (
              <p className="note note--warning" data-testid="backup-lost-key">
                {t('backup.dest.lostKey')}
              </p>
            )}
            {refusal && (
              <div className="banner banner--error" role="alert" data-testid="backup-refused" data-reason={refusal.reason}>
                <div className="banner__body">
                  <p>{t(REFUSED[refusal.reason], { path: refusal.path ?? '' })}</p>
                  {refusal.reason === 'exists' && (
                    <p>
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="backup-use-next-name"
                        onClick={() => {
                          setName(nextFreeName(name, BACKUP_FILE_EXTENSION));
                          setRefusal(null);
                        }}
                      >
                        {t('backup.refused.useName', { name: nextFreeName(name, BACKUP_FILE_EXTENSION) })}
                      </button>
                    </p>
                  )}
                </div>
              </div>
            )}
            <CallError error={error} what={t('backup.what.start')} testId="backup-start-error" />
            <div className="backup-actions">
              <button type="submit" className="button button--primary" data-testid="backup-start-button" disabled={running || starting || !dir.trim()}>
                {starting ? t('backup.start.starting') : t('backup.start.button')}
              </button>
            </div>
          </form>
        </>
      )}

      {backup && job && !isTerminalPhase(job.phase) && (
        <JobProgress job={job} title={t('backup.progress.title')} doing={doing} onCancel={() => void onCancel()} cancelling={cancelling === backup.jobId} testId="backup-progress" stage={backupStage(job)} />
      )}
      {backup && job && isTerminalPhase(job.phase) && <BackupResult job={job} headingRef={resultRef} />}
    </section>
  );
}

function BackupResult({ job, headingRef }: { job: JobState; headingRef: RefObject<HTMLHeadingElement | null> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const backup = useBackupStore((s) => s.backup);
  const out = job.output as unknown as BackupJobOutput | undefined;
  const n = (v: number) => formatNumber(v, lang);
  return (
    <div className="backup-result" data-testid="backup-result" data-phase={job.phase}>
      <h4 ref={headingRef} tabIndex={-1} className="backup-result__title">
        {job.phase === 'done' ? t('backup.result.doneTitle') : job.phase === 'cancelled' ? t('backup.result.cancelledTitle') : t('backup.result.failedTitle')}
      </h4>
      {job.phase === 'done' && out && (
        <>
          <p className="note note--safe" role="status" data-testid="backup-done">
            {t('backup.result.done', { file: out.file, size: formatBytes(out.size, lang) })}
          </p>
          <dl className="backup-facts backup-counts" data-testid="backup-counts">
            {(
              [
                ['backup.result.files', out.counts.originalFiles],
                ['backup.result.chats', out.counts.chats],
                ['backup.result.messages', out.counts.messages],
                ['backup.result.contacts', out.counts.contacts],
                ['backup.result.attachments', out.counts.attachments],
              ] as const
            ).map(([key, value]) => (
              <div key={key}>
                <dt>{t(key)}</dt>
                <dd>{n(value)}</dd>
              </div>
            ))}
          </dl>
          {out.keychain === 'unavailable' ? (
            <p className="note note--warning" data-testid="backup-recovery-only">
              {t(KEYCHAIN_PROBLEM[out.keychainProblem ?? 'failed'])} {t('backup.keychain.recoveryOnly')}
            </p>
          ) : (
            <p className="muted" data-testid="backup-opens-with">
              {t('backup.result.opensWithBoth')}
            </p>
          )}
          {out.warningCount > 0 && (
            <details className="banner__details" data-testid="backup-warnings">
              <summary>{t('backup.result.warnings', { n: n(out.warningCount) })}</summary>
              <ul>
                {out.warnings.map((w, i) => (
                  <li key={i}>
                    <code>{w}</code>
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
      {job.phase === 'cancelled' && (
        <p className="note note--warning" role="status" data-testid="backup-cancelled">
          {t('backup.result.cancelled', { dir: backup ? folderOf(backup.file) : '' })}
        </p>
      )}
      {job.phase === 'failed' && (
        <div className="banner banner--error" role="alert" data-testid="backup-failed">
          <div className="banner__body">
            <p>{t('backup.result.failed')}</p>
            {job.error && (
              <details className="banner__details">
                <summary>{t('banner.details')}</summary>
                <code>{job.error.message}</code>
              </details>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
