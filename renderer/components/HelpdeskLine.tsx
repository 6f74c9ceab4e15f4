import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HelpdeskStatus } from '../../shared/model/index.js';
import { finishCall } from '../api-client.js';
import { runningJobIds, useJobStore } from '../stores/job-store.js';
import { isRecognised, useWizardStore } from '../stores/wizard-store.js';

/**
 * The helpdesk's one line (from the core's `finish:status`): where the migration stands across all steps,
 * what is left and what failed — the same line the support bundle carries. Asked again when the step
 * changes or a job starts or ends. Plain text only.
 */
export function HelpdeskLine() {
  const { t, i18n } = useTranslation();
  const step = useWizardStore((s) => s.step);
  const sources = useWizardStore((s) => s.sources);
  const paths = useMemo(() => sources.filter(isRecognised).map((r) => r.detected!.path).slice(0, 200), [sources]);
  const key = paths.join('\n');
  const running = useJobStore((s) => runningJobIds(s.jobs).length);
  const [status, setStatus] = useState<HelpdeskStatus | null>(null);

  useEffect(() => {
    let live = true;
    finishCall('finish:status', paths.length ? { paths } : {}).then(
      (s) => live && setStatus(s),
      () => live && setStatus(null),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `paths`
  }, [key, step, running]);

  if (!status) return null;
  return (
    <p className="status-line__helpdesk muted" data-testid="helpdesk-line" data-current={status.current}>
      {t('finish.helpdesk')}: {i18n.language === 'ru' ? status.line.ru : status.line.en}
    </p>
  );
}
