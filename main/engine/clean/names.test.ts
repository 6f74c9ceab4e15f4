import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanName, nameSkeleton, scriptOf, transliterate } from './names.js';

const sk = (s: string) => nameSkeleton(s).skeleton;

describe('cleanName', () => {
  it('normalises to NFC, one space, no invisible characters', () => {
    expect(cleanName('  Йошкар\u00A0\u00A0Олин\u200B ')).toBe('Йошкар Олин');
    expect(cleanName('Иван'.normalize('NFD') + '  Петров')).toBe('Иван Петров');
    expect(cleanName('Анна\u202FМария\t Петрова')).toBe('Анна Мария Петрова');
    expect(cleanName('~\u202FAlex')).toBe('Alex'); // WhatsApp marks unsaved numbers' names with "~ "
  });

  it('fixes case only when the whole name is in one case', () => {
    expect(cleanName('ИВАН ПЕТРОВ')).toBe('Иван Петров');
    expect(cleanName('ivan petrov')).toBe('Ivan Petrov');
    expect(cleanName('анна-мария сидорова')).toBe('Анна-Мария Сидорова');
    expect(cleanName('McDonald')).toBe('McDonald');
    expect(cleanName('van der Berg')).toBe('van der Berg');
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => cleanName(cleanName(s)) === cleanName(s)));
  });
});

describe('transliterate', () => {
  it('writes ICAO 9303 by default', () => {
    expect(transliterate('Юлия Щукина')).toBe('Iuliia Shchukina');
    expect(transliterate('Хабаров Цой Жуков')).toBe('Khabarov Tsoi Zhukov');
    expect(transliterate('ЩУКИН')).toBe('SHCHUKIN');
  });

  it('writes GOST 7.79-2000 System B on request (ц → c before e, i, y, j)', () => {
    expect(transliterate('Щукин', 'gost-b')).toBe('Shhukin');
    expect(transliterate('Цветков', 'gost-b')).toBe('Czvetkov');
    expect(transliterate('Цинцадзе', 'gost-b')).toBe('Cinczadze');
    expect(transliterate('Юрий Хабаров', 'gost-b')).toBe('Yurij Xabarov');
  });
});

describe('nameSkeleton', () => {
  it.each([
    ['Иван Петров', 'Ivan Petrov'],
    ['Иван Петров', 'Petrov Ivan'],
    ['Юрий Щукин', 'Yuri Shchukin'],
    ['Юрий Щукин', 'Iurii Schukin'],
    ['Юрий Щукин', 'Jurij Shhukin'],
    ['Сергей Хабаров', 'Sergey Habarov'],
    ['Сергей Хабаров', 'Sergej Khabarov'],
    ['Алексей Цветков', 'Alexey Tsvetkov'],
    ['Алексей Цветков', 'Aleksei Cvetkov'],
    ['Евгений Андреев', 'Yevgeny Andreyev'],
    ['Пётр Семёнов', 'Pyotr Semyonov'],
    ['Фёдор Ильин', 'Fedor Ilyin'],
    ['Наталья Иванова', 'Natalya Ivanova'],
    ['Наталья Иванова', 'Natalia Iwanowa'],
    ['Дмитрий Быков', 'Dmitry Bykov'],
    ['Ксения Жукова', 'Xenia Zhukova'],
    ['Иван Сергеевич Петров', 'Ivan Petrov'], // patronymic dropped
    ['Петров Иван Сергеевич', 'Ivan Petrov'],
    ['ИВАН ПЕТРОВ', 'ivan petrov'],
    ['Josée Müller', 'Josee Muller'],
  ])('%s ~ %s', (a, b) => {
    expect(sk(a)).toBe(sk(b));
    expect(nameSkeleton(a).tokens).toBe(2);
  });

  it.each([
    ['Иван Петров', 'Иван Петрова'], // husband and wife are different people
    ['Иван Петров', 'Иван Сидоров'],
    ['Александр Жуков', 'Александр Зуков'],
  ])('%s ≁ %s', (a, b) => {
    expect(sk(a)).not.toBe(sk(b));
  });

  it('ignores initials and counts words', () => {
    expect(nameSkeleton('И. Петров')).toEqual({ skeleton: 'petrov', tokens: 1 });
    expect(nameSkeleton('')).toEqual({ skeleton: '', tokens: 0 });
    expect(nameSkeleton('+7 916 123-45-67').tokens).toBe(0);
    expect(nameSkeleton("Il'in Oleg").skeleton).toBe(sk('Ильин Олег'));
  });

  it('does not depend on word order, case or spacing', () => {
    const word = fc.constantFrom('Иван', 'Petrov', 'Юлия', 'Shchukina', 'Фёдор', 'Ilyin');
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), fc.boolean(), (words, upper) => {
        const a = words.join(' ');
        const b = [...words].reverse().join('  ');
        return sk(a) === sk(upper ? b.toUpperCase() : b.toLowerCase());
      }),
    );
  });
});

