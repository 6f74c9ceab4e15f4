import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Announcement } from '../../../shared/model/index.js';
import { toUiError } from '../../api-client.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { CopyButton } from './CopyButton.js';
import { announcements } from './finish-actions.js';
import { PagedList } from './PagedList.js';

/** Ready-to-send messages, one per group and per person, in Russian or English, each with a Copy button. */
export function AnnouncementSection({ paths, reportKey }: { paths: string[]; reportKey: string }) {
  const { t, i18n } = useTranslation();
  const baseId = useId();
  const [lang, setLang] = useState<'ru' | 'en'>(i18n.language === 'ru' ? 'ru' : 'en');
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  useEffect(() => {
    void announcements({ paths, offset: 0, limit: 1 }).then(
      (r) => setTotal(r.total),
      (err: unknown) => setError(toUiError(err)),
    );
  }, [paths, reportKey]);

  const fetchPage = useCallback(async (offset: number, limit: number) => (await announcements({ paths, offset, limit })).items, [paths]);

  return (
    <section className="finish-section" aria-labelledby={`${baseId}-title`} data-testid="finish-announcement">
      <h3 id={`${baseId}-title`}>{t('finish.announce.title')}</h3>
      <p className="backup-hint">{t('finish.announce.intro')}</p>
      <CallError error={error} what={t('finish.what.announce')} testId="announce-error" />
      <fieldset className="finish-lang">
        <legend>{t('finish.announce.language')}</legend>
        {(['ru', 'en'] as const).map((l) => (
          <label key={l}>
            <input type="radio" name={`${baseId}-lang`} value={l} checked={lang === l} onChange={() => setLang(l)} data-testid={`announce-lang-${l}`} /> {t(`language.${l}`)}
          </label>
        ))}
      </fieldset>
      {total === 0 && (
        <p className="muted" data-testid="announce-none">
          {t('finish.announce.none')}
        </p>
      )}
      {total !== null && total > 0 && (
        <PagedList<Announcement>
          listKey={`${reportKey}|${lang}`}
          total={total}
          fetchPage={fetchPage}
          rowHeight={132}
          loading={t('finish.loading')}
          label={t('finish.announce.title')}
          testId="announcements"
          renderRow={(a) => (
            <div className="finish-announcement" data-testid="announcement" data-kind={a.kind} data-chat={a.chatId}>
              <div className="finish-announcement__head">
                <strong className="finish-announcement__title" title={a.title}>
                  {a.kind === 'group' ? t('finish.announce.group', { title: a.title }) : t('finish.announce.person', { title: a.title })}
                </strong>
                <CopyButton text={lang === 'ru' ? a.ru : a.en} label={t('finish.announce.copy')} testId="announcement-copy" />
              </div>
              <p className="finish-announcement__text" data-testid="announcement-text" lang={lang}>
                {lang === 'ru' ? a.ru : a.en}
              </p>
            </div>
          )}
        />
      )}
    </section>
  );
}
