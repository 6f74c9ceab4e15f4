/**
 * Names: a clean display form (Unicode NFC, one space between words, Title Case only when the
 * source wrote the whole name in one case) and a matching skeleton that is the same for the usual
 * ways of writing one Russian name in Cyrillic and in Latin letters ("Иван Петров" ~ "Ivan Petrov",
 * "Юрий" ~ "Yuri" ~ "Iurii" ~ "Jurij", "Щукин" ~ "Shchukin" ~ "Schukin").
 *
 * The skeleton is for matching only; display names are never transliterated.
 */

/** Cyrillic → Latin, ICAO Doc 9303 (2015) style, used as the first step of the skeleton. */
const ICAO: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch',
  ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
  // Ukrainian and Belarusian letters that appear in Russian-speaking address books
  і: 'i', ї: 'i', є: 'ie', ґ: 'g', ў: 'u',
};

/** Cyrillic → Latin, GOST 7.79-2000 System B (the ASCII-only system). */
const GOST_B: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'j', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'x', ц: 'cz', ч: 'ch', ш: 'sh', щ: 'shh',
  ъ: '``', ы: "y'", ь: '`', э: "e'", ю: 'yu', я: 'ya',
  і: "i'", ї: 'yi', є: "ye", ґ: "g'", ў: "u'",
};

export type TranslitSystem = 'icao' | 'gost-b';

/**
 * Transliterates Cyrillic letters (other characters pass through), keeping the case of the first
 * letter of each replacement (`Щукин` → `Shchukin`). For showing a Latin form; matching uses
 * {@link nameSkeleton}.
 */
export function transliterate(text: string, system: TranslitSystem = 'icao'): string {
  const table = system === 'icao' ? ICAO : GOST_B;
  const chars = [...text.normalize('NFC')];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const lower = ch.toLowerCase();
    let t = table[lower];
    if (t === undefined) {
      out += ch;
      continue;
    }
    // System B writes ц as `c` before е, и, ы, й (and their Latin results e, i, y, j).
    if (system === 'gost-b' && lower === 'ц' && /^[еиыйeiyj]/i.test(chars[i + 1] ?? '')) t = 'c';
    if (ch === lower || t === '') out += t;
    else {
      // ЩУКИН → SHCHUKIN, Щукин → Shchukin
      const next = chars[i + 1] ?? '';
      out += next !== '' && next !== next.toLowerCase() ? t.toUpperCase() : t.charAt(0).toUpperCase() + t.slice(1);
    }
  }
  return out;
}

const CYRILLIC = /\p{Script=Cyrillic}/u;
const LETTER = /\p{L}/u;
const LATIN = /\p{Script=Latin}/u;

export type NameScript = 'cyrillic' | 'latin' | 'mixed' | 'none';

/**
 * The letters most names are written in, by UTF-16 code: 1 Latin A–Z, 2 Latin a–z, 3 Cyrillic
 * upper case (А–Я, Ё), 4 Cyrillic lower case (а–я, ё); 0 for anything else. These letters are
 * precomposed (NFC leaves them alone), case-map one to one and transliterate one by one, which
 * is what lets the fast paths below skip the Unicode regular expressions and normalisation.
 */
export interface FastPath {
  /** false: always take the general path (the tests compare the two). */
  fast?: boolean;
}

function basicLetter(c: number): 0 | 1 | 2 | 3 | 4 {
  if (c < 0x80) return c >= 65 && c <= 90 ? 1 : c >= 97 && c <= 122 ? 2 : 0;
  if (c >= 0x410 && c <= 0x42f) return 3;
  if (c >= 0x430 && c <= 0x44f) return 4;
  return c === 0x401 ? 3 : c === 0x451 ? 4 : 0;
}

export function scriptOf(text: string, { fast = true }: FastPath = {}): NameScript {
  // Fast path: only ASCII and basic Cyrillic letters (ASCII non-letters belong to no script).
  let c = false;
  let l = false;
  let i = fast ? 0 : text.length + 1;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const k = basicLetter(code);
    if (k === 1 || k === 2) l = true;
    else if (k !== 0) c = true;
    else if (code >= 0x80) break;
  }
  if (i !== text.length) {
    c = CYRILLIC.test(text);
    l = LATIN.test(text);
  }
  return c && l ? 'mixed' : c ? 'cyrillic' : l ? 'latin' : 'none';
}

