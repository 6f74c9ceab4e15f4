/**
 * Cleaned contacts as strict vCard 4.0 (RFC 6350): CRLF line ends, text values escaped (`\\`,
 * `\,`, `\;`, `\n`), lines folded at 75 octets without splitting a UTF-8 character, phones as
 * `TEL;VALUE=uri:tel:+7…` (a number that could not be normalised as `VALUE=text`), a stable
 * `UID` per contact (so re-imports update instead of duplicating).
 */
import { createHash } from 'node:crypto';
import type { CleanContact } from './contacts-dedupe.js';

const CRLF = '\r\n';

/** RFC 6350 §3.4: backslash, comma, semicolon and newlines escaped in text values. */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n');
}

/** RFC 6350 §3.2: lines longer than 75 octets are split with CRLF + one space; never inside a UTF-8 character. */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line + CRLF;
  let out = '';
  let width = 0;
  for (const ch of line) {
    const w = Buffer.byteLength(ch, 'utf8');
    if (width + w > 75) {
      out += CRLF + ' ';
      width = 1; // the leading space counts toward the next line's 75 octets
    }
    out += ch;
    width += w;
  }
  return out + CRLF;
}

const TEL_TYPES: Readonly<Record<string, string>> = {
  mobile: 'cell', cell: 'cell', cellular: 'cell', 'мобильный': 'cell', home: 'home', 'домашний': 'home', work: 'work',
  business: 'work', 'рабочий': 'work', fax: 'fax', pager: 'pager', voice: 'voice', text: 'text', video: 'video', textphone: 'textphone',
};
const EMAIL_TYPES: Readonly<Record<string, string>> = { home: 'home', work: 'work', business: 'work', personal: 'home', 'домашний': 'home', 'рабочий': 'work' };

/** Labels from the sources (`Mobile`, `* Work`, `CELL,PREF`) → vCard 4.0 TYPE values; unknown labels are left out. */
function typeParam(raw: string | null, table: Readonly<Record<string, string>>): string {
  if (!raw) return '';
  const types = new Set<string>();
  for (const part of raw.toLowerCase().split(/[\s,;:*]+/)) {
    const t = table[part];
    if (t) types.add(t);
  }
  if (types.size === 0) return '';
  const list = [...types].join(',');
  return types.size > 1 ? `;TYPE="${list}"` : `;TYPE=${list}`;
}

/** A UUID (version 5 layout) derived from the contact id: the same contact gets the same UID on every run. */
export function uidFor(id: string): string {
  const h = createHash('sha1').update(`pereezd-contact\n${id}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** `tel:` URI of an E.164 number, with its extension. */
const telUri = (e164: string, ext?: string) => `tel:${e164}${ext ? `;ext=${ext.replace(/[^0-9]/g, '')}` : ''}`;

export function vcardOf(c: CleanContact): string {
  const lines: string[] = ['BEGIN:VCARD', 'VERSION:4.0'];
  const fn = c.name || c.emails[0]?.value || c.phones[0]?.value || c.org || c.id;
  lines.push(`FN:${escapeText(fn)}`);
  if (c.given || c.family) lines.push(`N:${escapeText(c.family ?? '')};${escapeText(c.given ?? '')};;;`);
  if (c.org) lines.push(`ORG:${escapeText(c.org)}`);
  c.phones.forEach((p, i) => {
    const pref = i === 0 && c.phones.length > 1 ? ';PREF=1' : '';
    if (p.valid) lines.push(`TEL;VALUE=uri${pref}${typeParam(p.type, TEL_TYPES)}:${telUri(p.value, p.ext)}`);
    else lines.push(`TEL;VALUE=text${pref}${typeParam(p.type, TEL_TYPES)}:${escapeText(p.value)}`);
  });
  c.emails.forEach((e, i) => {
    const pref = i === 0 && c.emails.length > 1 ? ';PREF=1' : '';
    lines.push(`EMAIL${pref}${typeParam(e.type, EMAIL_TYPES)}:${escapeText(e.value)}`);
  });
  for (const h of c.handles) {
    if (h.type === 'telegram') lines.push(`IMPP:${`https://t.me/${encodeURIComponent(h.value)}`}`);
    else lines.push(`X-PEREEZD-HANDLE;TYPE=${h.type.replace(/[^A-Za-z0-9-]/g, '')}:${escapeText(h.value)}`);
  }
  if (c.note) lines.push(`NOTE:${escapeText(c.note)}`);
  lines.push(`UID:${uidFor(c.id)}`, 'END:VCARD');
  return lines.map(foldLine).join('');
}

/** A whole .vcf file (one card after another). */
export function vcardFile(contacts: Iterable<CleanContact>): string {
  let out = '';
  for (const c of contacts) out += vcardOf(c);
  return out;
}
