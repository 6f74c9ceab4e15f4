import { useId, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeychainState } from '../../../shared/ipc/backup.js';
import { KEYCHAIN_PROBLEM } from './StartSection.js';

interface Props {
  /** Why the keychain key did not do: it is not there (available), or the keychain cannot be reached. */
  keychain: KeychainState;
  /** What to say when the keychain works but holds no key for this backup. */
  noKeyText: string;
  submitText: string;
  value: string;
  onChange: (key: string) => void;
  /** Called with the typed key (not blank). */
  onSubmit: (key: string) => void;
  inputRef: RefObject<HTMLInputElement | null>;
  busy?: boolean;
  /** Prefix of the test ids: `<prefix>-key-form`, `-key-input`, `-key-submit`. */
  testId: string;
}

/** Asks for the recovery key when this computer's keychain key cannot open a backup (verify, restore). */
export function RecoveryKeyPrompt({ keychain, noKeyText, submitText, value, onChange, onSubmit, inputRef, busy = false, testId }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) onSubmit(value);
  };
  return (
    <form className="backup-subform" onSubmit={submit} data-testid={`${testId}-key-form`}>
      <p className="note note--info">{keychain.available ? noKeyText : `${t(KEYCHAIN_PROBLEM[keychain.problem])} ${t('backup.verify.needsKeyNoKeychain')}`}</p>
      <div className="field">
        <label htmlFor={`${id}-key`} className="field__label">
          {t('backup.test.label')}
        </label>
        <input
          id={`${id}-key`}
          ref={inputRef}
          className="input input--path"
          type="password"
          value={value}
          autoComplete="off"
          spellCheck={false}
          data-testid={`${testId}-key-input`}
          onChange={(e) => onChange(e.target.value)}
        />
      </div>
      <div className="backup-actions">
        <button type="submit" className="button button--primary" disabled={!value.trim() || busy} data-testid={`${testId}-key-submit`}>
          {submitText}
        </button>
      </div>
    </form>
  );
}
