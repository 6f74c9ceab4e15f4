import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MatrixChatRow } from '../../../shared/ipc/matrix.js';
import { toUiError } from '../../api-client.js';
import { formatDate, formatDuration, formatNumber } from '../../i18n/format.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { chatsPage, startUpload, startVerify, type MatrixSources } from '../Connect/matrix-actions.js';
import { useMatrixStore } from '../Connect/matrix-store.js';
import { MatrixGate, useMatrixSources, useMatrixStatus } from '../Connect/MatrixGate.js';
import { MatrixJobProgress } from '../Connect/MatrixJobProgress.js';

/**
 * Step 7: every kept chat, in order, resumable: progress with the time left, the server's waits in words,
 * pause/resume and cancel; per chat what was sent and where; then a read-back that counts what arrived.
 */
export function Upload() {
  const { t } = useTranslation();
  const sources = useMatrixSources();
  const { error } = useMatrixStatus(sources);
  const session = useMatrixStore((s) => s.session);
  return (
    <section className="panel matrix upload" aria-labelledby="upload-title" data-testid="step-upload" data-loaded={session ? 'yes' : 'no'}>
      <h2 id="upload-title">{t('matrix.upload.title')}</h2>
      <p className="lead">{t('matrix.upload.intro')}</p>
      <CallError error={error} what={t('matrix.what.status')} testId="matrix-status-error" />
      <MatrixGate sources={sources} testId="upload">
        {(s) => <UploadView sources={s} />}
      </MatrixGate>
    </section>
  );
}

function UploadView({ sources }: { sources: MatrixSources }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const status = useMatrixStore((s) => s.status);
  const uploadId = useMatrixStore((s) => s.jobs.upload);
  const verifyId = useMatrixStore((s) => s.jobs.verify);
  const upload = useJobStore((s) => (uploadId ? s.jobs[uploadId] : undefined));
  const verify = useJobStore((s) => (verifyId ? s.jobs[verifyId] : undefined));
  const [error, setError] = useState<{ what: string; error: UiError } | null>(null);
  const [busy, setBusy] = useState(false);
  const [chats, setChats] = useState<{ total: number; items: MatrixChatRow[] } | null>(null);
  const anyRunning = !!status?.running;
  const uploading = !!upload && !isTerminalPhase(upload.phase);
  const n = (v: number) => formatNumber(v, lang);

  const loadChats = useCallback(async () => {
    try {
      const r = await chatsPage({ ...sources, offset: 0, limit: 500 });
      const items = [...r.items];
      // Past the first page (very many chats): the rest, page by page.
      for (let offset = items.length; offset < r.total; offset += 500) items.push(...(await chatsPage({ ...sources, offset, limit: 500 })).items);
      setChats({ total: r.total, items });
    } catch (err) {
      setError({ what: t('matrix.what.chats'), error: toUiError(err) });
    }
  }, [sources, t]);

  const verifyDone = verify?.phase;
  const uploadDone = upload?.phase;
  useEffect(() => {
    void loadChats();
  }, [loadChats, uploadDone, verifyDone]);
  // While sending, the per-chat list follows the journal.
  useEffect(() => {
    if (!uploading) return;
    const timer = setInterval(() => void loadChats(), 1500);
    return () => clearInterval(timer);
  }, [uploading, loadChats]);

  const act = async (what: string, fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError({ what, error: toUiError(err) });
    } finally {
      setBusy(false);
    }
  };

  const journal = status?.journal ?? null;
  const plan = status?.estimate.plan ?? null;
  const unfinished = journal && journal.chatsDone < journal.chatsStarted;
  const v = status?.verify ?? null;
  return (
    <>
      <section className="matrix-section" aria-labelledby="upload-start">
        <h3 id="upload-start">{t('matrix.upload.startTitle')}</h3>
        {plan && (
          <p data-testid="upload-plan">
            {t('matrix.upload.plan', { chats: n(plan.create + plan.merge), sends: n(plan.sends), time: formatDuration(Math.max(plan.estimateMs, 1000), lang) })}
          </p>
        )}
        {journal && (
          <p data-testid="upload-journal" data-unfinished={unfinished ? 'yes' : 'no'}>
            {unfinished
              ? t('matrix.upload.resume', { done: n(journal.chatsDone), started: n(journal.chatsStarted), sent: n(journal.sent) })
              : t('matrix.upload.already', { done: n(journal.chatsDone), sent: n(journal.sent) })}
          </p>
        )}
        <p className="muted">{t('matrix.upload.safe')}</p>
        <button
          type="button"
          className="button button--primary"
          data-testid="upload-start"
          disabled={busy || anyRunning}
          onClick={() => act(t('matrix.what.upload'), () => startUpload(sources))}
        >
          {unfinished ? t('matrix.upload.continue') : journal ? t('matrix.upload.again') : t('matrix.upload.start')}
        </button>
      </section>
      {upload && <MatrixJobProgress job={upload} title={t('matrix.upload.progress')} testId="upload-progress" pausable />}
      {upload?.phase === 'done' && upload.output && (
        <p className="note" data-testid="upload-summary">
          {t('matrix.upload.summary', {
            sent: n(Number(upload.output.sent ?? 0)), there: n(Number(upload.output.alreadyThere ?? 0)), rooms: n(Number(upload.output.rooms ?? 0)),
            media: n(Number(upload.output.media ?? 0)),
          })}
          {Number(upload.output.problems ?? 0) > 0 && ` ${t('matrix.upload.problems', { n: n(Number(upload.output.problems)) })}`}
        </p>
      )}
      {error && <CallError error={error.error} what={error.what} testId="upload-error" />}
      {chats && <ChatList rows={chats.items} />}
      <section className="matrix-section" aria-labelledby="verify-title">
        <h3 id="verify-title">{t('matrix.verify.title')}</h3>
        <p>{t('matrix.verify.intro')}</p>
        <div className="matrix-actions">
          <button
            type="button"
            className="button"
            data-testid="verify-start"
            disabled={busy || anyRunning || !journal}
            onClick={() => act(t('matrix.what.verify'), () => startVerify(sources, false))}
          >
            {t('matrix.verify.button')}
          </button>
          {v && v.missing > 0 && (
            <button type="button" className="button button--primary" data-testid="verify-resend" disabled={busy || anyRunning} onClick={() => act(t('matrix.what.verify'), () => startVerify(sources, true))}>
              {t('matrix.verify.resend', { n: n(v.missing) })}
            </button>
          )}
        </div>
        {verify && !isTerminalPhase(verify.phase) && <MatrixJobProgress job={verify} title={t('matrix.verify.progress')} testId="verify-progress" />}
        {verify?.phase === 'failed' && <MatrixJobProgress job={verify} title={t('matrix.verify.progress')} testId="verify-progress" />}
        {v && (
          <div className={`note${v.missing || v.duplicates || v.mediaMismatched ? ' note--warning' : ''}`} data-testid="verify-result" data-missing={v.missing} data-duplicates={v.duplicates}>
            <p>
              {v.missing || v.duplicates || v.mediaMismatched
                ? t('matrix.verify.problems', { found: n(v.found), expected: n(v.expected), missing: n(v.missing), duplicates: n(v.duplicates), media: n(v.mediaMismatched) })
                : t('matrix.verify.ok', { found: n(v.found), expected: n(v.expected), chats: n(v.chats) })}
            </p>
            <p className="muted">{t('matrix.verify.media', { checked: n(v.mediaChecked), same: n(v.mediaChecked - v.mediaMismatched), when: formatDate(v.finishedAt, lang) })}</p>
          </div>
        )}
      </section>
    </>
  );
}

