import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MatrixChatRow, MatrixPilotResult } from '../../../shared/ipc/matrix.js';
import { toUiError } from '../../api-client.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import { useWizardStore, type UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { chatsPage, startPilot, type MatrixSources } from '../Connect/matrix-actions.js';
import { useMatrixStore } from '../Connect/matrix-store.js';
import { MatrixGate, useMatrixSources, useMatrixStatus } from '../Connect/MatrixGate.js';
import { MatrixJobProgress } from '../Connect/MatrixJobProgress.js';

/** Step 6: one chat first, into a pilot room of its own, read back from the server and shown as it will look. */
export function Pilot() {
  const { t } = useTranslation();
  const sources = useMatrixSources();
  const { error } = useMatrixStatus(sources);
  const session = useMatrixStore((s) => s.session);
  return (
    <section className="panel matrix pilot" aria-labelledby="pilot-title" data-testid="step-pilot" data-loaded={session ? 'yes' : 'no'}>
      <h2 id="pilot-title">{t('matrix.pilot.title')}</h2>
      <p className="lead">{t('matrix.pilot.intro')}</p>
      <CallError error={error} what={t('matrix.what.status')} testId="matrix-status-error" />
      <MatrixGate sources={sources} testId="pilot">
        {(s) => <PilotView sources={s} />}
      </MatrixGate>
    </section>
  );
}

function PilotView({ sources }: { sources: MatrixSources }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const selectId = useId();
  const goToStep = useWizardStore((s) => s.goToStep);
  const status = useMatrixStore((s) => s.status);
  const jobId = useMatrixStore((s) => s.jobs.pilot);
  const job = useJobStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const [chats, setChats] = useState<MatrixChatRow[] | null>(null);
  const [chatId, setChatId] = useState('');
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const running = !!job && !isTerminalPhase(job.phase);
  const otherRunning = !!status?.running && status.running.kind !== 'pilot';

  useEffect(() => {
    let live = true;
    chatsPage({ ...sources, offset: 0, limit: 500 })
      .then((r) => {
        if (!live) return;
        const usable = r.items.filter((c) => c.state !== 'skipped');
        setChats(usable);
        // A small chat is a good first try.
        setChatId((cur) => cur || ([...usable].sort((a, b) => a.messages - b.messages)[0]?.chatId ?? ''));
      })
      .catch((err: unknown) => live && setError(toUiError(err)));
    return () => {
      live = false;
    };
  }, [sources]);

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startPilot(sources, chatId);
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  const pilot = status?.pilot ?? null;
  return (
    <>
      <section className="matrix-section" aria-labelledby="pilot-pick">
        <h3 id="pilot-pick">{t('matrix.pilot.pickTitle')}</h3>
        {chats && chats.length === 0 ? (
          <p className="muted">{t('matrix.pilot.noChats')}</p>
        ) : (
          <div className="matrix-form__row">
            <label className="field" htmlFor={selectId}>
              <span className="field__label">{t('matrix.pilot.chat')}</span>
              <select id={selectId} className="input" value={chatId} data-testid="pilot-chat" disabled={!chats} onChange={(e) => setChatId(e.target.value)}>
                {(chats ?? []).map((c) => (
                  <option key={c.chatId} value={c.chatId}>
                    {t('matrix.pilot.option', { title: c.title, messages: formatNumber(c.messages, lang) })}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="button button--primary" data-testid="pilot-start" disabled={!chatId || busy || running || otherRunning} onClick={start}>
              {pilot ? t('matrix.pilot.again') : t('matrix.pilot.start')}
            </button>
          </div>
        )}
        {otherRunning && <p className="muted">{t('matrix.pilot.busy')}</p>}
        <p className="muted">{t('matrix.pilot.separate')}</p>
        <CallError error={error} what={t('matrix.what.pilot')} testId="pilot-error" />
      </section>
      {job && <MatrixJobProgress job={job} title={t('matrix.pilot.progress')} testId="pilot-progress" />}
      {pilot && <PilotResult pilot={pilot} lang={lang} />}
      {pilot && (
        <div className="matrix-next">
          <button type="button" className="button button--primary" data-testid="pilot-next" onClick={() => goToStep('upload')}>
            {t('matrix.pilot.next')}
          </button>
        </div>
      )}
    </>
  );
}

function PilotResult({ pilot, lang }: { pilot: MatrixPilotResult; lang: string }) {
  const { t } = useTranslation();
  return (
    <section className="matrix-section matrix-pilot-result" aria-labelledby="pilot-result" data-testid="pilot-result" data-room={pilot.roomId}>
      <h3 id="pilot-result">{t('matrix.pilot.resultTitle')}</h3>
      <dl className="matrix-facts">
        <dt>{t('matrix.pilot.room')}</dt>
        <dd data-testid="pilot-room-name">{pilot.roomName}</dd>
        <dt>{t('matrix.pilot.sent')}</dt>
        <dd data-testid="pilot-sent">
          {t('matrix.pilot.sentValue', { sent: formatNumber(pilot.sent, lang), there: formatNumber(pilot.alreadyThere, lang), media: formatNumber(pilot.media, lang) })}
        </dd>
        <dt>{t('matrix.pilot.when')}</dt>
        <dd>{formatDate(pilot.finishedAt, lang)}</dd>
        <dt>{t('matrix.pilot.roomId')}</dt>
        <dd>
          <code className="path">{pilot.roomId}</code>
        </dd>
      </dl>
      {pilot.placeholders > 0 && <p className="note note--warning">{t('matrix.pilot.placeholders', { n: formatNumber(pilot.placeholders, lang) })}</p>}
      <h4>{t('matrix.pilot.linesTitle')}</h4>
      {/* The server's plain-text bodies, shown as text: never turned into HTML. */}
      <ol className="matrix-lines" data-testid="pilot-lines">
        {pilot.lines.map((l, i) => (
          <li key={i} className={l.msgtype === 'm.notice' ? 'is-notice' : ''}>
            {l.msgtype === 'm.text' || l.msgtype === 'm.notice' ? l.body : t('matrix.pilot.file', { name: l.body })}
          </li>
        ))}
      </ol>
      <p>
        <a className="button" href={pilot.link} target="_blank" rel="noopener noreferrer" data-testid="pilot-link">
          {t('matrix.pilot.open')}
        </a>{' '}
        <span className="muted">{t('matrix.pilot.openNote')}</span>
      </p>
    </section>
  );
}
