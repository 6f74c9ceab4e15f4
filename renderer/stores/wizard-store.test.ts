import { afterEach, describe, expect, it } from 'vitest';
import type { DetectedSource } from '../../shared/model/index.js';
import { useJobStore } from './job-store.js';
import { isRecognised, languageFromLocale, normaliseInput, stepFromHash, useWizardStore } from './wizard-store.js';

afterEach(() => {
  useWizardStore.setState(useWizardStore.getInitialState(), true);
  useJobStore.setState(useJobStore.getInitialState(), true);
});

const telegram = (path: string): DetectedSource => ({ path, kind: 'file', format: 'telegram-json', confidence: 0.95, size: 4770, variant: 'full-account' });
const unknown = (path: string): DetectedSource => ({
  path,
  kind: 'folder',
  format: null,
  confidence: 0,
  size: 0,
  problem: { file: path, code: 'not-recognised', severity: 'error', message: `${path}: not an export`, params: { what: 'folder' } },
});

describe('wizard store', () => {
  it('starts on Sources, in English, with nothing added', () => {
    const s = useWizardStore.getState();
    expect(s.step).toBe('sources');
    expect(s.language).toBe('en');
    expect(s.sources).toEqual([]);
    expect(s.inventoryJobId).toBeNull();
  });

  it('goes to a step', () => {
    useWizardStore.getState().goToStep('inventory');
    expect(useWizardStore.getState().step).toBe('inventory');
  });

  it('reads the step from the address hash, ignoring anything else', () => {
    expect(stepFromHash('#/inventory')).toBe('inventory');
    expect(stepFromHash('#backup')).toBe('backup');
    expect(stepFromHash('#/nope')).toBeNull();
    expect(stepFromHash('')).toBeNull();
  });

  it('maps OS locales to a UI language: ru* is Russian, everything else English', () => {
    expect(languageFromLocale('ru')).toBe('ru');
    expect(languageFromLocale('ru-RU')).toBe('ru');
    expect(languageFromLocale('ru_UA')).toBe('ru');
    expect(languageFromLocale('en-GB')).toBe('en');
    expect(languageFromLocale('de-DE')).toBe('en');
    expect(languageFromLocale('rus')).toBe('en');
    expect(languageFromLocale('')).toBe('en');
  });

  it('adopts the OS locale, but never over a language the user chose', () => {
    useWizardStore.getState().adoptOsLocale('ru-RU');
    expect(useWizardStore.getState()).toMatchObject({ language: 'ru', languageOrigin: 'os' });
    useWizardStore.getState().setLanguage('en');
    useWizardStore.getState().adoptOsLocale('ru-RU');
    expect(useWizardStore.getState()).toMatchObject({ language: 'en', languageOrigin: 'user' });
  });

  it('normalises typed and pasted paths (quotes from "Copy as path", trailing separators)', () => {
    expect(normaliseInput('  "/home/anna/export/"  ')).toBe('/home/anna/export');
    expect(normaliseInput("'C:\\Users\\Anna\\Telegram Desktop\\'")).toBe('C:\\Users\\Anna\\Telegram Desktop');
    expect(normaliseInput('C:\\')).toBe('C:\\');
    expect(normaliseInput('/')).toBe('/');
    expect(normaliseInput('   ')).toBe('');
  });

  it('adds sources as "detecting", skipping blanks and duplicates', () => {
    const added = useWizardStore.getState().addSources(['/a/result.json', ' /a/result.json ', '', '/b']);
    expect(added).toEqual(['/a/result.json', '/b']);
    expect(useWizardStore.getState().sources.map((r) => [r.input, r.status])).toEqual([
      ['/a/result.json', 'detecting'],
      ['/b', 'detecting'],
    ]);
    expect(useWizardStore.getState().addSources(['/b/'])).toEqual([]);
  });

  it('records detection answers in request order, and tells recognised from not', () => {
    const s = useWizardStore.getState();
    s.addSources(['/a/result.json', '/b']);
    s.markDetected(['/a/result.json', '/b'], [telegram('/a/result.json'), unknown('/b')]);
    const [a, b] = useWizardStore.getState().sources;
    expect(a).toMatchObject({ status: 'detected', detected: { format: 'telegram-json' } });
    expect(b).toMatchObject({ status: 'detected', detected: { format: null, problem: { code: 'not-recognised' } } });
    expect(isRecognised(a!)).toBe(true);
    expect(isRecognised(b!)).toBe(false);
  });

  it('drops a second input that turns out to be the same path', () => {
    const s = useWizardStore.getState();
    s.addSources(['/x/export', 'export']);
    s.markDetected(['/x/export', 'export'], [telegram('/x/export'), telegram('/x/export')]);
    expect(useWizardStore.getState().sources.map((r) => r.input)).toEqual(['/x/export']);
  });

  it('marks a failed detect call per row, keeping rows that were already answered', () => {
    const s = useWizardStore.getState();
    s.addSources(['/a']);
    s.markDetected(['/a'], [telegram('/a')]);
    s.addSources(['/b']);
    s.markDetectFailed(['/a', '/b'], { code: 'failed', message: 'core down' });
    const rows = useWizardStore.getState().sources;
    expect(rows[0]).toMatchObject({ status: 'detected' });
    expect(rows[1]).toMatchObject({ status: 'failed', error: { code: 'failed', message: 'core down' } });
  });

  it('removes a source', () => {
    const s = useWizardStore.getState();
    s.addSources(['/a', '/b']);
    s.removeSource('/a');
    expect(useWizardStore.getState().sources.map((r) => r.input)).toEqual(['/b']);
  });

  it('starting the inventory watches the job and moves to the Inventory step', () => {
    useWizardStore.getState().startedInventory('job-1');
    expect(useWizardStore.getState()).toMatchObject({ inventoryJobId: 'job-1', step: 'inventory' });
    useWizardStore.getState().goToStep('sources');
    useWizardStore.getState().watchInventoryJob(null);
    expect(useWizardStore.getState()).toMatchObject({ inventoryJobId: null, step: 'sources' });
  });

  it('keeps the privacy opt-out: toggles one chat, or many at once', () => {
    const s = useWizardStore.getState();
    s.toggleChat('tg:1');
    expect(useWizardStore.getState().excludedChats).toEqual({ 'tg:1': true });
    s.toggleChat('tg:1');
    expect(useWizardStore.getState().excludedChats).toEqual({});
    s.setChatsIncluded(['tg:1', 'tg:2', 'tg:3'], false);
    expect(Object.keys(useWizardStore.getState().excludedChats).sort()).toEqual(['tg:1', 'tg:2', 'tg:3']);
    s.setChatsIncluded(['tg:2'], true);
    expect(Object.keys(useWizardStore.getState().excludedChats).sort()).toEqual(['tg:1', 'tg:3']);
  });

  it('shows and dismisses banners by id', () => {
    const s = useWizardStore.getState();
    const first = s.showBanner({ kind: 'error', key: 'error.action.detect', code: 'failed', detail: 'boom' });
    const second = s.showBanner({ kind: 'info', key: 'sources.duplicate' });
    expect(first).not.toBe(second);
    expect(useWizardStore.getState().banners.map((b) => b.key)).toEqual(['error.action.detect', 'sources.duplicate']);
    s.dismissBanner(first);
    expect(useWizardStore.getState().banners).toEqual([{ id: second, kind: 'info', key: 'sources.duplicate' }]);
  });
});
