/**
 * E-mail addresses: trimmed, `mailto:` and angle brackets removed, the domain lower-cased (and
 * written in Unicode NFC); the local part keeps its case for display, but two addresses are the
 * same when they are equal ignoring case (`key`).
 */
export interface NormalEmail {
  /** As written (trimmed). */
  raw: string;
  /** `Ivan.Petrov@example.ru`: the display form; equal to `raw` trimmed when not an address. */
  value: string;
  /** `ivan.petrov@example.ru` for matching; null when `raw` is not an address. */
  key: string | null;
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/u;

export function normaliseEmail(input: string): NormalEmail {
  // eslint-disable-next-line no-control-regex
  const raw = (/^[\x00-\x7f]*$/.test(input) ? input : input.normalize('NFC')).trim();
  let s = raw.replace(/^mailto:/i, '');
  // "Ivan Petrov <ivan@example.ru>" → the address
  const angle = /<([^<>]+)>\s*$/.exec(s);
  if (angle) s = angle[1]!.trim();
  const at = s.lastIndexOf('@');
  if (at <= 0 || !ADDRESS.test(s)) return { raw, value: raw, key: null };
  if (!/[A-Z]/.test(s)) return { raw, value: s, key: s }; // most addresses: nothing to change, no copy
  const domain = s.slice(at + 1);
  const lower = domain.toLowerCase();
  const value = lower === domain ? s : `${s.slice(0, at)}@${lower}`;
  return { raw, value, key: value.toLowerCase() };
}
