import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useDeferredValue, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MatrixPeoplePage, MatrixPerson } from '../../../shared/ipc/matrix.js';
import { toUiError } from '../../api-client.js';
import { formatNumber } from '../../i18n/format.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { mapPerson, peoplePage, type MatrixSources } from './matrix-actions.js';
import { useMatrixStore } from './matrix-store.js';

const PAGE = 100;
type Filter = 'all' | 'unmapped' | 'mapped' | 'suggested';
const FILTERS: Filter[] = ['all', 'unmapped', 'suggested', 'mapped'];
const MXID = /^@[^:\s]+:[^\s]+$/;
const FILTER_TEXT = {
  all: 'matrix.people.filter.all',
  unmapped: 'matrix.people.filter.unmapped',
  suggested: 'matrix.people.filter.suggested',
  mapped: 'matrix.people.filter.mapped',
} as const;
const SUGGESTED_TEXT = {
  email: 'matrix.people.suggested.email',
  phone: 'matrix.people.suggested.phone',
  name: 'matrix.people.suggested.name',
  self: 'matrix.people.suggested.self',
} as const;

/**
 * The old participants (from the Clean step), one row each, virtualised and fetched page by page: the account
 * each one has, the directory's suggestion to accept, or a field to type one; Clear puts them back to their old
 * name. Keyboard: Tab through the buttons, Enter saves and Escape cancels an edit.
 */
