/**
 * A long list fetched from the app core page by page as it scrolls into view, virtualised (only the rows on
 * screen are in the page). When `key` changes (a new run, filter or search) it starts again from the first
 * page and keeps the old rows on screen until the new first page arrives (no flicker); answers that belong
 * to an older key are dropped.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

export interface PagedAnswer<T> {
  total: number;
  items: T[];
}

export interface PagedListOptions<T, A extends PagedAnswer<T>> {
  /** Identifies the list; a new key means a new list. */
  key: string;
  /** Fetches one page of the list as it was when `key` was set (the closure of that render is used). */
  fetchPage: (offset: number, limit: number) => Promise<A | null>;
  pageSize: number;
  rowHeight: number;
  overscan: number;
  scrollRef: RefObject<HTMLElement | null>;
  /** Each answer of the current list, for extra figures it carries (e.g. counts per filter). */
  onAnswer?: (answer: A) => void;
}

export function usePagedList<T, A extends PagedAnswer<T> = PagedAnswer<T>>(o: PagedListOptions<T, A>) {
  const { key, pageSize } = o;
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<ReadonlyMap<number, T[]>>(new Map());
  const current = useRef({ key, fetchPage: o.fetchPage, onAnswer: o.onAnswer });
  const loading = useRef(new Set<number>());
  /** The rows shown belong to the previous list (until the new one's first page arrives). */
  const stale = useRef(false);

  const load = useCallback(
    async (page: number) => {
      const of = current.current;
      if (loading.current.has(page)) return;
      loading.current.add(page);
      const res = await of.fetchPage(page * pageSize, pageSize);
      if (current.current.key !== of.key) return; // the list changed meanwhile
      loading.current.delete(page);
      if (!res) return;
      setTotal(res.total);
      of.onAnswer?.(res);
      const fresh = stale.current;
      stale.current = false;
      setPages((m) => (fresh ? new Map([[page, res.items]]) : new Map(m).set(page, res.items)));
    },
    [pageSize],
  );

  useEffect(() => {
    current.current = { key, fetchPage: o.fetchPage, onAnswer: o.onAnswer };
    loading.current = new Set();
    stale.current = true;
    void load(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for what fetchPage reads
  }, [key, load]);

  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => o.scrollRef.current,
    estimateSize: () => o.rowHeight,
    overscan: o.overscan,
  });
  const visible = virtualizer.getVirtualItems();
  const first = visible[0]?.index ?? 0;
  const last = visible[visible.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total === null) return;
    for (let p = Math.floor(first / pageSize); p <= Math.floor(last / pageSize); p++) if (!pages.has(p)) void load(p);
  }, [first, last, pages, total, load, pageSize]);

  const itemAt = (i: number): T | undefined => pages.get(Math.floor(i / pageSize))?.[i % pageSize];
  return { total, itemAt, virtualizer, visible };
}
