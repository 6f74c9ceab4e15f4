import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { intlLocale } from '../../i18n/format.js';

interface Props {
  regions: readonly string[];
  value: string | null;
  defaultRegion: string | null;
  disabled: boolean;
  onChange: (region: string | null) => void;
}

/** Country names in the UI language (Intl), sorted by them; the region code is what is sent. */
export function regionName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([intlLocale(lang)], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * The region used for phone numbers written without a country code ("8 916 …", "(916) …"): a select
 * of countries by name, "none" first; the OS locale's region is marked as the default.
 */
export function RegionSelect({ regions, value, defaultRegion, disabled, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const lang = i18n.language;
  const options = useMemo(() => {
    const collator = new Intl.Collator(intlLocale(lang));
    return regions.map((code) => ({ code, name: regionName(code, lang) })).sort((a, b) => collator.compare(a.name, b.name));
  }, [regions, lang]);
  return (
    <div className="field clean-region">
      <label className="field__label" htmlFor={id}>
        {t('clean.run.region')}
      </label>
      <select
        id={id}
        className="input"
        value={value ?? ''}
        disabled={disabled}
        aria-describedby={`${id}-hint`}
        data-testid="clean-region"
        onChange={(e) => onChange(e.target.value || null)}
      >
        <option value="">{t('clean.run.regionNone')}</option>
        {options.map((o) => (
          <option key={o.code} value={o.code}>
            {o.code === defaultRegion ? t('clean.run.regionDefault', { name: o.name }) : o.name}
          </option>
        ))}
      </select>
      <p className="muted clean-region__hint" id={`${id}-hint`}>
        {t('clean.run.regionHint')}
      </p>
    </div>
  );
}