/** Zero-width, bidi marks and BOM: invisible, never part of a name. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
const SPACES = /[\s\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+/g;
/** Precomposed letters only (a combining mark is \p{M}, not \p{L}: such names take the full path). */
const PLAIN_NAME = /^\p{L}+(?:[ -]\p{L}+)*$/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

/**
 * PLAIN_NAME, UPPER and LOWER all true, for names written in basic Latin and Cyrillic letters
 * (one pass, no regular expression); false also when a character is outside those letters, and
 * then the regular expressions decide.
 */
function isPlainMixedCase(raw: string): boolean {
  let upper = false;
  let lower = false;
  let afterLetter = false;
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    const k = basicLetter(code);
    if (k === 0) {
      // a space or hyphen only between two letters
      if ((code !== 32 && code !== 45) || !afterLetter) return false;
      afterLetter = false;
      continue;
    }
    if (k === 1 || k === 3) upper = true;
    else lower = true;
    afterLetter = true;
  }
  return afterLetter && upper && lower;
}

function titleWord(word: string): string {
  // Capitalise after the start and after a hyphen or apostrophe: "анна-мария" → "Анна-Мария".
  return word.toLowerCase().replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, letter: string) => {
    const up = letter.toUpperCase();
    return sep + (up.length === letter.length ? up : letter); // ß, ŉ: no single-letter capital
  });
}

/**
 * The display form of a name: NFC, invisible characters removed, every run of white space one
 * space, trimmed, WhatsApp's `~ ` marker for unsaved numbers removed. Case is changed only when
 * the whole name is written in one case ("ИВАН ПЕТРОВ", "ivan petrov" → Title Case); a mixed-case
 * name ("McDonald", "van der Berg") is kept as written.
 */
export function cleanName(raw: string | null | undefined, { fast = true }: FastPath = {}): string {
  if (!raw) return '';
  // Most names are already clean: words of letters, one space apart, in mixed case.
  if (fast && isPlainMixedCase(raw)) return raw;
  if (PLAIN_NAME.test(raw) && UPPER.test(raw) && LOWER.test(raw)) return raw;
  let s = raw.normalize('NFC').replace(INVISIBLE, '').replace(SPACES, ' ').trim();
  s = s.replace(/^~\s*/, '');
  const letters = s.replace(/[^\p{L}]/gu, '');
  // Only Latin and Cyrillic names: other scripts have no case, or case rules this must not guess.
  const oneCase = letters === letters.toUpperCase() || letters === letters.toLowerCase();
  if (letters.length > 1 && oneCase && letters.toUpperCase() !== letters.toLowerCase() && /^[\p{Script=Latin}\p{Script=Cyrillic}]+$/u.test(letters)) {
    s = s.split(' ').map(titleWord).join(' ');
  }
  return s;
}

/**
 * Latin spelling variants folded into one form, in one pass over each word (longest match first):
 *   shch, sch, shh → sh   Щ: Shchukin / Schukin / GOST "shh"
 *   tch → ch              French-style Ч
 *   kh → h                Х: Khabarov / Habarov
 *   x → ks                Maxim / Maksim, Alexey / Aleksey
 *   ts, tz, cz → c        Ц: Tsvetkov / Cvetkov / Tzvetkov / GOST "cz"
 *   ck → k, ph → f, w → v (German-style Iwanow)
 *   y, j → i              Й, Ы and the y/j/i of Ю, Я: Yuri / Iurii / Jurij, Sergey / Sergei / Sergej
 * then, on the result (CONTEXT_FOLDS), the spellings of Е and Ё, and doubled letters.
 */
