/**
 * Character classes of WhatsApp exports. Exports sprinkle invisible direction marks through the
 * header (U+200E before `[`, U+200F between Arabic date parts, U+202A…U+202C around phone numbers)
 * and use no-break spaces (U+00A0 in `p. m.`, U+202F before `PM` in newer Android, U+2009 thin
 * space): the header grammar skips the former and treats the latter as spaces, without first
 * rewriting the line (that would cost a copy of every line).
 */

/** Direction marks, embeddings/isolates, the Arabic letter mark and the BOM / ZWNBSP. */
export function isIgnorable(c: number): boolean {
  return (
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0x061c ||
    c === 0xfeff
  );
}

/** Space, no-break space, narrow no-break space, thin space. */
export function isSpace(c: number): boolean {
  return c === 0x20 || c === 0xa0 || c === 0x202f || c === 0x2009;
}

/** 0–9 for ASCII, Arabic-Indic (U+0660…), Extended Arabic-Indic (U+06F0…, Persian/Urdu), Devanagari and Bengali digits; -1 otherwise. */
export function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c < 0x660) return -1;
  if (c <= 0x669) return c - 0x660;
  if (c >= 0x6f0 && c <= 0x6f9) return c - 0x6f0;
  if (c >= 0x966 && c <= 0x96f) return c - 0x966;
  if (c >= 0x9e6 && c <= 0x9ef) return c - 0x9e6;
  return -1;
}

const INVISIBLE_RE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ufeff]/g;
const ODD_SPACE_RE = /[\u00a0\u202f\u2009]/g;

/** Removes every direction mark / BOM. */
export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE_RE, '');
}

/** Removes direction marks and turns no-break / thin spaces into plain spaces, then trims. */
export function cleanInline(s: string): string {
  return s.replace(INVISIBLE_RE, '').replace(ODD_SPACE_RE, ' ').trim();
}

/** True when the string starts with a direction mark (WhatsApp puts U+200E before texts it generates). */
export function startsInvisible(s: string): boolean {
  return s.length > 0 && isIgnorable(s.charCodeAt(0));
}

/**
 * A display name as written in a header: direction marks removed, odd spaces made plain, and the
 * `~` + U+202F prefix newer Android versions put before people who are not in the contacts dropped.
 */
export function cleanAuthor(raw: string): string {
  let s = cleanInline(raw);
  if (s.length > 1 && s.charCodeAt(0) === 0x7e /* ~ */ && s.charCodeAt(1) === 0x20) s = s.slice(2).trimStart();
  return s;
}
