import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPhoneNormaliser, defaultRegion, isRegion, normalisePhone } from './phone.js';

describe('normalisePhone', () => {
  it.each([
    // [as written, default region, E.164, rule]
    ['+7 916 123-45-67', 'RU', '+79161234567', 'international'],
    ['+7 (916) 123 45 67', 'US', '+79161234567', 'international'],
    ['8 (916) 123-45-67', 'RU', '+79161234567', 'ru-trunk-8'],
    ['8 (916) 123-45-67', 'DE', '+79161234567', 'ru-trunk-8'], // the Russian trunk prefix wins whatever the region
    ['89161234567', 'US', '+79161234567', 'ru-trunk-8'],
    ['8 800 555-35-35', 'RU', '+78005553535', 'ru-trunk-8'],
    ['00 7 916 123 45 67', 'RU', '+79161234567', 'idd-00'], // RU dials 810, but people write 00
    ['0049 30 12345678', 'RU', '+493012345678', 'idd-00'],
    ['(916) 123-45-67', 'RU', '+79161234567', 'national'],
    ['916 123 45 67', 'RU', '+79161234567', 'national'],
    ['030 12345678', 'DE', '+493012345678', 'national'],
    ['79161234567', 'US', '+79161234567', 'no-plus'],
    ['tel:+7-495-000-00-00', undefined, '+74950000000', 'international'],
    ["'+79161234567", 'RU', '+79161234567', 'international'], // Excel's text marker
    ['\u202A+7 916 123-45-67\u202C', 'RU', '+79161234567', 'international'], // bidi marks from WhatsApp
  ] as const)('%s (region %s) → %s', (raw, region, e164, how) => {
    const r = normalisePhone(raw, region);
    expect(r.e164).toBe(e164);
    expect(r.how).toBe(how);
    expect(r.raw).toBe(raw.trim());
  });

  it('keeps the extension', () => {
    expect(normalisePhone('+1 (650) 253-0000 ext. 42', undefined)).toMatchObject({ e164: '+16502530000', ext: '42' });
    expect(normalisePhone('tel:+1-650-253-0000;ext=42', undefined)).toMatchObject({ e164: '+16502530000', ext: '42' });
  });

  it('keeps numbers it cannot make valid as written, with no E.164', () => {
    expect(normalisePhone('123-45-67', 'RU')).toEqual({ raw: '123-45-67', e164: null }); // local number without the area code
    expect(normalisePhone('(916) 123-45-67', undefined)).toEqual({ raw: '(916) 123-45-67', e164: null }); // national, no region to read it in
    expect(normalisePhone('not a number', 'RU')).toEqual({ raw: 'not a number', e164: null });
    expect(normalisePhone('+7 000', 'RU').e164).toBeNull();
  });

  it('answers Russian numbers without the parser exactly as the parser does', () => {
    const sep = fc.constantFrom('', ' ', '-', ' (', ') ');
    const spelled = fc
      .tuple(fc.constantFrom('+7', '8', '00 7', '', '7', '+7 7', '8 8'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 11 }), sep, sep)
      .map(([prefix, digits, a, b]) => `${prefix}${a}${digits.slice(0, 3).join('')}${b}${digits.slice(3).join('')}`);
    fc.assert(
      fc.property(spelled, fc.constantFrom('RU', 'DE', 'US', undefined), (raw, region) => {
        expect(normalisePhone(raw, region as 'RU' | undefined)).toEqual(normalisePhone(raw, region as 'RU' | undefined, { fast: false }));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads numbers written with digits and ASCII separators only exactly as the general path does', () => {
    // A bidi mark in front sends the same number down the general path (it is removed there).
    const part = fc.constantFrom('+', '7', '8', '9', '0', '00', '916', '1234567', ' ', '  ', '-', '(', ')', '.', '/', '+7', '8 ', '49');
    const spelled = fc.array(part, { maxLength: 12 }).map((p) => p.join(''));
    fc.assert(
      fc.property(spelled, fc.constantFrom('RU', 'DE', 'US', undefined), (raw, region) => {
        const plain = normalisePhone(raw, region as 'RU' | undefined);
        const general = normalisePhone(`\u200E${raw.trim()}`, region as 'RU' | undefined);
        expect(plain.raw).toBe(raw.trim());
        expect(general.raw).toBe(`\u200E${raw.trim()}`);
        expect({ ...plain, raw: '' }).toEqual({ ...general, raw: '' });
      }),
      { numRuns: 3000 },
    );
  });

  it('memoises without changing results', () => {
    const n = createPhoneNormaliser('RU', 2);
    const a = n('8 916 123 45 67');
    expect(n('8 916 123 45 67')).toBe(a);
    n('+44 20 7946 0958');
    n('+49 30 12345678'); // over the limit: the memo starts again
    expect(n('8 916 123 45 67')).toEqual(a);
  });
});

describe('defaultRegion', () => {
  it('reads the POSIX locale variables first', () => {
    expect(defaultRegion({ LANG: 'ru_RU.UTF-8' }, 'en-US')).toBe('RU');
    expect(defaultRegion({ LC_ALL: 'de_DE@euro', LANG: 'ru_RU.UTF-8' }, 'en-US')).toBe('DE');
    expect(defaultRegion({ LANG: 'ru' }, 'en-US')).toBe('RU'); // a language alone: its likely region
  });

  it('falls back to the runtime locale, and to none', () => {
    expect(defaultRegion({ LANG: 'C.UTF-8' }, 'ru-RU')).toBe('RU');
    expect(defaultRegion({}, 'en-GB')).toBe('GB');
    expect(defaultRegion({}, 'zxx')).toBeUndefined(); // "no linguistic content": no region
    expect(defaultRegion({}, 'x-foo')).toBeUndefined(); // malformed
  });

  it('knows which regions exist', () => {
    expect(isRegion('RU')).toBe(true);
    expect(isRegion('ru')).toBe(false);
    expect(isRegion('XX')).toBe(false);
  });
});
