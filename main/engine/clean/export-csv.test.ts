import { describe, expect, it } from 'vitest';
import type { CleanContact } from './contacts-dedupe.js';
import { csvField, csvFile, GOOGLE_BASE_HEADER, safeText } from './export-csv.js';

const c = (over: Partial<CleanContact>): CleanContact => ({
  id: 'x', name: 'Иван Петров', given: 'Иван', family: 'Петров', phones: [], emails: [], handles: [], org: null, note: null,
  source: { file: '/in/x', line: 1 }, ...over,
});

/** A small RFC 4180 reader for checking what we wrote. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('Google CSV export', () => {
  it('writes UTF-8 with a BOM, CRLF rows, Google’s header with enough e-mail and phone columns', () => {
    const text = csvFile([
      c({ phones: [{ value: '+79161234567', type: 'cell', valid: true }, { value: '+74950000000', type: 'work', valid: true, ext: '12' }], emails: [{ value: 'Ivan.Petrov@example.ru', type: 'work' }], org: 'ООО Ромашка' }),
      c({ name: 'Sergey', given: null, family: null, note: 'Бухгалтерия, 3 этаж\n"главный"' }),
    ]);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = readCsv(text.slice(1));
    expect(rows[0]).toEqual([...GOOGLE_BASE_HEADER, 'E-mail 1 - Label', 'E-mail 1 - Value', 'Phone 1 - Label', 'Phone 1 - Value', 'Phone 2 - Label', 'Phone 2 - Value']);
    const col = (row: string[], name: string) => row[rows[0]!.indexOf(name)];
    expect([col(rows[1]!, 'First Name'), col(rows[1]!, 'Last Name'), col(rows[1]!, 'Organization Name'), col(rows[1]!, 'Labels')]).toEqual(['Иван', 'Петров', 'ООО Ромашка', '* myContacts']);
    expect([col(rows[1]!, 'E-mail 1 - Label'), col(rows[1]!, 'E-mail 1 - Value')]).toEqual(['Work', 'Ivan.Petrov@example.ru']);
    expect([col(rows[1]!, 'Phone 1 - Label'), col(rows[1]!, 'Phone 1 - Value'), col(rows[1]!, 'Phone 2 - Value')]).toEqual(['Mobile', '+79161234567', '+74950000000 ext. 12']);
    expect([col(rows[2]!, 'First Name'), col(rows[2]!, 'Notes'), col(rows[2]!, 'Phone 1 - Value')]).toEqual(['Sergey', 'Бухгалтерия, 3 этаж\n"главный"', '']);
    expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
  });

  it('quotes only what needs quoting and defuses spreadsheet formulas in free text', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(' padded')).toBe('" padded"');
    expect(safeText('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(safeText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeText('Иван')).toBe('Иван');
    const row = readCsv(csvFile([c({ name: '=cmd', given: '=cmd', family: null, phones: [{ value: '+79161234567', type: null, valid: true }] })]).slice(1))[1]!;
    expect(row[0]).toBe("'=cmd");
    expect(row.at(-1)).toBe('+79161234567'); // phone numbers keep their +
  });

  it('writes a header even with no contacts', () => {
    expect(readCsv(csvFile([]).slice(1))).toEqual([[...GOOGLE_BASE_HEADER, 'E-mail 1 - Label', 'E-mail 1 - Value', 'Phone 1 - Label', 'Phone 1 - Value']]);
  });
});
