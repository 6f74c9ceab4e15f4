import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DetectedSource } from '../../shared/model/index.js';
import { useJobStore } from './job-store.js';
import {
  confidenceWord,
  dateOrderAnswer,
  EXCLUDED_CHATS_KEY,
  hasOpenQuestion,
  inventoryRequest,
  isRecognised,
  languageFromLocale,
  loadExcludedChats,
  needsTimeZone,
  nextBlocker,
  normaliseInput,
  stepFromHash,
  unansweredSources,
  useWizardStore,
} from './wizard-store.js';

afterEach(() => {
  useWizardStore.setState(useWizardStore.getInitialState(), true);
  useJobStore.setState(useJobStore.getInitialState(), true);
});

const telegram = (path: string): DetectedSource => ({ path, kind: 'file', format: 'telegram-json', confidence: 0.95, size: 4770, variant: 'full-account' });
/** A WhatsApp chat whose dates read both ways (03/04/2022: 3 April or 4 March). */
const whatsapp = (path: string, candidates: ('dmy' | 'mdy' | 'ymd')[] = ['dmy', 'mdy']): DetectedSource => ({
  path,
  kind: 'file',
  format: 'whatsapp-txt',
  confidence: 0.8,
  size: 300,
  question: { kind: 'date-order', candidates, samples: ['03/04/2022', '03/05/2022'] },
});
/** A WhatsApp chat whose dates fit one order only: no question, but still wall-clock times. */
const whatsappPlain = (path: string): DetectedSource => ({ path, kind: 'file', format: 'whatsapp-txt', confidence: 0.95, size: 200 });
const vcard = (path: string): DetectedSource => ({ path, kind: 'file', format: 'vcard', confidence: 0.99, size: 100 });

/** Adds the sources and answers their detection in one go. */
function detected(...list: DetectedSource[]): void {
  const s = useWizardStore.getState();
  s.addSources(list.map((d) => d.path));
  s.markDetected(
    list.map((d) => d.path),
    list,
  );
}

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