export function PeopleList({ sources }: { sources: MatrixSources }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const signedIn = useMatrixStore((s) => !!s.session?.signedIn);
  /** The signed-in account: "This is me" maps a person to it (exports such as WhatsApp's do not say who exported them). */
  const me = useMatrixStore((s) => (s.session?.signedIn ? s.session.userId : null));
  const version = useMatrixStore((s) => s.peopleVersion);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [filter, setFilter] = useState<Filter>('all');
  const [pages, setPages] = useState<Map<number, MatrixPerson[]>>(new Map());
  const [meta, setMeta] = useState<Omit<MatrixPeoplePage, 'items'> | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [editing, setEditing] = useState<{ id: string; draft: string; invalid: boolean } | null>(null);
  const [saving, setSaving] = useState<string | null>(null);
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  const fetchPage = useCallback(
    async (page: number, gen: number) => {
      if (inflight.current.has(page)) return;
      inflight.current.add(page);
      try {
        const r = await peoplePage({ ...sources, offset: page * PAGE, limit: PAGE, filter, suggest: signedIn, ...(deferredQuery.trim() ? { query: deferredQuery.trim() } : {}) });
        if (gen !== generation.current) return;
        const { items, ...rest } = r;
        setMeta(rest);
        setPages((m) => new Map(m).set(page, items));
        setError(null);
      } catch (err) {
        if (gen === generation.current) setError(toUiError(err));
      } finally {
        inflight.current.delete(page);
      }
    },
    [sources, filter, signedIn, deferredQuery],
  );

  useEffect(() => {
    generation.current++;
    inflight.current.clear();
    setPages(new Map());
    void fetchPage(0, generation.current);
  }, [fetchPage, version]);

  const total = meta?.matching ?? 0;
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scrollRef.current, estimateSize: () => 76, overscan: 8 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) if (!pages.has(p)) void fetchPage(p, generation.current);
  }, [first, last, pages, fetchPage]);

  const replace = (person: MatrixPerson) =>
    setPages((m) => {
      const next = new Map(m);
      for (const [k, list] of next) if (list.some((x) => x.id === person.id)) next.set(k, list.map((x) => (x.id === person.id ? person : x)));
      return next;
    });

  const save = async (person: MatrixPerson, account: string | null) => {
    setSaving(person.id);
    setError(null);
    try {
      const r = await mapPerson({ ...sources, personId: person.id, account });
      replace(r.person);
      setEditing(null);
      // The counts at the top change too.
      const m = await peoplePage({ ...sources, offset: 0, limit: 1, filter: 'all' });
      setMeta((old) => (old ? { ...old, counts: m.counts } : old));
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSaving(null);
    }
  };

  const commitEdit = (person: MatrixPerson) => {
    if (!editing) return;
    const v = editing.draft.trim();
    if (!MXID.test(v)) setEditing({ ...editing, invalid: true });
    else void save(person, v);
  };

  const n = (v: number) => formatNumber(v, lang);
  return (
    <div className="people" data-testid="people-list" data-total={meta?.total ?? ''}>
      <div className="people__toolbar">
        <label className="field">
          <span className="field__label">{t('matrix.people.search')}</span>
          <input type="search" className="input" value={query} data-testid="people-search" onChange={(e) => setQuery(e.target.value)} />
        </label>
        <label className="field">
          <span className="field__label">{t('matrix.people.show')}</span>
          <select className="input" value={filter} data-testid="people-filter" onChange={(e) => setFilter(e.target.value as Filter)}>
            {FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(FILTER_TEXT[f])}
              </option>
            ))}
          </select>
        </label>
        {meta && (
          <p className="muted people__counts" data-testid="people-counts" aria-live="polite">
            {t('matrix.people.counts', { total: n(meta.total), mapped: n(meta.counts.mapped), suggested: n(meta.counts.suggested) })}
          </p>
        )}
      </div>
      <p className="muted">{t('matrix.people.oldName')}</p>
      {meta?.suggestProblem && <p className="note note--warning">{t('matrix.people.suggestProblem')}</p>}
      <CallError error={error} what={t('matrix.what.people')} testId="people-error" />
      {meta && total === 0 && <p className="muted" data-testid="people-empty">{t('matrix.people.none')}</p>}
      <div ref={scrollRef} className="people__scroll" role="list" aria-label={t('matrix.people.title')} tabIndex={0}>
        <div className="people__body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((v) => {
            const person = pages.get(Math.floor(v.index / PAGE))?.[v.index % PAGE];
            return (
              <div key={v.key} role="listitem" className="people__row" data-index={v.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${v.start}px)` }}
                data-testid="person-row" data-person={person?.id ?? ''} data-name={person?.name ?? ''} data-account={person?.account ?? ''}>
                {!person ? (
                  <span className="muted">{t('matrix.loading')}</span>
                ) : (
                  <>
                    <div className="people__who">
                      <strong className="people__name">{person.name || t('matrix.people.noName')}</strong>
                      {person.self && <span className="badge">{t('matrix.people.you')}</span>}
                      <span className="muted people__facts">
                        {t('matrix.people.facts', { messages: n(person.messages), chats: n(person.chats), networks: person.networks.join(', ') })}
                      </span>
                    </div>
                    <div className="people__account">
                      {editing?.id === person.id ? (
                        <div className="people__edit">
                          <input
                            className="input"
                            autoFocus
                            value={editing.draft}
                            aria-label={t('matrix.people.accountFor', { name: person.name })}
                            aria-invalid={editing.invalid}
                            placeholder="@name:server"
                            data-testid="person-input"
                            onChange={(e) => setEditing({ id: person.id, draft: e.target.value, invalid: false })}
                            onKeyDown={(e: KeyboardEvent<HTMLInputElement>) => {
                              if (e.key === 'Enter') commitEdit(person);
                              if (e.key === 'Escape') setEditing(null);
                            }}
                          />
                          <button type="button" className="button button--small button--primary" data-testid="person-save" disabled={saving === person.id} onClick={() => commitEdit(person)}>
                            {t('matrix.people.save')}
                          </button>
                          <button type="button" className="button button--small" onClick={() => setEditing(null)}>
                            {t('matrix.people.cancel')}
                          </button>
                          {editing.invalid && (
                            <p className="people__invalid" role="alert">
                              {t('matrix.people.badAccount')}
                            </p>
                          )}
                        </div>
                      ) : person.account ? (
                        <div className="people__state" data-state="mapped">
                          <code data-testid="person-account">{person.account}</code>
                          <button type="button" className="button button--small" data-testid="person-change" onClick={() => setEditing({ id: person.id, draft: person.account ?? '', invalid: false })}>
                            {t('matrix.people.change')}
                          </button>
                          <button type="button" className="button button--small button--quiet" data-testid="person-clear" disabled={saving === person.id} onClick={() => save(person, null)}>
                            {t('matrix.people.clear')}
                          </button>
                        </div>
                      ) : (
                        <div className="people__state" data-state={person.suggestion ? 'suggested' : 'unmapped'}>
                          {person.suggestion ? (
                            <span>
                              {t(SUGGESTED_TEXT[person.suggestion.by])} <code data-testid="person-suggestion">{person.suggestion.account}</code>
                            </span>
                          ) : person.candidates.length ? (
                            <span>{t('matrix.people.candidates', { list: person.candidates.slice(0, 3).join(', ') })}</span>
                          ) : (
                            <span className="muted">{person.mappable ? t('matrix.people.keepsName') : t('matrix.people.unmappable')}</span>
                          )}
                          {person.suggestion && person.mappable && (
                            <button type="button" className="button button--small button--primary" data-testid="person-accept" disabled={saving === person.id} onClick={() => save(person, person.suggestion!.account)}>
                              {t('matrix.people.accept')}
                            </button>
                          )}
                          {person.mappable && (
                            <button type="button" className="button button--small" data-testid="person-set" onClick={() => setEditing({ id: person.id, draft: person.suggestion?.account ?? person.candidates[0] ?? '', invalid: false })}>
                              {person.suggestion ? t('matrix.people.change') : t('matrix.people.set')}
                            </button>
                          )}
                          {person.mappable && me && !person.self && person.suggestion?.account !== me && (
                            <button type="button" className="button button--small button--quiet" data-testid="person-me" disabled={saving === person.id} title={t('matrix.people.thisIsMeHint', { account: me })} onClick={() => save(person, me)}>
                              {t('matrix.people.thisIsMe')}
                            </button>
                          )}
                        </div>
                      )}
                      {person.conflict.length > 0 && <p className="note note--warning">{t('matrix.people.conflict', { list: person.conflict.join(', ') })}</p>}
                    </div>
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
