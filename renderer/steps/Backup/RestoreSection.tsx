import { useVirtualizer } from '@tanstack/react-virtual';
import { useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupContents, BackupRecord, KeychainState, RestoreJobOutput, RestoreSelect } from '../../../shared/ipc/backup.js';
import { toUiError } from '../../api-client.js';
import { formatBytes, formatDate, formatNumber } from '../../i18n/format.js';
import { isTerminalPhase, useJobStore } from '../../stores/job-store.js';
import type { UiError } from '../../stores/wizard-store.js';
import { backupContents, cancelJob, restoreBackup } from './backup-actions.js';
import { useBackupStore } from './backup-store.js';
import { CallError } from './CallError.js';
import { FolderField } from './FolderField.js';
import { JobProgress } from './JobProgress.js';
import { RecoveryKeyPrompt } from './RecoveryKeyPrompt.js';

const REFUSED: Record<string, string> = {
  'not-a-key': 'backup.verify.keyNotAKey',
  typo: 'backup.verify.keyTypo',
  'wrong-key': 'backup.verify.keyWrong',
  missing: 'backup.verify.missing',
  'into-missing': 'backup.restore.refused.intoMissing',
  'unknown-chat': 'backup.restore.refused.unknownChat',
};

const ROW = 52;

const KIND: Record<RestoreSelect['kind'], { title: string; detail: string; start: string }> = {
  all: { title: 'backup.restore.kind.all', detail: 'backup.restore.kindDetail.all', start: 'backup.restore.start.all' },
  contacts: { title: 'backup.restore.kind.contacts', detail: 'backup.restore.kindDetail.contacts', start: 'backup.restore.start.contacts' },
  chat: { title: 'backup.restore.kind.chat', detail: 'backup.restore.kindDetail.chat', start: 'backup.restore.start.chat' },
};

/**
 * Taking things back out of a backup: everything (the exports byte for byte, and the model), the
 * contacts only, or one chat with its files — into a new folder inside the one the user picks, so
 * nothing that exists is ever replaced. Opens the backup with this computer's keychain key, or asks
 * for the recovery key. Chat titles come from the export: shown as text, never as HTML. Mounted
 * with `key={backup.file}`: another backup starts from a clean slate.
 */
