import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Copies plain text to the clipboard and says so (or says it could not: select and copy by hand). */
export function CopyButton({ text, label, testId }: { text: string; label: string; testId: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const id = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(id);
  }, [state]);
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className="button button--small" data-testid={testId} data-state={state} onClick={() => void onCopy()} aria-live="polite">
      {state === 'copied' ? t('finish.copied') : state === 'failed' ? t('finish.copyFailed') : label}
    </button>
  );
}
