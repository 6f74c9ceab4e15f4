import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FsListing } from '../../shared/ipc-contract.js';
import { listFolder, toUiError } from '../api-client.js';
import { formatBytes, formatNumber } from '../i18n/format.js';
import { errorReason } from '../i18n/messages.js';
import type { UiError } from '../stores/wizard-store.js';

interface Props {
  /** The folder to start in (null: the home folder). */
  start: string | null;
  onAdd: (paths: string[]) => void;
  onClose: () => void;
}

/**
 * The in-app folder browser (hosts without a native dialog): walk folders over `fs:list`, add a
 * file or a whole folder. A listbox: arrows move, Enter opens a folder or adds a file, Backspace
 * goes up; every action also has a button.
 */
export function FolderBrowser({ start, onAdd, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const listRef = useRef<HTMLUListElement>(null);
  const [listing, setListing] = useState<FsListing | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<{ dir: string | null; error: UiError } | null>(null);
  const [selected, setSelected] = useState(0);

  const show = useCallback((dir: string | null, focusList: boolean) => {
    return listFolder(dir).then(
      (next) => {
        setListing(next);
        setSelected(0);
        setError(null);
        setLoading(false);
        if (focusList) listRef.current?.focus();
      },
      (err: unknown) => {
        setError({ dir, error: toUiError(err) });
        setLoading(false);
      },
    );
  }, []);

  /** Navigate (from a click or a key): shows the folder once listed, or why it could not be. */
  const open = (dir: string | null, focusList = false) => {
    setLoading(true);
    return show(dir, focusList);
  };

  useEffect(() => {
    void show(start, false);
  }, [show, start]);

  useEffect(() => {
    document.getElementById(`${baseId}-opt-${selected}`)?.scrollIntoView({ block: 'nearest' });
  }, [baseId, selected]);

  const entries = listing?.entries ?? [];
  const sel = entries[selected];

  const activate = (i: number) => {
    const e = entries[i];
    if (!e) return;
    if (e.kind === 'folder') void open(e.path, true);
    else onAdd([e.path]);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const last = entries.length - 1;
    const move = (i: number) => {
      e.preventDefault();
      setSelected(Math.max(0, Math.min(last, i)));
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(selected + 1);
      case 'ArrowUp':
        return move(selected - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(last);
      case 'PageDown':
        return move(selected + 10);
      case 'PageUp':
        return move(selected - 10);
      case 'Enter':
      case ' ':
        e.preventDefault();
        return activate(selected);
      case 'Backspace':
        e.preventDefault();
        if (listing?.parent) void open(listing.parent, true);
        return;
      case 'Escape':
        e.preventDefault();
        return onClose();
      default:
        return;
    }
  };

  const placeName = (p: { name: string; path: string }) =>
    p.name === 'home' ? t('folderBrowser.place.home') : p.name === 'root' ? t('folderBrowser.place.root', { path: p.path }) : p.name;

  return (
    <section className="folder-browser" aria-labelledby={`${baseId}-title`} data-testid="folder-browser">
      <h3 id={`${baseId}-title`} className="folder-browser__title">
        {t('folderBrowser.title')}
      </h3>
      {listing && (
        <div className="folder-browser__places" role="group" aria-label={t('folderBrowser.places')}>
          {listing.places.map((p) => (
            <button key={p.name + p.path} type="button" className="button button--small" data-testid={`fb-place-${p.name}`} onClick={() => void open(p.path, true)}>
              {placeName(p)}
            </button>
          ))}
        </div>
      )}
      <div className="folder-browser__bar">
        <button
          type="button"
          className="button button--small"
          data-testid="fb-up"
          disabled={!listing?.parent || loading}
          onClick={() => listing?.parent && void open(listing.parent, true)}
        >
          ↑ {t('folderBrowser.up')}
        </button>
        <p className="folder-browser__current">
          <span className="muted">{t('folderBrowser.current')}:</span>{' '}
          <code className="path" data-testid="fb-current">
            {listing?.dir ?? '…'}
          </code>
        </p>
      </div>
      {error && (
        <div className="banner banner--error" role="alert" data-testid="fb-error">
          <div className="banner__body">
            <p>{t('error.action.list', { reason: errorReason(t, error.error.code) })}</p>
            <details className="banner__details">
              <summary>{t('banner.details')}</summary>
              <code>{error.error.message}</code>
            </details>
          </div>
          <button type="button" className="button button--quiet" onClick={() => void open(error.dir)}>
            {t('folderBrowser.retry')}
          </button>
        </div>
      )}
      {loading && !listing && <p className="muted">{t('folderBrowser.loading')}</p>}
      {listing && (
        <>
          <p className="visually-hidden" id={`${baseId}-hint`}>
            {t('folderBrowser.hint')}
          </p>
          <div className="folder-browser__columns" aria-hidden="true">
            <span>{t('folderBrowser.colName')}</span>
            <span>{t('folderBrowser.colSize')}</span>
          </div>
          <ul
            ref={listRef}
            className="folder-browser__list"
            role="listbox"
            tabIndex={0}
            aria-label={t('folderBrowser.listLabel', { dir: listing.dir })}
            aria-describedby={`${baseId}-hint`}
            aria-activedescendant={sel ? `${baseId}-opt-${selected}` : undefined}
            aria-busy={loading}
            data-testid="fb-list"
            onKeyDown={onKeyDown}
          >
            {entries.map((e, i) => (
              <li
                key={e.path}
                id={`${baseId}-opt-${i}`}
                role="option"
                aria-selected={i === selected}
                className={`folder-browser__entry is-${e.kind}${i === selected ? ' is-selected' : ''}`}
                data-testid="fb-entry"
                data-name={e.name}
                data-kind={e.kind}
                onClick={() => setSelected(i)}
                onDoubleClick={() => activate(i)}
              >
                <span className="folder-browser__name">
                  <span className={`folder-browser__icon is-${e.kind}`} aria-hidden="true" />
                  {e.name}
                </span>
                <span className="folder-browser__size">{e.kind === 'folder' ? t('folderBrowser.folder') : formatBytes(e.size, lang)}</span>
              </li>
            ))}
            {!entries.length && (
              <li className="folder-browser__empty muted" role="presentation">
                {t('folderBrowser.empty')}
              </li>
            )}
          </ul>
          {listing.omitted > 0 && <p className="muted">{t('folderBrowser.omitted', { n: formatNumber(listing.omitted, lang) })}</p>}
          <div className="folder-browser__actions">
            <button type="button" className="button" data-testid="fb-open" disabled={!sel || sel.kind !== 'folder'} onClick={() => activate(selected)}>
              {t('folderBrowser.open')}
            </button>
            <button type="button" className="button" data-testid="fb-add-selected" disabled={!sel} onClick={() => sel && onAdd([sel.path])}>
              {t('folderBrowser.addSelected')}
            </button>
            <button type="button" className="button" data-testid="fb-add-folder" onClick={() => onAdd([listing.dir])}>
              {t('folderBrowser.addFolder')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
