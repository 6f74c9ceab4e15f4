/**
 * What the user chose and where they are in the wizard: current step, the sources they added with
 * what detection said of each and their answers to its questions, the UI language, the chats they
 * unticked, and the banners shown.
 * Pure state and verbs: calling the app core is api-client.ts's job, persisting the language is i18n's.
 * The one exception is the privacy opt-out: the unticked chats are kept in localStorage (by chat id),
 * so reading the same exports again, or another day, keeps the user's choice.
 */
import { create } from 'zustand';
import type { AppInfo, InvokeRequest } from '../../shared/ipc-contract.js';
import { SourceOptionsSchema, type DateOrder, type DetectedSource, type FormatId, type SourceOptions } from '../../shared/model/index.js';

/** The eight wizard steps, in product order (shared/product.md). */
export const STEPS = ['sources', 'inventory', 'clean', 'backup', 'connect', 'pilot', 'upload', 'verify'] as const;
export type StepId = (typeof STEPS)[number];
/** Steps built in this version; the others are shown as unavailable, never simulated. */
export const AVAILABLE_STEPS: ReadonlySet<StepId> = new Set<StepId>(['sources', 'inventory', 'clean', 'backup', 'connect', 'pilot', 'upload', 'verify']);

export function isStepId(v: unknown): v is StepId {
  return typeof v === 'string' && (STEPS as readonly string[]).includes(v);
}

/** `#/inventory` → 'inventory'; anything else → null. The step lives in the address so reloads keep it. */
export function stepFromHash(hash: string): StepId | null {
  const id = hash.replace(/^#\/?/, '');
  return isStepId(id) ? id : null;
}

export const LANGUAGES = ['ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** ru, ru-RU, ru_UA → Russian; anything else → English. */
export function languageFromLocale(locale: string | null | undefined): Language {
  return locale && /^ru(?:[-_]|$)/i.test(locale.trim()) ? 'ru' : 'en';
}

/** An error from the app core, as shown to the user (code → localised text; message for helpdesk). */
export interface UiError {
  code: string;
  message: string;
}

export type SourceStatus = 'detecting' | 'detected' | 'failed';

export interface SourceRow {
  /** What the user gave (typed, picked or dropped); the row key. */
  input: string;
  status: SourceStatus;
  /** Set when status is `detected`. */
  detected?: DetectedSource;
  /** Set when status is `failed` (the call itself failed, not the detection). */
  error?: UiError;
}

/** An error or notice banner. `key` is a catalogue key; `detail` is untranslated technical text. */
export interface Banner {
  id: number;
  kind: 'error' | 'info';
  key: string;
  params?: Record<string, string | number>;
  /** Error code from the app core (RemoteError code), translated as `error.code.<code>` into `{{reason}}`. */
  code?: string;
  detail?: string;
}

export type LanguageOrigin = 'default' | 'os' | 'user';

/** Formats whose times are wall-clock only (no zone in the file): the user says which zone. */
export const WALL_CLOCK_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['whatsapp-txt']);
/** Formats that hold contacts only, never chats. */
export const CONTACT_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['vcard', 'contacts-csv']);

/** The user's answers, by the detected (absolute) path of the source they are about. */
export type Answers = Record<string, SourceOptions>;

/** A request to bring one source's question into view (Sources step); `seq` makes repeats count. */
export interface QuestionFocus {
  path: string;
  seq: number;
}

export interface WizardState {
  step: StepId;
  language: Language;
  /** Where the language came from: a user's choice is never overridden by the OS locale. */
  languageOrigin: LanguageOrigin;
  appInfo: AppInfo | null;
  /** Browser host only: whether the event stream is up. */
  connection: 'connected' | 'reconnecting';
  sources: SourceRow[];
  inventoryJobId: string | null;
  /** Chat ids the user unticked (privacy opt-out); everything else is included. */
  excludedChats: Record<string, true>;
  /** Answers to the sources' questions (date order) and choices (time zone), by detected path. */
  answers: Answers;
  /** Set by `showQuestion`; the Sources step scrolls to that question and focuses it. */
  questionFocus: QuestionFocus | null;
  banners: Banner[];
  /** Clean step: the region for phone numbers written without a country code (null: none); undefined until chosen. */
  cleanRegion: string | null | undefined;
  /** Clean step: the private folder of the last finished clean run (the cleaned model), if any. */
  cleanOutDir: string | null;

