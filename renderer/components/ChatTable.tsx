import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatSummary } from '../../shared/model/index.js';
import { formatDate, formatNumber } from '../i18n/format.js';

export interface ChatRow extends ChatSummary {
  /** Unique in the table (the same chat id can come from two sources). */
  key: string;
  /** The source the chat was read from. */
  source: string;
}

type SortColumn = 'include' | 'title' | 'priority' | 'type' | 'members' | 'messages' | 'events' | 'media' | 'firstAt' | 'lastAt' | 'last90';
type SortDir = 'asc' | 'desc';

interface Props {
  rows: ChatRow[];
  excluded: Record<string, true>;
  onToggle: (chatId: string) => void;
  onSetIncluded: (chatIds: string[], included: boolean) => void;
  /** The row whose details are shown (by key), if any. */
  selectedKey?: string | null;
  /** The user picked a row (its title) to see its details. */
  onSelect?: (row: ChatRow) => void;
}

const ROW_HEIGHT = 44;
const COLUMNS: SortColumn[] = ['include', 'title', 'priority', 'type', 'members', 'messages', 'events', 'media', 'firstAt', 'lastAt', 'last90'];
const NONE: Record<string, true> = {};
const NUMERIC = new Set<SortColumn>(['members', 'messages', 'events', 'media', 'last90']);

interface Prepared {
  row: ChatRow;
  lower: string;
  first: number;
  last: number;
}

/** Priority order: high first; a chat without a suggestion last. */
const PRIORITY_RANK = { high: 0, normal: 1, low: 2 } as const;
const priorityRank = (row: ChatRow) => (row.priority ? PRIORITY_RANK[row.priority.level] : 3);

const ts = (iso: string | null) => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? Number.NaN : t;
};

/**
 * Every chat found, one row each: tick to move it (privacy opt-out), sort by any column, filter by
 * name. Virtualised: only the visible rows are in the DOM, so 100 000 chats scroll smoothly.
 */
