/** What vCard and CSV contacts share: the display-name fallback chain and text clean-up. */
import type { TypedValue } from '../../../../shared/model/index.js';

export const NO_NAME = '(no name)';

/** NFC, trimmed; undefined when nothing is left. */
export function clean(s: string | undefined | null): string | undefined {
  if (s === undefined || s === null) return undefined;
  const t = s.normalize('NFC').trim();
  return t === '' ? undefined : t;
}

export interface NameParts {
  /** FN (vCard) or a full-name column (CSV). */
  full?: string;
  given?: string;
  middle?: string;
  family?: string;
  nickname?: string;
  org?: string;
}

/**
 * The display name: the full name, else given (middle) family, else the nickname, else the
 * organisation, else the first phone or e-mail; null when there is nothing at all.
 */
export function displayName(parts: NameParts, phones: TypedValue[], emails: TypedValue[]): string | null {
  const full = clean(parts.full);
  if (full) return full;
  const joined = [parts.given, parts.middle, parts.family].map(clean).filter((x): x is string => x !== undefined).join(' ');
  if (joined) return joined;
  return clean(parts.nickname) ?? clean(parts.org) ?? phones[0]?.value ?? emails[0]?.value ?? null;
}

/** Appends a typed value (empty values are not values; repeats are kept: dedupe is a later step). */
export function pushTyped(list: TypedValue[], value: string | undefined, type: string | undefined): void {
  const v = clean(value);
  if (!v) return;
  const t = clean(type);
  list.push(t ? { value: v, type: t } : { value: v });
}
