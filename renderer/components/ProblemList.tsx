import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Problem } from '../../shared/model/index.js';
import { formatNumber } from '../i18n/format.js';
import { problemMessage } from '../i18n/messages.js';

interface Props {
  problems: Problem[];
  /** The source these problems belong to: locations in it are shown as "line N" only. */
  sourcePath?: string;
  /** Locations shown per kind of problem before "and N more". */
  perGroup?: number;
  /** Where a `needs-answer` problem leads: the source's question on the Sources step. */
  onAnswer?: () => void;
}

interface Group {
  key: string;
  first: Problem;
  items: Problem[];
}

/** Problems grouped by kind: the localised message once, then where (file, line); never hidden. */
export function ProblemList({ problems, sourcePath, perGroup = 10, onAnswer }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const groups = useMemo(() => {
    const map = new Map<string, Group>();
    for (const p of problems) {
      const key = `${p.severity}|${p.code}`;
      let g = map.get(key);
      if (!g) map.set(key, (g = { key, first: p, items: [] }));
      g.items.push(p);
    }
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return [...map.values()].sort((a, b) => rank[a.first.severity] - rank[b.first.severity]);
  }, [problems]);

  if (!problems.length) return <p className="muted" data-testid="problems-none">{t('problems.none')}</p>;

  /** Where a problem is: its file when it is not the source itself, and the line. */
  const where = (p: Problem) => (
    <>
      {p.file && p.file !== sourcePath && <code className="path">{p.file}</code>}
      {p.file && p.file !== sourcePath && p.line !== undefined && ' — '}
      {p.line !== undefined && <span>{t('problems.line', { line: formatNumber(p.line, lang) })}</span>}
    </>
  );
  const hasPlace = (p: Problem) => (!!p.file && p.file !== sourcePath) || p.line !== undefined;

  return (
    <ul className="problem-list" data-testid="problem-list">
      {groups.map((g) => (
        <li key={g.key} className={`problem problem--${g.first.severity}`} data-testid="problem" data-code={g.first.code}>
          <p className="problem__message">
            <span className="problem__severity">{t(`problems.severity.${g.first.severity}`)}:</span> {problemMessage(t, g.first)}
          </p>
          {g.first.code === 'needs-answer' && onAnswer && (
            <p className="problem__action">
              <button type="button" className="button button--small" data-testid="problem-answer" onClick={onAnswer}>
                {t('problems.answer')}
              </button>
            </p>
          )}
          <ul className="problem__where">
            {g.items.slice(0, perGroup).map((p, i) => {
              const count = typeof p.params?.count === 'number' && p.params.count > 1 ? p.params.count : null;
              const placed = hasPlace(p);
              return (
                <li key={i} className={placed || count !== null ? undefined : 'is-bare'}>
                  {placed && where(p)}
                  {count !== null && (
                    <span className="problem__count">
                      {placed ? ' · ' : ''}
                      {t('problems.affected', { n: formatNumber(count, lang) })}
                    </span>
                  )}
                  <details className="problem__details">
                    <summary>{t('banner.details')}</summary>
                    <code>{p.message}</code>
                  </details>
                </li>
              );
            })}
          </ul>
          {g.items.length > perGroup && <p className="muted">{t('problems.more', { n: formatNumber(g.items.length - perGroup, lang) })}</p>}
        </li>
      ))}
    </ul>
  );
}