export function RestoreSection({ backup }: { backup: BackupRecord }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const keyRef = useRef<HTMLInputElement>(null);
  const dir = useBackupStore((s) => s.restoreDir) ?? '';
  const setDir = useBackupStore((s) => s.setRestoreDir);
  const restore = useBackupStore((s) => s.restore);
  const job = useJobStore((s) => (restore ? s.jobs[restore.jobId] : undefined));
  const [contents, setContents] = useState<BackupContents | null>(null);
  const [needsKey, setNeedsKey] = useState<KeychainState | null>(null);
  /** The recovery key, when the keychain key does not open this backup: kept until the restore starts. */
  const [key, setKey] = useState('');
  const [usedKey, setUsedKey] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState<RestoreSelect['kind']>('all');
  const [chatId, setChatId] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [refused, setRefused] = useState<{ key: string; path: string } | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const running = !!restore && restore.file === backup.file && (!job || !isTerminalPhase(job.phase));
  const finished = restore && restore.file === backup.file && job && isTerminalPhase(job.phase) ? job : null;
  const out = finished?.output as unknown as RestoreJobOutput | undefined;

  const open = async (withKey?: string) => {
    setRefused(null);
    setError(null);
    setBusy(true);
    try {
      const r = await backupContents(backup.file, withKey);
      if (r.ok) {
        setContents(r.contents);
        setNeedsKey(null);
        setUsedKey(withKey);
        setKey('');
      } else if (r.reason === 'needs-key') {
        setNeedsKey(r.keychain);
        requestAnimationFrame(() => keyRef.current?.focus());
      } else setRefused({ key: REFUSED[r.reason] ?? 'backup.verify.keyWrong', path: '' });
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  const select: RestoreSelect | null = kind === 'chat' ? (chatId ? { kind: 'chat', id: chatId } : null) : { kind };
  const onRestore = async () => {
    if (!select) return;
    setRefused(null);
    setError(null);
    setBusy(true);
    try {
      const r = await restoreBackup({ file: backup.file, select, into: dir.trim(), ...(usedKey !== undefined ? { key: usedKey } : {}) });
      if (r.ok) setUsedKey(undefined);
      else if (r.reason === 'needs-key') {
        setContents(null);
        setNeedsKey(r.keychain);
      } else setRefused({ key: REFUSED[r.reason] ?? 'backup.verify.keyWrong', path: 'path' in r ? (r.path ?? '') : '' });
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  const n = (v: number) => formatNumber(v, lang);
  const chats = useMemo(() => {
    const q = query.trim().toLocaleLowerCase();
    const all = contents?.chats ?? [];
    return q ? all.filter((c) => (c.title ?? '').toLocaleLowerCase().includes(q) || c.id.toLocaleLowerCase().includes(q)) : all;
  }, [contents, query]);
  const chosenChat = contents?.chats.find((c) => c.id === chatId) ?? null;

  return (
    <section className="backup-section" aria-labelledby={`${baseId}-title`} data-testid="backup-restore">
      <h3 id={`${baseId}-title`}>{t('backup.restore.title')}</h3>
      <p className="backup-hint">{t('backup.restore.intro')}</p>
      {!contents && (
        <div className="backup-actions">
          <button type="button" className="button" disabled={busy || running} data-testid="restore-open" onClick={() => void open()}>
            {t('backup.restore.open')}
          </button>
        </div>
      )}
      {needsKey && !contents && (
        <RecoveryKeyPrompt
          keychain={needsKey}
          noKeyText={t('backup.restore.needsKey')}
          submitText={t('backup.restore.openWithKey')}
          value={key}
          onChange={setKey}
          onSubmit={(k) => void open(k)}
          inputRef={keyRef}
          busy={busy}
          testId="restore"
        />
      )}
      {contents && (
        <div className="restore" data-testid="restore-contents" data-chats={contents.chats.length}>
          <p data-testid="restore-summary">
            {t('backup.restore.summary', {
              date: formatDate(contents.created, lang),
              contacts: n(contents.counts.contacts),
              chats: n(contents.counts.chats),
              messages: n(contents.counts.messages),
              files: n(contents.counts.originalFiles),
              size: formatBytes(contents.counts.originalBytes, lang),
            })}
          </p>
          <fieldset className="restore__what" disabled={running}>
            <legend className="field__label">{t('backup.restore.what')}</legend>
            {(['all', 'contacts', 'chat'] as const).map((k) => (
              <label key={k} className={`choice${kind === k ? ' is-checked' : ''}`}>
                <input type="radio" className="choice__input" name={`${baseId}-what`} value={k} checked={kind === k} data-testid={`restore-kind-${k}`} onChange={() => setKind(k)} />
                <span className="choice__text">
                  <span className="choice__title">{t(KIND[k].title)}</span>
                  <span className="choice__detail">{t(KIND[k].detail)}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {kind === 'chat' && (
            <ChatChooser
              chats={chats}
              total={contents.chats.length}
              query={query}
              onQuery={setQuery}
              chosen={chatId}
              onChoose={setChatId}
              disabled={running}
              lang={lang}
            />
          )}
          <FolderField
            id={`${baseId}-dir`}
            label={t('backup.restore.into')}
            value={dir}
            onChange={(d) => {
              setDir(d);
              setRefused(null);
            }}
            pickerTitle={t('backup.restore.pickerTitle')}
            testId="restore-dir"
            disabled={running}
          />
          <p className="muted">{t('backup.restore.newFolder')}</p>
          <div className="backup-actions">
            <button type="button" className="button button--primary" disabled={running || busy || !dir.trim() || !select} data-testid="restore-start" onClick={() => void onRestore()}>
              {kind === 'chat' && chosenChat ? t('backup.restore.startChat', { title: chosenChat.title ?? chosenChat.id }) : t(KIND[kind].start)}
            </button>
          </div>
        </div>
      )}
      {refused && (
        <p className="backup-inline-error" role="alert" data-testid="restore-refused">
          {t(refused.key, { path: refused.path })}
        </p>
      )}
      <CallError error={error} what={t('backup.what.restore')} testId="restore-error" />
      {running && restore && job && (
        <JobProgress
          job={job}
          title={t('backup.restore.running')}
          doing={t('backup.restore.doing')}
          onCancel={() => {
            setCancelling(restore.jobId);
            void cancelJob(restore.jobId);
          }}
          cancelling={cancelling === restore.jobId}
          testId="restore-progress"
        />
      )}
      {finished && (
        <div className="backup-result" data-testid="restore-result" data-phase={finished.phase} data-files={out?.files ?? ''} data-problems={out?.problemCount ?? ''}>
          {finished.phase === 'done' && out && (
            <>
              <p className={out.problemCount ? 'note note--warning' : 'note note--safe'} role="status">
                {t('backup.restore.done', { files: n(out.files), size: formatBytes(out.bytes, lang) })}
              </p>
              <p>
                {t('backup.restore.where')} <code data-testid="restore-to">{out.to}</code>
              </p>
              {out.problemCount > 0 && (
                <details className="banner__details" open>
                  <summary>{t('backup.restore.problems', { n: n(out.problemCount) })}</summary>
                  <ul data-testid="restore-problems">
                    {out.problems.map((p, i) => (
                      <li key={i}>
                        <code>{p}</code>
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </>
          )}
          {finished.phase === 'failed' && (
            <div className="banner banner--error" role="alert">
              <div className="banner__body">
                <p>{t('backup.restore.failed')}</p>
                <details className="banner__details">
                  <summary>{t('banner.details')}</summary>
                  <code>{finished.error?.message ?? ''}</code>
                </details>
              </div>
            </div>
          )}
          {finished.phase === 'cancelled' && (
            <p className="note note--warning" role="status">
              {restore?.to ? t('backup.restore.cancelled', { path: restore.to }) : t('backup.restore.cancelledSomewhere')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

interface ChooserProps {
  chats: BackupContents['chats'];
  total: number;
  query: string;
  onQuery: (q: string) => void;
  chosen: string | null;
  onChoose: (id: string) => void;
  disabled: boolean;
  lang: string;
}

/** One chat out of possibly thousands: a search field and a virtualised list of radio rows. */
function ChatChooser({ chats, total, query, onQuery, chosen, onChoose, disabled, lang }: ChooserProps) {
  const { t } = useTranslation();
  const baseId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: chats.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 8 });
  const n = (v: number) => formatNumber(v, lang);
  return (
    <div className="restore__chats">
      <label className="field">
        <span className="field__label">{t('backup.restore.findChat')}</span>
        <input type="search" className="input" value={query} disabled={disabled} data-testid="restore-chat-search" onChange={(e) => onQuery(e.target.value)} />
      </label>
      <p className="muted" aria-live="polite" data-testid="restore-chat-count">
        {t('backup.restore.chatCount', { shown: n(chats.length), total: n(total) })}
      </p>
      <div ref={scrollRef} className="people__scroll restore__list" role="radiogroup" aria-label={t('backup.restore.chatList')} tabIndex={0}>
        <div className="people__body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const c = chats[v.index]!;
            return (
              <label
                key={c.id}
                className={`choice restore__chat${chosen === c.id ? ' is-checked' : ''}`}
                style={{ transform: `translateY(${v.start}px)`, height: ROW }}
                data-testid="restore-chat"
                data-chat={c.id}
              >
                <input type="radio" className="choice__input" name={`${baseId}-chat`} checked={chosen === c.id} disabled={disabled} onChange={() => onChoose(c.id)} />
                <span className="choice__text">
                  <span className="choice__title">{c.title ?? c.id}</span>
                  <span className="choice__detail">{t('backup.restore.chatFacts', { messages: n(c.messages), files: n(c.attachments) })}</span>
                </span>
              </label>
            );
          })}
        </div>
      </div>
    </div>
  );
}
