import { useTranslation } from 'react-i18next';
import { AVAILABLE_STEPS, STEPS, useWizardStore, type StepId } from '../stores/wizard-store.js';

/** The left step rail: all eight steps in order; the ones not built yet are visibly unavailable. */
export function StepNav() {
  const { t } = useTranslation();
  const step = useWizardStore((s) => s.step);
  const goToStep = useWizardStore((s) => s.goToStep);

  return (
    <nav className="step-nav" aria-label={t('nav.label')}>
      <ol>
        {STEPS.map((id: StepId, i) => {
          const available = AVAILABLE_STEPS.has(id);
          const current = id === step;
          const label = (
            <>
              <span className="step-nav__number" aria-hidden="true">
                {i + 1}
              </span>
              <span className="step-nav__text">
                <span className="step-nav__name">{t(`steps.${id}`)}</span>
                <span className="step-nav__hint">{available ? t(`stepHint.${id}`) : t('nav.comingLater')}</span>
              </span>
            </>
          );
          return (
            <li key={id} className={`step-nav__item${current ? ' is-current' : ''}${available ? '' : ' is-unavailable'}`}>
              {available ? (
                <button
                  type="button"
                  className="step-nav__button"
                  data-testid={`nav-${id}`}
                  aria-current={current ? 'step' : undefined}
                  onClick={() => goToStep(id)}
                >
                  <span className="visually-hidden">{t('nav.stepNumber', { n: i + 1 })}: </span>
                  {label}
                </button>
              ) : (
                <span className="step-nav__button" data-testid={`nav-${id}`} aria-disabled="true" aria-current={current ? 'step' : undefined}>
                  <span className="visually-hidden">{t('nav.stepNumber', { n: i + 1 })}: </span>
                  {label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
