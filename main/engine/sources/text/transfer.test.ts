import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeQuotedPrintable, isBase64Line } from './transfer.js';

describe('decodeQuotedPrintable', () => {
  it('turns =XY into bytes, in either case', () => {
    expect(decodeQuotedPrintable('=D0=94=d0=bc a=3Db')).toEqual(Buffer.from([0xd0, 0x94, 0xd0, 0xbc, 0x20, 0x61, 0x3d, 0x62]));
  });

  it('returns bytes, so a UTF-8 character split over two =XY groups decodes whole', () => {
    // Decoded line by line, the character split by the soft break is lost…
    expect(decodeQuotedPrintable('=D0=92=D0=').toString('utf8') + decodeQuotedPrintable('=B2').toString('utf8')).toBe('В\uFFFD\uFFFD');
    // …decoded as one logical value it is whole.
    expect(decodeQuotedPrintable('=D0=92=D0=B2').toString('utf8')).toBe('Вв');
  });

  it('keeps =0D=0A hard line breaks as bytes', () => {
    expect(decodeQuotedPrintable('one=0D=0Atwo').toString('latin1')).toBe('one\r\ntwo');
  });

  it('drops soft breaks left in the value and a trailing =', () => {
    expect(decodeQuotedPrintable('ab=\r\ncd=').toString('latin1')).toBe('abcd');
    expect(decodeQuotedPrintable('ab=  \ncd').toString('latin1')).toBe('abcd');
  });

  it('keeps an = that is not followed by two hex digits', () => {
    expect(decodeQuotedPrintable('a=Zb=4').toString('latin1')).toBe('a=Zb=4');
  });

  it('writes chars above U+00FF as UTF-8', () => {
    expect(decodeQuotedPrintable('Ж=20🌸').toString('utf8')).toBe('Ж 🌸');
  });
});

describe('decodeBase64', () => {
  it('ignores whitespace and line breaks, accepts the URL-safe alphabet', () => {
    expect(decodeBase64('0J/RgNC4\r\n 0LLQtdGC').toString('utf8')).toBe('Привет');
    expect(decodeBase64('-_8').equals(Buffer.from([0xfb, 0xff]))).toBe(true);
  });

  it('tells base64 lines from property lines', () => {
    expect(isBase64Line('AAAA+/==')).toBe(true);
    expect(isBase64Line(' AAAA')).toBe(true);
    expect(isBase64Line('TEL:123')).toBe(false);
    expect(isBase64Line('')).toBe(false);
  });
});
