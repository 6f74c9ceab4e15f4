import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MatrixFailure } from '../../../shared/ipc/matrix.js';
import { toUiError } from '../../api-client.js';
import { formatNumber } from '../../i18n/format.js';
import type { UiError } from '../../stores/wizard-store.js';
import { CallError } from '../Backup/CallError.js';
import { discover, signIn, signOut } from './matrix-actions.js';
import { useMatrixStore } from './matrix-store.js';

const PROBLEM_TEXT: Record<MatrixFailure['problem'], string> = {
  unreachable: 'matrix.problem.unreachable',
  'not-matrix': 'matrix.problem.not-matrix',
  'wrong-password': 'matrix.problem.wrong-password',
  'rate-limited': 'matrix.problem.rate-limited',
  deactivated: 'matrix.problem.deactivated',
  'bad-user': 'matrix.problem.bad-user',
  keychain: 'matrix.problem.keychain',
  failed: 'matrix.problem.failed',
};

/** A failure in the user's words (the English detail stays under "Details" for the helpdesk). */
function FailureNote({ failure, testId }: { failure: MatrixFailure; testId: string }) {
  const { t, i18n } = useTranslation();
  const seconds = failure.retryAfterMs ? Math.ceil(failure.retryAfterMs / 1000) : null;
  return (
    <div className="banner banner--error" role="alert" data-testid={testId} data-problem={failure.problem}>
      <div className="banner__body">
        <p>{t(PROBLEM_TEXT[failure.problem])}</p>
        {seconds !== null && <p>{t('matrix.problem.retryAfter', { seconds: formatNumber(seconds, i18n.language) })}</p>}
        <details className="banner__details">
          <summary>{t('banner.details')}</summary>
          <code>{failure.message}</code>
        </details>
      </div>
    </div>
  );
}

/** The sign-in form, or who is signed in (and where the token is kept) with Sign out. */
export function SignIn() {
  const { t } = useTranslation();
  const session = useMatrixStore((s) => s.session);
  const ids = { server: useId(), user: useId(), password: useId(), title: useId() };
  const [server, setServer] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState<'discover' | 'login' | 'logout' | null>(null);
  const [found, setFound] = useState<{ homeserver: string; versions: string[] } | null>(null);
  const [failure, setFailure] = useState<MatrixFailure | null>(null);
  const [error, setError] = useState<UiError | null>(null);

  const run = async (what: 'discover' | 'login' | 'logout', fn: () => Promise<void>) => {
    setBusy(what);
    setFailure(null);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(null);
    }
  };

  if (session?.signedIn) {
    return (
      <section className="matrix-section matrix-session" aria-labelledby={ids.title} data-testid="matrix-session" data-user={session.userId ?? ''}>
        <h3 id={ids.title}>{t('matrix.signIn.title')}</h3>
        <p>
          {t('matrix.signIn.signedInAs')} <code data-testid="matrix-session-user">{session.userId}</code> {t('matrix.signIn.on')}{' '}
          <code className="path">{session.homeserver}</code>
        </p>
        <p className="muted" data-testid="matrix-token-where" data-where={session.tokenIn ?? ''}>
          {session.tokenIn === 'keychain' ? t('matrix.signIn.inKeychain') : t('matrix.signIn.inMemory')}
        </p>
        {session.tokenWorks === null && <p className="muted">{t('matrix.signIn.notChecked')}</p>}
        <button type="button" className="button" data-testid="matrix-sign-out" disabled={busy !== null} onClick={() => run('logout', signOut)}>
          {t('matrix.signIn.signOut')}
        </button>
        <CallError error={error} what={t('matrix.what.signOut')} testId="matrix-signout-error" />
      </section>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run('login', async () => {
      const r = await signIn(server.trim(), user.trim(), password);
      if (r.ok) setPassword('');
      else setFailure(r);
    });
  };

  return (
    <section className="matrix-section" aria-labelledby={ids.title} data-testid="matrix-sign-in">
      <h3 id={ids.title}>{t('matrix.signIn.title')}</h3>
      <p>{t('matrix.signIn.intro')}</p>
      <form className="matrix-form" onSubmit={submit} noValidate>
        <div className="field">
          <label className="field__label" htmlFor={ids.server}>
            {t('matrix.signIn.server')}
          </label>
          <div className="matrix-form__row">
            <input
              id={ids.server}
              className="input"
              value={server}
              autoComplete="url"
              spellCheck={false}
              placeholder={t('matrix.signIn.serverPlaceholder')}
              data-testid="matrix-server"
              onChange={(e) => {
                setServer(e.target.value);
                setFound(null);
              }}
            />
            <button
              type="button"
              className="button"
              data-testid="matrix-discover"
              disabled={!server.trim() || busy !== null}
              onClick={() =>
                run('discover', async () => {
                  const r = await discover(server.trim());
                  if (r.ok) setFound(r);
                  else setFailure(r);
                })
              }
            >
              {busy === 'discover' ? t('matrix.signIn.checking') : t('matrix.signIn.check')}
            </button>
          </div>
          {found && (
            <p className="matrix-found" data-testid="matrix-found" role="status">
              {t('matrix.signIn.found', { url: found.homeserver, version: found.versions.at(-1) ?? '?' })}
            </p>
          )}
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.user}>
            {t('matrix.signIn.user')}
          </label>
          <input
            id={ids.user}
            className="input"
            value={user}
            autoComplete="username"
            spellCheck={false}
            placeholder={t('matrix.signIn.userPlaceholder')}
            data-testid="matrix-user"
            onChange={(e) => setUser(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor={ids.password}>
            {t('matrix.signIn.password')}
          </label>
          <input
            id={ids.password}
            className="input"
            type="password"
            value={password}
            autoComplete="current-password"
            data-testid="matrix-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <p className="muted">{t('matrix.signIn.passwordNote')}</p>
        <button type="submit" className="button button--primary" data-testid="matrix-sign-in-button" disabled={!server.trim() || !user.trim() || !password || busy !== null}>
          {busy === 'login' ? t('matrix.signIn.signingIn') : t('matrix.signIn.button')}
        </button>
      </form>
      {failure && <FailureNote failure={failure} testId="matrix-sign-in-problem" />}
      <CallError error={error} what={t('matrix.what.signIn')} testId="matrix-sign-in-error" />
    </section>
  );
}
