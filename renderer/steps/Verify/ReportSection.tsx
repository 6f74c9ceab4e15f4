import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FinishReportOutput, FinishReportView } from '../../../shared/ipc/finish.js';
import type { Discrepancy, ReportChat } from '../../../shared/model/index.js';
import { cancelJob, toUiError } from '../../api-client.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { FolderField } from '../Backup/FolderField.js';
import { JobProgress } from '../Backup/JobProgress.js';
import { loadView, openReport, reportChats, startReport } from './finish-actions.js';
import { useFinishStore } from './finish-store.js';
import { PagedList } from './PagedList.js';
import { CopyButton } from './CopyButton.js';

/** Why something may be missing or needs a look, per discrepancy code (the report words it the same way). */
const REASON: Record<Discrepancy['code'], string> = {
  'accounting-unbalanced': 'finish.reason.accounting-unbalanced',
  'missing-in-target': 'finish.reason.missing-in-target',
  'duplicates-in-target': 'finish.reason.duplicates-in-target',
  'media-mismatch': 'finish.reason.media-mismatch',
  'no-room': 'finish.reason.no-room',
  'not-uploaded': 'finish.reason.not-uploaded',
  'not-verified': 'finish.reason.not-verified',
  'unknown-in-target': 'finish.reason.unknown-in-target',
  quarantined: 'finish.reason.quarantined',
  'backup-missing': 'finish.reason.backup-missing',
  'backup-not-verified': 'finish.reason.backup-not-verified',
  'backup-check-failed': 'finish.reason.backup-check-failed',
  'source-unreadable': 'finish.reason.source-unreadable',
  'audit-broken': 'finish.reason.audit-broken',
  'upload-problems': 'finish.reason.upload-problems',
};

const CHAT_STATUS: Record<NonNullable<ReportChat['target']>['status'] | 'none', string> = {
  ok: 'finish.chatStatus.ok',
  'no-room': 'finish.chatStatus.no-room',
  missing: 'finish.chatStatus.missing',
  duplicates: 'finish.chatStatus.duplicates',
  'media-mismatch': 'finish.chatStatus.media-mismatch',
  empty: 'finish.chatStatus.empty',
  'not-verified': 'finish.chatStatus.not-verified',
  none: 'finish.chatStatus.none',
};

/** Making the report (HTML + JSON into a folder), and what it found: nothing lost, or exactly what was. */
export function ReportSection({ paths, defaultDir }: { paths: string[]; defaultDir: string }) {
  const { t, i18n } = useTranslation();
  const baseId = useId();
  const lang = i18n.language === 'ru' ? 'ru' : 'en';
  const [reportLang, setReportLang] = useState<'ru' | 'en'>(lang);
  const dir = useFinishStore((s) => s.reportDir) ?? defaultDir;
  const setDir = useFinishStore((s) => s.setReportDir);
  const view = useFinishStore((s) => s.view);
  const jobId = useFinishStore((s) => s.reportJobId);
  const job = useJobStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const [error, setError] = useState<UiError | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const running = !!jobId && (!job || !isTerminalPhase(job.phase));
  const finished = job && isTerminalPhase(job.phase) ? job : null;

  useEffect(() => {
    if (finished?.phase === 'done') void loadView(paths).catch((err: unknown) => setError(toUiError(err)));
  }, [finished?.jobId, finished?.phase, paths]);

  const onStart = async () => {
    setError(null);
    setRefused(null);
    setCancelling(false);
    try {
      const r = await startReport({ paths, lang: reportLang, dir: dir.trim() });
      if (!r.ok) setRefused(r.reason === 'busy' ? t('finish.report.busy') : t('finish.report.destMissing', { path: r.path ?? dir }));
    } catch (err) {
      setError(toUiError(err));
    }
  };

  return (
    <section className="finish-section" aria-labelledby={`${baseId}-title`} data-testid="finish-report">
      <h3 id={`${baseId}-title`}>{t('finish.report.title')}</h3>
      <p className="backup-hint">{t('finish.report.intro')}</p>
      <FolderField id={`${baseId}-dir`} label={t('finish.report.folder')} value={dir} onChange={setDir} pickerTitle={t('finish.report.pickerTitle')} testId="report-dir" disabled={running} />
      <fieldset className="finish-lang">
        <legend>{t('finish.report.language')}</legend>
        {(['ru', 'en'] as const).map((l) => (
          <label key={l}>
            <input type="radio" name={`${baseId}-lang`} value={l} checked={reportLang === l} onChange={() => setReportLang(l)} data-testid={`report-lang-${l}`} /> {t(`language.${l}`)}
          </label>
        ))}
      </fieldset>
      {refused && (
        <p className="backup-inline-error" role="alert" data-testid="report-refused">
          {refused}
        </p>
      )}
      <CallError error={error} what={t('finish.what.report')} testId="report-error" />
      <div className="backup-actions">
        <button type="button" className="button button--primary" disabled={running || !dir.trim()} data-testid="report-start" onClick={() => void onStart()}>
          {view ? t('finish.report.again') : t('finish.report.start')}
        </button>
      </div>
      {running && job && (
        <JobProgress
          job={job}
          title={t('finish.report.running')}
          doing={job.progress.current === 'write' ? t('finish.report.writing') : t('finish.report.hashing')}
          onCancel={() => {
            setCancelling(true);
            void cancelJob(job.jobId);
          }}
          cancelling={cancelling}
          testId="report-progress"
        />
      )}
      {finished && finished.phase !== 'done' && (
        <p className={finished.phase === 'failed' ? 'backup-inline-error' : 'note note--warning'} role="status" data-testid="report-ended" data-phase={finished.phase}>
          {finished.phase === 'failed' ? t('finish.report.failed', { reason: finished.error?.message ?? '' }) : t('finish.report.cancelled')}
        </p>
      )}
      {finished?.phase === 'done' && finished.output && (
        <p className="muted" role="status" data-testid="report-written">
          {t('finish.report.written', { file: (finished.output as unknown as FinishReportOutput).html })}
        </p>
      )}
      {view && <ReportResult view={view} paths={paths} />}
    </section>
  );
}

