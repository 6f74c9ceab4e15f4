/**
 * Header dictionaries of contacts CSV files (formats.md §4): Google (current), Google (legacy,
 * Gmail era), Outlook in English and Outlook with a Russian UI. The header decides the layout;
 * columns a layout knows but the model does not keep (birthday, addresses…) still count as matched.
 * Anything else is "unknown": obvious name/phone/e-mail columns (English or Russian) are used and
 * the user is asked to check the mapping.
 */

export type SchemaId = 'google' | 'google-legacy' | 'outlook' | 'outlook-ru' | 'unknown';

export type Role =
  | { kind: 'full' | 'given' | 'middle' | 'family' | 'nickname' | 'file-as' | 'org' | 'dept' | 'note' | 'known' }
  /** A column that holds phones / e-mails of one fixed kind (Outlook `Mobile Phone` → `cell`). */
  | { kind: 'phone' | 'email'; type?: string }
  | { kind: 'handle'; type: string }
  /** Numbered groups: `Phone 2 - Label` + `Phone 2 - Value`. */
  | { kind: 'phone-label' | 'phone-value' | 'email-label' | 'email-value' | 'im-label' | 'im-value'; group: number };

type Pattern = readonly [RegExp, (m: RegExpExecArray) => Role];

interface SchemaDef {
  id: Exclude<SchemaId, 'unknown'>;
  exact: Readonly<Record<string, Role>>;
  patterns: readonly Pattern[];
}

const known: Role = { kind: 'known' };
const r = (kind: 'full' | 'given' | 'middle' | 'family' | 'nickname' | 'file-as' | 'org' | 'dept' | 'note'): Role => ({ kind });
const phone = (type?: string): Role => (type ? { kind: 'phone', type } : { kind: 'phone' });
const email = (): Role => ({ kind: 'email' });
const group = (kind: 'phone-label' | 'phone-value' | 'email-label' | 'email-value' | 'im-label' | 'im-value') => (m: RegExpExecArray): Role => ({
  kind,
  group: Number(m[1]),
});
const knownAll = (...names: string[]) => Object.fromEntries(names.map((n) => [n, known]));

const GOOGLE: SchemaDef = {
  id: 'google',
  exact: {
    'first name': r('given'),
    'middle name': r('middle'),
    'last name': r('family'),
    'name prefix': known,
    'name suffix': known,
    nickname: r('nickname'),
    'file as': r('file-as'),
    'organization name': r('org'),
    'organization department': r('dept'),
    notes: r('note'),
    ...knownAll('phonetic first name', 'phonetic middle name', 'phonetic last name', 'organization title', 'birthday', 'photo', 'labels'),
  },
  patterns: [
    [/^e-mail (\d+) - label$/, group('email-label')],
    [/^e-mail (\d+) - value$/, group('email-value')],
    [/^phone (\d+) - label$/, group('phone-label')],
    [/^phone (\d+) - value$/, group('phone-value')],
    [/^im (\d+) - (?:label|service)$/, group('im-label')],
    [/^im (\d+) - value$/, group('im-value')],
    [/^(?:address|relation|website|event|custom field|external id) \d+ - .+$/, () => known],
  ],
};

const GOOGLE_LEGACY: SchemaDef = {
  id: 'google-legacy',
  exact: {
    name: r('full'),
    'given name': r('given'),
    'additional name': r('middle'),
    'family name': r('family'),
    nickname: r('nickname'),
    notes: r('note'),
    ...knownAll(
      'yomi name', 'given name yomi', 'additional name yomi', 'family name yomi', 'name prefix', 'name suffix', 'initials',
      'short name', 'maiden name', 'birthday', 'gender', 'location', 'billing information', 'directory server', 'mileage',
      'occupation', 'hobby', 'sensitivity', 'priority', 'subject', 'language', 'photo', 'group membership',
    ),
  },
  patterns: [
    [/^e-mail (\d+) - type$/, group('email-label')],
    [/^e-mail (\d+) - value$/, group('email-value')],
    [/^phone (\d+) - type$/, group('phone-label')],
    [/^phone (\d+) - value$/, group('phone-value')],
    // "IM 1 - Service" (Skype, Google Talk) says more than "IM 1 - Type" (Home, Other).
    [/^im (\d+) - service$/, group('im-label')],
    [/^im (\d+) - value$/, group('im-value')],
    [/^organization \d+ - name$/, () => r('org')],
    [/^organization \d+ - department$/, () => r('dept')],
    [/^(?:im|organization|address|website|relation|event|custom field|external id|jot) \d+ - .+$/, () => known],
  ],
};

