import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CleanQuarantineItem } from '../../../shared/ipc/clean.js';
import { usePagedList } from '../../components/use-paged-list.js';
import { formatNumber } from '../../i18n/format.js';
import { quarantinePage, restore } from './clean-actions.js';
import { useCleanStore } from './clean-store.js';

const PAGE = 200;
const ROW_HEIGHT = 60;
const REASON_TEXT = {
  'no-date': 'clean.quarantine.reason.no-date',
  'bad-date': 'clean.quarantine.reason.bad-date',
  unreadable: 'clean.quarantine.reason.unreadable',
  empty: 'clean.quarantine.reason.empty',
} as const;

/**
 * What was set aside (never dropped): each entry with its file and line, why, a short excerpt, and
 * Put back. A put-back is saved at once and applied by the next run. Virtualised, fetched by pages.
 */
export function QuarantineList({ workId, locked }: { workId: string; locked: boolean }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const version = useCleanStore((s) => s.version);
  const busy = useCleanStore((s) => s.busy);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { total, itemAt, virtualizer, visible } = usePagedList<CleanQuarantineItem>({
    key: `${workId}:${version}`,
    fetchPage: (offset, limit) => quarantinePage(workId, offset, limit),
    pageSize: PAGE,
    rowHeight: ROW_HEIGHT,
    overscan: 8,
    scrollRef,
  });

  const n = (v: number) => formatNumber(v, lang);

  return (
    <section className="clean-quarantine" aria-labelledby="clean-quarantine-title" data-testid="quarantine">
      <h3 id="clean-quarantine-title">{t('clean.quarantine.title')}</h3>
      <p className="muted">{t('clean.quarantine.hint')}</p>
      {total === 0 ? (
        <p className="note note--info" data-testid="quarantine-empty">
          {t('clean.quarantine.empty')}
        </p>
      ) : (
        <>
          <p className="muted" data-testid="quarantine-count">
            {total === null ? t('clean.groups.loading') : t('clean.quarantine.count', { n: n(total) })}
          </p>
          <div ref={scrollRef} className="clean-quarantine__scroll" role="list" aria-label={t('clean.quarantine.title')} data-testid="quarantine-list"
            // Focusable, so keyboard users can scroll to entries not rendered yet (arrows, Page Down).
            tabIndex={0}>
            <div className="clean-quarantine__body" style={{ height: virtualizer.getTotalSize() }}>
              {visible.map((v) => {
                const q = itemAt(v.index);
                const style = { transform: `translateY(${v.start}px)`, height: ROW_HEIGHT };
                if (!q) {
                  return (
                    <div key={`loading-${v.index}`} className="clean-q is-loading" style={style} aria-hidden="true">
                      <span className="muted">{t('clean.groups.loading')}</span>
                    </div>
                  );
                }
                const where = q.line !== null ? t('clean.quarantine.whereLine', { file: q.file, line: q.line }) : q.file;
                return (
                  <div key={q.id} role="listitem" className="clean-q" style={style} data-testid="quarantine-row" data-id={q.id} data-kind={q.kind} data-reason={q.reason}>
                    <div className="clean-q__main">
                      <span className="clean-q__what">
                        <span className="clean-badge clean-badge--warn">{t(q.kind === 'message' ? 'clean.quarantine.kind.message' : 'clean.quarantine.kind.contact')}</span>{' '}
                        {t(REASON_TEXT[q.reason])}
                        {q.preview && <span className="clean-q__preview"> — {q.preview}</span>}
                      </span>
                      <code className="path clean-q__where ellipsis" title={where} data-testid="quarantine-where">
                        {where}
                      </code>
                    </div>
                    <div className="clean-q__side">
                      {q.restoreRequested ? (
                        <span className="clean-badge clean-badge--ok" data-testid="restore-requested">
                          {t('clean.quarantine.requested')}
                        </span>
                      ) : q.restorable ? (
                        <button
                          type="button"
                          className="button button--small"
                          data-testid="restore"
                          disabled={locked || busy !== null}
                          aria-label={t('clean.quarantine.restoreLabel', { what: q.preview || where })}
                          onClick={() => void restore([q.id])}
                        >
                          {t('clean.quarantine.restore')}
                        </button>
                      ) : (
                        <span className="muted">{t('clean.quarantine.notRestorable')}</span>
                      )}
                    </div>
                  </div>
                );
              })}
            </div>
          </div>
        </>
      )}
    </section>
  );
}
