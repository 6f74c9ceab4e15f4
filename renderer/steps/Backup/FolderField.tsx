import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickFolder, toUiError } from '../../api-client.js';
import { errorReason } from '../../i18n/messages.js';
import { useWizardStore } from '../../stores/wizard-store.js';
import { FolderPicker } from './FolderPicker.js';

interface Props {
  id: string;
  label: string;
  value: string;
  onChange: (dir: string) => void;
  /** Title of the in-app picker. */
  pickerTitle: string;
  testId: string;
  disabled?: boolean;
  describedBy?: string;
}

/**
 * A folder: typed or pasted, or chosen — with the system's folder dialog in the desktop app, with
 * the in-app folder picker in the browser host.
 */
export function FolderField({ id, label, value, onChange, pickerTitle, testId, disabled = false, describedBy }: Props) {
  const { t } = useTranslation();
  const native = useWizardStore((s) => s.appInfo?.nativeDialog === true);
  const [browsing, setBrowsing] = useState(false);
  const [pickError, setPickError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  const choose = (dir: string) => {
    onChange(dir);
    setBrowsing(false);
    inputRef.current?.focus();
  };

  const onNative = async () => {
    setPickError(null);
    try {
      const dir = await pickFolder();
      if (dir) choose(dir);
    } catch (err) {
      setPickError(t('error.action.pick', { reason: errorReason(t, toUiError(err).code) }));
    }
  };

  return (
    <div className="field backup-folder">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <div className="path-form__row">
        <input
          id={id}
          ref={inputRef}
          className="input input--path"
          type="text"
          value={value}
          spellCheck={false}
          autoComplete="off"
          disabled={disabled}
          aria-describedby={describedBy}
          data-testid={`${testId}-input`}
          onChange={(e) => onChange(e.target.value)}
        />
        {native ? (
          <button type="button" className="button" data-testid={`${testId}-choose`} disabled={disabled} onClick={() => void onNative()}>
            {t('backup.folder.choose')}
          </button>
        ) : (
          <button type="button" className="button" data-testid={`${testId}-browse`} disabled={disabled} aria-expanded={browsing} onClick={() => setBrowsing((b) => !b)}>
            {browsing ? t('backup.folder.hideBrowser') : t('backup.folder.browse')}
          </button>
        )}
      </div>
      {pickError && (
        <p className="backup-inline-error" role="alert">
          {pickError}
        </p>
      )}
      {browsing && !native && <FolderPicker start={value.trim() || null} title={pickerTitle} onChoose={choose} onClose={() => setBrowsing(false)} />}
    </div>
  );
}
