import { useTranslation } from 'react-i18next';
import { useWizardStore, type StepId } from '../stores/wizard-store.js';

/** The honest panel for a step that is not built yet: says so, offers the way back, fakes nothing. */
export function UnavailableStep({ step }: { step: StepId }) {
  const { t } = useTranslation();
  const goToStep = useWizardStore((s) => s.goToStep);
  const back = useWizardStore((s) => (s.inventoryJobId ? 'inventory' : 'sources'));
  return (
    <section className="panel unavailable" aria-labelledby="unavailable-title" data-testid="step-unavailable" data-step={step}>
      <h2 id="unavailable-title">
        {t(`steps.${step}`)} — {t('unavailable.title')}
      </h2>
      <p>{t('unavailable.body', { step: t(`steps.${step}`) })}</p>
      <button type="button" className="button button--primary" onClick={() => goToStep(back)}>
        {t('unavailable.back', { step: t(`steps.${back}`) })}
      </button>
    </section>
  );
}
