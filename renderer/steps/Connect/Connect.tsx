import { useTranslation } from 'react-i18next';
import { useWizardStore } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { useMatrixSources, useMatrixStatus } from './MatrixGate.js';
import { useMatrixStore } from './matrix-store.js';
import { Estimate } from './Estimate.js';
import { PeopleList } from './PeopleList.js';
import { SignIn } from './SignIn.js';

/**
 * Step 5: sign in to the new service (Matrix), see how long the move will take at the server's limits, and map
 * the old participants to their new accounts (the others keep their old name in every message).
 */
export function Connect() {
  const { t } = useTranslation();
  const sources = useMatrixSources();
  const { error } = useMatrixStatus(sources);
  const session = useMatrixStore((s) => s.session);
  const status = useMatrixStore((s) => s.status);
  const goToStep = useWizardStore((s) => s.goToStep);

  return (
    <section className="panel matrix connect" aria-labelledby="connect-title" data-testid="step-connect" data-loaded={session ? 'yes' : 'no'}>
      <h2 id="connect-title">{t('matrix.connect.title')}</h2>
      <p className="lead">{t('matrix.connect.intro')}</p>
      <CallError error={error} what={t('matrix.what.status')} testId="matrix-status-error" />
      <SignIn />
      {sources && status && <Estimate estimate={status.estimate} />}
      <section className="matrix-section" aria-labelledby="people-title">
        <h3 id="people-title">{t('matrix.people.title')}</h3>
        <p>{t('matrix.people.intro')}</p>
        {!sources ? (
          <p className="muted">{t('matrix.gate.noSources')}</p>
        ) : status?.model?.kind !== 'clean' ? (
          <div className="note" data-testid="people-need-clean">
            <p>{t('matrix.people.needClean')}</p>
            <button type="button" className="button button--small" onClick={() => goToStep('clean')}>
              {t('matrix.gate.goClean')}
            </button>
          </div>
        ) : (
          <PeopleList sources={sources} />
        )}
      </section>
      {session?.signedIn && (
        <div className="matrix-next">
          <button type="button" className="button button--primary" data-testid="connect-next" onClick={() => goToStep('pilot')}>
            {t('matrix.connect.next')}
          </button>
        </div>
      )}
    </section>
  );
}
