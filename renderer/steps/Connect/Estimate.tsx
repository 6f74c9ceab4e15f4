import { useTranslation } from 'react-i18next';
import type { MatrixEstimate } from '../../../shared/ipc/matrix.js';
import { formatBytes, formatDuration, formatNumber } from '../../i18n/format.js';

/** How long the move takes at the server's limits (the Clean step's plan), and the faster ways an admin has. */
export function Estimate({ estimate }: { estimate: MatrixEstimate }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const p = estimate.plan;
  const every = formatNumber(Math.round(1 / estimate.rate.perSecond), lang);
  return (
    <section className="matrix-section matrix-estimate" aria-labelledby="estimate-title" data-testid="matrix-estimate">
      <h3 id="estimate-title">{t('matrix.estimate.title')}</h3>
      {p ? (
        <>
          <p data-testid="matrix-estimate-what">
            {t('matrix.estimate.what', {
              chats: formatNumber(p.create + p.merge, lang), sends: formatNumber(p.sends, lang), messages: formatNumber(p.messages, lang),
              media: formatNumber(p.media, lang), size: formatBytes(p.mediaBytes, lang),
            })}
          </p>
          <p data-testid="matrix-estimate-normal">
            {t('matrix.estimate.normal', { burst: formatNumber(estimate.rate.burst, lang), every, time: formatDuration(Math.max(p.estimateMs, 1000), lang) })}
          </p>
          <p data-testid="matrix-estimate-fast">{t('matrix.estimate.fast', { time: formatDuration(Math.max(p.estimateFastMs, 1000), lang) })}</p>
        </>
      ) : (
        <p data-testid="matrix-estimate-none">{t('matrix.estimate.none', { burst: formatNumber(estimate.rate.burst, lang), every })}</p>
      )}
      <details className="matrix-admin">
        <summary>{t('matrix.estimate.adminTitle')}</summary>
        <ul>
          <li>{t('matrix.estimate.adminOverride')}</li>
          <li>{t('matrix.estimate.adminAppservice')}</li>
        </ul>
      </details>
    </section>
  );
}