  goToStep: (step: StepId) => void;
  setLanguage: (language: Language, origin?: LanguageOrigin) => void;
  /** Default language from the OS locale, unless the user already chose one. */
  adoptOsLocale: (locale: string) => void;
  setAppInfo: (info: AppInfo) => void;
  setConnection: (connection: 'connected' | 'reconnecting') => void;
  /** Adds rows in `detecting` state; returns the inputs actually added (duplicates skipped). */
  addSources: (inputs: string[]) => string[];
  /** Detection answers, in the order of `inputs` (the contract answers in request order). */
  markDetected: (inputs: string[], detected: DetectedSource[]) => void;
  markDetectFailed: (inputs: string[], error: UiError) => void;
  /** Removes the row and the answers given for it. */
  removeSource: (input: string) => void;
  /** Answers a source's date-order question (by detected path). */
  setDateOrder: (path: string, order: DateOrder) => void;
  /** The same answer for every other source still asking, where that order is one of its candidates. */
  applyDateOrderToUnanswered: (order: DateOrder) => void;
  /** The time zone of a wall-clock source (by detected path). */
  setTimeZone: (path: string, timeZone: string) => void;
  /** One time zone for every wall-clock source in the list. */
  setTimeZoneForAll: (timeZone: string) => void;
  /** Answers remembered from before a reload (only valid entries are kept). */
  restoreAnswers: (answers: Record<string, unknown>) => void;
  /** Go to the Sources step and bring this source's question into view. */
  showQuestion: (path: string) => void;
  /** The question asked for by `showQuestion` is in view (a later request is kept). */
  questionShown: (seq: number) => void;
  /** A new inventory job was started: watch it and show it. */
  startedInventory: (jobId: string) => void;
  /** Watch a job without moving (a reloaded page), or forget it (null: the host no longer knows it). */
  watchInventoryJob: (jobId: string | null) => void;
  /** Ticks or unticks one chat; the unticked ones are remembered (localStorage). */
  toggleChat: (chatId: string) => void;
  setChatsIncluded: (chatIds: string[], included: boolean) => void;
  /** Takes back the remembered unticked chats (on load). */
  restoreChatChoices: () => void;
  /** The unticked chats as the app core saved them (they outlive the browser host's port). */
  adoptChatChoices: (ids: string[]) => void;
  /** Ticks every chat again and forgets the remembered choice. */
  resetChatChoices: () => void;
  showBanner: (banner: Omit<Banner, 'id'>) => number;
  dismissBanner: (id: number) => void;
  setCleanRegion: (region: string | null) => void;
  setCleanOutDir: (dir: string | null) => void;
}

let nextBannerId = 1;

/** localStorage key of the unticked chats: a JSON array of chat ids. */
export const EXCLUDED_CHATS_KEY = 'pereezd.excludedChats';

/** The unticked chats remembered from before (an empty set when nothing or nothing valid is stored). */
export function loadExcludedChats(): Record<string, true> {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(EXCLUDED_CHATS_KEY);
    const v = raw ? (JSON.parse(raw) as unknown) : null;
    const out: Record<string, true> = {};
    if (Array.isArray(v)) for (const id of v) if (typeof id === 'string' && id) out[id] = true;
    return out;
  } catch {
    return {};
  }
}

function saveExcludedChats(excluded: Record<string, true>): void {
  try {
    if (typeof localStorage === 'undefined') return;
    const ids = Object.keys(excluded);
    if (ids.length) localStorage.setItem(EXCLUDED_CHATS_KEY, JSON.stringify(ids));
    else localStorage.removeItem(EXCLUDED_CHATS_KEY);
  } catch {
    // storage unavailable (private mode, full): the choice lasts for this session only
  }
}

/** Trims whitespace and the quotes that "Copy as path" adds; drops a trailing separator. */
export function normaliseInput(raw: string): string {
  let s = raw.trim();
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) s = s.slice(1, -1).trim();
  if (s.length > 1 && /[\\/]$/.test(s) && !/^[A-Za-z]:[\\/]$/.test(s)) s = s.replace(/[\\/]+$/, '') || s;
  return s;
}

/** A source the inventory can read. */
export function isRecognised(row: SourceRow): boolean {
  return row.status === 'detected' && !!row.detected && row.detected.format !== null && !row.detected.problem;
}

export type ConfidenceWord = 'certain' | 'likely' | 'possible';

