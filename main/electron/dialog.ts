/** The native open dialog behind `sources:pick` (ServiceDeps.pickPaths). */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';

/** Export formats the engine reads; "All files" stays available for oddly named exports. */
export const EXPORT_EXTENSIONS = ['json', 'zip', 'txt', 'vcf', 'vcard', 'csv'] as const;

/** The one label the dialog shows that is ours; the UI ships ru and en (style.md §2 i18n). */
function allFilesLabel(locale: string): string {
  return locale.toLowerCase().startsWith('ru') ? 'Все файлы' : 'All files';
}

export function openDialogOptions(mode: 'files' | 'folder', locale = 'en'): OpenDialogOptions {
  if (mode === 'folder') return { properties: ['openDirectory', 'dontAddToRecent'] };
  return {
    properties: ['openFile', 'multiSelections', 'dontAddToRecent'],
    filters: [
      { name: EXPORT_EXTENSIONS.map((e) => e.toUpperCase()).join(', '), extensions: [...EXPORT_EXTENSIONS] },
      { name: allFilesLabel(locale), extensions: ['*'] },
    ],
  };
}

/** Modal to the app window when there is one; a cancelled dialog picks nothing. */
export function createPickPaths(
  getWindow: () => BrowserWindow | null,
  locale = 'en',
): (mode: 'files' | 'folder') => Promise<string[]> {
  return async (mode) => {
    const options = openDialogOptions(mode, locale);
    const win = getWindow();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  };
}
