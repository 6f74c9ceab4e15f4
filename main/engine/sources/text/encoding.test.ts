import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveDecoder,
  chooseLegacy,
  decodeAll,
  decoderFor,
  isUtf8,
  scoreLegacy,
  sniffBom,
  Utf8Validator,
  utf16ByZeros,
} from './encoding.js';

/** windows-1251 / windows-1252 encoders built from Node's decoders (no iconv in this project). */
function legacyEncoder(label: string): (s: string) => Buffer {
  const dec = new TextDecoder(label);
  const map = new Map<string, number>();
  for (let b = 0; b < 256; b++) map.set(dec.decode(Uint8Array.of(b)), b);
  return (s) => Buffer.from([...s].map((ch) => map.get(ch) ?? 0x3f));
}
const cp1251 = legacyEncoder('windows-1251');
const cp1252 = legacyEncoder('windows-1252');

function decodeChunked(bytes: Buffer, sizes: number[], window?: number): { text: string; encoding: string | null; invalid: number } {
  const d = new AdaptiveDecoder(window ? { window } : {});
  let text = '';
  let i = 0;
  let k = 0;
  while (i < bytes.length) {
    const n = sizes.length ? sizes[k++ % sizes.length]! : bytes.length;
    text += d.push(bytes.subarray(i, i + n));
    i += n;
  }
  text += d.end();
  return { text, encoding: d.encoding, invalid: d.invalid };
}

