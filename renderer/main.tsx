import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { startApiClient } from './api-client.js';
import { App } from './App.js';
import { initI18n, savedLanguage } from './i18n/index.js';
import { languageFromLocale, stepFromHash, useWizardStore } from './stores/wizard-store.js';
import './styles.css';

/** The one-time `?token=` has done its job (the host set a session cookie): take it out of the address bar. */
function dropTokenFromAddress(): void {
  const url = new URL(location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

async function boot(): Promise<void> {
  dropTokenFromAddress();
  // A remembered choice wins; until app:info tells the OS locale, the browser's language is the guess.
  const saved = savedLanguage();
  const wiz = useWizardStore.getState();
  if (saved) wiz.setLanguage(saved, 'user');
  else wiz.setLanguage(languageFromLocale(navigator.language), 'default');
  const i18n = await initI18n(useWizardStore.getState().language);
  const step = stepFromHash(location.hash);
  if (step) wiz.goToStep(step);

  const root = document.getElementById('root');
  if (!root) throw new Error('#root is missing from index.html');
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <App />
      </I18nextProvider>
    </StrictMode>,
  );
  await startApiClient();
}

void boot();