export function ChatTable({ rows, excluded, onToggle, onSetIncluded, selectedKey = null, onSelect }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ col: SortColumn; dir: SortDir }>({ col: 'priority', dir: 'asc' });
  const deferredFilter = useDeferredValue(filter);
  const scrollRef = useRef<HTMLDivElement>(null);

  const prepared = useMemo<Prepared[]>(
    () => rows.map((row) => ({ row, lower: row.title.toLocaleLowerCase(lang), first: ts(row.firstAt), last: ts(row.lastAt) })),
    [rows, lang],
  );

  // The include state only matters to the order when sorting by that column.
  const sortExcluded = sort.col === 'include' ? excluded : NONE;
  const shown = useMemo(() => {
    const needle = deferredFilter.trim().toLocaleLowerCase(lang);
    const list = needle ? prepared.filter((p) => p.lower.includes(needle)) : prepared.slice();
    const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
    const sign = sort.dir === 'asc' ? 1 : -1;
    const num = (p: Prepared): number => {
      switch (sort.col) {
        case 'include':
          return sortExcluded[p.row.id] ? 0 : 1;
        case 'members':
          return p.row.members;
        case 'messages':
          return p.row.messages;
        case 'events':
          return p.row.events;
        case 'media':
          return p.row.attachments;
        case 'last90':
          return p.row.last90;
        case 'firstAt':
          return p.first;
        case 'lastAt':
          return p.last;
        default:
          return 0;
      }
    };
    list.sort((a, b) => {
      let c: number;
      if (sort.col === 'title') c = collator.compare(a.row.title, b.row.title);
      else if (sort.col === 'type') c = collator.compare(t(`chats.type.${a.row.type}`), t(`chats.type.${b.row.type}`));
      else if (sort.col === 'priority') {
        c = priorityRank(a.row) - priorityRank(b.row);
        // Same priority: the most recent chat first, whichever way the column is sorted; no date last.
        if (c === 0) {
          const x = a.last;
          const y = b.last;
          if (Number.isNaN(x) || Number.isNaN(y)) {
            if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
          } else if (x !== y) return y - x;
        }
      }
      else {
        const x = num(a);
        const y = num(b);
        // Missing dates go last whichever way the column is sorted.
        if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? 0 : Number.isNaN(x) ? 1 : -1;
        c = x - y;
      }
      return c === 0 ? collator.compare(a.row.title, b.row.title) : c * sign;
    });
    return list;
  }, [prepared, deferredFilter, sort, lang, t, sortExcluded]);

  // The React Compiler is not used here, so the virtualizer's unmemoisable functions are fine.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  useEffect(() => {
    virtualizer.scrollToOffset(0);
  }, [deferredFilter, sort, virtualizer]);

  const shownIds = useMemo(() => shown.map((p) => p.row.id), [shown]);
  const includedShown = shownIds.reduce((n, id) => (excluded[id] ? n : n + 1), 0);
  const allShownIncluded = shownIds.length > 0 && includedShown === shownIds.length;
  const someShownIncluded = includedShown > 0 && !allShownIncluded;
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = someShownIncluded;
  }, [someShownIncluded]);

  const clickSort = (col: SortColumn) =>
    setSort((s) => (s.col === col ? { col, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { col, dir: col !== 'priority' && (NUMERIC.has(col) || col === 'lastAt' || col === 'firstAt') ? 'desc' : 'asc' }));

  const ariaSort = (col: SortColumn) => (sort.col === col ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
  const n = (v: number) => formatNumber(v, lang);

  return (
    <div className="chat-table" data-testid="chat-table">
      <div className="chat-table__toolbar">
        <label className="field">
          <span className="field__label">{t('chats.filterLabel')}</span>
          <input
            type="search"
            className="input"
            value={filter}
            placeholder={t('chats.filterPlaceholder')}
            data-testid="chat-filter"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setFilter(e.target.value)}
          />
        </label>
        <p className="chat-table__shown muted" data-testid="chats-shown" aria-live="polite">
          {t('chats.shown', { shown: n(shown.length) })}
        </p>
      </div>
      <div
        ref={scrollRef}
        className="chat-table__scroll"
        role="table"
        aria-label={t('chats.title')}
        aria-rowcount={shown.length + 1}
        // Focusable, so keyboard users can scroll past the rows currently rendered (arrows, Page Down).
        tabIndex={0}
      >
        <div className="chat-table__row chat-table__head" role="row" aria-rowindex={1}>
          {COLUMNS.map((col) => (
            <div key={col} role="columnheader" aria-sort={ariaSort(col)} className={`chat-table__cell col-${col}`}>
              {col === 'include' && (
                <input
                  ref={headerBox}
                  type="checkbox"
                  className="checkbox"
                  checked={allShownIncluded}
                  disabled={!shownIds.length}
                  aria-label={t('chats.includeAll')}
                  title={t('chats.includeAll')}
                  data-testid="include-all"
                  onChange={() => onSetIncluded(shownIds, !allShownIncluded)}
                />
              )}
              <button type="button" className="chat-table__sort" data-testid={`sort-${col}`} onClick={() => clickSort(col)}>
                {col === 'include' ? <span className="visually-hidden">{t('chats.col.include')}</span> : t(`chats.col.${col}`)}
                {sort.col === col && (
                  <>
                    {/* A break opportunity: in a narrow column the mark goes below the heading, never clips it. */}
                    <wbr />
                    <span className="chat-table__sort-mark" aria-hidden="true">
                      {sort.dir === 'asc' ? '▲' : '▼'}
                    </span>
                    <span className="visually-hidden">, {t(sort.dir === 'asc' ? 'chats.sortAsc' : 'chats.sortDesc')}</span>
                  </>
                )}
              </button>
            </div>
          ))}
        </div>
        <div role="rowgroup" className="chat-table__body" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((v) => {
            const item = shown[v.index];
            if (!item) return null;
            const { row } = item;
            const included = !excluded[row.id];
            const selected = row.key === selectedKey;
            return (
              <div
                key={row.key}
                role="row"
                aria-rowindex={v.index + 2}
                className={`chat-table__row${included ? '' : ' is-excluded'}${selected ? ' is-selected' : ''}`}
                data-selected={selected}
                data-testid="chat-row"
                data-chat-id={row.id}
                style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
              >
                <div role="cell" className="chat-table__cell col-include">
                  <input
                    type="checkbox"
                    className="checkbox"
                    checked={included}
                    aria-label={t('chats.includeChat', { title: row.title })}
                    data-testid="chat-include"
                    onChange={() => onToggle(row.id)}
                  />
                </div>
                <div role="cell" className="chat-table__cell col-title" title={`${row.title}\n${row.source}`}>
                  {onSelect ? (
                    <button
                      type="button"
                      className="chat-table__select ellipsis"
                      aria-pressed={selected}
                      aria-label={t('chats.showDetails', { title: row.title })}
                      data-testid="chat-select"
                      onClick={() => onSelect(row)}
                    >
                      {row.title}
                    </button>
                  ) : (
                    <span className="ellipsis">{row.title}</span>
                  )}
                </div>
                <div role="cell" className="chat-table__cell col-priority" data-testid="chat-priority" data-level={row.priority?.level ?? ''}>
                  <PriorityBadge priority={row.priority} />
                </div>
                <div role="cell" className="chat-table__cell col-type">
                  {t(`chats.type.${row.type}`)}
                  {row.left && (
                    <span className="tag" title={t('chats.leftChat')}>
                      {t('chats.left')}
                    </span>
                  )}
                </div>
                <div role="cell" className="chat-table__cell col-members num">{n(row.members)}</div>
                <div role="cell" className="chat-table__cell col-messages num">{n(row.messages)}</div>
                <div role="cell" className="chat-table__cell col-events num">{n(row.events)}</div>
                <div role="cell" className="chat-table__cell col-media num">
                  <span>{n(row.attachments)}</span>
                  {row.attachmentsMissing > 0 && <span className="missing">{t('chats.missing', { n: n(row.attachmentsMissing) })}</span>}
                </div>
                <div role="cell" className="chat-table__cell col-firstAt">{formatDate(row.firstAt, lang, 'compact')}</div>
                <div role="cell" className="chat-table__cell col-lastAt">{formatDate(row.lastAt, lang, 'compact')}</div>
                <div role="cell" className="chat-table__cell col-last90 num">{n(row.last90)}</div>
              </div>
            );
          })}
        </div>
        {!shown.length && (
          <p className="chat-table__empty muted" data-testid="chats-empty">
            {rows.length ? t('chats.noMatch', { filter: deferredFilter }) : t('chats.empty')}
          </p>
        )}
      </div>
    </div>
  );
}

/** The suggested priority as a badge (colour and word) with its reasons in short words below. */
export function PriorityBadge({ priority }: { priority: ChatRow['priority'] }) {
  const { t } = useTranslation();
  if (!priority) return <span className="muted">—</span>;
  const reasons = priority.reasons.map((r) => t(`priority.reason.${r}`)).join(' · ');
  return (
    <span className="priority" title={reasons ? `${t(`priority.level.${priority.level}`)}: ${reasons}` : t(`priority.level.${priority.level}`)}>
      <span className={`priority__badge priority__badge--${priority.level}`}>{t(`priority.level.${priority.level}`)}</span>
      {reasons && <span className="priority__reasons">{reasons}</span>}
    </span>
  );
}
