import { useEffect, useId, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DateOrder, SourceQuestion } from '../../shared/model/index.js';
import { formatCalendarDate } from '../i18n/format.js';
import { dateOrderQuestionText } from '../i18n/messages.js';
import { browserTimeZone, timeZoneGroups, type TimeZoneRegion } from '../i18n/time-zones.js';
import { readSample } from '../steps/Sources/date-order.js';
import { dateOrderAnswer, hasOpenQuestion, needsTimeZone, unansweredSources, useWizardStore, type SourceRow } from '../stores/wizard-store.js';

const ORDER_KEY: Record<DateOrder, string> = {
  dmy: 'sources.dateOrder.order.dmy',
  mdy: 'sources.dateOrder.order.mdy',
  ymd: 'sources.dateOrder.order.ymd',
};

const REGION_KEY: Record<TimeZoneRegion, string> = {
  europe: 'sources.timeZone.region.europe',
  asia: 'sources.timeZone.region.asia',
  africa: 'sources.timeZone.region.africa',
  america: 'sources.timeZone.region.america',
  atlantic: 'sources.timeZone.region.atlantic',
  indian: 'sources.timeZone.region.indian',
  pacific: 'sources.timeZone.region.pacific',
  australia: 'sources.timeZone.region.australia',
  antarctica: 'sources.timeZone.region.antarctica',
  arctic: 'sources.timeZone.region.arctic',
  other: 'sources.timeZone.region.other',
};

/** Whether a source row gets the block below it (a question to answer or a time zone to choose). */
export function hasSourceQuestions(row: SourceRow): boolean {
  return needsTimeZone(row) || (!!row.detected?.question && row.detected.format !== null && !row.detected.problem);
}

/**
 * What only the user can settle about one source, shown under its row: the order of day and month
 * in its dates (when they fit more than one), and the time zone of wall-clock times (WhatsApp).
 * `showQuestion(path)` (from the Next hint or an Inventory problem) scrolls here and focuses it.
 */
export function SourceQuestions({ row }: { row: SourceRow }) {
  const d = row.detected!;
  const focus = useWizardStore((s) => s.questionFocus);
  const open = useWizardStore((s) => hasOpenQuestion(row, s.answers));
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!focus || focus.path !== d.path) return;
    // After the step change has moved focus to the step itself (App), bring the question forward.
    const frame = requestAnimationFrame(() => {
      const el = ref.current;
      if (!el) return;
      el.scrollIntoView({ block: 'center' });
      const target = el.querySelector<HTMLElement>('input[type="radio"]:checked, input[type="radio"], select') ?? el;
      target.focus({ preventScroll: true });
      useWizardStore.getState().questionShown(focus.seq);
    });
    return () => cancelAnimationFrame(frame);
  }, [focus, d.path]);

  return (
    <div ref={ref} className={`source-ask${open ? ' is-open' : ''}`} data-testid="source-questions" data-path={d.path} tabIndex={-1}>
      {d.question?.kind === 'date-order' && <DateOrderQuestion row={row} question={d.question} />}
      {needsTimeZone(row) && <TimeZoneChoice path={d.path} />}
    </div>
  );
}

