import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CsvRecord, CsvTokenizer, parseCsv, sepLine, sniffDelimiter } from './csv-reader.js';

function chunked(text: string, delimiter: string, sizes: number[]): CsvRecord[] {
  const out: CsvRecord[] = [];
  const t = new CsvTokenizer(delimiter, (r) => out.push(r));
  for (let i = 0, k = 0; i < text.length; k++) {
    const n = sizes[k % sizes.length]!;
    t.push(text.slice(i, i + n));
    i += n;
  }
  t.end();
  return out;
}

describe('CsvTokenizer (RFC 4180, tolerant)', () => {
  it('reads quoted fields with delimiters, "" and line breaks, and numbers records by their first line', () => {
    const recs = parseCsv('a,b,c\r\n"x, y","say ""hi""","one\r\ntwo"\r\nlast,row,3\r\n', ',');
    expect(recs.map((r) => [r.fields, r.line])).toEqual([
      [['a', 'b', 'c'], 1],
      [['x, y', 'say "hi"', 'one\ntwo'], 2],
      [['last', 'row', '3'], 4],
    ]);
  });

  it('accepts LF, CR and CR CR LF record ends', () => {
    for (const nl of ['\n', '\r', '\r\r\n']) {
      expect(parseCsv(`a;b${nl}c;d${nl}`, ';').map((r) => [r.fields, r.line]), JSON.stringify(nl)).toEqual([
        [['a', 'b'], 1],
        [['c', 'd'], 2],
      ]);
    }
  });

  it('keeps quotes inside unquoted fields and text after a closing quote', () => {
    expect(parseCsv('Ivan "Vanya" Petrov,"ab"cd\n', ',')[0]!.fields).toEqual(['Ivan "Vanya" Petrov', 'abcd']);
  });

  it('skips blank lines but counts them', () => {
    expect(parseCsv('a\n\n\nb\n', ',').map((r) => [r.fields, r.line])).toEqual([
      [['a'], 1],
      [['b'], 4],
    ]);
  });

  it('keeps a row of empty fields (it is not a blank line)', () => {
    expect(parseCsv(',,\n', ',')[0]!.fields).toEqual(['', '', '']);
  });

  it('flags a quote still open at the end of input', () => {
    const recs = parseCsv('a,"open\nmore', ',');
    expect(recs).toEqual([{ fields: ['a', 'open\nmore'], line: 1, unclosedQuote: true, cut: false }]);
  });

  it('cuts fields over the limit', () => {
    const out: CsvRecord[] = [];
    const t = new CsvTokenizer(',', (r) => out.push(r), { maxField: 4 });
    t.push('abcdefgh,x\n');
    t.end();
    expect(out[0]).toMatchObject({ fields: ['abcd', 'x'], cut: true });
  });

  it('gives the same records however the text is chunked (property)', () => {
    const alphabet = fc.constantFrom('a', 'я', ',', ';', '"', '\r', '\n', ' ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 80 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }), (chars, sizes) => {
        const text = chars.join('');
        expect(chunked(text, ',', sizes)).toEqual(parseCsv(text, ','));
      }),
    );
  });
});

describe('delimiter sniffing', () => {
  it('picks the most frequent of , ; tab outside quotes on the header line', () => {
    expect(sniffDelimiter('First Name,Last Name,Phone\r\na;b;c;d;e')).toBe(',');
    expect(sniffDelimiter('"Имя";"Фамилия";"Телефон, рабочий"\r\n')).toBe(';');
    expect(sniffDelimiter('Name\tGiven Name\tFamily Name\n')).toBe('\t');
    expect(sniffDelimiter('"a,b,c";"d"\n')).toBe(';');
    expect(sniffDelimiter('single\n')).toBe(',');
  });

  it("reads Excel's sep= line", () => {
    expect(sepLine('sep=;')).toBe(';');
    expect(sepLine('"sep=,"')).toBe(',');
    expect(sepLine('First Name,Last Name')).toBeNull();
  });
});