function foldWord(s: string, from: number, to: number): string {
  // Copies runs of unchanged letters in one piece; only folded spellings are replaced.
  let w = '';
  let run = from;
  const put = (i: number, skip: number, replacement: string) => {
    w += s.slice(run, i) + replacement;
    run = i + skip;
    return skip - 1;
  };
  for (let i = from; i < to; i++) {
    const ch = s.charCodeAt(i);
    const next = i + 1 < to ? s.charCodeAt(i + 1) : 0;
    const after = i + 2 < to ? s.charCodeAt(i + 2) : 0;
    switch (ch) {
      case 115: // s
        if (next === 104 && after === 99 && i + 3 < to && s.charCodeAt(i + 3) === 104) i += put(i, 4, 'sh'); // shch
        else if ((next === 99 && after === 104) || (next === 104 && after === 104)) i += put(i, 3, 'sh'); // sch, shh
        break;
      case 116: // t
        if (next === 99 && after === 104) i += put(i, 3, 'ch'); // tch
        else if (next === 115 || next === 122) i += put(i, 2, 'c'); // ts, tz
        break;
      case 107: // k
        if (next === 104) i += put(i, 2, 'h'); // kh
        break;
      case 99: // c
        if (next === 122) i += put(i, 2, 'c'); // cz
        else if (next === 107) i += put(i, 2, 'k'); // ck
        break;
      case 112: // p
        if (next === 104) i += put(i, 2, 'f'); // ph
        break;
      case 120: // x
        i += put(i, 1, 'ks');
        break;
      case 119: // w
        i += put(i, 1, 'v');
        break;
      case 121: // y
      case 106: // j
        i += put(i, 1, 'i');
        break;
    }
  }
  return run === from ? s.slice(from, to) : w + s.slice(run, to);
}

const CONTEXT_FOLDS: readonly [RegExp, string][] = [
  [/ ie/g, ' e'], // initial Е: Yevgeny / Evgeny, Yelena / Elena
  [/([aeiou])ie/g, '$1e'], // Е after a vowel: Andreyev / Andreev
  [/([bcdfghklmnprstvz])io/g, '$1e'], // Ё: Fyodor / Fedor, Pyotr / Petr, Semyon / Semen
  [/([^ ])\1+/g, '$1'], // doubled letters: Iurii / Yuri, Filippov / Filipov, Anna / Ana
];

/** Patronymics (dropped from the skeleton when a name has three or more words). */
const PATRONYMIC = /(?:ovich|evich|ovna|evna|ichna|ovic|evic)$/;

/** Lower-case, Cyrillic transliterated (ICAO), Latin diacritics removed, variants folded, split into words. */
/** ICAO by code point (U+0400–U+04FF), for a loop without a lookup per character in an object. */
const ICAO_BY_CODE: readonly (string | undefined)[] = (() => {
  const t: (string | undefined)[] = new Array(0x100);
  for (const [ch, latin] of Object.entries(ICAO)) t[ch.charCodeAt(0) - 0x400] = latin;
  return t;
})();

/** ICAO transliteration of lower-case text, copying runs of other characters in one piece. */
function icaoLower(lower: string): string {
  let parts: string[] | null = null;
  let from = 0;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i) - 0x400;
    if (c < 0 || c >= 0x100) continue;
    const t = ICAO_BY_CODE[c];
    if (t === undefined) continue;
    parts ??= [];
    if (from < i) parts.push(lower.slice(from, i));
    parts.push(t);
    from = i + 1;
  }
  if (parts === null) return lower;
  if (from < lower.length) parts.push(lower.slice(from));
  return parts.join('');
}

function foldedWords(raw: string): string[] {
  let s = icaoLower(raw.normalize('NFC').toLowerCase());
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(s)) s = s.normalize('NFD').replace(/\p{M}/gu, '');
  // Apostrophes inside a word (Il'in, O'Brien) join it; everything else that is not a letter splits.
  let folded = '';
  let start = -1;
  for (let i = 0; i <= s.length; i++) {
    const code = i < s.length ? s.charCodeAt(i) : 32;
    const letter = (code >= 97 && code <= 122) || (code > 127 && LETTER.test(s[i]!));
    if (letter) {
      if (start < 0) start = i;
      continue;
    }
    if (code === 39 || code === 0x2019 || code === 96 || code === 0x2bc) {
      if (start >= 0) {
        s = s.slice(0, i) + s.slice(i + 1); // drop the apostrophe, stay in the word
        i--;
      }
      continue;
    }
    if (start >= 0) folded += ` ${foldWord(s, start, i)}`;
    start = -1;
  }
  for (const [re, to] of CONTEXT_FOLDS) folded = folded.replace(re, to);
  return folded.split(' ').filter((w) => w.length > 1);
}

