import { describe, expect, it } from 'vitest';
import { normaliseEmail } from './email.js';

describe('normaliseEmail', () => {
  it.each([
    ['  Ivan.Petrov@Example.RU ', 'Ivan.Petrov@example.ru', 'ivan.petrov@example.ru'],
    ['mailto:olga@EXAMPLE.com', 'olga@example.com', 'olga@example.com'],
    ['Ivan Petrov <Ivan@Example.ru>', 'Ivan@example.ru', 'ivan@example.ru'],
    ['иван@пример.рф', 'иван@пример.рф', 'иван@пример.рф'],
  ])('%s → %s (matches as %s)', (raw, value, key) => {
    expect(normaliseEmail(raw)).toEqual({ raw: raw.trim(), value, key });
  });

  it('keeps what is not an address as written, with no key', () => {
    expect(normaliseEmail('not an address')).toEqual({ raw: 'not an address', value: 'not an address', key: null });
    expect(normaliseEmail('a@b')).toMatchObject({ key: null });
    expect(normaliseEmail('@example.ru')).toMatchObject({ key: null });
  });
});
