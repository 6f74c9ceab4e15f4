/**
 * The UI speaks Russian and English from day one. Catalogues are JSON with identical keys
 * (catalogues.test.ts keeps them so). The language follows the wizard store; the user's choice is
 * remembered in localStorage and wins over the OS locale from `app:info`.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLanguage, type Language } from '../stores/wizard-store.js';
import { en } from './en.js';
import { ru } from './ru.js';

export const resources = { en: { translation: en }, ru: { translation: ru } } as const;

const STORAGE_KEY = 'pereezd.language';

export function savedLanguage(): Language | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLanguage(v) ? v : null;
  } catch {
    return null;
  }
}

export function saveLanguage(lang: Language): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // storage unavailable: the choice lasts for this session only
  }
}

export async function initI18n(lng: Language): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    supportedLngs: ['en', 'ru'],
    interpolation: { escapeValue: false }, // React escapes; message text is never rendered as HTML
    returnNull: false,
    initAsync: false,
  });
  return i18next;
}

/** Switches the catalogues and the document's language and title together. */
export async function applyLanguage(lng: Language): Promise<void> {
  if (i18next.language !== lng) await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
  document.title = i18next.t('app.title');
}

export { i18next };