describe('scriptOf', () => {
  it('tells Cyrillic, Latin, both, or neither', () => {
    expect(scriptOf('Иван')).toBe('cyrillic');
    expect(scriptOf('Ivan')).toBe('latin');
    expect(scriptOf('Иван Petrov')).toBe('mixed');
    expect(scriptOf('+7 916')).toBe('none');
  });
});

describe('fast paths (names written in basic Latin and Cyrillic letters)', () => {
  // Letters the fast paths handle, plus characters that must send a name down the general path.
  const basic = fc.constantFrom(
    ...'AZaz ЁёАЯая-'.split(''),
    ...'абвгдеёжзийклмнопрстуфхцчшщъыьэюяЩЧЦХЪЬЮЯЙЫЭ'.split(''),
    ...['shch', 'sch', 'shh', 'tch', 'ts', 'tz', 'kh', 'cz', 'ck', 'ph', 'x', 'w', 'y', 'j', 'ie', 'io', 'aie', 'tio', 'Ie', 'IO', 'nn', 'ss', 'tsh', 'ssh'],
    'Иван', 'Petrov', 'Щукин', 'Yurij', 'ЪЬ', 'ьъ', 'Фёдор', 'iE', 'IO', 'ie', 'io',
  );
  const other = fc.constantFrom('\u00A0', '\u200B', "'", '’', '.', '1', 'é', 'ß', 'Σ', 'ς', 'ǅ', 'İ', '\u0301', '~', '\t', '  ');
  const name = fc.array(fc.oneof({ arbitrary: basic, weight: 8 }, { arbitrary: other, weight: 1 }), { maxLength: 8 }).map((parts) => parts.join(''));

  it('give the same skeleton as the general path', () => {
    const same = fc.property(name, (s) => {
      expect(nameSkeleton(s)).toEqual(nameSkeleton(s, { fast: false }));
    });
    fc.assert(same, { numRuns: 20_000 });
    // long words (past the fast path's limit) and long names
    for (const w of ['Щ'.repeat(70), 'x'.repeat(64), 'Ивааааааааааааааааааааааааааааааааааааааааааааааааааааааааааааанов Пётр']) {
      expect(nameSkeleton(w)).toEqual(nameSkeleton(w, { fast: false }));
    }
  });

  it('give the same display name and script as the general path', () => {
    fc.assert(
      fc.property(name, (s) => {
        expect(cleanName(s)).toBe(cleanName(s, { fast: false }));
        expect(scriptOf(s)).toBe(scriptOf(s, { fast: false }));
      }),
      { numRuns: 5000 },
    );
  });

  it('keep the context folds inside one word', () => {
    // " ie" only at the start of a word, vowels/consonants before ie/io, doubled letters
    expect(sk('Андреев Евгений')).toBe(sk('Andreyev Yevgeny'));
    expect(sk('Iio Oie')).toBe(nameSkeleton('Iio Oie', { fast: false }).skeleton);
    expect(sk('Anna Annа')).toBe(nameSkeleton('Anna Annа', { fast: false }).skeleton); // Latin and Cyrillic "а"
  });
});
