import { useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { dropOutcome } from './export-files.js';

interface Props {
  /** Called with the real paths of what was dropped (may be empty when none could be resolved). */
  onPaths: (paths: string[]) => void;
  /** Resolves a dropped File to its path; null when the host cannot (the browser host). */
  resolvePath: (file: File) => string | null;
  /** Whether this host can resolve dropped files at all. */
  canResolve: boolean;
}

/** Drag and drop of files and folders. In the browser host dropped files have no path: say so. */
export function DropZone({ onPaths, resolvePath, canResolve }: Props) {
  const { t } = useTranslation();
  const [active, setActive] = useState(false);
  const [notice, setNotice] = useState<'noPath' | 'nothing' | null>(null);

  const onDragOver = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    if (!active) setActive(true);
  };
  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setActive(false);
    // Several files and folders at once: each is added (Electron tells their paths).
    const { paths, notice: next } = dropOutcome([...e.dataTransfer.files], canResolve, resolvePath);
    setNotice(next);
    if (paths.length) onPaths(paths);
  };

  return (
    <div
      className={`drop-zone${active ? ' is-active' : ''}`}
      data-testid="drop-zone"
      onDragOver={onDragOver}
      onDragEnter={onDragOver}
      onDragLeave={() => setActive(false)}
      onDrop={onDrop}
    >
      <p className="drop-zone__title">{active ? t('sources.dropActive') : t('sources.dropTitle')}</p>
      <p className="drop-zone__hint">{t('sources.dropHint')}</p>
      {notice && (
        <p className="drop-zone__notice" role="status" data-testid="drop-notice">
          {notice === 'noPath' ? t('sources.dropNoPath') : t('sources.dropNothing')}
        </p>
      )}
    </div>
  );
}
