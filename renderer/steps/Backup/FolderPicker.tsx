import { useCallback, useEffect, useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { FolderNav, useFolderListing } from '../../components/FolderNav.js';

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
  const [cursor, setCursor] = useState(0);
  const toTop = useCallback(() => setCursor(0), []);
  const nav = useFolderListing(start, toTop);
  const { listing, loading, open, listRef } = nav;

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
        if (atCursor) void open(atCursor.path, true);
        return;
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

  return (
    <section className="folder-browser folder-picker" aria-labelledby={`${baseId}-title`} data-testid="folder-picker">
      <h4 id={`${baseId}-title`} className="folder-browser__title">
        {title}
      </h4>
      <FolderNav nav={nav} prefix="fp" />
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
                onDoubleClick={() => void open(e.path, true)}
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
            <button type="button" className="button" data-testid="fp-open" disabled={!atCursor} onClick={() => atCursor && void open(atCursor.path, true)}>
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
