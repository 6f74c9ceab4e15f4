import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FolderBrowser } from '../../components/FolderBrowser.js';
import { formatNumber } from '../../i18n/format.js';
import { useWizardStore } from '../../stores/wizard-store.js';
import { chooseFolder, exportContacts } from './clean-actions.js';
import { hasUnapplied, useCleanStore } from './clean-store.js';

/**
 * The cleaned contacts as a file in a folder the user picks: vCard 4.0 or CSV (Google Contacts).
 * The desktop app asks with its native dialog; the browser host uses the in-app folder browser.
 * While decisions wait to be applied the export is held back, so the file never misses them.
 */
export function ExportPanel({ locked }: { locked: boolean }) {
  const { t, i18n } = useTranslation();
  const nativeDialog = useWizardStore((s) => s.appInfo?.nativeDialog === true);
  const summary = useCleanStore((s) => s.summary);
  const busy = useCleanStore((s) => s.busy);
  const last = useCleanStore((s) => s.lastExport);
  const [format, setFormat] = useState<'vcard' | 'csv'>('vcard');
  const [browsing, setBrowsing] = useState(false);
  const behind = hasUnapplied(summary);
  const disabled = locked || behind || busy !== null || !summary?.run;

  const choose = async () => {
    if (!nativeDialog) {
      setBrowsing((b) => !b);
      return;
    }
    const dir = await chooseFolder();
    if (dir) await exportContacts(format, dir);
  };

  return (
    <section className="clean-export" aria-labelledby="clean-export-title" data-testid="clean-export">
      <h3 id="clean-export-title">{t('clean.export.title')}</h3>
      <p className="muted">{t('clean.export.hint', { n: formatNumber(summary?.run?.exported ?? 0, i18n.language) })}</p>
      <fieldset className="clean-export__formats">
        <legend>{t('clean.export.format')}</legend>
        <label>
          <input type="radio" name="clean-export-format" value="vcard" checked={format === 'vcard'} data-testid="export-vcard" onChange={() => setFormat('vcard')} />{' '}
          {t('clean.export.vcard')}
        </label>
        <label>
          <input type="radio" name="clean-export-format" value="csv" checked={format === 'csv'} data-testid="export-csv" onChange={() => setFormat('csv')} />{' '}
          {t('clean.export.csv')}
        </label>
      </fieldset>
      <div className="clean-export__actions">
        <button type="button" className="button" data-testid="export-choose" disabled={disabled} aria-expanded={nativeDialog ? undefined : browsing} onClick={() => void choose()}>
          {nativeDialog ? t('clean.export.choose') : browsing ? t('clean.export.closeBrowser') : t('clean.export.browse')}
        </button>
        {behind && <p className="muted" data-testid="export-need-apply">{t('clean.export.needApply')}</p>}
      </div>
      {browsing && !nativeDialog && !disabled && (
        <>
          <p className="muted" data-testid="export-browse-hint">{t('clean.export.browseHint')}</p>
          <FolderBrowser
            start={null}
            onAdd={(paths) => {
              // "Add this whole folder" (or a folder selected): save there.
              const dir = paths[0];
              if (paths.length !== 1 || !dir) return;
              setBrowsing(false);
              void exportContacts(format, dir);
            }}
            onClose={() => setBrowsing(false)}
          />
        </>
      )}
      {last && (
        <p className="note note--safe" role="status" data-testid="export-done" data-file={last.file}>
          {t(last.format === 'vcard' ? 'clean.export.doneVcard' : 'clean.export.doneCsv', { n: formatNumber(last.contacts, i18n.language), file: last.file })}
        </p>
      )}
    </section>
  );
}
