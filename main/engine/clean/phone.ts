/**
 * Phone numbers to E.164 with libphonenumber-js (validated against its metadata), with the rules
 * Russian-speaking address books need on top of it:
 *   `+7 916 …`            international, as written;
 *   `00 49 30 …`          the international `00` prefix → `+` (whatever the default region);
 *   `8 (916) 123-45-67`   eleven digits after the Russian trunk prefix 8 → `+7`;
 *   `(916) 123-45-67`     a national number, read in the default region;
 *   `79161234567`         a full international number without its `+`, when the default region cannot read it.
 * A number that none of these makes valid is kept as written and never used to match people.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export type PhoneHow = 'international' | 'idd-00' | 'ru-trunk-8' | 'national' | 'no-plus';

export interface NormalPhone {
  /** As written in the source (trimmed). */
  raw: string;
  /** `+79161234567`, or null when the number could not be made valid. */
  e164: string | null;
  /** Extension (`;ext=5555`, `ext. 5555`), when written. */
  ext?: string;
  /** Which rule produced `e164`. */
  how?: PhoneHow;
}

/** Region codes (ISO 3166-1 alpha-2) that libphonenumber-js has metadata for. */
export function isRegion(code: string): code is CountryCode {
  return /^[A-Z]{2}$/.test(code) && isSupportedCountry(code);
}

/**
 * The default region from the OS locale: `LC_ALL`, `LC_MESSAGES`, `LANG` (`ru_RU.UTF-8` → RU),
 * then the JavaScript runtime's locale (`Intl`, which follows the OS on Windows and macOS).
 * Undefined when neither names a supported region (`C.UTF-8`): then only numbers written with
 * `+`, `00` or the Russian `8` are normalised.
 */
export function defaultRegion(env: NodeJS.ProcessEnv = process.env, intlLocale?: string): CountryCode | undefined {
  const regionOf = (tag: string): CountryCode | undefined => {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      return region && isRegion(region) ? region : undefined;
    } catch {
      return undefined; // malformed locale
    }
  };
  for (const v of [env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (!v || v === 'C' || v === 'POSIX' || v.startsWith('C.')) continue;
    // POSIX form `ru_RU.UTF-8@euro` → BCP 47 `ru-RU`; a language alone (`ru`) gets its likely region.
    const tag = v.split(/[.@]/)[0]!.replace('_', '-');
    const r = regionOf(tag);
    if (r) return r;
    break;
  }
  return regionOf(intlLocale ?? new Intl.DateTimeFormat().resolvedOptions().locale);
}

const FORMATTING = /[\s\u00A0\u202F\-‐-―().\u2012/]/g;
/** The part of FORMATTING that is ASCII other than tab and line breaks: what isPlainNumber lets through. */
const ASCII_FORMATTING = /[ \-()./]/g;

/** Only digits, `+`, spaces, `-`, `(`, `)`, `.` and `/`: a number written the usual way (one pass, no regex). */
function isPlainNumber(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // 0-9, +, space, -, (, ), ., /
    if (!((c >= 48 && c <= 57) || c === 43 || c === 32 || c === 45 || c === 40 || c === 41 || c === 46 || c === 47)) return false;
  }
  return true;
}

/**
 * +7 numbers whose national part starts with 3, 4, 8 or 9 belong to Russia (Kazakhstan's start
 * with 7), and every ten-digit Russian national number of that shape is valid in libphonenumber's
 * metadata (`[347-9]\d{9}`): the common case is answered without running the parser (the
 * phone tests check the shortcut against the library). Prefix: `+7`, `007`, the trunk `8`, or
 * none (a national number: only when the default region is RU).
 */
type RuPrefix = 'none' | '+7' | '007' | '8';

/**
 * Which of those spellings a number (digits and `+`, separators removed) is, or null: the match
 * of `/^(\+7|007|8)?([3489]\d{9})$/` without its match object. The national part is the last ten
 * characters, so the prefix is decided by the length.
 */
