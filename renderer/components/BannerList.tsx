import { useTranslation } from 'react-i18next';
import { errorReason } from '../i18n/messages.js';
import { useWizardStore } from '../stores/wizard-store.js';

/** Failed calls and notices: every error is shown until the user dismisses it (never swallowed). */
export function BannerList() {
  const { t } = useTranslation();
  const banners = useWizardStore((s) => s.banners);
  const dismiss = useWizardStore((s) => s.dismissBanner);
  const connection = useWizardStore((s) => s.connection);
  if (!banners.length && connection === 'connected') return null;
  return (
    <div className="banners">
      {connection === 'reconnecting' && (
        <div className="banner banner--warning" role="status" data-testid="connection-lost">
          <p>{t('connection.lost')}</p>
        </div>
      )}
      {banners.map((b) => (
        <div
          key={b.id}
          className={`banner banner--${b.kind}`}
          role={b.kind === 'error' ? 'alert' : 'status'}
          data-testid={b.kind === 'error' ? 'error-banner' : 'info-banner'}
          data-code={b.code}
        >
          <div className="banner__body">
            <p>{t(b.key, { ...(b.params ?? {}), reason: errorReason(t, b.code) })}</p>
            {b.detail && (
              <details className="banner__details">
                <summary>{t('banner.details')}</summary>
                <code>{b.detail}</code>
              </details>
            )}
          </div>
          <button type="button" className="button button--quiet" onClick={() => dismiss(b.id)}>
            {t('banner.dismiss')}
          </button>
        </div>
      ))}
    </div>
  );
}