/** ICAO_BY_CODE for the fast path as char codes: up to four per letter (щ → shch), and how many. */
const ICAO_FLAT = new Uint8Array(0x100 * 4);
const ICAO_LEN = new Uint8Array(0x100);
ICAO_BY_CODE.forEach((t, i) => {
  if (t === undefined) return;
  ICAO_LEN[i] = t.length;
  for (let k = 0; k < t.length; k++) ICAO_FLAT[i * 4 + k] = t.charCodeAt(k);
});

const VOWEL = new Uint8Array(128);
for (const c of 'aeiou') VOWEL[c.charCodeAt(0)] = 1;
const IO_CONSONANT = new Uint8Array(128);
for (const c of 'bcdfghklmnprstvz') IO_CONSONANT[c.charCodeAt(0)] = 1;

/** Char codes of the Latin letters the folds look at. */
const C = 99, E = 101, F = 102, H = 104, I = 105, J = 106, K = 107, O = 111, P = 112, S = 115, T = 116, V = 118, W = 119, X = 120, Y = 121, Z = 122;

/** Scratch buffers of the fast path (a word of basic letters grows at most 4× when transliterated, and by x → ks). */
const WORD_MAX = 64;
const bufA = Buffer.alloc(WORD_MAX * 8); // only ASCII once transliterated: bytes
const bufB = Buffer.alloc(WORD_MAX * 8);

/**
 * foldedWords of one word of basic Latin and Cyrillic letters (`raw[start..end)`), computed on
 * char codes: lower case and ICAO letter by letter, then foldWord's spellings, then the four
 * CONTEXT_FOLDS in their order, each with the regular expression's semantics (left to right, a
 * match never reusing letters of the one before). '' when fewer than two letters remain.
 */
function foldPlainWord(raw: string, start: number, end: number): string {
  // 1. lower case, transliterated
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x80) {
      bufA[n++] = c <= 90 ? c + 32 : c;
      continue;
    }
    const at = (c === 0x401 ? 0x451 : c <= 0x42f ? c + 0x20 : c) - 0x400; // lower case
    for (let k = 0, len = ICAO_LEN[at]!; k < len; k++) bufA[n++] = ICAO_FLAT[at * 4 + k]!;
  }
  // 2. foldWord's spellings, left to right (reads bufA, writes bufB)
  let m = 0;
  for (let i = 0; i < n; i++) {
    const ch = bufA[i]!;
    const next = i + 1 < n ? bufA[i + 1]! : 0;
    const after = i + 2 < n ? bufA[i + 2]! : 0;
    if (ch === S) {
      if (next === H && after === C && i + 3 < n && bufA[i + 3] === H) {
        bufB[m++] = S;
        bufB[m++] = H; // shch → sh
        i += 3;
        continue;
      }
      if ((next === C && after === H) || (next === H && after === H)) {
        bufB[m++] = S;
        bufB[m++] = H; // sch, shh → sh
        i += 2;
        continue;
      }
    } else if (ch === T) {
      if (next === C && after === H) {
        bufB[m++] = C;
        bufB[m++] = H; // tch → ch
        i += 2;
        continue;
      }
      if (next === S || next === Z) {
        bufB[m++] = C; // ts, tz → c
        i += 1;
        continue;
      }
    } else if (ch === K && next === H) {
      bufB[m++] = H; // kh → h
      i += 1;
      continue;
    } else if (ch === C && (next === Z || next === K)) {
      bufB[m++] = next === Z ? C : K; // cz → c, ck → k
      i += 1;
      continue;
    } else if (ch === P && next === H) {
      bufB[m++] = F; // ph → f
      i += 1;
      continue;
    } else if (ch === X) {
      bufB[m++] = K;
      bufB[m++] = S; // x → ks
      continue;
    } else if (ch === W) {
      bufB[m++] = V; // w → v
      continue;
    } else if (ch === Y || ch === J) {
      bufB[m++] = I; // y, j → i
      continue;
    }
    bufB[m++] = ch;
  }
  // 3. context folds, each a pass from one buffer to the other
  // " ie" → " e": the word starts with ie
  let from = 0;
  if (m >= 2 && bufB[0] === I && bufB[1] === E) from = 1;
  // ([aeiou])ie → $1e (bufB → bufA)
  n = 0;
  for (let i = from; i < m; ) {
    const c = bufB[i]!;
    if (VOWEL[c] === 1 && i + 2 < m && bufB[i + 1] === I && bufB[i + 2] === E) {
      bufA[n++] = c;
      bufA[n++] = E;
      i += 3;
    } else {
      bufA[n++] = c;
      i++;
    }
  }
  // ([bcdfghklmnprstvz])io → $1e (bufA → bufB)
  m = 0;
  for (let i = 0; i < n; ) {
    const c = bufA[i]!;
    if (IO_CONSONANT[c] === 1 && i + 2 < n && bufA[i + 1] === I && bufA[i + 2] === O) {
      bufB[m++] = c;
      bufB[m++] = E;
      i += 3;
    } else {
      bufB[m++] = c;
      i++;
    }
  }
  // ([^ ])\1+ → $1: runs of one letter (bufB → bufA)
  n = 0;
  for (let i = 0; i < m; i++) if (n === 0 || bufA[n - 1] !== bufB[i]) bufA[n++] = bufB[i]!;
  return n > 1 ? bufA.toString('latin1', 0, n) : '';
}

