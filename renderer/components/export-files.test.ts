import { describe, expect, it } from 'vitest';
import { dropOutcome, entryLook, extensionList, isExportFileName } from './export-files.js';

describe('export files in the folder browser and the drop zone', () => {
  it('accepts every kind the parsers read, whatever the case', () => {
    for (const name of ['result.json', 'WhatsApp Chat with Anna.txt', 'export.zip', 'contacts.vcf', 'card.VCARD', 'google.csv', 'X.JSON']) {
      expect(isExportFileName(name), name).toBe(true);
    }
    for (const name of ['photo.jpg', 'notes.docx', 'json', '.json', 'archive.zip.part']) expect(isExportFileName(name), name).toBe(false);
    expect(extensionList()).toBe('.json, .txt, .zip, .vcf, .vcard, .csv');
  });

  it('draws folders, zips, possible exports and other files differently', () => {
    expect(entryLook({ name: 'Telegram Desktop', kind: 'folder' })).toBe('folder');
    expect(entryLook({ name: 'folder.zip', kind: 'folder' })).toBe('folder');
    expect(entryLook({ name: 'WhatsApp Chat.ZIP', kind: 'file' })).toBe('zip');
    expect(entryLook({ name: 'contacts.vcf', kind: 'file' })).toBe('export');
    expect(entryLook({ name: 'holiday.jpg', kind: 'file' })).toBe('other');
  });

  it('adds every dropped file and folder at once when the host tells their paths (Electron)', () => {
    const files = ['a.json', 'b.zip', 'folder', 'a.json'];
    expect(dropOutcome(files, true, (f) => `/home/anna/${f}`)).toEqual({
      paths: ['/home/anna/a.json', '/home/anna/b.zip', '/home/anna/folder'],
      notice: null,
    });
    // Some paths unknown: the others are still added.
    expect(dropOutcome(files, true, (f) => (f === 'b.zip' ? null : `/x/${f}`))).toEqual({ paths: ['/x/a.json', '/x/folder'], notice: null });
  });

  it('says why nothing was added: no paths in the browser host, or nothing usable', () => {
    expect(dropOutcome(['a.json', 'b.txt'], false, () => '/never')).toEqual({ paths: [], notice: 'noPath' });
    expect(dropOutcome([], true, () => '/x')).toEqual({ paths: [], notice: 'nothing' });
    expect(dropOutcome(['a'], true, () => null)).toEqual({ paths: [], notice: 'nothing' });
  });
});