/** Detection confidence in words: certain ≥ 0.9, likely ≥ 0.6, possible below. */
export function confidenceWord(confidence: number): ConfidenceWord {
  return confidence >= 0.9 ? 'certain' : confidence >= 0.6 ? 'likely' : 'possible';
}

/** A recognised source that carries wall-clock times only (its time zone is asked for). */
export function needsTimeZone(row: SourceRow): boolean {
  return isRecognised(row) && WALL_CLOCK_FORMATS.has(row.detected!.format!);
}

/** The answer to a source's date-order question, when one was given and still fits the question. */
export function dateOrderAnswer(row: SourceRow, answers: Answers): DateOrder | null {
  const q = row.detected?.question;
  const a = row.detected ? answers[row.detected.path]?.dateOrder : undefined;
  return q && q.kind === 'date-order' && a && q.candidates.includes(a) ? a : null;
}

/** A recognised source whose question has no (valid) answer yet: it cannot be read exactly. */
export function hasOpenQuestion(row: SourceRow, answers: Answers): boolean {
  return isRecognised(row) && !!row.detected!.question && dateOrderAnswer(row, answers) === null;
}

export function unansweredSources(s: Pick<WizardState, 'sources' | 'answers'>): SourceRow[] {
  return s.sources.filter((r) => hasOpenQuestion(r, s.answers));
}

/**
 * Why the inventory cannot start yet, or null when it can: paths still being checked, nothing
 * readable added, or questions not answered.
 */
export type NextBlocker = 'nothing' | 'detecting' | 'unanswered';
export function nextBlocker(s: Pick<WizardState, 'sources' | 'answers'>): NextBlocker | null {
  if (s.sources.some((r) => r.status === 'detecting')) return 'detecting';
  if (!s.sources.some(isRecognised)) return 'nothing';
  if (unansweredSources(s).length) return 'unanswered';
  return null;
}

/**
 * What `inventory:start` gets: every recognised source, with the answers for the ones that asked
 * (date order) and a time zone for every wall-clock source (the user's choice, or `defaultTimeZone`).
 * null while something blocks the start (see `nextBlocker`).
 */
export function inventoryRequest(
  s: Pick<WizardState, 'sources' | 'answers'>,
  defaultTimeZone: string,
  limit = 200,
): InvokeRequest<'inventory:start'> | null {
  if (nextBlocker(s)) return null;
  const rows = s.sources.filter(isRecognised).slice(0, limit);
  const options: Answers = {};
  for (const row of rows) {
    const path = row.detected!.path;
    const o: SourceOptions = {};
    const order = dateOrderAnswer(row, s.answers);
    if (order) o.dateOrder = order;
    if (needsTimeZone(row)) o.timeZone = s.answers[path]?.timeZone ?? defaultTimeZone;
    if (Object.keys(o).length) options[path] = o;
  }
  const paths = rows.map((r) => r.detected!.path);
  return Object.keys(options).length ? { paths, options } : { paths };
}

function withAnswer(answers: Answers, path: string, patch: SourceOptions): Answers {
  return { ...answers, [path]: { ...answers[path], ...patch } };
}

let nextQuestionFocus = 1;

