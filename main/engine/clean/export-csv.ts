/**
 * Cleaned contacts as a CSV that Google Contacts imports: UTF-8 with a BOM, CRLF rows, RFC 4180
 * quoting, and Google's current header (`First Name,Middle Name,Last Name,…,Labels,
 * E-mail 1 - Label,E-mail 1 - Value,…,Phone 1 - Label,Phone 1 - Value,…`), with as many e-mail
 * and phone column pairs as the contact with the most of them needs.
 *
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` at the start of a name, an
 * organisation or a note) gets a leading apostrophe; phone numbers and e-mails are written as they are.
 */
import type { CleanContact } from './contacts-dedupe.js';

export const GOOGLE_BASE_HEADER = [
  'First Name', 'Middle Name', 'Last Name', 'Phonetic First Name', 'Phonetic Middle Name', 'Phonetic Last Name',
  'Name Prefix', 'Name Suffix', 'Nickname', 'File As', 'Organization Name', 'Organization Title',
  'Organization Department', 'Birthday', 'Notes', 'Photo', 'Labels',
] as const;

export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Neutralises spreadsheet formulas in free text. */
export function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const PHONE_LABELS: Readonly<Record<string, string>> = { cell: 'Mobile', mobile: 'Mobile', cellular: 'Mobile', home: 'Home', work: 'Work', business: 'Work', fax: 'Work Fax', main: 'Main', pager: 'Pager' };
const EMAIL_LABELS: Readonly<Record<string, string>> = { home: 'Home', personal: 'Home', work: 'Work', business: 'Work' };

function label(raw: string | null, table: Readonly<Record<string, string>>): string {
  if (!raw) return '';
  for (const part of raw.toLowerCase().split(/[\s,;:*]+/)) {
    const l = table[part];
    if (l) return l;
  }
  return '';
}

export function csvHeader(emails: number, phones: number): string[] {
  const h: string[] = [...GOOGLE_BASE_HEADER];
  for (let i = 1; i <= emails; i++) h.push(`E-mail ${i} - Label`, `E-mail ${i} - Value`);
  for (let i = 1; i <= phones; i++) h.push(`Phone ${i} - Label`, `Phone ${i} - Value`);
  return h;
}

export function csvRow(c: CleanContact, emails: number, phones: number): string[] {
  let first = c.given ?? '';
  const last = c.family ?? '';
  if (!first && !last) first = c.name;
  const row: string[] = [
    safeText(first), '', safeText(last), '', '', '', '', '', '', '', safeText(c.org ?? ''), '', '', '',
    safeText(c.note ?? ''), '', '* myContacts',
  ];
  for (let i = 0; i < emails; i++) {
    const e = c.emails[i];
    row.push(e ? label(e.type, EMAIL_LABELS) : '', e?.value ?? '');
  }
  for (let i = 0; i < phones; i++) {
    const p = c.phones[i];
    row.push(p ? label(p.type, PHONE_LABELS) : '', p ? (p.valid && p.ext ? `${p.value} ext. ${p.ext}` : p.value) : '');
  }
  return row;
}

/** The whole file: BOM, header, one row per contact, CRLF line ends. */
export function csvFile(contacts: readonly CleanContact[]): string {
  const emails = contacts.reduce((n, c) => Math.max(n, c.emails.length), 1);
  const phones = contacts.reduce((n, c) => Math.max(n, c.phones.length), 1);
  const rows = [csvHeader(emails, phones), ...contacts.map((c) => csvRow(c, emails, phones))];
  return `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