/** The words plainFoldedWords found (a scratch list: most names have two words, no array each). */
const plainWords: string[] = [];

/**
 * {@link foldedWords} for a name written in basic Latin and Cyrillic letters and spaces (most
 * names), one word at a time (foldPlainWord), into `plainWords`; returns how many, or -1 for any
 * other name. Equal to foldedWords there because every step is per word: lower-casing and
 * transliterating these letters is one letter at a time, nothing is left to strip of
 * diacritics, words are split only at the spaces, and every context fold matches inside one
 * word (the spaces between words never change).
 */
function plainFoldedWords(raw: string): number {
  let count = 0;
  let start = -1;
  for (let i = 0; i <= raw.length; i++) {
    const code = i < raw.length ? raw.charCodeAt(i) : 32;
    if (code === 32) {
      if (start >= 0) {
        if (i - start > WORD_MAX) return -1;
        const folded = foldPlainWord(raw, start, i);
        if (folded !== '') plainWords[count++] = folded;
        start = -1;
      }
      continue;
    }
    if (basicLetter(code) === 0) return -1;
    if (start < 0) start = i;
  }
  return count;
}

export interface NameKey {
  /** Sorted folded words, space-separated; '' when the name has no usable words. */
  skeleton: string;
  /** Number of words in the skeleton (initials and single letters are not counted). */
  tokens: number;
}

/**
 * The matching skeleton of a name: every word transliterated to Latin, spelling variants folded
 * (see FOLDS), one-letter words (initials) dropped, a patronymic dropped when three or more words
 * remain, then the words sorted (so "Petrov Ivan" matches "Ivan Petrov") and de-duplicated.
 */
export function nameSkeleton(raw: string | null | undefined, { fast = true }: FastPath = {}): NameKey {
  if (!raw) return { skeleton: '', tokens: 0 };
  const plain = fast ? plainFoldedWords(raw) : -1;
  // The usual names, without an array: no word, one, or two (sorted, one when both are the same).
  if (plain === 0) return { skeleton: '', tokens: 0 };
  if (plain === 1) return { skeleton: plainWords[0]!, tokens: 1 };
  if (plain === 2) {
    const [a, b] = plainWords as [string, string];
    if (a === b) return { skeleton: a, tokens: 1 };
    plainWords.length = 2;
    if (b < a) [plainWords[0], plainWords[1]] = [b, a];
    return { skeleton: plainWords.join(' '), tokens: 2 }; // join: one flat string (a template would keep a cons string)
  }
  const words = plain > 0 ? plainWords.slice(0, plain) : foldedWords(raw);
  if (words.length >= 3) {
    // Drop one patronymic: the middle word (Ivan Sergeevich Petrov), else the last (Petrov Ivan Sergeevich).
    const at = PATRONYMIC.test(words[1]!) ? 1 : PATRONYMIC.test(words[words.length - 1]!) ? words.length - 1 : -1;
    if (at >= 0) words.splice(at, 1);
  }
  const unique = words.length < 2 ? words : words.length === 2 ? (words[0]! === words[1]! ? [words[0]!] : words[0]! < words[1]! ? words : [words[1]!, words[0]!]) : [...new Set(words)].sort();
  return { skeleton: unique.join(' '), tokens: unique.length };
}
