import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { addAndDetect, canResolveDroppedFiles, pathForDroppedFile, pickAndDetect, removeSource, startInventory } from '../../api-client.js';
import { DropZone } from '../../components/DropZone.js';
import { FolderBrowser } from '../../components/FolderBrowser.js';
import { SourceList } from '../../components/SourceList.js';
import { nextBlocker, unansweredSources, useWizardStore } from '../../stores/wizard-store.js';

/** Step 1: point at local exports (dialog or folder browser, drag and drop, or a typed path); see what each is. */
export function Sources() {
  const { t } = useTranslation();
  const fieldId = useId();
  const hintId = useId();
  const sources = useWizardStore((s) => s.sources);
  const answers = useWizardStore((s) => s.answers);
  const info = useWizardStore((s) => s.appInfo);
  const showQuestion = useWizardStore((s) => s.showQuestion);
  const [path, setPath] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const [starting, setStarting] = useState(false);

  const nativeDialog = info?.nativeDialog === true;
  const blocker = nextBlocker({ sources, answers });
  const unanswered = unansweredSources({ sources, answers });
  const canStart = blocker === null && !starting;

  const add = (paths: string[]) => void addAndDetect(paths);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const value = path.trim();
    if (!value) return;
    setPath('');
    add([value]);
  };

  const onNext = async () => {
    setStarting(true);
    try {
      await startInventory();
    } finally {
      setStarting(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="sources-title" data-testid="step-sources">
      <h2 id="sources-title">{t('sources.title')}</h2>
      <p className="lead">{t('sources.intro')}</p>
      <div className="note note--safe" data-testid="safety-note">
        <strong>{t('sources.safetyTitle')}.</strong> {t('sources.safety')}
      </div>

      <h3>{t('sources.addTitle')}</h3>
      <div className="add-row">
        {nativeDialog ? (
          <>
            <button type="button" className="button" data-testid="pick-files" onClick={() => void pickAndDetect('files')}>
              {t('sources.pickFiles')}
            </button>
            <button type="button" className="button" data-testid="pick-folder" onClick={() => void pickAndDetect('folder')}>
              {t('sources.pickFolder')}
            </button>
          </>
        ) : (
          <button type="button" className="button" data-testid="browse" aria-expanded={browsing} onClick={() => setBrowsing((b) => !b)}>
            {browsing ? t('sources.hideBrowser') : t('sources.browse')}
          </button>
        )}
      </div>
      {browsing && !nativeDialog && <FolderBrowser start={null} onAdd={add} onClose={() => setBrowsing(false)} />}

      <form className="path-form" onSubmit={onSubmit}>
        <label htmlFor={fieldId} className="field__label">
          {t('sources.pathLabel')}
        </label>
        <div className="path-form__row">
          <input
            id={fieldId}
            className="input input--path"
            type="text"
            value={path}
            spellCheck={false}
            autoComplete="off"
            placeholder={t('sources.pathPlaceholder')}
            data-testid="path-input"
            onChange={(e) => setPath(e.target.value)}
          />
          <button type="submit" className="button" data-testid="path-add" disabled={!path.trim()}>
            {t('sources.pathAdd')}
          </button>
        </div>
      </form>

      <DropZone onPaths={add} resolvePath={pathForDroppedFile} canResolve={canResolveDroppedFiles()} />

      <h3>{t('sources.listTitle')}</h3>
      <SourceList rows={sources} onRemove={removeSource} />

      <div className="step-actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="next-inventory"
          disabled={!canStart}
          aria-describedby={blocker ? hintId : undefined}
          onClick={() => void onNext()}
        >
          {t('sources.next')}
        </button>
        {blocker && !starting && (
          <p className="muted" id={hintId} data-testid="next-hint" data-blocker={blocker}>
            {blocker === 'detecting'
              ? t('sources.nextBusy')
              : blocker === 'unanswered'
                ? t('sources.nextUnanswered', { n: unanswered.length })
                : t('sources.nextHint')}
          </p>
        )}
        {blocker === 'unanswered' && unanswered[0]?.detected && (
          <button type="button" className="button button--quiet" data-testid="show-question" onClick={() => showQuestion(unanswered[0]!.detected!.path)}>
            {t('sources.showQuestion')}
          </button>
        )}
      </div>
    </section>
  );
}