describe('questions and answers per source', () => {
  const state = () => useWizardStore.getState();

  it('says the confidence in words: certain from 0.9, likely from 0.6, possible below', () => {
    expect(confidenceWord(1)).toBe('certain');
    expect(confidenceWord(0.9)).toBe('certain');
    expect(confidenceWord(0.89)).toBe('likely');
    expect(confidenceWord(0.6)).toBe('likely');
    expect(confidenceWord(0.59)).toBe('possible');
    expect(confidenceWord(0.3)).toBe('possible');
  });

  it('blocks Next while paths are checked, while nothing readable is added, and while a question is open', () => {
    expect(nextBlocker(state())).toBe('nothing');
    state().addSources(['/chats/anna.txt']);
    expect(nextBlocker(state())).toBe('detecting');
    state().markDetected(['/chats/anna.txt'], [whatsapp('/chats/anna.txt')]);
    expect(nextBlocker(state())).toBe('unanswered');
    expect(unansweredSources(state()).map((r) => r.input)).toEqual(['/chats/anna.txt']);
    state().addSources(['/tg/result.json']);
    expect(nextBlocker(state())).toBe('detecting');
    state().markDetected(['/tg/result.json'], [telegram('/tg/result.json')]);
    expect(nextBlocker(state())).toBe('unanswered');
    state().setDateOrder('/chats/anna.txt', 'mdy');
    expect(nextBlocker(state())).toBeNull();
    expect(inventoryRequest(state(), 'Europe/Moscow')).not.toBeNull();
  });

  it('stores answers per path: answering one source leaves the others asking', () => {
    detected(whatsapp('/a.txt'), whatsapp('/b.txt'));
    state().setDateOrder('/a.txt', 'dmy');
    const [a, b] = state().sources;
    expect(dateOrderAnswer(a!, state().answers)).toBe('dmy');
    expect(dateOrderAnswer(b!, state().answers)).toBeNull();
    expect(hasOpenQuestion(a!, state().answers)).toBe(false);
    expect(hasOpenQuestion(b!, state().answers)).toBe(true);
    expect(nextBlocker(state())).toBe('unanswered');
    state().setDateOrder('/b.txt', 'mdy');
    expect(state().answers).toEqual({ '/a.txt': { dateOrder: 'dmy' }, '/b.txt': { dateOrder: 'mdy' } });
    expect(nextBlocker(state())).toBeNull();
  });

  it('does not count an answer the question does not offer', () => {
    detected(whatsapp('/a.txt', ['dmy', 'mdy']));
    state().setDateOrder('/a.txt', 'ymd');
    expect(dateOrderAnswer(state().sources[0]!, state().answers)).toBeNull();
    expect(nextBlocker(state())).toBe('unanswered');
    expect(inventoryRequest(state(), 'UTC')).toBeNull();
  });

  it('a source with a problem or without a question never blocks', () => {
    detected(telegram('/tg'), vcard('/people.vcf'), unknown('/photos'));
    expect(unansweredSources(state())).toEqual([]);
    expect(nextBlocker(state())).toBeNull();
  });

  it('applies one answer to every other source still asking, where that order is offered', () => {
    detected(whatsapp('/a.txt'), whatsapp('/b.txt'), whatsapp('/c.txt', ['mdy', 'ymd']), whatsapp('/d.txt'));
    state().setDateOrder('/d.txt', 'mdy');
    state().setDateOrder('/a.txt', 'dmy');
    state().applyDateOrderToUnanswered('dmy');
    expect(state().answers['/b.txt']).toEqual({ dateOrder: 'dmy' });
    expect(state().answers['/c.txt']).toBeUndefined(); // dmy is not one of its candidates
    expect(state().answers['/d.txt']).toEqual({ dateOrder: 'mdy' }); // an answer already given stays
    expect(unansweredSources(state()).map((r) => r.input)).toEqual(['/c.txt']);
  });

  it('asks a time zone for wall-clock formats only, and sends the answers with inventory:start', () => {
    detected(whatsapp('/a.txt'), whatsappPlain('/b.txt'), telegram('/tg'), vcard('/people.vcf'), unknown('/photos'));
    expect(state().sources.map(needsTimeZone)).toEqual([true, true, false, false, false]);
    expect(inventoryRequest(state(), 'Europe/Moscow')).toBeNull(); // /a.txt still asks
    state().setDateOrder('/a.txt', 'mdy');
    state().setTimeZone('/b.txt', 'Asia/Yekaterinburg');
    expect(inventoryRequest(state(), 'Europe/Moscow')).toEqual({
      paths: ['/a.txt', '/b.txt', '/tg', '/people.vcf'], // only what can be read
      options: {
        '/a.txt': { dateOrder: 'mdy', timeZone: 'Europe/Moscow' }, // the default zone, as the select shows it
        '/b.txt': { timeZone: 'Asia/Yekaterinburg' },
      },
    });
  });

  it('sends no options when no source needs any', () => {
    detected(telegram('/tg'), vcard('/people.vcf'));
    expect(inventoryRequest(state(), 'UTC')).toEqual({ paths: ['/tg', '/people.vcf'] });
    expect(inventoryRequest(state(), 'UTC', 1)).toEqual({ paths: ['/tg'] });
  });

  it('one time zone for every wall-clock source at once', () => {
    detected(whatsapp('/a.txt'), whatsappPlain('/b.txt'), telegram('/tg'));
    state().setDateOrder('/a.txt', 'dmy');
    state().setTimeZoneForAll('Asia/Novosibirsk');
    expect(state().answers).toEqual({
      '/a.txt': { dateOrder: 'dmy', timeZone: 'Asia/Novosibirsk' },
      '/b.txt': { timeZone: 'Asia/Novosibirsk' },
    });
  });

  it('forgets the answers of a removed source, so adding it again asks again', () => {
    detected(whatsapp('/a.txt'));
    state().setDateOrder('/a.txt', 'dmy');
    state().removeSource('/a.txt');
    expect(state().answers).toEqual({});
    detected(whatsapp('/a.txt'));
    expect(nextBlocker(state())).toBe('unanswered');
  });

  it('restores remembered answers, dropping anything that is not a valid answer', () => {
    state().restoreAnswers({
      '/a.txt': { dateOrder: 'mdy', timeZone: 'Europe/Berlin' },
      '/b.txt': { dateOrder: 'sideways' },
      '/c.txt': 'dmy',
      '/d.txt': { dateOrder: 'dmy', extra: true },
    });
    expect(state().answers).toEqual({ '/a.txt': { dateOrder: 'mdy', timeZone: 'Europe/Berlin' } });
  });

  it('showQuestion goes to Sources and asks for that question to be shown, each time anew', () => {
    state().goToStep('inventory');
    state().showQuestion('/a.txt');
    const first = state().questionFocus;
    expect(state().step).toBe('sources');
    expect(first).toMatchObject({ path: '/a.txt' });
    state().showQuestion('/a.txt');
    const second = state().questionFocus!;
    expect(second.seq).toBeGreaterThan(first!.seq);
    // Once shown it is forgotten (coming back to Sources later does not jump again); a stale "shown" keeps a newer request.
    state().questionShown(first!.seq);
    expect(state().questionFocus).toEqual(second);
    state().questionShown(second.seq);
    expect(state().questionFocus).toBeNull();
  });
});

