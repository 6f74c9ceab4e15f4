import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Counts, JobState } from '../../../shared/model/index.js';
import { ActivityChart } from '../../components/ActivityChart.js';
import { sumActivity } from '../../components/activity-chart.js';
import { cancelJob, startInventory } from '../../api-client.js';
import { ChatTable, PriorityBadge, type ChatRow } from '../../components/ChatTable.js';
import { ProblemList } from '../../components/ProblemList.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatBytes, formatDate, formatNumber } from '../../i18n/format.js';
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
      <div data-testid="job-status" data-phase={job?.phase ?? (jobId ? 'loading' : 'none')} data-job-id={jobId ?? ''} hidden />
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
          <button type="button" className="button button--primary" data-testid="next-clean" onClick={() => goToStep('clean')}>
            {t('inventory.next')}
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
  const resetChatChoices = useWizardStore((s) => s.resetChatChoices);
  const showQuestion = useWizardStore((s) => s.showQuestion);
  const result = job.result!;
  const [selectedKey, setSelectedKey] = useState<string | null>(null);

  const rows = useMemo<ChatRow[]>(
    () => result.sources.flatMap((src, si) => src.chatList.map((c) => ({ ...c, key: `${si}:${c.id}`, source: src.path }))),
    [result],
  );
  // Contact lists (vCard, CSV) have no chats: when every export is one, there is no chat table at all.
  const contactsOnly = result.sources.length > 0 && result.sources.every((src) => src.format !== null && CONTACT_FORMATS.has(src.format));
  const chatIds = useMemo(() => [...new Set(rows.map((r) => r.id))], [rows]);
  const selected = chatIds.reduce((n, id) => (excluded[id] ? n : n + 1), 0);
  const partial = job.phase === 'cancelled';
  const accountActivity = useMemo(() => sumActivity(rows.map((r) => r.activity)), [rows]);
  const selectedRow = selectedKey ? rows.find((r) => r.key === selectedKey) : undefined;
  const anyExcluded = Object.keys(excluded).length > 0;

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

      {!contactsOnly && (
        <section className="activity" aria-labelledby="activity-title" data-testid="account-activity">
          <h3 id="activity-title">{t('chart.accountTitle')}</h3>
          <p className="muted activity__hint">{t('chart.accountHint')}</p>
          <ActivityChart activity={accountActivity} testId="account-chart" />
        </section>
      )}

      <h3>{t('chats.title')}</h3>
      {contactsOnly ? (
        <p className="note note--info" data-testid="contacts-only">
          {t('inventory.contactsOnly')}
        </p>
      ) : (
        <>
          <div className="chats-choice">
            <p data-testid="chats-selected">{t('chats.selected', { selected: formatNumber(selected, lang), total: formatNumber(chatIds.length, lang) })}</p>
            <button type="button" className="button button--small" data-testid="reset-choices" disabled={!anyExcluded} onClick={resetChatChoices}>
              {t('chats.resetChoices')}
            </button>
            <p className="muted chats-choice__hint">{t('chats.savedHint')}</p>
          </div>
          <ChatTable
            rows={rows}
            excluded={excluded}
            onToggle={toggleChat}
            onSetIncluded={setChatsIncluded}
            selectedKey={selectedRow ? selectedRow.key : null}
            onSelect={(row) => setSelectedKey((k) => (k === row.key ? null : row.key))}
          />
          {selectedRow ? (
            <ChatDetails row={selectedRow} onClose={() => setSelectedKey(null)} />
          ) : (
            <p className="muted" data-testid="chat-details-hint">
              {t('chats.detailsHint')}
            </p>
          )}
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

/** One chat's details: its activity over time, dates, members and media. */
function ChatDetails({ row, onClose }: { row: ChatRow; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const n = (v: number) => formatNumber(v, lang);
  return (
    <section className="chat-details" aria-labelledby="chat-details-title" data-testid="chat-details" data-chat-id={row.id}>
      <div className="chat-details__head">
        <h4 id="chat-details-title">{row.title}</h4>
        <PriorityBadge priority={row.priority} />
        <button type="button" className="button button--quiet button--small chat-details__close" data-testid="chat-details-close" onClick={onClose}>
          {t('chats.closeDetails')}
        </button>
      </div>
      <dl className="chat-details__facts">
        <div>
          <dt>{t('chats.col.type')}</dt>
          <dd>{t(`chats.type.${row.type}`)}{row.left ? ` · ${t('chats.left')}` : ''}</dd>
        </div>
        <div>
          <dt>{t('chats.details.dates')}</dt>
          <dd data-testid="chat-details-dates">
            {row.firstAt || row.lastAt ? t('chats.details.range', { from: formatDate(row.firstAt, lang), to: formatDate(row.lastAt, lang) }) : '—'}
          </dd>
        </div>
        <div>
          <dt>{t('chats.col.members')}</dt>
          <dd>{n(row.members)}</dd>
        </div>
        <div>
          <dt>{t('chats.col.messages')}</dt>
          <dd>{n(row.messages)}</dd>
        </div>
        <div>
          <dt>{t('chats.col.last90')}</dt>
          <dd>{n(row.last90)}</dd>
        </div>
        <div>
          <dt>{t('chats.col.media')}</dt>
          <dd data-testid="chat-details-media">
            {row.mediaBytes > 0
              ? t('chats.details.mediaSize', { n: n(row.attachments), size: formatBytes(row.mediaBytes, lang) })
              : t('chats.details.media', { n: n(row.attachments) })}
            {row.attachmentsMissing > 0 && <span className="missing"> · {t('chats.missing', { n: n(row.attachmentsMissing) })}</span>}
          </dd>
        </div>
      </dl>
      <p className="muted chat-details__source">
        <code className="path">{row.source}</code>
      </p>
      <ActivityChart activity={row.activity} testId="chat-chart" height={140} />
    </section>
  );
}