function DateOrderQuestion({ row, question }: { row: SourceRow; question: SourceQuestion }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const id = useId();
  const path = row.detected!.path;
  const answer = useWizardStore((s) => dateOrderAnswer(row, s.answers));
  const setDateOrder = useWizardStore((s) => s.setDateOrder);
  const applyToUnanswered = useWizardStore((s) => s.applyDateOrderToUnanswered);
  const othersAsking = useWizardStore((s) =>
    answer ? unansweredSources(s).filter((r) => r.detected!.path !== path && r.detected!.question!.candidates.includes(answer)).length : 0,
  );

  const legend = useMemo(() => dateOrderQuestionText(t, lang, question), [t, lang, question]);

  return (
    <fieldset
      className={`date-order${answer ? ' is-answered' : ''}`}
      data-testid="date-order-question"
      data-answer={answer ?? ''}
      aria-describedby={question.samples.length ? `${id}-why ${id}-samples` : `${id}-why`}
    >
      <legend className="date-order__legend">
        <span className={`badge ${answer ? 'badge--ok' : 'badge--warn'}`} data-testid="date-order-state">
          {answer ? t('sources.dateOrder.answered') : t('sources.dateOrder.unanswered')}
        </span>{' '}
        <span data-testid="date-order-legend">{legend}</span>
      </legend>
      <p className="date-order__why muted" id={`${id}-why`}>
        {t('sources.dateOrder.why')}
      </p>
      {question.samples.length > 0 && (
        <p className="date-order__samples" id={`${id}-samples`}>
          {t('sources.dateOrder.samples', { samples: question.samples.join(', ') })}
        </p>
      )}
      <div className="date-order__options">
        {question.candidates.map((order) => (
          <label key={order} className={`choice${answer === order ? ' is-checked' : ''}`} data-testid="date-order-option" data-order={order}>
            <input
              type="radio"
              className="choice__input"
              name={`${id}-order`}
              value={order}
              checked={answer === order}
              onChange={() => setDateOrder(path, order)}
            />
            <span className="choice__text">
              <span className="choice__title">{t(ORDER_KEY[order])}</span>
              {question.samples.length > 0 && (
                <span className="choice__detail">
                  <span className="visually-hidden">{t('sources.dateOrder.readsAs')} </span>
                  {question.samples.map((s, i) => {
                    const r = readSample(s, order);
                    return (
                      <span key={i} className="choice__reading" data-testid="date-order-reading">
                        {r ? formatCalendarDate(r, lang) : t('sources.dateOrder.notADate')}
                      </span>
                    );
                  })}
                </span>
              )}
            </span>
          </label>
        ))}
      </div>
      {answer && othersAsking > 0 && (
        <button type="button" className="button button--small" data-testid="date-order-apply-others" onClick={() => applyToUnanswered(answer)}>
          {t('sources.dateOrder.applyToOthers', { n: othersAsking })}
        </button>
      )}
    </fieldset>
  );
}

function TimeZoneChoice({ path }: { path: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const id = useId();
  const fallback = useMemo(() => browserTimeZone(), []);
  const chosen = useWizardStore((s) => s.answers[path]?.timeZone);
  const value = chosen ?? fallback;
  const setTimeZone = useWizardStore((s) => s.setTimeZone);
  const setTimeZoneForAll = useWizardStore((s) => s.setTimeZoneForAll);
  // Other wall-clock sources that would change if this zone were used for all of them.
  const othersDiffering = useWizardStore(
    (s) => s.sources.filter((r) => needsTimeZone(r) && r.detected!.path !== path && (s.answers[r.detected!.path]?.timeZone ?? fallback) !== value).length,
  );
  const groups = useMemo(() => timeZoneGroups(lang, [value, fallback]), [lang, value, fallback]);

  return (
    <div className="time-zone field" data-testid="time-zone-choice">
      <label htmlFor={`${id}-tz`} className="field__label">
        {t('sources.timeZone.label')}
      </label>
      <div className="time-zone__row">
        <select
          id={`${id}-tz`}
          className="input time-zone__select"
          value={value}
          aria-describedby={`${id}-tz-hint`}
          data-testid="time-zone"
          onChange={(e) => setTimeZone(path, e.target.value)}
        >
          {groups.map((g) => (
            <optgroup key={g.region} label={t(REGION_KEY[g.region])}>
              {g.zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.label}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        {othersDiffering > 0 && (
          <button type="button" className="button button--small" data-testid="time-zone-apply-all" onClick={() => setTimeZoneForAll(value)}>
            {t('sources.timeZone.applyToAll', { n: othersDiffering + 1 })}
          </button>
        )}
      </div>
      <p className="muted time-zone__hint" id={`${id}-tz-hint`}>
        {t('sources.timeZone.hint')}
      </p>
    </div>
  );
}