/** A localStorage stand-in (the tests run in node), kept across "reloads" of the store. */
function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, String(v)),
  };
}

describe('the privacy opt-out is saved', () => {
  let storage: Storage;
  beforeEach(() => {
    storage = memoryStorage();
    vi.stubGlobal('localStorage', storage);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('saves the unticked chat ids, and a new page (store) restores them', () => {
    const s = useWizardStore.getState();
    s.toggleChat('tg:1');
    s.setChatsIncluded(['tg:2', 'tg:3'], false);
    s.setChatsIncluded(['tg:3'], true);
    expect(JSON.parse(storage.getItem(EXCLUDED_CHATS_KEY)!)).toEqual(['tg:1', 'tg:2']);

    // A reload: the store starts from its initial state, then takes back what was saved.
    useWizardStore.setState(useWizardStore.getInitialState(), true);
    expect(useWizardStore.getState().excludedChats).toEqual({});
    useWizardStore.getState().restoreChatChoices();
    expect(useWizardStore.getState().excludedChats).toEqual({ 'tg:1': true, 'tg:2': true });
    expect(loadExcludedChats()).toEqual({ 'tg:1': true, 'tg:2': true });
  });

  it('ticking the last chat again leaves nothing stored', () => {
    const s = useWizardStore.getState();
    s.toggleChat('tg:1');
    s.toggleChat('tg:1');
    expect(storage.getItem(EXCLUDED_CHATS_KEY)).toBeNull();
  });

  it('"Reset choices" ticks every chat again and forgets the saved choice', () => {
    const s = useWizardStore.getState();
    s.setChatsIncluded(['tg:1', 'tg:2'], false);
    s.resetChatChoices();
    expect(useWizardStore.getState().excludedChats).toEqual({});
    expect(storage.getItem(EXCLUDED_CHATS_KEY)).toBeNull();
    useWizardStore.getState().restoreChatChoices();
    expect(useWizardStore.getState().excludedChats).toEqual({});
  });

  it('ignores a damaged or foreign value', () => {
    for (const raw of ['not json', '{"tg:1":true}', '[1, null, "", "tg:7"]']) {
      storage.setItem(EXCLUDED_CHATS_KEY, raw);
      expect(loadExcludedChats()).toEqual(raw.startsWith('[') ? { 'tg:7': true } : {});
    }
  });

  it('keeps working when storage throws (private mode)', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    });
    useWizardStore.getState().toggleChat('tg:1');
    expect(useWizardStore.getState().excludedChats).toEqual({ 'tg:1': true });
    expect(loadExcludedChats()).toEqual({});
  });
});
