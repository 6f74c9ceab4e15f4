import { useTranslation } from 'react-i18next';
import { formatBytes, formatNumber } from '../i18n/format.js';
import { useJobStore } from '../stores/job-store.js';
import { HelpdeskLine } from './HelpdeskLine.js';
import { AVAILABLE_STEPS, STEPS, isRecognised, unansweredSources, useWizardStore } from '../stores/wizard-store.js';

/** The footer: where the user is and what is happening, in one line a helpdesk agent can read out. */
export function StatusLine() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const step = useWizardStore((s) => s.step);
  const sources = useWizardStore((s) => s.sources);
  const unanswered = useWizardStore((s) => unansweredSources(s).length);
  const jobId = useWizardStore((s) => s.inventoryJobId);
  const info = useWizardStore((s) => s.appInfo);
  const job = useJobStore((s) => (jobId ? s.jobs[jobId] : undefined));

  let detail: string;
  if (!AVAILABLE_STEPS.has(step)) detail = t('status.unavailable');
  else if (step === 'inventory' && job) {
    const { done, total, unit } = job.progress;
    const fmt = (n: number) => (unit === 'bytes' ? formatBytes(n, lang) : formatNumber(n, lang));
    switch (job.phase) {
      case 'queued':
      case 'running':
        detail = total ? t('status.reading', { done: fmt(done), total: fmt(total) }) : t('status.readingUnknown', { done: fmt(done) });
        break;
      case 'done':
        // Contact lists only (vCard, CSV): say what was found, not "0 messages".
        if (job.result && job.result.totals.chats === 0 && job.result.totals.messages === 0 && job.result.totals.contacts > 0) {
          detail = t('status.doneContacts', { contacts: formatNumber(job.result.totals.contacts, lang) });
          break;
        }
        detail = t('status.done', {
          messages: formatNumber(job.result?.totals.messages ?? 0, lang),
          chats: formatNumber(job.result?.totals.chats ?? 0, lang),
        });
        break;
      case 'cancelled':
        detail = t('status.cancelled');
        break;
      case 'failed':
        detail = t('status.failed');
        break;
    }
  } else if (sources.some((r) => r.status === 'detecting')) detail = t('status.detecting');
  else if (unanswered > 0) detail = t('status.questions', { n: formatNumber(unanswered, lang) });
  else if (sources.length) detail = t('status.sourcesReady', { recognised: sources.filter(isRecognised).length, total: sources.length });
  else detail = t('status.idle');

  const n = STEPS.indexOf(step) + 1;
  return (
    <footer className="status-line" aria-label={t('status.label')}>
      <p data-testid="status-line" role="status">
        {t('status.step', { n, total: STEPS.length, name: t(`steps.${step}`) })} — {detail}
      </p>
      <HelpdeskLine />
      {info && (
        <p className="status-line__version muted">
          {t('app.name')} {info.version} · {t(`status.host.${info.host}`)}
        </p>
      )}
    </footer>
  );
}
