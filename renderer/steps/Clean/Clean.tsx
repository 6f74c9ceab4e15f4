import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobState } from '../../../shared/model/index.js';
import { cancelJob } from '../../api-client.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { problemMessage } from '../../i18n/messages.js';
import { browserTimeZone } from '../../i18n/time-zones.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import { AVAILABLE_STEPS, inventoryRequest, nextBlocker, unansweredSources, useWizardStore } from '../../stores/wizard-store.js';
import { AccountingTable } from './AccountingTable.js';
import { jobFinished, loadRegions, loadSummary, startClean, undoLast, type CleanSources } from './clean-actions.js';
import { hasUnapplied, isOutOfDate, setKeyOf, useCleanStore } from './clean-store.js';
import { CleanProgress } from './CleanProgress.js';
import { ExportPanel } from './ExportPanel.js';
import { GroupDetail } from './GroupDetail.js';
import { GroupList } from './GroupList.js';
import { IdentityCounts } from './IdentityCounts.js';
import { PlanTable } from './PlanTable.js';
import { QuarantineList } from './QuarantineList.js';
import { RegionSelect, regionName } from './RegionSelect.js';

/** Finished clean jobs already followed up (a step shown again must not clear the view once more). */
const handledJobs = new Set<string>();

const UNDO_TEXT = { accept: 'clean.undo.accept', reject: 'clean.undo.reject', edit: 'clean.undo.edit' } as const;

/**
 * Step 3: contacts normalised and merged (the user checks every merge), one timeline per chat,
 * broken entries set aside and listed, everything accounted for; the cleaned contacts exported; the
 * plan per chat. Works on the sources of the Sources step, with the chats unticked on Inventory left out.
 */
export function Clean() {
  const { t } = useTranslation();
  const sources = useWizardStore((s) => s.sources);
  const answers = useWizardStore((s) => s.answers);
  const goToStep = useWizardStore((s) => s.goToStep);
  const showQuestion = useWizardStore((s) => s.showQuestion);
  const blocker = nextBlocker({ sources, answers });
  const request = useMemo(() => inventoryRequest({ sources, answers }, browserTimeZone()), [sources, answers]);
  const firstOpen = unansweredSources({ sources, answers })[0]?.detected?.path ?? null;

  return (
    <section className="panel clean" aria-labelledby="clean-title" data-testid="step-clean">
      <h2 id="clean-title">{t('clean.title')}</h2>
      <p className="lead">{t('clean.intro')}</p>
      {blocker === 'detecting' ? (
        <p className="muted" data-testid="clean-waiting">
          {t('clean.waitingSources')}
        </p>
      ) : blocker === 'unanswered' ? (
        <div className="note note--warning" data-testid="clean-unanswered">
          <p>{t('clean.unanswered')}</p>
          {firstOpen && (
            <button type="button" className="button button--small" onClick={() => showQuestion(firstOpen)}>
              {t('sources.showQuestion')}
            </button>
          )}
        </div>
      ) : !request ? (
        <div className="empty-state" data-testid="clean-empty">
          <p>{t('clean.empty')}</p>
          <button type="button" className="button button--primary" onClick={() => goToStep('sources')}>
            {t('inventory.goSources')}
          </button>
        </div>
      ) : (
        <CleanView request={request} />
      )}
    </section>
  );
}

