/** Turning codes from the app core into the user's language (problems, error reasons). */
import type { TFunction } from 'i18next';
import type { Problem } from '../../shared/model/index.js';

const REMOTE_CODES = new Set(['invalid-request', 'rejected-sender', 'unsupported', 'not-found', 'failed']);

/** `error.code.<code>`; an unknown code reads as a generic failure. */
export function errorReason(t: TFunction, code: string | undefined): string {
  return t(`error.code.${code && REMOTE_CODES.has(code) ? code : 'failed'}`);
}

/**
 * `problem.<code>` with the problem's params. Params are values (numbers, codes, error names), never
 * message text; a variable the engine did not send reads as "?" rather than as a raw placeholder.
 */
export function problemMessage(t: TFunction, p: Pick<Problem, 'code' | 'params'>): string {
  return t(`problem.${p.code}`, { reason: '?', ...(p.params ?? {}) });
}
