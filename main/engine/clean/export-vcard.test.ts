import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CleanContact } from './contacts-dedupe.js';
import { escapeText, foldLine, uidFor, vcardFile, vcardOf } from './export-vcard.js';

const base: CleanContact = {
  id: 'g-0123456789abcdef', name: 'Иван Петров', given: 'Иван', family: 'Петров', phones: [], emails: [], handles: [],
  org: null, note: null, source: { file: '/in/x', line: 1 },
};

/** RFC 6350 §3.2 unfolding: CRLF followed by one space or tab is removed. */
const unfold = (s: string) => s.replace(/\r\n[ \t]/g, '');

describe('vCard 4.0 export', () => {
  it('writes a strict card: CRLF, VERSION 4.0, FN, N, TEL as a tel: URI, a stable UID', () => {
    const card = vcardOf({
      ...base,
      phones: [
        { value: '+79161234567', type: 'Mobile', raw: '8 (916) 123-45-67', valid: true },
        { value: '+74950000000', type: 'work', valid: true, ext: '12' },
        { value: '123-45-67', type: 'Home', valid: false },
      ],
      emails: [{ value: 'Ivan.Petrov@example.ru', type: '* Work' }],
      handles: [{ value: 'ivanp', type: 'telegram' }],
      org: 'ООО "Ромашка"; отдел продаж',
    });
    expect(card.split('\r\n')).toEqual([
      'BEGIN:VCARD',
      'VERSION:4.0',
      'FN:Иван Петров',
      'N:Петров;Иван;;;',
      'ORG:ООО "Ромашка"\\; отдел продаж',
      'TEL;VALUE=uri;PREF=1;TYPE=cell:tel:+79161234567',
      'TEL;VALUE=uri;TYPE=work:tel:+74950000000;ext=12',
      'TEL;VALUE=text;TYPE=home:123-45-67',
      'EMAIL;TYPE=work:Ivan.Petrov@example.ru',
      'IMPP:https://t.me/ivanp',
      `UID:${uidFor(base.id)}`,
      'END:VCARD',
      '',
    ]);
    expect(uidFor(base.id)).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uidFor(base.id)).toBe(uidFor('g-0123456789abcdef'));
  });

  it('escapes backslash, comma, semicolon and newlines in text values', () => {
    expect(escapeText('a\\b, c; d\r\ne\nf')).toBe('a\\\\b\\, c\\; d\\ne\\nf');
    const card = vcardOf({ ...base, note: 'Бухгалтерия, 3 этаж\nзвонить после 10' });
    expect(card).toContain('NOTE:Бухгалтерия\\, 3 этаж\\nзвонить после 10\r\n');
  });

  it('folds lines at 75 octets without splitting a UTF-8 character', () => {
    const note = 'Заметка: '.padEnd(200, 'ж'); // 2-octet letters: a naive 75-byte cut would split one
    const card = vcardOf({ ...base, note });
    const physical = card.split('\r\n');
    for (const l of physical) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
    expect(physical.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(3);
    expect(unfold(card)).toContain(`NOTE:${escapeText(note)}\r\n`);
    expect(Buffer.from(card, 'utf8').toString('utf8')).toBe(card); // no broken sequences
  });

  it('folding is reversible and bounded for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => {
        const line = `NOTE:${escapeText(s)}`;
        const folded = foldLine(line);
        return unfold(folded) === `${line}\r\n` && folded.split('\r\n').every((l) => Buffer.byteLength(l, 'utf8') <= 75);
      }),
    );
  });

  it('names a card without a name by its e-mail or number', () => {
    expect(vcardOf({ ...base, name: '', given: null, family: null, emails: [{ value: 'a@example.ru', type: null }] })).toContain('\r\nFN:a@example.ru\r\n');
    expect(vcardOf({ ...base, name: '', given: null, family: null })).not.toContain('\r\nN:');
  });

  it('writes one card after another', () => {
    const file = vcardFile([base, { ...base, id: 'x', name: 'John Smith', given: 'John', family: 'Smith' }]);
    expect(file.match(/BEGIN:VCARD\r\n/g)).toHaveLength(2);
    expect(file.endsWith('END:VCARD\r\n')).toBe(true);
    expect(file).not.toMatch(/[^\r]\n/);
  });
});