const OUTLOOK: SchemaDef = {
  id: 'outlook',
  exact: {
    title: known,
    'first name': r('given'),
    'middle name': r('middle'),
    'last name': r('family'),
    suffix: known,
    nickname: r('nickname'),
    // Not classic Outlook, but Outlook-style exports of other tools carry a full "Name".
    name: r('full'),
    company: r('org'),
    department: r('dept'),
    notes: r('note'),
    'business phone': phone('work'),
    'business phone 2': phone('work'),
    'home phone': phone('home'),
    'home phone 2': phone('home'),
    'mobile phone': phone('cell'),
    'other phone': phone('other'),
    'primary phone': phone('main'),
    'company main phone': phone('company'),
    'car phone': phone('car'),
    pager: phone('pager'),
    'radio phone': phone('radio'),
    "assistant's phone": phone('assistant'),
    callback: phone('callback'),
    isdn: phone('isdn'),
    telex: phone('telex'),
    'tty/tdd phone': phone('tty'),
    'business fax': phone('work,fax'),
    'home fax': phone('home,fax'),
    'other fax': phone('fax'),
    'e-mail address': email(),
    'e-mail 2 address': email(),
    'e-mail 3 address': email(),
    'im address': { kind: 'handle', type: 'im' },
    imaddress: { kind: 'handle', type: 'im' },
    ...knownAll(
      'job title', 'e-mail type', 'e-mail display name', 'e-mail 2 type', 'e-mail 2 display name', 'e-mail 3 type',
      'e-mail 3 display name', 'birthday', 'anniversary', 'categories', 'gender', 'web page', 'personal web page', 'private',
      'sensitivity', 'priority', 'mileage', 'billing information', 'directory server', 'office location', "manager's name",
      "assistant's name", 'spouse', 'children', 'hobby', 'initials', 'keywords', 'language', 'location', 'account',
      'internet free busy', 'user 1', 'user 2', 'user 3', 'user 4', 'government id number', 'organizational id number',
      'profession', 'referred by', 'given yomi', 'surname yomi', 'company yomi', 'home address', 'business address', 'other address',
    ),
  },
  patterns: [[/^(?:business|home|other) (?:street(?: [23])?|city|state|postal code|country(?:\/region)?|po box|address po box)$/, () => known]],
};

const OUTLOOK_RU: SchemaDef = {
  id: 'outlook-ru',
  exact: {
    обращение: known,
    имя: r('given'),
    отчество: r('middle'),
    фамилия: r('family'),
    суффикс: known,
    псевдоним: r('nickname'),
    организация: r('org'),
    отдел: r('dept'),
    заметки: r('note'),
    'рабочий телефон': phone('work'),
    'рабочий телефон 2': phone('work'),
    'телефон помощника': phone('assistant'),
    'телефон организации': phone('company'),
    'основной телефон организации': phone('company'),
    'домашний телефон': phone('home'),
    'домашний телефон 2': phone('home'),
    'телефон переносной': phone('cell'),
    'мобильный телефон': phone('cell'),
    'телефон в машине': phone('car'),
    'другой телефон': phone('other'),
    'основной телефон': phone('main'),
    пейджер: phone('pager'),
    радиотелефон: phone('radio'),
    'обратный вызов': phone('callback'),
    isdn: phone('isdn'),
    телекс: phone('telex'),
    'телетайп/телефон с титрами': phone('tty'),
    'рабочий факс': phone('work,fax'),
    'домашний факс': phone('home,fax'),
    'другой факс': phone('fax'),
    'адрес эл. почты': email(),
    'адрес 2 эл. почты': email(),
    'адрес 3 эл. почты': email(),
    ...knownAll(
      'должность', 'тип эл. почты', 'краткое имя эл. почты', 'тип 2 эл. почты', 'краткое имя 2 эл. почты', 'тип 3 эл. почты',
      'краткое имя 3 эл. почты', 'день рождения', 'годовщина', 'категории', 'пол', 'важность', 'личное', 'частное', 'пометка',
      'веб-страница', 'ключевые слова', 'язык', 'пробег', 'сведения о счетах', 'сервер каталогов', 'хобби', 'инициалы', 'дети',
      'супруг(а)', 'руководитель', 'помощник', 'расположение', 'расположение комнаты', 'профессия', 'код организации',
      'удостоверение личности', 'учетная запись', 'имя помощника', 'имя руководителя', 'пользователь 1', 'пользователь 2', 'пользователь 3', 'пользователь 4',
    ),
  },
  patterns: [[/\((?:раб|дом)\. ?адрес\)$|\(другой адрес\)$/, () => known]],
};

