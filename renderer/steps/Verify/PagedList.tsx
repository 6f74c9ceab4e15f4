import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type ReactNode } from 'react';

const PAGE = 100;

interface Props<T> {
  /** Changes when the list must be fetched again (another set, another filter, a new report). */
  listKey: string;
  total: number;
  fetchPage: (offset: number, limit: number) => Promise<T[]>;
  rowHeight: number;
  renderRow: (item: T, index: number) => ReactNode;
  /** Placeholder while a row's page is loading. */
  loading: string;
  label: string;
  testId: string;
  maxHeight?: number;
}

/**
 * A long list fetched from the core page by page and virtualised: only the rows in view are in the page,
 * so a report with 100 000 chats scrolls like one with ten.
 */
export function PagedList<T>({ listKey, total, fetchPage, rowHeight, renderRow, loading, label, testId, maxHeight = 420 }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [rows, setRows] = useState<Map<number, T>>(new Map());
  const pending = useRef<Set<number>>(new Set());
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 8 });
  const items = virtualizer.getVirtualItems();

  // A new list (another set, filter or report): forget the rows; answers for the old list are dropped.
  const generation = useRef(0);
  useEffect(() => {
    generation.current++;
    setRows(new Map());
    pending.current = new Set();
    virtualizer.scrollToOffset(0);
  }, [listKey, virtualizer]);

  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    const gen = generation.current;
    for (let page = Math.floor(first / PAGE); page <= Math.floor(last / PAGE); page++) {
      if (pending.current.has(page)) continue;
      pending.current.add(page);
      void fetchPage(page * PAGE, PAGE).then(
        (got) => {
          if (gen !== generation.current) return;
          setRows((prev) => {
            const next = new Map(prev);
            got.forEach((item, i) => next.set(page * PAGE + i, item));
            return next;
          });
        },
        () => {
          if (gen === generation.current) pending.current.delete(page);
        },
      );
    }
  }, [first, last, listKey, fetchPage]);

  return (
    <div ref={scrollRef} className="finish-list" style={{ maxHeight }} role="list" aria-label={label} data-testid={testId} data-total={total} tabIndex={0}>
      <div className="finish-list__inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((v) => {
          const item = rows.get(v.index);
          return (
            <div key={v.key} role="listitem" className="finish-list__row" style={{ transform: `translateY(${v.start}px)`, height: rowHeight }} data-index={v.index}>
              {item === undefined ? <span className="muted">{loading}</span> : renderRow(item, v.index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