describe('sniffBom', () => {
  it('finds the three BOMs and nothing else', () => {
    expect(sniffBom(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toEqual({ encoding: 'utf-8', length: 3 });
    expect(sniffBom(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toEqual({ encoding: 'utf-16le', length: 2 });
    expect(sniffBom(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toEqual({ encoding: 'utf-16be', length: 2 });
    expect(sniffBom(Buffer.from([0xef, 0xbb]))).toBeNull();
    expect(sniffBom(Buffer.from('BEGIN'))).toBeNull();
  });
});

describe('Utf8Validator / isUtf8', () => {
  it('accepts valid UTF-8, including 4-byte characters', () => {
    expect(isUtf8(Buffer.from('Привет, мир! 🌸 ü'))).toBe(true);
  });

  it('rejects overlong forms, surrogates, stray continuation bytes and values above U+10FFFF', () => {
    for (const bad of [[0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xd0, 0x41]]) {
      expect(isUtf8(Buffer.from(bad)), bad.join(' ')).toBe(false);
    }
  });

  it('treats a character cut off at the end as valid only for an incomplete head', () => {
    const cut = Buffer.from('Да').subarray(0, 3); // Д + first byte of а
    expect(isUtf8(cut, false)).toBe(true);
    expect(isUtf8(cut, true)).toBe(false);
  });

  it('gives the same verdict however the bytes are split', () => {
    const bytes = Buffer.concat([Buffer.from('Ёлка 🌲 '), Buffer.from([0xd0]), Buffer.from(' x')]);
    const whole = new Utf8Validator();
    whole.push(bytes);
    whole.end();
    const parts = new Utf8Validator();
    for (let i = 0; i < bytes.length; i++) parts.push(bytes.subarray(i, i + 1));
    parts.end();
    expect(parts.invalid).toBe(whole.invalid);
    expect(parts.firstInvalid).toBe(whole.firstInvalid);
    expect(whole.invalid).toBe(1);
    expect(whole.firstInvalid).toBe(Buffer.from('Ёлка 🌲 ').length);
  });
});

describe('windows-1251 vs windows-1252 heuristic', () => {
  it('reads Russian words as windows-1251', () => {
    const s = scoreLegacy(cp1251('Иван Петров, ул. Ленина 5'));
    expect(s.cyrillic).toBe(4);
    expect(s.latin).toBe(0);
    expect(chooseLegacy(s)).toBe('windows-1251');
  });

  it('reads accented Western words as windows-1252', () => {
    const s = scoreLegacy(cp1252('Jürgen Groß, Café Müller, naïve'));
    expect(s.latin).toBe(5);
    expect(s.cyrillic).toBe(0);
    expect(chooseLegacy(s)).toBe('windows-1252');
  });

  it('prefers windows-1251 when the evidence is even (single letters)', () => {
    expect(chooseLegacy(scoreLegacy(cp1251('я')))).toBe('windows-1251');
  });
});

describe('AdaptiveDecoder', () => {
  it('decodes each BOM and drops it', () => {
    const text = 'Имя,Phone\r\nОля 🌸,+7\r\n';
    expect(decodeAll(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toMatchObject({ text, encoding: 'utf-8', reason: 'bom', invalid: 0 });
    expect(decodeAll(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))).toMatchObject({ text, encoding: 'utf-16le', reason: 'bom' });
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(decodeAll(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toMatchObject({ text, encoding: 'utf-16be', reason: 'bom' });
  });

  it('recognises UTF-16 without a BOM by its zero bytes', () => {
    const text = 'First Name,Last Name\r\nAnna,Müller\r\n';
    expect(utf16ByZeros(Buffer.from(text, 'utf16le'))).toBe('utf-16le');
    expect(decodeAll(Buffer.from(text, 'utf16le'))).toMatchObject({ text, encoding: 'utf-16le', reason: 'zeros' });
    expect(decodeAll(Buffer.from(text, 'utf16le').swap16())).toMatchObject({ text, encoding: 'utf-16be', reason: 'zeros' });
  });

  it('keeps ASCII undecided, then picks strict UTF-8', () => {
    const r = decodeAll(Buffer.from('a,b\r\nВася,Пупкин\r\n'));
    expect(r).toMatchObject({ text: 'a,b\r\nВася,Пупкин\r\n', encoding: 'utf-8', reason: 'utf-8', invalid: 0 });
    expect(decodeAll(Buffer.from('plain ascii')).encoding).toBeNull();
  });

  it('falls back to windows-1251 / windows-1252 when the bytes are not UTF-8', () => {
    expect(decodeAll(cp1251('Имя;Фамилия\r\nЁлка;Зелёная\r\n'))).toMatchObject({ text: 'Имя;Фамилия\r\nЁлка;Зелёная\r\n', encoding: 'windows-1251', reason: 'guess' });
    expect(decodeAll(cp1252('Name,City\r\nJürgen,Köln\r\n'))).toMatchObject({ text: 'Name,City\r\nJürgen,Köln\r\n', encoding: 'windows-1252', reason: 'guess' });
  });

  it('replaces bytes invalid in the chosen encoding and counts them', () => {
    // Valid UTF-8 in the decision window, then a stray byte far behind it.
    const bytes = Buffer.concat([Buffer.from('Ж'), Buffer.alloc(100, 0x61), Buffer.from([0xff]), Buffer.from('b')]);
    const r = decodeChunked(bytes, [], 16);
    expect(r.encoding).toBe('utf-8');
    expect(r.invalid).toBe(1);
    expect(r.text).toBe(`Ж${'a'.repeat(100)}\uFFFDb`);
  });

  it('decodes the same text however the stream is chunked (property)', () => {
    const samples = [
      Buffer.from('Оля 🌸,Zoë\r\nПётр,Ёж\r\n'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Оля 🌸,Zoë\r\n', 'utf16le')]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Оля 🌸,Zoë\r\n', 'utf16le').swap16()]),
      cp1251('Имя,Фамилия\r\nЁлка,Зелёная\r\n'),
      cp1252('Jürgen,Groß\r\n'),
      Buffer.concat([Buffer.from('x'), Buffer.from([0xd0, 0x41, 0xe2, 0x82])]),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 4, max: 64 }), (bytes, sizes, window) => {
        const whole = decodeChunked(bytes, [], window);
        const split = decodeChunked(bytes, sizes, window);
        expect(split).toEqual(whole);
      }),
    );
  });

  it('never throws on arbitrary bytes and always returns a string (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 8 }), (bytes, sizes) => {
        const b = Buffer.from(bytes);
        expect(decodeChunked(b, sizes, 32)).toEqual(decodeChunked(b, [], 32));
      }),
    );
  });
});

describe('decoderFor', () => {
  it('knows the labels vCards use and refuses made-up ones', () => {
    expect(decoderFor('windows-1251')!.decode(cp1251('Жук'))).toBe('Жук');
    expect(decoderFor('ISO-8859-1')!.decode(Buffer.from([0x4a, 0xfc]))).toBe('Jü');
    expect(decoderFor('us-ascii')!.decode(Buffer.from('abc'))).toBe('abc');
    expect(decoderFor('ibm866')!.decode(Buffer.from([0x8f, 0xe0, 0xa8]))).toBe('При');
    expect(decoderFor('X-MADE-UP')).toBeNull();
  });
});