export const useWizardStore = create<WizardState>()((set, get) => ({
  step: 'sources',
  language: 'en',
  languageOrigin: 'default',
  appInfo: null,
  connection: 'connected',
  sources: [],
  inventoryJobId: null,
  excludedChats: loadExcludedChats(),
  answers: {},
  questionFocus: null,
  banners: [],
  cleanRegion: undefined,
  cleanOutDir: null,

  goToStep: (step) => set({ step }),
  setLanguage: (language, origin = 'user') => set({ language, languageOrigin: origin }),
  adoptOsLocale: (locale) => {
    if (get().languageOrigin === 'user') return;
    set({ language: languageFromLocale(locale), languageOrigin: 'os' });
  },
  setAppInfo: (appInfo) => set({ appInfo }),
  setConnection: (connection) => set({ connection }),

  addSources: (inputs) => {
    const known = new Set(get().sources.flatMap((r) => [r.input, r.detected?.path].filter((p): p is string => !!p)));
    const added: string[] = [];
    for (const raw of inputs) {
      const input = normaliseInput(raw);
      if (!input || known.has(input)) continue;
      known.add(input);
      added.push(input);
    }
    if (added.length) set((s) => ({ sources: [...s.sources, ...added.map((input): SourceRow => ({ input, status: 'detecting' }))] }));
    return added;
  },
  markDetected: (inputs, detected) =>
    set((s) => {
      const byInput = new Map(inputs.map((input, i) => [input, detected[i]] as const));
      const seen = new Set<string>();
      const sources: SourceRow[] = [];
      for (const row of s.sources) {
        const d = byInput.get(row.input);
        const next: SourceRow = d ? { input: row.input, status: 'detected', detected: d } : row;
        const key = next.detected?.path ?? next.input;
        // Two inputs that name the same file or folder (relative vs. absolute, trailing slash): keep the first.
        if (seen.has(key)) continue;
        seen.add(key);
        sources.push(next);
      }
      return { sources };
    }),
  markDetectFailed: (inputs, error) =>
    set((s) => {
      const failed = new Set(inputs);
      return { sources: s.sources.map((r) => (failed.has(r.input) && r.status === 'detecting' ? { input: r.input, status: 'failed', error } : r)) };
    }),
  removeSource: (input) =>
    set((s) => {
      const row = s.sources.find((r) => r.input === input);
      const answers = { ...s.answers };
      delete answers[input];
      if (row?.detected) delete answers[row.detected.path];
      return { sources: s.sources.filter((r) => r.input !== input), answers };
    }),
  setDateOrder: (path, dateOrder) => set((s) => ({ answers: withAnswer(s.answers, path, { dateOrder }) })),
  applyDateOrderToUnanswered: (dateOrder) =>
    set((s) => {
      let answers = s.answers;
      for (const row of unansweredSources(s)) {
        if (row.detected!.question!.candidates.includes(dateOrder)) answers = withAnswer(answers, row.detected!.path, { dateOrder });
      }
      return { answers };
    }),
  setTimeZone: (path, timeZone) => set((s) => ({ answers: withAnswer(s.answers, path, { timeZone }) })),
  setTimeZoneForAll: (timeZone) =>
    set((s) => {
      let answers = s.answers;
      for (const row of s.sources.filter(needsTimeZone)) answers = withAnswer(answers, row.detected!.path, { timeZone });
      return { answers };
    }),
  restoreAnswers: (restored) =>
    set((s) => {
      const answers = { ...s.answers };
      for (const [path, o] of Object.entries(restored)) {
        const parsed = SourceOptionsSchema.safeParse(o);
        if (parsed.success) answers[path] = { ...parsed.data, ...answers[path] };
      }
      return { answers };
    }),
  showQuestion: (path) => set({ step: 'sources', questionFocus: { path, seq: nextQuestionFocus++ } }),
  questionShown: (seq) => set((s) => (s.questionFocus?.seq === seq ? { questionFocus: null } : s)),
  startedInventory: (jobId) => set({ inventoryJobId: jobId, step: 'inventory' }),
  watchInventoryJob: (jobId) => set({ inventoryJobId: jobId }),

  toggleChat: (chatId) =>
    set((s) => {
      const excludedChats = { ...s.excludedChats };
      if (excludedChats[chatId]) delete excludedChats[chatId];
      else excludedChats[chatId] = true;
      saveExcludedChats(excludedChats);
      return { excludedChats };
    }),
  setChatsIncluded: (chatIds, included) =>
    set((s) => {
      const excludedChats = { ...s.excludedChats };
      for (const id of chatIds) {
        if (included) delete excludedChats[id];
        else excludedChats[id] = true;
      }
      saveExcludedChats(excludedChats);
      return { excludedChats };
    }),
  restoreChatChoices: () => set({ excludedChats: loadExcludedChats() }),
  adoptChatChoices: (ids) => {
    const excludedChats: Record<string, true> = {};
    for (const id of ids) excludedChats[id] = true;
    saveExcludedChats(excludedChats);
    set({ excludedChats });
  },
  resetChatChoices: () => {
    saveExcludedChats({});
    set({ excludedChats: {} });
  },

  showBanner: (banner) => {
    const id = nextBannerId++;
    set((s) => ({ banners: [...s.banners, { ...banner, id }] }));
    return id;
  },
  dismissBanner: (id) => set((s) => ({ banners: s.banners.filter((b) => b.id !== id) })),
  setCleanRegion: (cleanRegion) => set({ cleanRegion }),
  setCleanOutDir: (cleanOutDir) => set({ cleanOutDir }),
}));
