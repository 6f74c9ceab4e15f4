import { useEffect, useRef, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { rememberStep } from './api-client.js';
import { BannerList } from './components/BannerList.js';
import { LanguageSwitch } from './components/LanguageSwitch.js';
import { StatusLine } from './components/StatusLine.js';
import { StepNav } from './components/StepNav.js';
import { applyLanguage, saveLanguage } from './i18n/index.js';
import { Backup } from './steps/Backup/Backup.js';
import { Clean } from './steps/Clean/Clean.js';
import { Connect } from './steps/Connect/Connect.js';
import { Inventory } from './steps/Inventory/Inventory.js';
import { Pilot } from './steps/Pilot/Pilot.js';
import { Sources } from './steps/Sources/Sources.js';
import { Upload } from './steps/Upload/Upload.js';
import { Verify } from './steps/Verify/Verify.js';
import { stepFromHash, useWizardStore, type StepId } from './stores/wizard-store.js';

const SCREENS: Record<StepId, ComponentType> = {
  sources: Sources,
  inventory: Inventory,
  clean: Clean,
  backup: Backup,
  connect: Connect,
  pilot: Pilot,
  upload: Upload,
  verify: Verify,
};

export function App() {
  const { t } = useTranslation();
  const step = useWizardStore((s) => s.step);
  const language = useWizardStore((s) => s.language);
  const languageOrigin = useWizardStore((s) => s.languageOrigin);
  const goToStep = useWizardStore((s) => s.goToStep);
  const mainRef = useRef<HTMLElement>(null);
  const firstStep = useRef(true);

  // The language: catalogues, <html lang>, document title; a user's choice is remembered.
  useEffect(() => {
    void applyLanguage(language);
    if (languageOrigin === 'user') saveLanguage(language);
  }, [language, languageOrigin]);

  // The step lives in the address (#/inventory), so back/forward and a reload land on it
  // (main.tsx reads it before the first render; this follows later changes).
  useEffect(() => {
    const onHash = () => {
      const s = stepFromHash(location.hash);
      if (s) goToStep(s);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [goToStep]);

  useEffect(() => {
    if (stepFromHash(location.hash) !== step) location.hash = `#/${step}`;
    rememberStep();
    // Move focus to the new step (not on first load), so keyboard and screen-reader users follow.
    if (firstStep.current) firstStep.current = false;
    else mainRef.current?.focus();
  }, [step]);

  // A file dropped outside the drop zone must not make the page navigate away to it.
  useEffect(() => {
    const stop = (e: DragEvent) => {
      if (!(e.target instanceof Element && e.target.closest('.drop-zone'))) {
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = 'none';
      }
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  const Screen = SCREENS[step];
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="app-header__brand">
          <h1 className="app-header__name">{t('app.name')}</h1>
          <p className="app-header__tagline">{t('app.tagline')}</p>
        </div>
        <LanguageSwitch />
      </header>
      <div className="app-body">
        <StepNav />
        <main id="main" ref={mainRef} className="app-main" tabIndex={-1} data-step={step}>
          <BannerList />
          <Screen />
        </main>
      </div>
      <StatusLine />
    </div>
  );
}
