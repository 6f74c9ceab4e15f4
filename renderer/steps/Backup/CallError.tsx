import { useTranslation } from 'react-i18next';
import { errorReason } from '../../i18n/messages.js';
import type { UiError } from '../../stores/wizard-store.js';

/** A failed call, where the user is looking: what failed (already in their language), why, and the detail for the helpdesk. */
export function CallError({ error, what, testId }: { error: UiError | null; what: string; testId: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="banner banner--error" role="alert" data-testid={testId} data-code={error.code}>
      <div className="banner__body">
        <p>{t('backup.callFailed', { what, reason: errorReason(t, error.code) })}</p>
        <details className="banner__details">
          <summary>{t('banner.details')}</summary>
          <code>{error.message}</code>
        </details>
      </div>
    </div>
  );
}
