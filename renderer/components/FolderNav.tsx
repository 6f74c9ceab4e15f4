import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FsListing } from '../../shared/ipc-contract.js';
import { listFolder, toUiError } from '../api-client.js';
import { errorReason } from '../i18n/messages.js';
import type { UiError } from '../stores/wizard-store.js';

export interface FolderListing {
  listing: FsListing | null;
  loading: boolean;
  error: { dir: string | null; error: UiError } | null;
  /** Navigate (a click or a key): busy until the folder is listed, or says why it could not be. */
  open: (dir: string | null, focusList?: boolean) => Promise<void>;
  listRef: React.RefObject<HTMLUListElement | null>;
}

/**
 * Walking folders over `fs:list` (hosts without a native dialog), shared by the Sources step's folder
 * browser and the folders-only picker. `onListed` (stable) resets the caller's selection when a folder is shown.
 */
export function useFolderListing(start: string | null, onListed: () => void): FolderListing {
  const listRef = useRef<HTMLUListElement>(null);
  const [listing, setListing] = useState<FsListing | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<FolderListing['error']>(null);

  const show = useCallback(
    (dir: string | null, focusList: boolean) =>
      listFolder(dir).then(
        (next) => {
          setListing(next);
          onListed();
          setError(null);
          setLoading(false);
          if (focusList) listRef.current?.focus();
        },
        (err: unknown) => {
          setError({ dir, error: toUiError(err) });
          setLoading(false);
        },
      ),
    [onListed],
  );

  useEffect(() => {
    void show(start, false);
  }, [show, start]);

  const open = (dir: string | null, focusList = false) => {
    setLoading(true);
    return show(dir, focusList);
  };
  return { listing, loading, error, open, listRef };
}

/** Places, "up", the current folder, and why a folder could not be listed (with Retry). `prefix` names the test ids. */
export function FolderNav({ nav, prefix }: { nav: FolderListing; prefix: 'fb' | 'fp' }) {
  const { t } = useTranslation();
  const { listing, loading, error, open } = nav;
  const placeName = (p: { name: string; path: string }) =>
    p.name === 'home' ? t('folderBrowser.place.home') : p.name === 'root' ? t('folderBrowser.place.root', { path: p.path }) : p.name;
  return (
    <>
      {listing && (
        <div className="folder-browser__places" role="group" aria-label={t('folderBrowser.places')}>
          {listing.places.map((p) => (
            <button key={p.name + p.path} type="button" className="button button--small" data-testid={`${prefix}-place-${p.name}`} onClick={() => void open(p.path, true)}>
              {placeName(p)}
            </button>
          ))}
        </div>
      )}
      <div className="folder-browser__bar">
        <button
          type="button"
          className="button button--small"
          data-testid={`${prefix}-up`}
          disabled={!listing?.parent || loading}
          onClick={() => listing?.parent && void open(listing.parent, true)}
        >
          ↑ {t('folderBrowser.up')}
        </button>
        <p className="folder-browser__current">
          <span className="muted">{t('folderBrowser.current')}:</span>{' '}
          <code className="path" data-testid={`${prefix}-current`}>
            {listing?.dir ?? '…'}
          </code>
        </p>
      </div>
      {error && (
        <div className="banner banner--error" role="alert" data-testid={`${prefix}-error`}>
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
    </>
  );
}
