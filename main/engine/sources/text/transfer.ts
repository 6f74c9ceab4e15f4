/**
 * Transfer encodings of vCard 2.1 values: quoted-printable and base64. Both work on "binary
 * strings" (one char per byte, as `Buffer#toString('latin1')` gives) and return bytes, so the
 * caller decodes the whole logical value with its CHARSET in one go: a UTF-8 character split by a
 * QP soft line break (`=D0=` / `=B2`) comes back whole.
 */

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
};

/**
 * Quoted-printable → bytes. Tolerant: `=XY` with hex digits (either case) is a byte; `=` before a
 * line break (a soft break that survived) or at the very end is dropped; any other `=` is kept
 * as is. Chars above U+00FF (text that was already decoded) are written as UTF-8.
 */
export function decodeQuotedPrintable(s: string): Buffer {
  const out = Buffer.allocUnsafe(s.length * 3);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x3d /* = */) {
      if (i + 2 < s.length) {
        const h = hexValue(s.charCodeAt(i + 1));
        const l = hexValue(s.charCodeAt(i + 2));
        if (h >= 0 && l >= 0) {
          out[n++] = (h << 4) | l;
          i += 2;
          continue;
        }
      }
      // Soft break left in the value: `=` followed by optional blanks and a line break, or at the end.
      let j = i + 1;
      while (j < s.length && (s.charCodeAt(j) === 0x20 || s.charCodeAt(j) === 0x09)) j++;
      if (j === s.length) break;
      if (s.charCodeAt(j) === 0x0d || s.charCodeAt(j) === 0x0a) {
        i = j;
        if (s.charCodeAt(j) === 0x0d && s.charCodeAt(j + 1) === 0x0a) i++;
        continue;
      }
      out[n++] = c;
      continue;
    }
    if (c <= 0xff) out[n++] = c;
    else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      n += out.write(ch, n, 'utf8');
      i += ch.length - 1;
    }
  }
  return Buffer.from(out.subarray(0, n));
}

/** Base64 (standard or URL-safe alphabet, any whitespace or line breaks inside, padding optional) → bytes. */
export function decodeBase64(s: string): Buffer {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/_-]/g, ''), 'base64');
}

/** A line that can only be part of a base64 block (letters, digits, `+/=`, blanks). */
export function isBase64Line(s: string): boolean {
  return s.length > 0 && /^[A-Za-z0-9+/=\s]+$/.test(s);
}