function ruPrefix(c: string): RuPrefix | null {
  const len = c.length;
  const p = len - 10;
  if (p < 0 || p > 3) return null;
  const f = c.charCodeAt(p);
  if (f !== 51 && f !== 52 && f !== 56 && f !== 57) return null; // 3, 4, 8, 9
  for (let i = p + 1; i < len; i++) {
    const d = c.charCodeAt(i);
    if (d < 48 || d > 57) return null;
  }
  if (p === 0) return 'none';
  if (p === 2 && c.charCodeAt(0) === 43 && c.charCodeAt(1) === 55) return '+7';
  if (p === 3 && c.charCodeAt(0) === 48 && c.charCodeAt(1) === 48 && c.charCodeAt(2) === 55) return '007';
  if (p === 1 && c.charCodeAt(0) === 56) return '8';
  return null;
}

function tryParse(text: string, region: CountryCode | undefined): { e164: string; ext?: string } | null {
  const p = parsePhoneNumberFromString(text, region ? { defaultCountry: region, extract: false } : { extract: false });
  if (!p || !p.isValid()) return null;
  return p.ext ? { e164: p.number, ext: p.ext } : { e164: p.number };
}

/**
 * Normalises one phone number as written. Pure and cheap enough for a million contacts; callers
 * that see the same strings often use {@link createPhoneNormaliser} (memoised).
 */
export function normalisePhone(input: string, region: CountryCode | undefined, { fast = true }: { fast?: boolean } = {}): NormalPhone {
  let raw: string;
  let text: string;
  let compact: string;
  if (fast && isPlainNumber(input)) {
    // Digits, `+` and ASCII separators only (most numbers): nothing to normalise or strip but the separators.
    raw = input.charCodeAt(0) === 32 || input.charCodeAt(input.length - 1) === 32 ? input.trim() : input;
    text = raw;
    compact = raw.replace(ASCII_FORMATTING, '');
  } else {
    // eslint-disable-next-line no-control-regex
    raw = (/^[\x00-\x7f]*$/.test(input) ? input : input.normalize('NFC')).trim();
    // `tel:` URIs (vCard 4.0), Excel's text marker, and the invisible marks WhatsApp puts around numbers.
    text = raw.replace(/^tel:/i, '').replace(/^'/, '').replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
    compact = text.replace(FORMATTING, '');
  }
  const ru = fast ? ruPrefix(compact) : null;
  // (A bare national number starting with 8 may be Russia's 810 international prefix: left to the parser.)
  if (ru !== null && (ru !== 'none' || (region === 'RU' && compact.charCodeAt(0) !== 56))) {
    // A Russian number in one of its usual spellings: the result libphonenumber gives, without its parser.
    const how: PhoneHow = ru === '+7' ? 'international' : ru === '007' ? 'idd-00' : ru === '8' ? 'ru-trunk-8' : 'national';
    return { raw, e164: how === 'international' ? compact : `+7${compact.slice(compact.length - 10)}`, how };
  }
  const done = (r: { e164: string; ext?: string } | null, how: PhoneHow): NormalPhone | null =>
    r ? { raw, e164: r.e164, how, ...(r.ext ? { ext: r.ext } : {}) } : null;
  if (compact.startsWith('+')) return done(tryParse(text, undefined), 'international') ?? { raw, e164: null };
  if (/^00[1-9]/.test(compact)) {
    const r = done(tryParse(`+${text.replace(/^\D*0\D*0/, '')}`, undefined), 'idd-00');
    if (r) return r;
  }
  const digits = /^\d+/.exec(compact)?.[0] ?? '';
  if (digits.length === 11 && digits.startsWith('8')) {
    const r = done(tryParse(`+7${text.replace(/^\D*8/, '')}`, undefined), 'ru-trunk-8');
    if (r) return r;
  }
  if (region) {
    const r = done(tryParse(text, region), 'national');
    if (r) return r;
  }
  if (digits.length >= 10 && !digits.startsWith('0')) {
    const r = done(tryParse(`+${text.replace(/^\D*/, '')}`, undefined), 'no-plus');
    if (r) return r;
  }
  return { raw, e164: null };
}

/** A memoised {@link normalisePhone} for one region (the same numbers recur across sources). */
export function createPhoneNormaliser(region: CountryCode | undefined, max = 200_000): (input: string) => NormalPhone {
  const memo = new Map<string, NormalPhone>();
  return (input) => {
    let r = memo.get(input);
    if (r) return r;
    r = normalisePhone(input, region);
    if (memo.size >= max) memo.clear();
    memo.set(input, r);
    return r;
  };
}
