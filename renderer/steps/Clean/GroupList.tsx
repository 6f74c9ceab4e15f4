import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CleanGroupsPage, CleanGroupView, GroupFilter } from '../../../shared/ipc/clean.js';
import { usePagedList } from '../../components/use-paged-list.js';
import { formatNumber } from '../../i18n/format.js';
import { groupsPage } from './clean-actions.js';
import { useCleanStore } from './clean-store.js';
import { reasonText, statusText, statusTone } from './reason-text.js';

const PAGE = 100;
const ROW_HEIGHT = 78;
const FILTERS: { id: GroupFilter; label: string }[] = [
  { id: 'all', label: 'clean.groups.filter.all' },
  { id: 'review', label: 'clean.groups.filter.review' },
  { id: 'strong', label: 'clean.groups.filter.strong' },
  { id: 'weak', label: 'clean.groups.filter.weak' },
  { id: 'decided', label: 'clean.groups.filter.decided' },
  { id: 'unapplied', label: 'clean.groups.filter.unapplied' },
];

interface Props {
  workId: string;
}

/**
 * Every duplicate group of the last run, fetched from the app core page by page as it scrolls into
 * view (virtualised: only the rows on screen are in the page). A listbox: arrows move, Home/End and
 * Page Up/Down jump, Enter or Space opens the group; the filter and the search narrow it.
 */
export function GroupList({ workId }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const version = useCleanStore((s) => s.version);
  const filter = useCleanStore((s) => s.filter);
  const query = useCleanStore((s) => s.query);
  const setFilter = useCleanStore((s) => s.setFilter);
  const setQuery = useCleanStore((s) => s.setQuery);
  const selectedId = useCleanStore((s) => s.selected?.id ?? null);
  const select = useCleanStore((s) => s.select);

  const [typed, setTyped] = useState(query);
  const [counts, setCounts] = useState<Record<GroupFilter, number> | null>(null);
  const [rawCursor, setCursor] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  // The search waits for a pause in typing.
  useEffect(() => {
    const timer = setTimeout(() => setQuery(typed), 200);
    return () => clearTimeout(timer);
  }, [typed, setQuery]);

  // A new list (filter, search, decisions, a new run) starts again from its first page, keeping the position.
  const { total, itemAt, virtualizer, visible } = usePagedList<CleanGroupView, CleanGroupsPage>({
    key: JSON.stringify([workId, version, filter, query]),
    fetchPage: (offset, limit) => groupsPage(workId, filter, query, offset, limit),
    pageSize: PAGE,
    rowHeight: ROW_HEIGHT,
    overscan: 8,
    scrollRef,
    onAnswer: (res) => setCounts(res.counts),
  });

  // The cursor stays on the list when it gets shorter.
  const cursor = total === null ? rawCursor : Math.min(rawCursor, Math.max(0, total - 1));


  const move = (to: number) => {
    const max = (total ?? 0) - 1;
    if (max < 0) return;
    const i = Math.max(0, Math.min(max, to));
    setCursor(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 5) / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(cursor + 1),
      ArrowUp: () => move(cursor - 1),
      Home: () => move(0),
      End: () => move((total ?? 1) - 1),
      PageDown: () => move(cursor + page),
      PageUp: () => move(cursor - page),
      Enter: () => {
        const g = itemAt(cursor);
        if (g) select(g);
      },
      ' ': () => {
        const g = itemAt(cursor);
        if (g) select(g);
      },
    };
    const fn = keys[e.key];
    if (!fn) return;
    e.preventDefault();
    fn();
  };

  const n = (v: number) => formatNumber(v, lang);
  const cursorItem = itemAt(cursor);

  return (
    <div className="clean-groups" data-testid="group-list">
      <div className="clean-groups__toolbar">
        <label className="field">
          <span className="field__label">{t('clean.groups.filterLabel')}</span>
          <select className="input" value={filter} data-testid="group-filter" onChange={(e) => setFilter(e.target.value as GroupFilter)}>
            {FILTERS.map((f) => (
              <option key={f.id} value={f.id}>
                {counts ? `${t(f.label)} (${n(counts[f.id])})` : t(f.label)}
              </option>
            ))}
          </select>
        </label>
        <label className="field clean-groups__search">
          <span className="field__label">{t('clean.groups.searchLabel')}</span>
          <input
            type="search"
            className="input"
            value={typed}
            placeholder={t('clean.groups.searchPlaceholder')}
            data-testid="group-search"
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
        <p className="muted clean-groups__shown" aria-live="polite" data-testid="groups-shown">
          {total === null ? t('clean.groups.loading') : t('clean.groups.shown', { n: n(total) })}
        </p>
      </div>
      <p className="visually-hidden" id={`${baseId}-hint`}>
        {t('clean.groups.keyboardHint')}
      </p>
      <div
        ref={scrollRef}
        className="clean-groups__scroll"
        role="listbox"
        tabIndex={0}
        aria-label={t('clean.groups.listLabel')}
        aria-describedby={`${baseId}-hint`}
        aria-activedescendant={cursorItem ? `${baseId}-g-${cursor}` : undefined}
        data-testid="group-listbox"
        onKeyDown={onKeyDown}
      >
        <div className="clean-groups__body" style={{ height: virtualizer.getTotalSize() }}>
          {visible.map((v) => {
            const g = itemAt(v.index);
            const style = { transform: `translateY(${v.start}px)`, height: ROW_HEIGHT };
            if (!g) {
              return (
                <div key={`loading-${v.index}`} className="clean-group is-loading" style={style} aria-hidden="true">
                  <span className="muted">{t('clean.groups.loading')}</span>
                </div>
              );
            }
            const status = statusText(g);
            const reasons = g.reasons.map((r) => {
              const x = reasonText(r);
              return t(x.key, x.params);
            });
            return (
              <div
                key={g.id}
                id={`${baseId}-g-${v.index}`}
                role="option"
                aria-selected={g.id === selectedId}
                className={`clean-group${g.id === selectedId ? ' is-selected' : ''}${v.index === cursor ? ' is-cursor' : ''}`}
                data-testid="group-row"
                data-group-id={g.id}
                data-strength={g.strength}
                data-decision={g.decision}
                data-applied={g.applied}
                style={style}
                onClick={() => {
                  setCursor(v.index);
                  select(g);
                }}
              >
                <div className="clean-group__line">
                  <span className="clean-group__name ellipsis" data-testid="group-name">
                    {g.name || t('clean.groups.noName')}
                  </span>
                  <span className="muted clean-group__count">{t('clean.groups.members', { n: n(g.members.length) })}</span>
                </div>
                <span className="clean-group__reasons ellipsis" data-testid="group-reasons" title={reasons.join(' · ')}>
                  {reasons.join(' · ')}
                </span>
                <div className="clean-group__line clean-group__badges">
                  <span className={`clean-badge clean-badge--${g.strength}`}>{t(g.strength === 'strong' ? 'clean.strength.strong' : 'clean.strength.weak')}</span>
                  <span className={`clean-badge clean-badge--${statusTone(g)}`} data-testid="group-status">
                    {t(status.key)}
                    {!g.applied && <span className="clean-badge__note"> · {t('clean.status.notApplied')}</span>}
                  </span>
                </div>
              </div>
            );
          })}
        </div>
        {total === 0 && (
          <p className="muted clean-groups__empty" data-testid="groups-empty">
            {query ? t('clean.groups.noMatch', { query }) : filter === 'all' ? t('clean.groups.empty') : t('clean.groups.emptyFilter')}
          </p>
        )}
      </div>
    </div>
  );
}