export const SCHEMAS: readonly SchemaDef[] = [GOOGLE, GOOGLE_LEGACY, OUTLOOK, OUTLOOK_RU];

/** Header text → dictionary key: NFC, BOM and quotes gone, lower case, single spaces. */
export function normalizeHeader(h: string): string {
  return h.normalize('NFC').replace(/\uFEFF/g, '').trim().replace(/^"|"$/g, '').replace(/\s+/g, ' ').toLowerCase();
}

function roleIn(def: SchemaDef, key: string): Role | null {
  const exact = def.exact[key];
  if (exact) return exact;
  for (const [re, make] of def.patterns) {
    const m = re.exec(key);
    if (m) return make(m);
  }
  return null;
}

/** Obvious columns of an unknown layout, English or Russian. */
const OBVIOUS: readonly Pattern[] = [
  [/^(?:full ?name|display ?name|name|contact|contact name|фио|ф\.и\.о\.?|полное имя|имя контакта|контакт|имя и фамилия)$/, () => r('full')],
  [/^(?:first ?name|given ?name|first|forename|имя)$/, () => r('given')],
  [/^(?:middle ?name|additional name|отчество)$/, () => r('middle')],
  [/^(?:last ?name|family ?name|surname|last|фамилия)$/, () => r('family')],
  [/^(?:nick ?name|псевдоним|ник)$/, () => r('nickname')],
  [/e-?mail|почт/, () => email()],
  [/phone|^tel\b|telephone|mobile|^cell|телефон|^тел\b|мобильн|сотов/, () => phone()],
  [/company|organi[sz]ation|организация|компания/, () => r('org')],
  [/^notes?$|comment|заметк|примечан|комментар/, () => r('note')],
];

function obviousRole(key: string): Role | null {
  for (const [re, make] of OBVIOUS) {
    const m = re.exec(key);
    if (m) return make(m);
  }
  return null;
}

const USEFUL = new Set<Role['kind']>(['full', 'given', 'family', 'phone', 'email', 'phone-value', 'email-value']);

export interface SchemaMatch {
  schema: SchemaId;
  /** Role of each column (null: not used). */
  roles: (Role | null)[];
  /** Columns the dictionary recognised. */
  matched: number;
  /** Columns mapped to something the model keeps (for unknown layouts: the obvious ones). */
  useful: number;
}

/** Picks the dictionary that recognises most columns (at least 3, or all of at least 2; one a name/phone/e-mail). */
export function detectSchema(header: readonly string[]): SchemaMatch {
  const keys = header.map(normalizeHeader);
  let best: SchemaMatch | null = null;
  for (const def of SCHEMAS) {
    const roles = keys.map((k) => roleIn(def, k));
    const matched = roles.filter((x) => x !== null).length;
    const useful = roles.filter((x) => x !== null && USEFUL.has(x.kind)).length;
    // Three known columns, or a small header made only of known columns (`First Name,Mobile Phone`).
    const enough = matched >= 3 || (matched >= 2 && matched === keys.length);
    if (enough && useful >= 1 && (!best || matched > best.matched)) best = { schema: def.id, roles, matched, useful };
  }
  if (best) return best;
  const roles = keys.map(obviousRole);
  return {
    schema: 'unknown',
    roles,
    matched: 0,
    useful: roles.filter((x) => x !== null && USEFUL.has(x.kind)).length,
  };
}

/** How sure detection is that this header is a contacts list (0 when it is not one). */
export function schemaConfidence(m: SchemaMatch): number {
  if (m.schema !== 'unknown') return Math.min(0.95, 0.5 + 0.05 * m.matched);
  const has = (k: Role['kind'][]) => m.roles.some((x) => x !== null && k.includes(x.kind));
  return has(['full', 'given', 'family']) && has(['phone', 'email']) ? 0.35 : 0;
}
