import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({ dialog: { showOpenDialog: vi.fn() } }));
vi.mock('electron', () => electron);

const { createPickPaths, openDialogOptions } = await import('./dialog.js');

describe('openDialogOptions', () => {
  it('files: several files at once, export formats first, all files still possible', () => {
    const o = openDialogOptions('files');
    expect(o.properties).toEqual(expect.arrayContaining(['openFile', 'multiSelections']));
    expect(o.properties).not.toContain('openDirectory');
    expect(o.filters?.[0]?.extensions).toEqual(['json', 'zip', 'txt', 'vcf', 'vcard', 'csv']);
    expect(o.filters?.[1]).toEqual({ name: 'All files', extensions: ['*'] });
    expect(openDialogOptions('files', 'ru-RU').filters?.[1]?.name).toBe('Все файлы');
  });
  it('folder: a directory picker', () => {
    const o = openDialogOptions('folder');
    expect(o.properties).toContain('openDirectory');
    expect(o.properties).not.toContain('openFile');
    expect(o.filters).toBeUndefined();
  });
});

describe('createPickPaths', () => {
  it('opens the dialog modal to the window and returns the chosen paths', async () => {
    const win = { id: 1 };
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/a/result.json', '/a/chat.txt'] });
    await expect(createPickPaths(() => win as never)('files')).resolves.toEqual(['/a/result.json', '/a/chat.txt']);
    expect(electron.dialog.showOpenDialog).toHaveBeenLastCalledWith(win, openDialogOptions('files'));
  });
  it('returns nothing when cancelled, and works without a window', async () => {
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: ['/ignored'] });
    await expect(createPickPaths(() => null)('folder')).resolves.toEqual([]);
    expect(electron.dialog.showOpenDialog).toHaveBeenLastCalledWith(openDialogOptions('folder'));
  });
});
