import { useTranslation } from 'react-i18next';
import type { CleanRunInfo, Tally } from '../../../shared/ipc/clean.js';
import { formatNumber } from '../../i18n/format.js';
import { balances } from './clean-store.js';

const ROWS = [
  { kind: 'contacts', label: 'clean.accounting.row.contacts' },
  { kind: 'messages', label: 'clean.accounting.row.messages' },
  { kind: 'chats', label: 'clean.accounting.row.chats' },
  { kind: 'participants', label: 'clean.accounting.row.participants' },
] as const;

/**
 * Nothing lost: for contacts, messages, chats and the people seen in chats, what went in equals what
 * was kept + merged + set aside + left out by the user — each row checked here, in plain sight.
 */
export function AccountingTable({ accounting }: { accounting: CleanRunInfo['accounting'] }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <section className="clean-accounting" aria-labelledby="clean-accounting-title" data-testid="clean-accounting">
      <h3 id="clean-accounting-title">{t('clean.accounting.title')}</h3>
      <p className="muted">{t('clean.accounting.hint')}</p>
      <div className="clean-table-wrap">
        <table className="clean-accounting__table">
          <thead>
            <tr>
              <th scope="col">{t('clean.accounting.col.what')}</th>
              <th scope="col" className="num">{t('clean.accounting.col.in')}</th>
              <th scope="col" className="num">{t('clean.accounting.col.kept')}</th>
              <th scope="col" className="num">{t('clean.accounting.col.merged')}</th>
              <th scope="col" className="num">{t('clean.accounting.col.quarantined')}</th>
              <th scope="col" className="num">{t('clean.accounting.col.excluded')}</th>
              <th scope="col">{t('clean.accounting.col.check')}</th>
            </tr>
          </thead>
          <tbody>
            {ROWS.map(({ kind, label }) => {
              const row: Tally = accounting[kind];
              const ok = balances(row);
              return (
                <tr key={kind} data-testid={`accounting-${kind}`} data-balanced={ok}>
                  <th scope="row">{t(label)}</th>
                  <td className="num" data-testid="acc-in">{n(row.in)}</td>
                  <td className="num" data-testid="acc-kept">{n(row.kept)}</td>
                  <td className="num" data-testid="acc-merged">{n(row.merged)}</td>
                  <td className="num" data-testid="acc-quarantined">{n(row.quarantined)}</td>
                  <td className="num" data-testid="acc-excluded">{n(row.excluded)}</td>
                  <td className={ok ? 'clean-check is-ok' : 'clean-check is-bad'} data-testid="acc-check">
                    <span aria-hidden="true">{ok ? '✓ ' : '✗ '}</span>
                    {/* Numbers and signs only: the same in every language. */}
                    {`${n(row.in)} = ${n(row.kept)} + ${n(row.merged)} + ${n(row.quarantined)} + ${n(row.excluded)}`}{' '}
                    {ok ? t('clean.accounting.balanced') : t('clean.accounting.unbalanced')}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {accounting.messages.restored > 0 && (
        <p className="muted" data-testid="acc-restored">
          {t('clean.accounting.restored', { n: n(accounting.messages.restored) })}
        </p>
      )}
    </section>
  );
}
