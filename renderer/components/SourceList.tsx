import { useTranslation } from 'react-i18next';
import { formatBytes, formatPercent } from '../i18n/format.js';
import { errorReason, problemMessage } from '../i18n/messages.js';
import { confidenceWord, type ConfidenceWord, type SourceRow } from '../stores/wizard-store.js';
import { hasSourceQuestions, SourceQuestions } from './SourceQuestions.js';

const CONFIDENCE_KEY: Record<ConfidenceWord, string> = {
  certain: 'sources.confidence.certain',
  likely: 'sources.confidence.likely',
  possible: 'sources.confidence.possible',
};

interface Props {
  rows: SourceRow[];
  onRemove: (input: string) => void;
}

/**
 * The added paths and what detection said of each: format, variant, size, confidence in words, or
 * the problem; under a row, what the user has to settle for it (date order, time zone).
 */
export function SourceList({ rows, onRemove }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (!rows.length) return <p className="muted" data-testid="sources-empty">{t('sources.listEmpty')}</p>;
  return (
    <div className="table-wrap">
      <table className="source-table" data-testid="source-table">
        <thead>
          <tr>
            <th scope="col">{t('sources.col.path')}</th>
            <th scope="col">{t('sources.col.kind')}</th>
            <th scope="col">{t('sources.col.format')}</th>
            <th scope="col">{t('sources.col.variant')}</th>
            <th scope="col" className="num">{t('sources.col.size')}</th>
            <th scope="col" className="num">{t('sources.col.confidence')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('sources.col.actions')}</span>
            </th>
          </tr>
        </thead>
        {rows.map((row) => {
          const d = row.detected;
          const recognised = !!d && d.format !== null && !d.problem;
          const state = row.status === 'detecting' ? 'detecting' : row.status === 'failed' ? 'failed' : recognised ? 'recognised' : 'problem';
          const shownPath = d?.path ?? row.input;
          const problem =
            state === 'problem' && d?.problem ? (
              <p className="source-row__problem" data-testid="source-problem" data-code={d.problem.code}>
                {problemMessage(t, d.problem)}
                {d.problem.file && d.problem.file !== shownPath && (
                  <>
                    {' '}
                    <code className="path">{d.problem.file}</code>
                  </>
                )}
              </p>
            ) : state === 'failed' && row.error ? (
              <p className="source-row__problem" data-testid="source-problem" data-code={row.error.code}>
                {t('error.detectFailed')}: {errorReason(t, row.error.code)}
              </p>
            ) : null;
          const asks = state === 'recognised' && hasSourceQuestions(row);
          const word = d?.format ? confidenceWord(d.confidence) : null;
          // One tbody per source: its row, and under it (full width) what went wrong or what to answer.
          return (
            <tbody
              key={row.input}
              data-testid="source-row"
              data-state={state}
              data-format={d?.format ?? ''}
              data-path={shownPath}
              className={`source-row is-${state}${problem || asks ? ' has-problem' : ''}`}
            >
              <tr>
                <td className="source-row__path">
                  <code className="path">{shownPath}</code>
                  {d?.entry && d.kind !== 'file' && <span className="muted source-row__entry">{t('sources.reads', { entry: d.entry })}</span>}
                </td>
                <td className="nowrap">{d?.kind ? t(`sources.kind.${d.kind}`) : t('sources.kind.unknown')}</td>
                <td data-testid="source-format">
                  {state === 'detecting' ? (
                    <span className="muted">{t('sources.detecting')}</span>
                  ) : d?.format ? (
                    <span className="badge badge--ok">{t(`format.${d.format}`, { defaultValue: d.format })}</span>
                  ) : (
                    <span className="badge badge--bad">{t('format.unknown')}</span>
                  )}
                </td>
                <td>{d?.variant ? t(`variant.${d.variant}`, { defaultValue: d.variant }) : ''}</td>
                <td className="num">{d && d.size > 0 ? formatBytes(d.size, lang) : ''}</td>
                <td className="num">
                  {d?.format && word && (
                    <span
                      className={`confidence is-${word}`}
                      title={t('sources.confidence.title', { percent: formatPercent(d.confidence, lang) })}
                      data-testid="source-confidence"
                      data-confidence={d.confidence}
                    >
                      {t(CONFIDENCE_KEY[word])}
                      <span className="visually-hidden"> ({formatPercent(d.confidence, lang)})</span>
                    </span>
                  )}
                </td>
                <td className="source-row__actions">
                  <button
                    type="button"
                    className="button button--small button--quiet"
                    aria-label={t('sources.removeLabel', { path: shownPath })}
                    data-testid="source-remove"
                    onClick={() => onRemove(row.input)}
                  >
                    {t('sources.remove')}
                  </button>
                </td>
              </tr>
              {problem && (
                <tr className="source-row__problem-row">
                  <td colSpan={7}>{problem}</td>
                </tr>
              )}
              {asks && (
                <tr className="source-row__ask-row">
                  <td colSpan={7}>
                    <SourceQuestions row={row} />
                  </td>
                </tr>
              )}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
