import { describe, expect, it } from 'vitest';
import { encodingOf, paramValue, parseHeader, VcardLexer, type VcardProperty } from './vcard-lexer.js';
import { splitStructured, unescapeValue } from './vcard-values.js';

function lex(lines: string[], maxValue?: number): { props: VcardProperty[]; junk: number[] } {
  const props: VcardProperty[] = [];
  const junk: number[] = [];
  const lx = new VcardLexer({ property: (p) => props.push(p), junk: (n) => junk.push(n) }, maxValue ? { maxValue } : {});
  lines.forEach((l, i) => lx.line(l, i + 1, false));
  lx.end();
  return { props, junk };
}

describe('parseHeader: group.name;params:value', () => {
  it('splits group, name and value; names are case-insensitive', () => {
    const h = parseHeader('item1.email;type=INTERNET:john@example.com')!;
    expect(h).toMatchObject({ group: 'item1', name: 'EMAIL' });
    expect(h.params).toEqual([{ name: 'TYPE', values: ['internet'] }]);
    expect('item1.email;type=INTERNET:john@example.com'.slice(h.valueStart)).toBe('john@example.com');
  });

  it('reads bare vCard 2.1 params as TYPE (or ENCODING / VALUE when they are those words)', () => {
    const h = parseHeader('TEL;HOME;VOICE;PREF:123')!;
    expect(h.params).toEqual([
      { name: 'TYPE', values: ['home'] },
      { name: 'TYPE', values: ['voice'] },
      { name: 'TYPE', values: ['pref'] },
    ]);
    const p = parseHeader('PHOTO;JPEG;BASE64:AAAA')!;
    expect(encodingOf(p)).toBe('b64');
    expect(paramValue(p, 'TYPE')).toBe('jpeg');
    expect(encodingOf(parseHeader('NOTE;QUOTED-PRINTABLE:a=20b')!)).toBe('qp');
    expect(paramValue(parseHeader('PHOTO;URL:http://x')!, 'VALUE')).toBe('url');
  });

  it('splits TYPE comma lists, quoted or not, and keeps repeated TYPE params', () => {
    expect(parseHeader('TEL;TYPE=home,cell:1')!.params).toEqual([{ name: 'TYPE', values: ['home', 'cell'] }]);
    expect(parseHeader('TEL;TYPE="voice,home":1')!.params).toEqual([{ name: 'TYPE', values: ['voice', 'home'] }]);
    expect(parseHeader('TEL;type=WORK;type=FAX:1')!.params).toEqual([
      { name: 'TYPE', values: ['work'] },
      { name: 'TYPE', values: ['fax'] },
    ]);
  });

  it('keeps `:` `;` `,` inside quoted param values', () => {
    const s = 'TEL;X-LABEL="a:b;c,d";TYPE=pager:666';
    const h = parseHeader(s)!;
    expect(h.params).toEqual([
      { name: 'X-LABEL', values: ['a:b;c,d'] },
      { name: 'TYPE', values: ['pager'] },
    ]);
    expect(s.slice(h.valueStart)).toBe('666');
  });

  it('tells PREF (2.1/3.0 type) from PREF=1 (4.0 param)', () => {
    expect(parseHeader('TEL;PREF:1')!.params).toEqual([{ name: 'TYPE', values: ['pref'] }]);
    expect(parseHeader('TEL;PREF=1:1')!.params).toEqual([{ name: 'PREF', values: ['1'] }]);
  });

  it('returns null for lines that are not properties', () => {
    expect(parseHeader('just text')).toBeNull();
    expect(parseHeader(':no name')).toBeNull();
    expect(parseHeader('X;A="unterminated:value')).toBeNull();
  });
});

describe('VcardLexer: QP soft breaks first, then unfolding', () => {
  it('joins a QP soft break even when the next line is not indented, keeping its leading blank', () => {
    const { props } = lex(['NOTE;ENCODING=QUOTED-PRINTABLE:abc=', ' def=', '=3D end', 'TEL:1']);
    expect(props.map((p) => [p.name, p.value, p.line])).toEqual([
      ['NOTE', 'abc def=3D end', 1],
      ['TEL', '1', 4],
    ]);
  });

  it('does not treat a trailing = as a soft break outside QP properties', () => {
    const { props } = lex(['URL:http://example.com/?a=', 'TEL:1']);
    expect(props.map((p) => p.value)).toEqual(['http://example.com/?a=', '1']);
  });

  it('does not let a QP value swallow BEGIN/END lines', () => {
    const { props } = lex(['NOTE;ENCODING=QUOTED-PRINTABLE:broken=', 'END:VCARD']);
    expect(props.map((p) => p.name)).toEqual(['NOTE', 'END']);
  });

  it('unfolds lines starting with a space or a tab, removing that one blank', () => {
    const { props } = lex(['NOTE:one', '  two', '\tthree']);
    expect(props[0]!.value).toBe('one twothree');
  });

  it('skips vCard 2.1 base64 blocks up to the blank line, indented or not, and keeps no bytes', () => {
    const { props, junk } = lex(['PHOTO;ENCODING=BASE64;JPEG:/9j/AAAA', 'BBBB+/==', ' CCCC', '', 'TEL:1']);
    expect(junk).toEqual([]);
    expect(props.map((p) => [p.name, p.value, p.skipped])).toEqual([
      ['PHOTO', '', true],
      ['TEL', '1', false],
    ]);
  });

  it('ends a base64 block at the next property even without a blank line', () => {
    const { props } = lex(['PHOTO;ENCODING=b:AAAA', ' BBBB', 'TEL:2']);
    expect(props.map((p) => p.name)).toEqual(['PHOTO', 'TEL']);
  });

  it('reports non-property lines as junk with their line', () => {
    expect(lex(['FN:x', 'no colon here', 'TEL:1']).junk).toEqual([2]);
  });

  it('cuts values over the limit and flags them', () => {
    const { props } = lex(['NOTE:0123456789', ' abcdef'], 12);
    expect(props[0]!.overflow).toBe(true);
    expect(props[0]!.value.length).toBeLessThanOrEqual(12);
  });
});

describe('unescaping and structured values', () => {
  it('undoes \\, \\; \\n \\N \\\\ and the non-standard \\:', () => {
    expect(unescapeValue('a\\,b\\;c\\nd\\Ne\\\\f\\:g')).toBe('a,b;c\nd\ne\\f:g');
  });

  it('keeps unknown escapes as written and turns CR LF into LF', () => {
    expect(unescapeValue('C:\\temp\r\nx')).toBe('C:\\temp\nx');
  });

  it('splits N/ADR/ORG only on unescaped semicolons', () => {
    expect(splitStructured('Smith\\;Jones;John;Q.\\, R.;;')).toEqual(['Smith;Jones', 'John', 'Q., R.', '', '']);
    expect(splitStructured('a\\\\;b')).toEqual(['a\\', 'b']);
  });
});