const STATE_BADGE = { waiting: '', running: 'badge--warn', done: 'badge--ok', skipped: '' } as const;
const STATE_TEXT = {
  waiting: 'matrix.chats.state.waiting',
  running: 'matrix.chats.state.running',
  done: 'matrix.chats.state.done',
  skipped: 'matrix.chats.state.skipped',
} as const;
const SKIP_TEXT = { excluded: 'matrix.chats.skip.excluded', empty: 'matrix.chats.skip.empty' } as const;

/** Every chat of the set, virtualised: its state, events sent of planned, the room, what the read-back found. */
function ChatList({ rows }: { rows: MatrixChatRow[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => 48, overscan: 10 });
  const n = (v: number) => formatNumber(v, lang);
  return (
    <section className="matrix-section" aria-labelledby="upload-chats">
      <h3 id="upload-chats">{t('matrix.chats.title', { n: n(rows.length) })}</h3>
      <div ref={scrollRef} className="matrix-chats__scroll" role="table" aria-label={t('matrix.chats.label')} aria-rowcount={rows.length + 1} tabIndex={0} data-testid="upload-chats">
        <div className="matrix-chats__row matrix-chats__head" role="row" aria-rowindex={1}>
          <div role="columnheader">{t('matrix.chats.col.chat')}</div>
          <div role="columnheader">{t('matrix.chats.col.state')}</div>
          <div role="columnheader">{t('matrix.chats.col.sent')}</div>
          <div role="columnheader">{t('matrix.chats.col.check')}</div>
          <div role="columnheader">{t('matrix.chats.col.room')}</div>
        </div>
        <div role="rowgroup" className="matrix-chats__body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const c = rows[v.index]!;
            return (
              <div key={c.chatId} role="row" aria-rowindex={v.index + 2} className="matrix-chats__row" style={{ transform: `translateY(${v.start}px)` }}
                data-testid="upload-chat" data-chat={c.chatId} data-state={c.state} data-sent={c.sent} data-missing={c.verify?.missing ?? ''}>
                <div role="cell" className="matrix-chats__title" title={c.title}>
                  {c.title}
                </div>
                <div role="cell">
                  <span className={`badge ${STATE_BADGE[c.state]}`}>{c.skipReason ? t(SKIP_TEXT[c.skipReason]) : t(STATE_TEXT[c.state])}</span>
                </div>
                <div role="cell">{c.planned !== null ? t('matrix.chats.sentOf', { sent: n(c.sent), planned: n(c.planned) }) : n(c.sent)}</div>
                <div role="cell">
                  {c.verify ? (
                    <span className={`badge ${c.verify.missing || c.verify.duplicates || c.verify.mediaMismatched ? 'badge--bad' : 'badge--ok'}`}>
                      {c.verify.missing || c.verify.duplicates || c.verify.mediaMismatched
                        ? t('matrix.chats.checkBad', { missing: n(c.verify.missing), duplicates: n(c.verify.duplicates) })
                        : t('matrix.chats.checkOk', { found: n(c.verify.found) })}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </div>
                <div role="cell">
                  {c.link ? (
                    <a href={c.link} target="_blank" rel="noopener noreferrer" title={c.roomId ?? ''} data-testid="upload-chat-link">
                      {t('matrix.chats.open')}
                    </a>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
