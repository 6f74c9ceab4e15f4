import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupRecord } from '../../../shared/ipc/backup.js';
import { formatBytes, formatDate } from '../../i18n/format.js';

/** Where the backups and their copies are, with what each holds and which checks passed when. */
export function BackupList({ backups }: { backups: BackupRecord[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const baseId = useId();
  if (!backups.length) return null;
  const stamp = (iso: string | null) => (iso ? formatDate(iso, lang) : t('backup.verify.never'));
  return (
    <section className="backup-section" aria-labelledby={`${baseId}-title`} data-testid="backup-list">
      <h3 id={`${baseId}-title`}>{t('backup.list.title')}</h3>
      <ul className="backup-list">
        {backups.map((b) => (
          <li key={b.file} className={`backup-list__item${b.exists ? '' : ' is-missing'}`} data-testid="backup-list-item" data-file={b.file}>
            <p className="backup-list__file">
              <code className="path">{b.file}</code>
            </p>
            <p className="muted">
              {t('backup.list.summary', { date: formatDate(b.created, lang), size: formatBytes(b.size, lang) })}
              {!b.exists && <strong className="backup-list__gone"> · {t('backup.list.gone')}</strong>}
            </p>
            <dl className="backup-facts">
              <div>
                <dt>{t('backup.list.opensWith')}</dt>
                <dd>{b.opensWith.includes('keychain') ? t('backup.list.keychainAndRecovery') : t('backup.list.recoveryOnly')}</dd>
              </div>
              <div>
                <dt>{t('backup.verify.lastFull')}</dt>
                <dd>{stamp(b.verified.full ?? b.verified.written)}</dd>
              </div>
              <div>
                <dt>{t('backup.list.recoveryTested')}</dt>
                <dd>{stamp(b.recoveryTestedAt)}</dd>
              </div>
            </dl>
            {b.copies.length > 0 ? (
              <ul className="backup-list__copies" aria-label={t('backup.list.copies')}>
                {b.copies.map((c) => (
                  <li key={c.file} data-testid="backup-list-copy">
                    {t('backup.list.copy')} <code className="path">{c.file}</code>{' '}
                    <span className="muted">{c.exists ? t('backup.list.copyChecked', { date: formatDate(c.verifiedAt, lang) }) : t('backup.list.gone')}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('backup.list.noCopy')}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
