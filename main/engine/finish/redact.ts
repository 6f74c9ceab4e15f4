/**
 * One redaction for everything that leaves the machine for the helpdesk (support bundle, logs): secrets
 * (age secret keys, Matrix and bearer tokens, JWTs, long random strings, `access_token=` parameters),
 * e-mail addresses, phone numbers, the home folder and user name in paths, and every string the caller knows
 * is personal (names, chat titles, message texts gathered from the model). Values under keys that name a
 * secret, a text or a person are replaced whole. Replacements say what was there: `[redacted:phone]`.
 */
import os from 'node:os';

export type RedactKind = 'secret' | 'token' | 'key' | 'email' | 'phone' | 'name' | 'text' | 'path';

export interface Redactor {
  (s: string): string;
  /** Deep copy of a JSON-like value with every string redacted and sensitive keys replaced. */
  value<T>(v: T): T;
  /** How many values of each kind were replaced so far. */
  readonly counts: Record<RedactKind, number>;
}

export interface RedactorOptions {
  /** Strings to replace wherever they appear (≥ 3 characters; longest first). */
  known?: Iterable<string>;
  home?: string;
  user?: string;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PATTERNS: { kind: RedactKind; re: RegExp; keep?: (m: string) => boolean }[] = [
  { kind: 'secret', re: /AGE-SECRET-KEY-1[0-9A-Z]{20,}/gi },
  { kind: 'secret', re: /AGE-PLUGIN-[0-9A-Z-]+-1[0-9A-Z]{20,}/gi },
  { kind: 'key', re: /\bage1[02-9ac-hj-np-z]{50,}\b/g },
  { kind: 'token', re: /\b(?:syt|syr|mct|mat)_[A-Za-z0-9_-]{8,}/g },
  { kind: 'token', re: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi },
  { kind: 'token', re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
  { kind: 'token', re: /((?:access_token|token|password|secret|api_key|apikey)["']?\s*[=:]\s*["']?)[^\s"'&,}]{4,}/gi },
  { kind: 'email', re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g },
  {
    kind: 'phone',
    re: /(?<![0-9A-Za-z_.])\+?\d[\d\s\-().]{5,}\d(?![0-9A-Za-z_])/g,
    keep: (m) => m.replace(/\D/g, '').length < 7 || /^\d{4}-\d{2}-\d{2}/.test(m) || /^\d+\.\d+(\.\d+)*$/.test(m),
  },
  // Long random-looking strings (tokens, keys) — not pure hex, so SHA-256 values stay readable.
  { kind: 'token', re: /(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])/g },
];

const SECRET_KEY = /token|password|passphrase|secret|identity|recovery|private|^key$|apikey|api_key|cookie|authorization/i;
const TEXT_KEY = /^(text|body|raw|caption|formatted_body|lines)$/i;
const NAME_KEY = /^(name|title|given|family|displayname|display_name|sender|first_name|last_name|owner|org|note|roomname)$/i;
const PHONE_KEY = /phone/i;
const EMAIL_KEY = /e-?mail/i;

export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const counts: Record<RedactKind, number> = { secret: 0, token: 0, key: 0, email: 0, phone: 0, name: 0, text: 0, path: 0 };
  const known = [...new Set([...(opts.known ?? [])].map((s) => s.trim()).filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length).slice(0, 50_000);
  const knownRe = known.length ? new RegExp(known.map(esc).join('|'), 'g') : null;
  const home = opts.home ?? os.homedir();
  let user = opts.user;
  if (user === undefined) {
    try {
      user = os.userInfo().username;
    } catch {
      user = '';
    }
  }
  const userRe = user && user.length >= 3 ? new RegExp(`(?<![A-Za-z0-9])${esc(user)}(?![A-Za-z0-9])`, 'g') : null;
  const mark = (kind: RedactKind) => {
    counts[kind]++;
    return `[redacted:${kind}]`;
  };
  const r = ((s: string): string => {
    let out = s;
    if (knownRe) out = out.replace(knownRe, () => mark('name'));
    for (const p of PATTERNS) {
      out = out.replace(p.re, (m: string, prefix?: unknown) => {
        if (p.keep?.(m)) return m;
        return typeof prefix === 'string' && p.re.source.startsWith('((?:access_token') ? `${prefix}${mark(p.kind)}` : mark(p.kind);
      });
    }
    if (home && home.length > 1) out = out.split(home).join('~');
    if (userRe) out = out.replace(userRe, () => mark('path'));
    return out;
  }) as Redactor;
  const deep = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') {
      if (key !== null && SECRET_KEY.test(key)) return mark('secret');
      if (key !== null && TEXT_KEY.test(key)) return mark('text');
      if (key !== null && NAME_KEY.test(key)) return mark('name');
      if (key !== null && PHONE_KEY.test(key)) return mark('phone');
      if (key !== null && EMAIL_KEY.test(key)) return mark('email');
      return r(v);
    }
    if (Array.isArray(v)) return v.map((x) => deep(x, key !== null && (TEXT_KEY.test(key) || NAME_KEY.test(key) || SECRET_KEY.test(key)) ? key : null));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[r(k)] = deep(x, k);
      return o;
    }
    return v;
  };
  Object.defineProperty(r, 'counts', { get: () => ({ ...counts }) });
  r.value = <T>(v: T) => deep(v, null) as T;
  return r;
}

/** Redacts one string with the patterns only (no known names). */
export function redact(s: string, known?: Iterable<string>): string {
  return createRedactor(known ? { known } : {})(s);
}
