import { useCallback, useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FsListing } from '../../../shared/ipc-contract.js';
import { listFolder, toUiError } from '../../api-client.js';
import { errorReason } from '../../i18n/messages.js';
import type { UiError } from '../../stores/wizard-store.js';

interface Props {
  /** The folder to start in (null: the home folder). */
  start: string | null;
  /** Title of the picker ("Folder for the backup"). */
  title: string;
  onChoose: (dir: string) => void;
  onClose: () => void;
}

/**
 * Choosing a folder to write into, in hosts without a native dialog (the browser host). Like the
 * Sources step's folder browser (same look, same `fs:list`) but it lists folders only and ends with
 * "Use this folder". A listbox: arrows move, Enter or double-click opens, Backspace goes up,
 * Escape closes; every action also has a button.
 */
export function FolderPicker({ start, title, onChoose, onClose }: Props) {
  const { t } = useTranslation();
  const baseId = useId();
  const listRef = useRef<HTMLUListElement>(null);
  const [listing, setListing] = useState<FsListing | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<{ dir: string | null; error: UiError } | null>(null);
  const [cursor, setCursor] = useState(0);

  const show = useCallback((dir: string | null, focusList: boolean) => {
    return listFolder(dir).then(
      (next) => {
        setListing(next);
        setCursor(0);
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

  useEffect(() => {
    void show(start, false);
  }, [show, start]);

  /** Navigate (a click or a key): busy until the folder is listed, or says why it could not be. */
  const open = (dir: string | null, focusList: boolean) => {
    setLoading(true);
    void show(dir, focusList);
  };

  useEffect(() => {
    document.getElementById(`${baseId}-opt-${cursor}`)?.scrollIntoView({ block: 'nearest' });
  }, [baseId, cursor]);

  const folders = (listing?.entries ?? []).filter((e) => e.kind === 'folder');
  const atCursor = folders[cursor];

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const last = folders.length - 1;
    const move = (i: number) => {
      e.preventDefault();
      setCursor(Math.max(0, Math.min(last, i)));
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(cursor + 1);
      case 'ArrowUp':
        return move(cursor - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(last);
      case 'PageDown':
        return move(cursor + 10);
      case 'PageUp':
        return move(cursor - 10);
      case 'Enter':
        e.preventDefault();
        if (atCursor) open(atCursor.path, true);
        return;
      case 'Backspace':
        e.preventDefault();
        if (listing?.parent) open(listing.parent, true);
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
    <section className="folder-browser folder-picker" aria-labelledby={`${baseId}-title`} data-testid="folder-picker">
      <h4 id={`${baseId}-title`} className="folder-browser__title">
        {title}
      </h4>
      {listing && (
        <div className="folder-browser__places" role="group" aria-label={t('folderBrowser.places')}>
          {listing.places.map((p) => (
            <button key={p.name + p.path} type="button" className="button button--small" onClick={() => open(p.path, true)}>
              {placeName(p)}
            </button>
          ))}
        </div>
      )}
      <div className="folder-browser__bar">
        <button type="button" className="button button--small" data-testid="fp-up" disabled={!listing?.parent || loading} onClick={() => listing?.parent && open(listing.parent, true)}>
          ↑ {t('folderBrowser.up')}
        </button>
        <p className="folder-browser__current">
          <span className="muted">{t('folderBrowser.current')}:</span>{' '}
          <code className="path" data-testid="fp-current">
            {listing?.dir ?? '…'}
          </code>
        </p>
      </div>
      {error && (
        <div className="banner banner--error" role="alert" data-testid="fp-error">
          <div className="banner__body">
            <p>{t('error.action.list', { reason: errorReason(t, error.error.code) })}</p>
            <details className="banner__details">
              <summary>{t('banner.details')}</summary>
              <code>{error.error.message}</code>
            </details>
          </div>
          <button type="button" className="button button--quiet" onClick={() => open(error.dir, false)}>
            {t('folderBrowser.retry')}
          </button>
        </div>
      )}
      {loading && !listing && <p className="muted">{t('folderBrowser.loading')}</p>}
      {listing && (
        <>
          <p className="visually-hidden" id={`${baseId}-hint`}>
            {t('backup.picker.hint')}
          </p>
          <ul
            ref={listRef}
            className="folder-browser__list"
            role="listbox"
            tabIndex={0}
            aria-label={t('folderBrowser.listLabel', { dir: listing.dir })}
            aria-describedby={`${baseId}-hint`}
            aria-activedescendant={atCursor ? `${baseId}-opt-${cursor}` : undefined}
            aria-busy={loading}
            data-testid="fp-list"
            onKeyDown={onKeyDown}
          >
            {folders.map((e, i) => (
              <li
                key={e.path}
                id={`${baseId}-opt-${i}`}
                role="option"
                aria-selected={i === cursor}
                className={`folder-browser__entry is-folder${i === cursor ? ' is-selected is-cursor' : ''}`}
                data-testid="fp-entry"
                data-name={e.name}
                onClick={() => setCursor(i)}
                onDoubleClick={() => open(e.path, true)}
              >
                <span className="folder-browser__name">
                  <span className="folder-browser__icon is-folder" aria-hidden="true" />
                  <span className="folder-browser__label">{e.name}</span>
                </span>
                <span className="folder-browser__size">{t('folderBrowser.folder')}</span>
              </li>
            ))}
            {!folders.length && (
              <li className="folder-browser__empty muted" role="presentation">
                {t('backup.picker.noSubfolders')}
              </li>
            )}
          </ul>
          <div className="folder-browser__actions">
            <button type="button" className="button" data-testid="fp-open" disabled={!atCursor} onClick={() => atCursor && open(atCursor.path, true)}>
              {t('folderBrowser.open')}
            </button>
            <button type="button" className="button button--primary" data-testid="fp-choose" onClick={() => onChoose(listing.dir)}>
              {t('backup.picker.useThis')}
            </button>
            <button type="button" className="button button--quiet" onClick={onClose}>
              {t('backup.picker.close')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}