function CleanView({ request }: { request: CleanSources }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const setKey = setKeyOf(request.paths);
  const requestRef = useRef(request);
  useEffect(() => {
    requestRef.current = request;
  });
  const storeKey = useCleanStore((s) => s.setKey);
  const summary = useCleanStore((s) => (s.setKey === setKey ? s.summary : null));
  const regions = useCleanStore((s) => s.regions);
  const jobId = useCleanStore((s) => s.jobId);
  const selected = useCleanStore((s) => s.selected);
  const busy = useCleanStore((s) => s.busy);
  const job = useJobStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const chosenRegion = useWizardStore((s) => s.cleanRegion);
  const setRegion = useWizardStore((s) => s.setCleanRegion);
  const excluded = useWizardStore((s) => s.excludedChats);
  const inventoryJobId = useWizardStore((s) => s.inventoryJobId);
  const inventory = useJobStore((s) => (inventoryJobId ? s.jobs[inventoryJobId]?.result : undefined));
  const goToStep = useWizardStore((s) => s.goToStep);
  const [cancelling, setCancelling] = useState<string | null>(null);

  useEffect(() => {
    void loadRegions();
  }, []);
  useEffect(() => {
    void loadSummary(requestRef.current);
  }, [setKey]);

  // The watched run finished (or was cancelled, or failed): fetch what it left.
  const running = !!job && !isTerminalPhase(job.phase);
  useEffect(() => {
    if (!job || !isTerminalPhase(job.phase) || handledJobs.has(job.jobId)) return;
    handledJobs.add(job.jobId);
    void jobFinished(requestRef.current);
  }, [job]);

  const run = summary?.run ?? null;
  const region = chosenRegion !== undefined ? chosenRegion : run ? run.region : (regions?.defaultRegion ?? null);
  const locked = running || busy === 'start';
  const inventoryChats = useMemo(() => (inventory ? new Set(inventory.sources.flatMap((s) => s.chatList.map((c) => c.id))) : null), [inventory]);
  const unticked = Object.keys(excluded).filter((id) => !inventoryChats || inventoryChats.has(id)).length;
  const behind = hasUnapplied(summary);
  const outOfDate = isOutOfDate(summary);
  const n = (v: number) => formatNumber(v, lang);

  return (
    <>
      {/* For tests and support tools. */}
      <div data-testid="clean-job-status" data-phase={job?.phase ?? (jobId ? 'loading' : 'none')} data-job-id={jobId ?? ''} data-run={run ? 'yes' : 'no'} hidden />
      {summary && (
        <p className="note note--safe clean-private" data-testid="clean-private">
          {t('clean.privacy')} <code className="path">{summary.outDir}</code>
        </p>
      )}

      <section className="clean-run" aria-labelledby="clean-run-title">
        <h3 id="clean-run-title">{t('clean.run.title')}</h3>
        <div className="clean-run__controls">
          {regions ? (
            <RegionSelect regions={regions.regions} value={region} defaultRegion={regions.defaultRegion} disabled={locked} onChange={setRegion} />
          ) : (
            <p className="muted">{t('clean.groups.loading')}</p>
          )}
          <div className="clean-run__side">
            <p data-testid="clean-excluded">{unticked > 0 ? t('clean.run.excluded', { n: n(unticked) }) : t('clean.run.allChats')}</p>
            <button
              type="button"
              className={`button${!run || outOfDate ? ' button--primary' : ''}`}
              data-testid="clean-start"
              disabled={locked || !summary || !regions}
              onClick={() => void startClean(request, region)}
            >
              {!run ? t('clean.run.start') : behind ? t('clean.run.apply') : t('clean.run.again')}
            </button>
          </div>
        </div>
        {run && (
          <p className="muted" data-testid="clean-last-run">
            {t('clean.run.last', { date: formatDate(run.finishedAt, lang), region: run.region ? regionName(run.region, lang) : t('clean.run.regionNoneShort') })}
            {run.seededDecisions > 0 && ` ${t('clean.run.seeded', { n: n(run.seededDecisions) })}`}
          </p>
        )}
        {job && running && (
          <CleanProgress
            job={job}
            cancelling={cancelling === job.jobId}
            onCancel={() => {
              setCancelling(job.jobId);
              void cancelJob(job.jobId);
            }}
          />
        )}
        {job && <JobOutcome job={job} hadRun={!!run} />}
      </section>

      {run && summary && (
        <>
          {summary.excludedChanged && !running && (
            <div className="note note--warning clean-behind" role="status" data-testid="clean-excluded-changed">
              <p>{t('clean.excludedChanged')}</p>
              <button type="button" className="button button--small" disabled={locked} onClick={() => void startClean(request, region)}>
                {t('clean.run.again')}
              </button>
            </div>
          )}
          {behind && (
            <div className="note note--warning clean-behind" role="status" data-testid="clean-unapplied">
              <p>{t('clean.pending', { decisions: n(summary.unapplied.decisions), restores: n(summary.unapplied.restores) })}</p>
              <button type="button" className="button button--primary button--small" data-testid="clean-apply" disabled={locked} onClick={() => void startClean(request, region)}>
                {t('clean.run.apply')}
              </button>
            </div>
          )}
          <AccountingTable accounting={run.accounting} />

          <section className="clean-groups-section" aria-labelledby="clean-groups-title">
            <div className="clean-section-head">
              <h3 id="clean-groups-title">{t('clean.groups.title')}</h3>
              <button
                type="button"
                className="button button--small"
                data-testid="clean-undo"
                disabled={!summary.undo || locked || busy !== null}
                onClick={() => void undoLast()}
              >
                {summary.undo ? t(UNDO_TEXT[summary.undo.decision], { name: summary.undo.name }) : t('clean.undo.nothing')}
              </button>
            </div>
            <p className="muted" data-testid="clean-groups-summary">
              {t('clean.groups.summary', { total: n(run.groups.total), strong: n(run.groups.strong), weak: n(run.groups.weak), review: n(run.groups.pending + run.groups.reProposed) })}
            </p>
            {run.groups.total === 0 ? (
              <p className="note note--info" data-testid="groups-none">
                {t('clean.groups.empty')}
              </p>
            ) : (
              <div className="clean-groups-layout">
                <GroupList workId={summary.workId} />
                {selected ? (
                  <GroupDetail group={selected} locked={locked} />
                ) : (
                  <p className="muted clean-detail-hint" data-testid="detail-hint">
                    {t('clean.detail.hint')}
                  </p>
                )}
              </div>
            )}
          </section>

          <QuarantineList workId={summary.workId} locked={locked} />
          <ExportPanel locked={locked} />
          {run.plan && <PlanTable workId={summary.workId} totals={run.plan} />}
          {run.identities && <IdentityCounts counts={run.identities} />}
        </>
      )}
      {storeKey === setKey && !summary && <p className="muted">{t('clean.groups.loading')}</p>}

      <div className="step-actions">
        <button type="button" className="button" data-testid="clean-back" onClick={() => goToStep('inventory')}>
          {t('clean.back')}
        </button>
        {AVAILABLE_STEPS.has('backup') ? (
          <button type="button" className="button button--primary" data-testid="clean-next" disabled={!run || locked} onClick={() => goToStep('backup')}>
            {t('clean.next')}
          </button>
        ) : (
          <button type="button" className="button button--primary" data-testid="clean-next" disabled title={t('nav.comingLater')}>
            {t('clean.nextLater')}
          </button>
        )}
      </div>
    </>
  );
}

/** How the last run shown ended, when it did not simply finish. */
function JobOutcome({ job, hadRun }: { job: JobState; hadRun: boolean }) {
  const { t } = useTranslation();
  if (job.phase === 'cancelled') {
    return (
      <p className="note note--warning" role="status" data-testid="clean-cancelled">
        {hadRun ? t('clean.progress.cancelledKept') : t('clean.progress.cancelled')}
      </p>
    );
  }
  if (job.phase === 'failed') {
    return (
      <div className="banner banner--error" role="alert" data-testid="clean-failed">
        <div className="banner__body">
          <p>{t('clean.progress.failed')}</p>
          {job.error && (
            <>
              <p>{problemMessage(t, job.error)}</p>
              <details className="banner__details">
                <summary>{t('banner.details')}</summary>
                <code>{job.error.message}</code>
              </details>
            </>
          )}
        </div>
      </div>
    );
  }
  return null;
}
