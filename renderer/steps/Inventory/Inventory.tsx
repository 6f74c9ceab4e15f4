import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Counts, JobState } from '../../../shared/model/index.js';
import { cancelJob, startInventory } from '../../api-client.js';
import { ChatTable, type ChatRow } from '../../components/ChatTable.js';
import { ProblemList } from '../../components/ProblemList.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatBytes, formatNumber } from '../../i18n/format.js';
import { problemMessage } from '../../i18n/messages.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import { CONTACT_FORMATS, unansweredSources, useWizardStore } from '../../stores/wizard-store.js';

const TOTALS: (keyof Counts)[] = ['contacts', 'chats', 'messages', 'events', 'attachments', 'attachmentsMissing'];

/**
 * Step 2: what was found. Progress while reading; then totals, every chat (tick to move), and per
 * export what it held and the problems met. Contact-only exports (vCard, CSV) have no chat table.
 */
export function Inventory() {
  const { t } = useTranslation();
  const jobId = useWizardStore((s) => s.inventoryJobId);
  const job = useJobStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const goToStep = useWizardStore((s) => s.goToStep);

  return (
    <section className="panel" aria-labelledby="inventory-title" data-testid="step-inventory">
      <h2 id="inventory-title">{t('inventory.title')}</h2>
      <p className="lead">{t('inventory.intro')}</p>
      {/* For tests and support tools; people read the progress, the notes and the status line. */}
      <div data-testid="job-status" data-phase={job?.phase ?? (jobId ? 'loading' : 'none')} hidden />
      {!jobId ? (
        <div className="empty-state" data-testid="inventory-empty">
          <p>{t('inventory.empty')}</p>
          <button type="button" className="button button--primary" onClick={() => goToStep('sources')}>
            {t('inventory.goSources')}
          </button>
        </div>
      ) : !job ? (
        <p className="muted">{t('inventory.starting')}</p>
      ) : (
        <JobView job={job} />
      )}
    </section>
  );
}

function JobView({ job }: { job: JobState }) {
  const { t } = useTranslation();
  const goToStep = useWizardStore((s) => s.goToStep);
  const showQuestion = useWizardStore((s) => s.showQuestion);
  const firstUnanswered = useWizardStore((s) => unansweredSources(s)[0]?.detected?.path ?? null);
  const [cancelRequested, setCancelRequested] = useState<string | null>(null);
  const finished = isTerminalPhase(job.phase);

  const onCancel = async () => {
    setCancelRequested(job.jobId);
    await cancelJob(job.jobId);
  };

  return (
    <>
      {!finished && (
        <ProgressBar job={job} onCancel={() => void onCancel()} cancelling={cancelRequested === job.jobId} />
      )}
      {job.phase === 'cancelled' && (
        <div className="note note--warning" role="status" data-testid="partial-note">
          {t('inventory.cancelledNote')}
        </div>
      )}
      {job.phase === 'failed' && (
        <div className="banner banner--error" role="alert" data-testid="job-failed">
          <div className="banner__body">
            <p>{t('inventory.failedNote')}</p>
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
      )}
      {finished && job.result && <Results job={job} />}
      {finished && (
        <div className="step-actions">
          <button type="button" className="button" onClick={() => goToStep('sources')}>
            {t('inventory.back')}
          </button>
          <button
            type="button"
            className="button"
            data-testid="read-again"
            disabled={firstUnanswered !== null}
            onClick={() => void startInventory()}
          >
            {t('inventory.readAgain')}
          </button>
          <button type="button" className="button button--primary" disabled title={t('nav.comingLater')}>
            {t('inventory.nextLater')}
          </button>
          {firstUnanswered !== null && (
            <p className="muted" data-testid="read-again-hint">
              {t('inventory.readAgainUnanswered')}{' '}
              <button type="button" className="button button--quiet button--small" onClick={() => showQuestion(firstUnanswered)}>
                {t('sources.showQuestion')}
              </button>
            </p>
          )}
        </div>
      )}
    </>
  );
}

function Results({ job }: { job: JobState }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const excluded = useWizardStore((s) => s.excludedChats);
  const toggleChat = useWizardStore((s) => s.toggleChat);
  const setChatsIncluded = useWizardStore((s) => s.setChatsIncluded);
  const showQuestion = useWizardStore((s) => s.showQuestion);
  const result = job.result!;

  const rows = useMemo<ChatRow[]>(
    () => result.sources.flatMap((src, si) => src.chatList.map((c) => ({ ...c, key: `${si}:${c.id}`, source: src.path }))),
    [result],
  );
  // Contact lists (vCard, CSV) have no chats: when every export is one, there is no chat table at all.
  const contactsOnly = result.sources.length > 0 && result.sources.every((src) => src.format !== null && CONTACT_FORMATS.has(src.format));
  const chatIds = useMemo(() => [...new Set(rows.map((r) => r.id))], [rows]);
  const selected = chatIds.reduce((n, id) => (excluded[id] ? n : n + 1), 0);
  const partial = job.phase === 'cancelled';

  return (
    <>
      <h3>{t('inventory.totalsTitle')}</h3>
      <dl className={`totals${partial ? ' is-partial' : ''}`} data-testid="totals" data-partial={partial}>
        {TOTALS.map((k) => (
          <div key={k} className={`totals__item${k === 'attachmentsMissing' && result.totals[k] > 0 ? ' is-warning' : ''}`}>
            <dt>{t(`inventory.totals.${k}`)}</dt>
            <dd data-testid={`total-${k}`} data-value={result.totals[k]}>
              {formatNumber(result.totals[k], lang)}
            </dd>
          </div>
        ))}
      </dl>

      <h3>{t('chats.title')}</h3>
      {contactsOnly ? (
        <p className="note note--info" data-testid="contacts-only">
          {t('inventory.contactsOnly')}
        </p>
      ) : (
        <>
          <p data-testid="chats-selected">{t('chats.selected', { selected: formatNumber(selected, lang), total: formatNumber(chatIds.length, lang) })}</p>
          <ChatTable rows={rows} excluded={excluded} onToggle={toggleChat} onSetIncluded={setChatsIncluded} />
        </>
      )}

      <h3>{t('inventory.problemsTitle')}</h3>
      {result.sources.map((src) => (
        <section key={src.path} className="source-problems" data-testid="source-problems" data-format={src.format ?? ''}>
          <h4>
            <code className="path">{src.path}</code>
            <span className="muted">
              {' '}
              · {src.format ? t(`format.${src.format}`, { defaultValue: src.format }) : t('format.unknown')} · {formatBytes(src.bytes, lang)}
              {src.partial ? ` · ${t('inventory.partialSource')}` : ''}
            </span>
          </h4>
          <p className="source-problems__counts" data-testid="source-counts">
            {src.format && CONTACT_FORMATS.has(src.format)
              ? t('inventory.sourceContacts', { n: formatNumber(src.contacts, lang) })
              : t('inventory.sourceChats', { chats: formatNumber(src.chats, lang), messages: formatNumber(src.messages, lang) })}
          </p>
          {src.owner && <p className="muted">{t('inventory.owner', { name: src.owner })}</p>}
          <ProblemList problems={src.problems} sourcePath={src.path} onAnswer={() => showQuestion(src.path)} />
        </section>
      ))}
    </>
  );
}
