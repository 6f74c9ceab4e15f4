import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CleanPlanRow, CleanPlanTotals } from '../../../shared/ipc/clean.js';
import { usePagedList } from '../../components/use-paged-list.js';
import { formatBytes, formatDuration, formatNumber } from '../../i18n/format.js';
import { planPage } from './clean-actions.js';
import { useCleanStore } from './clean-store.js';

const PAGE = 200;
const ROW_HEIGHT = 44;
const ACTION_TEXT = {
  create: 'clean.plan.action.create',
  skip: 'clean.plan.action.skip',
  merge: 'clean.plan.action.merge',
} as const;
const REASON_TEXT = {
  new: 'clean.plan.reason.new',
  'room-exists': 'clean.plan.reason.room-exists',
  'partly-uploaded': 'clean.plan.reason.partly-uploaded',
  excluded: 'clean.plan.reason.excluded',
  empty: 'clean.plan.reason.empty',
  'already-uploaded': 'clean.plan.reason.already-uploaded',
} as const;

/**
 * The plan per chat: what the upload will create, skip or add to in the new service, how much each
 * moves, and how long that takes at the service's normal limits and with the limits lifted — with the
 * assumptions stated. Virtualised and fetched by pages, like the other long lists.
 */
export function PlanTable({ workId, totals }: { workId: string; totals: CleanPlanTotals }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const version = useCleanStore((s) => s.version);
  const scrollRef = useRef<HTMLDivElement>(null);
  const { total, itemAt, virtualizer, visible } = usePagedList<CleanPlanRow>({
    key: `${workId}:${version}`,
    fetchPage: (offset, limit) => planPage(workId, offset, limit),
    pageSize: PAGE,
    rowHeight: ROW_HEIGHT,
    overscan: 10,
    scrollRef,
  });

  const n = (v: number) => formatNumber(v, lang);
  const time = (ms: number) => (ms > 0 ? formatDuration(ms, lang) : '—');

  return (
    <section className="clean-plan" aria-labelledby="clean-plan-title" data-testid="clean-plan">
      <h3 id="clean-plan-title">{t('clean.plan.title')}</h3>
      <p data-testid="plan-totals">
        {t('clean.plan.totals', { chats: n(totals.chats), create: n(totals.create), merge: n(totals.merge), skip: n(totals.skip) })}{' '}
        {t('clean.plan.amount', { messages: n(totals.messages + totals.events), media: n(totals.media), size: formatBytes(totals.mediaBytes, lang) })}
      </p>
      <p data-testid="plan-estimate">
        {t('clean.plan.estimate', { time: time(totals.estimateMs), fast: time(totals.estimateFastMs) })}
      </p>
      <p className="muted" data-testid="plan-assumptions">
        {totals.messagesPerSecond !== null
          ? t('clean.plan.assumptions', { rate: formatNumber(totals.messagesPerSecond * 60, lang), upload: formatBytes(totals.uploadBytesPerSecond, lang) })
          : t('clean.plan.assumptionsNoLimit', { upload: formatBytes(totals.uploadBytesPerSecond, lang) })}
      </p>
      <div
        ref={scrollRef}
        className="clean-plan__scroll"
        role="table"
        aria-label={t('clean.plan.title')}
        aria-rowcount={(total ?? 0) + 1}
        tabIndex={0}
        data-testid="plan-table"
      >
        <div className="clean-plan__row clean-plan__head" role="row" aria-rowindex={1}>
          <div role="columnheader">{t('clean.plan.col.chat')}</div>
          <div role="columnheader">{t('clean.plan.col.action')}</div>
          <div role="columnheader" className="num">{t('clean.plan.col.messages')}</div>
          <div role="columnheader" className="num">{t('clean.plan.col.media')}</div>
          <div role="columnheader" className="num">{t('clean.plan.col.estimate')}</div>
          <div role="columnheader" className="num">{t('clean.plan.col.fast')}</div>
        </div>
        <div role="rowgroup" className="clean-plan__body" style={{ height: virtualizer.getTotalSize() }}>
          {visible.map((v) => {
            const c = itemAt(v.index);
            const style = { transform: `translateY(${v.start}px)`, height: ROW_HEIGHT };
            if (!c) return <div key={`l-${v.index}`} className="clean-plan__row" style={style} aria-hidden="true" />;
            return (
              <div key={c.chatId} role="row" aria-rowindex={v.index + 2} className={`clean-plan__row is-${c.action}`} style={style} data-testid="plan-row" data-chat-id={c.chatId} data-action={c.action}>
                <div role="cell" className="ellipsis" title={c.title}>
                  {c.title} <span className="muted">· {t(`chats.type.${c.type}`)}</span>
                </div>
                <div role="cell" className="ellipsis">
                  <span className={`clean-badge clean-badge--${c.action === 'skip' ? 'muted' : 'ok'}`}>{t(ACTION_TEXT[c.action])}</span>{' '}
                  <span className="muted">{t(REASON_TEXT[c.reason])}</span>
                </div>
                <div role="cell" className="num">{n(c.messages + c.events)}</div>
                <div role="cell" className="num">{c.media ? `${n(c.media)} · ${formatBytes(c.mediaBytes, lang)}` : '—'}</div>
                <div role="cell" className="num">{time(c.estimateMs)}</div>
                <div role="cell" className="num">{time(c.estimateFastMs)}</div>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
