import { useCallback, useEffect, useId, useMemo, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes, formatNumber } from '../i18n/format.js';
import { entryLook, extensionList, isExportFileName } from './export-files.js';
import { FolderNav, useFolderListing } from './FolderNav.js';

interface Props {
  /** The folder to start in (null: the home folder). */
  start: string | null;
  onAdd: (paths: string[]) => void;
  onClose: () => void;
}

/**
 * The in-app folder browser (hosts without a native dialog): walk folders over `fs:list`, add files
 * (several at once) or a whole folder. By default it lists folders and the files the parsers read
 * (.json, .txt, .zip, .vcf, .vcard, .csv); a box shows every file. A multi-select listbox: arrows
 * move, Shift+arrows or Space select several, Ctrl+A selects all, Enter opens a folder or adds the
 * selection, Backspace goes up; mouse: click, Ctrl/⌘-click, Shift-click, double-click. Every action
 * also has a button.
 */
export function FolderBrowser({ start, onAdd, onClose }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  const [onlyExports, setOnlyExports] = useState(true);
  /** The entry with keyboard focus (index into the shown entries). */
  const [cursor, setCursor] = useState(0);
  /** Explicitly selected paths; null: the selection is simply the entry at the cursor. */
  const [marked, setMarked] = useState<ReadonlySet<string> | null>(null);
  const [anchor, setAnchor] = useState(0);

  const resetSelection = useCallback(() => {
    setCursor(0);
    setAnchor(0);
    setMarked(null);
  }, []);
  const nav = useFolderListing(start, resetSelection);
  const { listing, loading, open, listRef } = nav;

  useEffect(() => {
    document.getElementById(`${baseId}-opt-${cursor}`)?.scrollIntoView({ block: 'nearest' });
  }, [baseId, cursor]);

  const all = listing?.entries;
  const entries = useMemo(() => (all ?? []).filter((e) => !onlyExports || e.kind === 'folder' || isExportFileName(e.name)), [all, onlyExports]);
  const hidden = (all?.length ?? 0) - entries.length;
  const atCursor = entries[cursor];
  const isSelected = (i: number) => (marked ? marked.has(entries[i]!.path) : i === cursor);
  const selection = marked ? entries.filter((e) => marked.has(e.path)) : atCursor ? [atCursor] : [];

  const activate = (i: number) => {
    const e = entries[i];
    if (!e) return;
    if (e.kind === 'folder') void open(e.path, true);
    else onAdd([e.path]);
  };

  /** Enter / "Add selected": several selected entries are added together; one is opened or added. */
  const addSelection = () => {
    if (selection.length) onAdd(selection.map((e) => e.path));
  };

  const range = (from: number, to: number) => new Set(entries.slice(Math.min(from, to), Math.max(from, to) + 1).map((e) => e.path));
  const toggled = (i: number) => {
    const next = new Set(marked ?? (atCursor ? [atCursor.path] : []));
    const path = entries[i]!.path;
    if (next.has(path)) next.delete(path);
    else next.add(path);
    return next;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLUListElement>) => {
    const last = entries.length - 1;
    if (last < 0 && e.key !== 'Backspace' && e.key !== 'Escape') return;
    const move = (i: number) => {
      e.preventDefault();
      const to = Math.max(0, Math.min(last, i));
      if (e.shiftKey) {
        setMarked(range(anchor, to));
      } else if (e.ctrlKey || e.metaKey) {
        // Move without changing the selection (then Space adds or removes).
        if (!marked && atCursor) setMarked(new Set([atCursor.path]));
        setAnchor(to);
      } else {
        setMarked(null);
        setAnchor(to);
      }
      setCursor(to);
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
      case ' ':
        e.preventDefault();
        setMarked(toggled(cursor));
        setAnchor(cursor);
        return;
      case 'a':
      case 'A':
        if (!(e.ctrlKey || e.metaKey)) return;
        e.preventDefault();
        setMarked(new Set(entries.map((x) => x.path)));
        return;
      case 'Enter':
        e.preventDefault();
        if (selection.length > 1 || (selection.length === 1 && selection[0] !== atCursor)) return addSelection();
        return activate(cursor);
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

  const onEntryClick = (e: MouseEvent<HTMLLIElement>, i: number) => {
    if (e.shiftKey) {
      setMarked(range(anchor, i));
    } else if (e.ctrlKey || e.metaKey) {
      setMarked(toggled(i));
      setAnchor(i);
    } else {
      setMarked(null);
      setAnchor(i);
    }
    setCursor(i);
  };

  return (
    <section className="folder-browser" aria-labelledby={`${baseId}-title`} data-testid="folder-browser">
      <h3 id={`${baseId}-title`} className="folder-browser__title">
        {t('folderBrowser.title')}
      </h3>
      <FolderNav nav={nav} prefix="fb" />
      {listing && (
        <>
          <label className="folder-browser__filter">
            <input
              type="checkbox"
              className="checkbox"
              checked={onlyExports}
              data-testid="fb-only-exports"
              onChange={(e) => {
                setOnlyExports(e.target.checked);
                resetSelection();
              }}
            />
            <span>{t('folderBrowser.onlyExports', { extensions: extensionList() })}</span>
          </label>
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
            aria-multiselectable="true"
            tabIndex={0}
            aria-label={t('folderBrowser.listLabel', { dir: listing.dir })}
            aria-describedby={`${baseId}-hint`}
            aria-activedescendant={atCursor ? `${baseId}-opt-${cursor}` : undefined}
            aria-busy={loading}
            data-testid="fb-list"
            onKeyDown={onKeyDown}
          >
            {entries.map((e, i) => {
              const look = entryLook(e);
              const selected = isSelected(i);
              return (
                <li
                  key={e.path}
                  id={`${baseId}-opt-${i}`}
                  role="option"
                  aria-selected={selected}
                  className={`folder-browser__entry is-${e.kind} look-${look}${selected ? ' is-selected' : ''}${i === cursor ? ' is-cursor' : ''}`}
                  data-testid="fb-entry"
                  data-name={e.name}
                  data-kind={e.kind}
                  data-look={look}
                  onClick={(ev) => onEntryClick(ev, i)}
                  onDoubleClick={() => activate(i)}
                >
                  <span className="folder-browser__name">
                    <span className={`folder-browser__icon is-${look === 'other' || look === 'export' ? 'file' : look}${look === 'other' ? ' is-other' : ''}`} aria-hidden="true" />
                    <span className="folder-browser__label">{e.name}</span>
                    {look === 'zip' && <span className="visually-hidden">, {t('folderBrowser.zip')}</span>}
                  </span>
                  <span className="folder-browser__size">{e.kind === 'folder' ? t('folderBrowser.folder') : formatBytes(e.size, lang)}</span>
                </li>
              );
            })}
            {!entries.length && (
              <li className="folder-browser__empty muted" role="presentation">
                {t('folderBrowser.empty')}
              </li>
            )}
          </ul>
          {hidden > 0 && (
            <p className="muted folder-browser__hidden" data-testid="fb-hidden">
              {t('folderBrowser.hiddenFiles', { n: formatNumber(hidden, lang) })}
            </p>
          )}
          {listing.omitted > 0 && <p className="muted">{t('folderBrowser.omitted', { n: formatNumber(listing.omitted, lang) })}</p>}
          <div className="folder-browser__actions">
            <button
              type="button"
              className="button"
              data-testid="fb-open"
              disabled={!atCursor || atCursor.kind !== 'folder' || selection.length > 1}
              onClick={() => activate(cursor)}
            >
              {t('folderBrowser.open')}
            </button>
            <button type="button" className="button" data-testid="fb-add-selected" disabled={!selection.length} onClick={addSelection}>
              {selection.length > 1 ? t('folderBrowser.addSelectedCount', { n: formatNumber(selection.length, lang) }) : t('folderBrowser.addSelected')}
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
