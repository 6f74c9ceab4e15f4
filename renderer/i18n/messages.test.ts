import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceQuestion } from '../../shared/model/index.js';
import { en } from './en.js';
import { dateOrderQuestionText } from './messages.js';
import { ru } from './ru.js';

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({ resources: { en: { translation: en }, ru: { translation: ru } }, lng: 'en', interpolation: { escapeValue: false } });
});

const ask = (samples: string[], candidates: SourceQuestion['candidates'] = ['dmy', 'mdy']): SourceQuestion => ({ kind: 'date-order', candidates, samples });

describe('the date-order question in words', () => {
  it('asks about the sample in English with ordinals', () => {
    const t = i18n.getFixedT('en');
    expect(dateOrderQuestionText(t, 'en', ask(['03/04/2022', '03/05/2022']))).toBe('In this export, is 03/04/2022 the 3rd of April or the 4th of March?');
    expect(dateOrderQuestionText(t, 'en', ask(['01/02/2023']))).toBe('In this export, is 01/02/2023 the 1st of February or the 2nd of January?');
    expect(dateOrderQuestionText(t, 'en', ask(['11/12/2023']))).toBe('In this export, is 11/12/2023 the 11th of December or the 12th of November?');
  });

  it('asks in natural Russian (the month in the genitive)', () => {
    const t = i18n.getFixedT('ru');
    expect(dateOrderQuestionText(t, 'ru', ask(['03/04/2022']))).toBe('В этой выгрузке 03/04/2022 — это 3 апреля или 4 марта?');
  });

  it('names the year when the readings differ in it (year-first is a candidate)', () => {
    expect(dateOrderQuestionText(i18n.getFixedT('en'), 'en', ask(['03/04/05'], ['dmy', 'mdy', 'ymd']))).toBe(
      'In this export, is 03/04/05 the 3rd of April 2005, the 4th of March 2005 or the 5th of April 2003?',
    );
    expect(dateOrderQuestionText(i18n.getFixedT('ru'), 'ru', ask(['03/04/05'], ['dmy', 'ymd']))).toBe(
      'В этой выгрузке 03/04/05 — это 3 апреля 2005 года или 5 апреля 2003 года?',
    );
  });

  it('skips samples that read the same either way, and asks in general when no sample helps', () => {
    expect(dateOrderQuestionText(i18n.getFixedT('en'), 'en', ask(['05/05/2022', '02/03/2022']))).toContain('is 02/03/2022 the 2nd of March or the 3rd of February?');
    expect(dateOrderQuestionText(i18n.getFixedT('en'), 'en', ask([]))).toBe('In this export, in which order are the day, the month and the year written?');
  });
});