function ReportResult({ view, paths }: { view: FinishReportView; paths: string[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [only, setOnly] = useState<'problems' | 'all'>(view.chats.withProblems > 0 ? 'problems' : 'all');
  const [openError, setOpenError] = useState<string | null>(null);
  const total = only === 'problems' ? view.chats.withProblems : view.chats.total;
  const fetchPage = useCallback(async (offset: number, limit: number) => (await reportChats({ paths, offset, limit, only })).items, [paths, only]);
  const m = view.totals.messages;
  const tt = view.totals.target;

  const onOpen = async (file: string = view.html) => {
    setOpenError(null);
    try {
      const r = await openReport(file);
      if (!r.ok) setOpenError(r.reason === 'missing' ? t('finish.open.missing') : t('finish.open.failed'));
    } catch (err) {
      setOpenError(`${t('finish.open.failed')} (${toUiError(err).message})`);
    }
  };

  return (
    <div className="finish-result" data-testid="report-result" data-nothing-lost={view.nothingLost ? 'yes' : 'no'}>
      <p className={view.nothingLost ? 'note note--safe finish-verdict' : 'note note--warning finish-verdict'} data-testid="report-verdict">
        {view.nothingLost ? t('finish.verdict.ok') : t('finish.verdict.bad', { n: formatNumber(view.discrepancies.length, lang) })}
      </p>
      <p className="muted">{t('finish.report.madeAt', { date: formatDate(view.generatedAt, lang) })}</p>
      <dl className="finish-figures">
        {m && (
          <>
            <dt>{t('finish.figures.messagesIn')}</dt>
            <dd data-testid="fig-messages-in">{formatNumber(m.in, lang)}</dd>
            <dt>{t('finish.figures.kept')}</dt>
            <dd>{formatNumber(m.kept, lang)}</dd>
            <dt>{t('finish.figures.merged')}</dt>
            <dd>{formatNumber(m.merged, lang)}</dd>
            <dt>{t('finish.figures.quarantined')}</dt>
            <dd>{formatNumber(m.quarantined, lang)}</dd>
            <dt>{t('finish.figures.excluded')}</dt>
            <dd>{formatNumber(m.excluded, lang)}</dd>
          </>
        )}
        {tt && (
          <>
            <dt>{t('finish.figures.expected')}</dt>
            <dd>{formatNumber(tt.expected, lang)}</dd>
            <dt>{t('finish.figures.verified')}</dt>
            <dd data-testid="fig-verified">{tt.verified === null ? t('finish.figures.notYet') : formatNumber(tt.verified, lang)}</dd>
            <dt>{t('finish.figures.missing')}</dt>
            <dd data-testid="fig-missing">{tt.missing === null ? t('finish.figures.notYet') : formatNumber(tt.missing, lang)}</dd>
          </>
        )}
        <dt>{t('finish.figures.audit')}</dt>
        <dd data-testid="fig-audit" data-ok={view.audit.ok ? 'yes' : 'no'}>
          {view.audit.ok ? t('finish.figures.auditOk', { n: formatNumber(view.audit.records, lang) }) : t('finish.figures.auditBroken', { line: view.audit.firstBroken ?? 0 })}
        </dd>
      </dl>

      {view.discrepancies.length > 0 && (
        <>
          <h4>{t('finish.discrepancies')}</h4>
          <ul className="finish-discrepancies" data-testid="discrepancies">
            {view.discrepancies.map((d, i) => (
              <li key={i} className={`finish-sev finish-sev--${d.severity}`} data-testid="discrepancy" data-code={d.code}>
                <strong>{d.severity === 'loss' ? t('finish.severity.loss') : t('finish.severity.warning')}</strong> {t(REASON[d.code], { n: formatNumber(d.count, lang) })}
                {d.chatId && <span className="muted"> — {t('finish.inChat', { chat: d.chatId })}</span>}
                <details className="banner__details">
                  <summary>{t('banner.details')}</summary>
                  <code>{d.message}</code>
                  {d.ids.length > 0 && <code className="finish-ids">{d.ids.join(', ')}</code>}
                </details>
              </li>
            ))}
          </ul>
        </>
      )}

      <h4>{t('finish.chats.title')}</h4>
      <div className="finish-toggle" role="group" aria-label={t('finish.chats.title')}>
        <button type="button" className="button button--small" aria-pressed={only === 'problems'} onClick={() => setOnly('problems')} data-testid="chats-problems">
          {t('finish.chats.problems', { n: formatNumber(view.chats.withProblems, lang) })}
        </button>
        <button type="button" className="button button--small" aria-pressed={only === 'all'} onClick={() => setOnly('all')} data-testid="chats-all">
          {t('finish.chats.all', { n: formatNumber(view.chats.total, lang) })}
        </button>
      </div>
      {total === 0 ? (
        <p className="muted" data-testid="chats-none">
          {t('finish.chats.none')}
        </p>
      ) : (
        <PagedList<ReportChat>
          listKey={`${view.generatedAt}|${only}`}
          total={total}
          fetchPage={fetchPage}
          rowHeight={52}
          loading={t('finish.loading')}
          label={t('finish.chats.title')}
          testId="report-chats"
          renderRow={(c) => (
            <div className="finish-chat" data-testid="report-chat" data-status={c.target?.status ?? 'none'}>
              <span className="finish-chat__title" title={c.title}>
                {c.title}
              </span>
              <span className="finish-chat__counts">
                {t('finish.chats.counts', { in: formatNumber(c.messages.in, lang), kept: formatNumber(c.messages.kept, lang) })}
                {c.target && c.target.verified !== null && ` · ${t('finish.chats.verified', { n: formatNumber(c.target.verified, lang), of: formatNumber(c.target.expected, lang) })}`}
              </span>
              <span className={`finish-chat__status finish-chat__status--${c.target?.status ?? 'none'}`}>{t(CHAT_STATUS[c.target?.status ?? 'none'])}</span>
            </div>
          )}
        />
      )}

      <h4>{t('finish.files.title')}</h4>
      <ul className="finish-files">
        <li>
          <span>{t('finish.files.html')}</span> <code className="path" data-testid="report-html-path">{view.html}</code>
          <span className="finish-files__actions">
            <button type="button" className="button button--small" data-testid="report-open" onClick={() => void onOpen()}>
              {t('finish.files.open')}
            </button>
            <CopyButton text={view.html} label={t('finish.files.copyPath')} testId="report-copy-html" />
          </span>
        </li>
        {view.pdf && (
          <li>
            <span>{t('finish.files.pdf')}</span> <code className="path" data-testid="report-pdf-path">{view.pdf}</code>
            <span className="finish-files__actions">
              <button type="button" className="button button--small" data-testid="report-open-pdf" onClick={() => void onOpen(view.pdf!)}>
                {t('finish.files.openPdf')}
              </button>
              <CopyButton text={view.pdf} label={t('finish.files.copyPath')} testId="report-copy-pdf" />
            </span>
          </li>
        )}
        <li>
          <span>{t('finish.files.json')}</span> <code className="path" data-testid="report-json-path">{view.json}</code>
          <span className="finish-files__actions">
            <CopyButton text={view.json} label={t('finish.files.copyPath')} testId="report-copy-json" />
          </span>
        </li>
      </ul>
      <p className="muted">{t('finish.files.print')}</p>
      {openError && (
        <p className="backup-inline-error" role="alert" data-testid="report-open-error">
          {openError} {t('finish.open.byHand')}
        </p>
      )}
    </div>
  );
}
