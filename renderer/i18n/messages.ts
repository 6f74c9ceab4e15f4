/** Turning codes from the app core into the user's language (problems, error reasons). */
import type { TFunction } from 'i18next';
import type { Problem, SourceQuestion } from '../../shared/model/index.js';
import { questionSample, readSample, type CalendarDate } from '../steps/Sources/date-order.js';
import { calendarDateParts, formatAlternatives, ordinalCategory } from './format.js';

const REMOTE_CODES = new Set(['invalid-request', 'rejected-sender', 'unsupported', 'not-found', 'failed']);

/** `error.code.<code>`; an unknown code reads as a generic failure. */
export function errorReason(t: TFunction, code: string | undefined): string {
  return t(`error.code.${code && REMOTE_CODES.has(code) ? code : 'failed'}`);
}

/**
 * `problem.<code>` with the problem's params. Params are values (numbers, codes, error names), never
 * message text; a variable the engine did not send reads as "?" rather than as a raw placeholder.
 */
export function problemMessage(t: TFunction, p: Pick<Problem, 'code' | 'params'>): string {
  return t(`problem.${p.code}`, { reason: '?', ...(p.params ?? {}) });
}

const ORDINAL_KEY: Record<Intl.LDMLPluralRule, string> = {
  zero: 'sources.dateOrder.ordinal.other',
  one: 'sources.dateOrder.ordinal.one',
  two: 'sources.dateOrder.ordinal.two',
  few: 'sources.dateOrder.ordinal.few',
  many: 'sources.dateOrder.ordinal.other',
  other: 'sources.dateOrder.ordinal.other',
};

/**
 * The date-order question in words, from the first sample that reads differently in each candidate
 * order: "In this export, is 03/04/2022 the 3rd of April or the 4th of March?" / "В этой выгрузке
 * 03/04/2022 — это 3 апреля или 4 марта?". The year is named only when the readings differ in it.
 */
export function dateOrderQuestionText(t: TFunction, lang: string, question: SourceQuestion): string {
  const sample = questionSample(question.samples, question.candidates);
  if (!sample) return t('sources.dateOrder.questionNoSample');
  const readings = question.candidates.map((c) => readSample(sample, c)).filter((r): r is CalendarDate => !!r);
  const sameYear = readings.every((r) => r.year === readings[0]?.year);
  const phrases = readings.map((r) => {
    const parts = calendarDateParts(r, lang);
    const day = t(ORDINAL_KEY[ordinalCategory(r.day, lang)], { n: parts.day });
    return sameYear
      ? t('sources.dateOrder.dayOfMonth', { day, month: parts.month })
      : t('sources.dateOrder.dayOfMonthYear', { day, month: parts.month, year: parts.year });
  });
  return t('sources.dateOrder.question', { sample, readings: formatAlternatives(phrases, lang) });
}
