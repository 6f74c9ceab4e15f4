import { useTranslation } from 'react-i18next';
import type { CleanIdentityCounts } from '../../../shared/ipc/clean.js';
import { formatNumber } from '../../i18n/format.js';

/** One identity per person across sources: the counts the upload step will map to accounts. */
export function IdentityCounts({ counts }: { counts: CleanIdentityCounts }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <section className="clean-identities" aria-labelledby="clean-identities-title" data-testid="clean-identities">
      <h3 id="clean-identities-title">{t('clean.identities.title')}</h3>
      <p>{t('clean.identities.total', { n: n(counts.total), contacts: n(counts.contacts), chatsOnly: n(counts.participantsOnly) })}</p>
      <p className="muted">
        {t('clean.identities.keys', { phone: n(counts.withPhone), email: n(counts.withEmail), account: n(counts.withUserId), nameOnly: n(counts.nameOnly) })}
      </p>
      {counts.sendersUnresolved > 0 && <p className="muted">{t('clean.identities.unresolved', { n: n(counts.sendersUnresolved) })}</p>}
    </section>
  );
}
