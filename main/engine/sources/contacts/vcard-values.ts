/**
 * vCard values: transfer decoding (QP/base64) to bytes for the whole logical value, then the
 * CHARSET, then unescaping (`\,` `\;` `\n` `\N` `\\` and the non-standard `\:`), and splitting of
 * structured values (N, ADR, ORG) on unescaped `;` only. formats.md §3 gives this order.
 */
import { chooseLegacy, decoderFor, isUtf8, type LegacyEncoding, type LegacyScore, scoreLegacy } from '../text/encoding.js';
import { decodeBase64, decodeQuotedPrintable } from '../text/transfer.js';
import type { ProblemLog } from './problems.js';
import { encodingOf, paramValue, type VcardProperty } from './vcard-lexer.js';

export interface CharsetContext {
  problems: ProblemLog;
  /**
   * The file was UTF-16 and has been turned into UTF-8 already: a CHARSET on a plain value then
   * describes bytes that no longer exist, and is ignored.
   */
  unicodeFile(): boolean;
  /** Running windows-1251/1252 evidence over the file's values that had no CHARSET and were not UTF-8. */
  legacy: LegacyScore;
  /** First line where such a value was read with a guessed encoding (reported once per file). */
  guessed: { line: number; encoding: LegacyEncoding } | null;
}

const isAscii = (b: Buffer): boolean => {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
};

/** The bytes of a value after its transfer encoding. */
export function valueBytes(p: VcardProperty): Buffer {
  const enc = encodingOf(p);
  if (enc === 'qp') return decodeQuotedPrintable(p.value);
  if (enc === 'b64') return decodeBase64(p.value);
  return Buffer.from(p.value, 'latin1');
}

/** The text of a value, decoded with its CHARSET (or UTF-8, or a guessed legacy encoding); not unescaped. */
export function decodeValue(p: VcardProperty, ctx: CharsetContext): string {
  const bytes = valueBytes(p);
  if (isAscii(bytes)) return bytes.toString('latin1');
  const charset = paramValue(p, 'CHARSET');
  if (charset && !(ctx.unicodeFile() && encodingOf(p) === null)) {
    const strict = decoderFor(charset, true);
    if (!strict) {
      ctx.problems.add({
        code: 'encoding',
        severity: 'warning',
        line: p.line,
        message: `${p.name} names a character set Pereezd does not know (${charset}); it was read as UTF-8 or a guessed encoding`,
        params: { charset },
      });
    } else {
      try {
        return strict.decode(bytes);
      } catch {
        ctx.problems.add({
          code: 'encoding',
          severity: 'warning',
          line: p.line,
          message: `${p.name} has bytes that are not valid ${charset}; they were replaced by U+FFFD`,
          params: { charset },
        });
        return decoderFor(charset, false)!.decode(bytes);
      }
    }
  }
  if (isUtf8(bytes)) return bytes.toString('utf8');
  scoreLegacy(bytes, ctx.legacy);
  const encoding = chooseLegacy(ctx.legacy);
  if (!ctx.guessed) ctx.guessed = { line: p.line, encoding };
  return new TextDecoder(encoding).decode(bytes);
}

/** Undoes vCard escaping; CR LF and CR inside values become LF. */
export function unescapeValue(s: string): string {
  if (s.indexOf('\\') < 0 && s.indexOf('\r') < 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\r') {
      out += '\n';
      if (s[i + 1] === '\n') i++;
      continue;
    }
    if (ch !== '\\' || i + 1 >= s.length) {
      out += ch;
      continue;
    }
    const next = s[i + 1]!;
    if (next === 'n' || next === 'N') out += '\n';
    else if (next === '\\' || next === ',' || next === ';' || next === ':' || next === '"') out += next;
    else {
      // Not an escape vCard knows (a Windows path in a 2.1 NOTE): kept as written.
      out += ch;
      continue;
    }
    i++;
  }
  return out;
}

/** Splits a structured value (N, ADR, ORG) on unescaped `;`, then unescapes each component. */
export function splitStructured(s: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x3b /* ; */) {
      out.push(unescapeValue(s.slice(start, i)));
      start = i + 1;
    }
  }
  out.push(unescapeValue(s.slice(start)));
  return out;
}
