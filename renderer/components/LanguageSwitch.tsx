import { useTranslation } from 'react-i18next';
import { LANGUAGES, useWizardStore } from '../stores/wizard-store.js';

/** Russian / English, switchable at any time (also while a job runs); the choice is remembered. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const language = useWizardStore((s) => s.language);
  const setLanguage = useWizardStore((s) => s.setLanguage);
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          data-testid={`language-${lng}`}
          className="language-switch__option"
          aria-pressed={language === lng}
          onClick={() => setLanguage(lng, 'user')}
        >
          {t(`language.${lng}`)}
        </button>
      ))}
    </div>
  );
}
