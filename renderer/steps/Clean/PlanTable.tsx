import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CleanPlanRow, CleanPlanTotals } from '../../../shared/ipc/clean.js';
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
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<ReadonlyMap<number, CleanPlanRow[]>>(new Map());
  const scrollRef = useRef<HTMLDivElement>(null);
  const key = `${workId}:${version}`;
  const keyRef = useRef(key);
  const loading = useRef(new Set<number>());
  const stale = useRef(false);

  const load = useCallback(async (page: number) => {
    const of = keyRef.current;
    if (loading.current.has(page)) return;
    loading.current.add(page);
    const res = await planPage(of.slice(0, of.indexOf(':')), page * PAGE, PAGE);
    if (keyRef.current !== of) return;
    loading.current.delete(page);
    if (!res) return;
    setTotal(res.total);
    const fresh = stale.current;
    stale.current = false;
    setPages((m) => (fresh ? new Map([[page, res.items]]) : new Map(m).set(page, res.items)));
  }, []);

  useEffect(() => {
    keyRef.current = key;
    loading.current = new Set();
    stale.current = true;
    void load(0);
  }, [key, load]);

  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: total ?? 0, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const visible = virtualizer.getVirtualItems();
  const first = visible[0]?.index ?? 0;
  const last = visible[visible.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total === null) return;
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) if (!pages.has(p)) void load(p);
  }, [first, last, pages, total, load]);

  const n = (v: number) => formatNumber(v, lang);
  const time = (ms: number) => (ms > 0 ? formatDuration(ms, lang) : '—');
  const itemAt = (i: number) => pages.get(Math.floor(i / PAGE))?.[i % PAGE];

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
