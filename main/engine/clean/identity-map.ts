/**
 * The stored identity map: which account of the new service each person is, kept in the config
 * folder as `identity-map.json` (mode 0600, written atomically) and reused on every later run.
 * Entries are keyed by the person's stable keys (E.164 phones, e-mails, messenger user ids,
 * usernames; see shared/model/identity.ts), never by a run's own ids, so a re-run with more
 * sources finds the same person again (identity.ts `resolveAccounts`).
 *
 * A damaged file is never overwritten: reading it fails with the file and the reason, and the
 * clean step then runs without accounts (and says so) until the user repairs or moves the file.
 *
 * Imports (`pereezd clean --map FILE`): a CSV with a header (an account column and any of phone,
 * e-mail, user id, username, name, key; Russian headers too) or JSON: `{ "<phone|e-mail|key>":
 * "<account>" }`, an array of `{ account, phone(s), email(s), user(s), handle(s), name, key(s) }`,
 * or a stored map. An empty account clears what is stored for those keys.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import {
  IdentityKeySchema, IdentityMapSchema, TargetAccountSchema, type Identity, type IdentityKey, type IdentityMap, type IdentityMapEntry,
} from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';
import { parseCsv, sepLine, sniffDelimiter } from '../sources/contacts/csv-reader.js';
import { chooseLegacy, decoderFor, isUtf8, scoreLegacy, sniffBom } from '../sources/text/encoding.js';
import { normaliseEmail } from './email.js';
import { isNameKey } from './identity.js';
import { nameSkeleton } from './names.js';
import { normalisePhone } from './phone.js';

export const IDENTITY_MAP_FILE = 'identity-map.json';
/** Larger map files are refused (about a million entries). */
export const MAX_MAP_BYTES = 256 * 1024 * 1024;
/** Larger import files are refused. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export const identityMapPath = (configDir: string) => path.join(configDir, IDENTITY_MAP_FILE);

/** A stored map that cannot be read (the message names the file and the place). */
export class IdentityMapError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityMapError';
  }
}

/** Reads the stored map; a missing file is an empty map. Throws {@link IdentityMapError} for a damaged one. */
export async function readIdentityMap(file: string): Promise<IdentityMap> {
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_MAP_BYTES) throw new IdentityMapError(file, `${file}: too large to be an identity map (${buf.length} bytes)`);
    text = buf.toString('utf8');
  } catch (err) {
    if (err instanceof IdentityMapError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, entries: [] };
    throw new IdentityMapError(file, `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new IdentityMapError(file, `${file}: not valid JSON (${(err as Error).message}); repair it or move it away to start a new map`);
  }
  const parsed = IdentityMapSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new IdentityMapError(file, `${file}: not an identity map at ${issue.path.join('.') || 'the top'} (${issue.message}); repair it or move it away to start a new map`);
  }
  return parsed.data;
}

export async function writeIdentityMap(file: string, map: IdentityMap): Promise<void> {
  const checked = IdentityMapSchema.parse(map);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(checked, null, 1)}\n`, 0o600);
}

const queues = new Map<string, Promise<unknown>>();

/** Read-modify-write of the stored map, one at a time per file in this process (two quick edits never lose one another). */
export function updateIdentityMap<T>(file: string, change: (map: IdentityMap) => { map: IdentityMap; result: T }): Promise<T> {
  const prev = queues.get(file) ?? Promise.resolve();
  const next = prev.then(async () => {
    const { map, result } = change(await readIdentityMap(file));
    await writeIdentityMap(file, map);
    return result;
  });
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}

const overlaps = (e: IdentityMapEntry, keys: ReadonlySet<string>) => e.keys.some((k) => keys.has(k));

/** Removes the entries that share a key with `keys`; returns how many. */
function without(map: IdentityMap, keys: ReadonlySet<string>): { map: IdentityMap; removed: number } {
  const entries = map.entries.filter((e) => !overlaps(e, keys));
  return { map: { version: 1, entries }, removed: map.entries.length - entries.length };
}

/** The keys a mapping of this identity is stored under, plus the keys that found its current entry. */
function keysOfIdentity(identity: Pick<Identity, 'mapKeys' | 'mapping'>): Set<string> {
  return new Set([...identity.mapKeys, ...(identity.mapping?.matchedBy ?? [])]);
}

/**
 * Sets the account of one identity (from identities.jsonl): every stored entry for this person is
 * replaced by one under its `mapKeys`. Throws when the account is not one, or when the identity
 * has no key of its own to be remembered by.
 */
export function setMapping(
  map: IdentityMap, identity: Pick<Identity, 'mapKeys' | 'mapping' | 'name'>, account: string, by: IdentityMapEntry['by'], at: string,
): IdentityMap {
  const acc = TargetAccountSchema.safeParse(account.trim());
  if (!acc.success) throw new RangeError(`${account}: ${acc.error.issues[0]!.message}`);
  if (identity.mapKeys.length === 0) {
    throw new RangeError(`${identity.name || 'this person'}: nothing of their own to remember them by (no phone, e-mail, user id or full name that only they have)`);
  }
  const { map: rest } = without(map, keysOfIdentity(identity));
  return { version: 1, entries: [...rest.entries, { keys: [...identity.mapKeys], account: acc.data, by, at }] };
}

/** Forgets the account of one identity. */
export function clearMapping(map: IdentityMap, identity: Pick<Identity, 'mapKeys' | 'mapping'>): { map: IdentityMap; removed: number } {
  return without(map, keysOfIdentity(identity));
}

/** {@link setMapping} on the stored file. */
export function setIdentityAccount(file: string, identity: Pick<Identity, 'mapKeys' | 'mapping' | 'name'>, account: string, now = new Date()): Promise<void> {
  return updateIdentityMap(file, (map) => ({ map: setMapping(map, identity, account, 'user', now.toISOString()), result: undefined }));
}

/** {@link clearMapping} on the stored file; resolves to the number of entries removed. */
export function clearIdentityAccount(file: string, identity: Pick<Identity, 'mapKeys' | 'mapping'>): Promise<number> {
  return updateIdentityMap(file, (map) => {
    const r = clearMapping(map, identity);
    return { map: r.map, result: r.removed };
  });
}

// ---------------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------------

/** One person of an import file: their keys and account (null: forget what is stored for them). */
export interface ImportedMapping {
  keys: IdentityKey[];
  account: string | null;
  /** 1-based line (CSV) or entry index (JSON, 1-based) it came from. */
  line: number;
}

export interface ImportProblem {
  line: number | null;
  message: string;
}

export interface ParsedImport {
  mappings: ImportedMapping[];
  errors: ImportProblem[];
}

type Column = 'account' | 'phone' | 'email' | 'user' | 'handle' | 'name' | 'key';

const HEADERS: Readonly<Record<string, Column>> = {
  account: 'account', accounts: 'account', matrix: 'account', mxid: 'account', 'matrix id': 'account', 'matrix user id': 'account', target: 'account',
  jid: 'account', xmpp: 'account', аккаунт: 'account', 'учётная запись': 'account', 'учетная запись': 'account', 'новый аккаунт': 'account',
  phone: 'phone', phones: 'phone', telephone: 'phone', tel: 'phone', mobile: 'phone', телефон: 'phone', телефоны: 'phone', 'мобильный': 'phone',
  email: 'email', 'e-mail': 'email', emails: 'email', mail: 'email', почта: 'email', 'эл. почта': 'email', 'электронная почта': 'email',
  user: 'user', users: 'user', 'user id': 'user', userid: 'user', user_id: 'user', id: 'user', 'messenger id': 'user', 'id в мессенджере': 'user',
  handle: 'handle', handles: 'handle', username: 'handle', login: 'handle', ник: 'handle', 'имя пользователя': 'handle',
  name: 'name', 'full name': 'name', имя: 'name', фио: 'name',
  key: 'key', keys: 'key', identity: 'key', ключ: 'key',
};

const SPLIT = /\s*(?:;|\||\s:::\s)\s*/;

/** Decodes an import file: a BOM, else UTF-8 when valid, else the legacy code page its letters suggest (Windows-1251 for Russian). */
function decode(bytes: Uint8Array): string {
  const bom = sniffBom(bytes);
  if (bom) return decoderFor(bom.encoding)!.decode(bytes.subarray(bom.length));
  if (isUtf8(bytes)) return new TextDecoder('utf-8').decode(bytes);
  return decoderFor(chooseLegacy(scoreLegacy(bytes)))!.decode(bytes);
}

/** A single value of a known kind → its key, or an English reason. */
function keyOf(kind: Exclude<Column, 'account'>, raw: string, region: CountryCode | undefined): { key: IdentityKey } | { error: string } {
  const v = raw.trim();
  switch (kind) {
    case 'phone': {
      const p = normalisePhone(v, region);
      return p.e164 ? { key: `phone:${p.e164}` } : { error: `phone ${v}: not a number that can be written in international form${region ? '' : ' (write it with its country code, +7 …)'}` };
    }
    case 'email': {
      const e = normaliseEmail(v);
      return e.key ? { key: `email:${e.key}` } : { error: `e-mail ${v}: not an e-mail address` };
    }
    case 'user': {
      const m = /^([A-Za-z0-9]+):(\S.*)$/.exec(v);
      return m ? { key: `user:${m[1]!.toLowerCase()}:${m[2]}` } : { error: `user id ${v}: write it with its messenger, as in chats.jsonl (tg:user1001, slack:U01ABC, discord:8000…)` };
    }
    case 'handle': {
      const m = /^([A-Za-z0-9_-]+):@?(\S+)$/.exec(v);
      return m ? { key: `handle:${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}` } : { error: `username ${v}: write it with its messenger (telegram:ivan, slack:ivan)` };
    }
    case 'name': {
      const { skeleton, tokens } = nameSkeleton(v);
      return tokens >= 2 && skeleton ? { key: `name:${skeleton}` } : { error: `name ${v}: a full name (first and last) is needed to find a person by name` };
    }
    case 'key': {
      const k = IdentityKeySchema.safeParse(v);
      return k.success ? { key: k.data } : { error: `key ${v}: not an identity key (phone:+7…, email:…, user:tg:user1001, handle:telegram:ivan, sender:wa:name:…, name:…)` };
    }
  }
}

/** A value of unknown kind (the keys of a JSON object): a key as written, an e-mail, a phone, or `messenger:id`. */
function guessKey(raw: string, region: CountryCode | undefined): { key: IdentityKey } | { error: string } {
  const v = raw.trim();
  if (/^(phone|email|user|handle|sender|name):/.test(v)) return keyOf('key', v, region);
  if (/^[^@\s]+@[^@\s]+$/.test(v)) return keyOf('email', v, region);
  if (/^[+\d\s()\-.]+$/.test(v) && (v.match(/\d/g)?.length ?? 0) >= 7) return keyOf('phone', v, region);
  if (/^[A-Za-z0-9]+:\S/.test(v)) return keyOf('user', v, region);
  return { error: `${v}: cannot tell what this is (a phone, an e-mail, a user id like tg:user1001, or a key like handle:telegram:ivan)` };
}

function account(raw: unknown): { account: string | null } | { error: string } {
  if (raw === null || raw === undefined) return { account: null };
  if (typeof raw !== 'string') return { error: 'the account must be text' };
  const v = raw.trim();
  if (v === '') return { account: null };
  const a = TargetAccountSchema.safeParse(v);
  return a.success ? { account: a.data } : { error: `${v}: ${a.error.issues[0]!.message}` };
}

function parseCsvImport(text: string, region: CountryCode | undefined): ParsedImport {
  const errors: ImportProblem[] = [];
  const mappings: ImportedMapping[] = [];
  let body = text;
  let sep = sepLine(text.slice(0, text.search(/\r?\n|$/)));
  if (sep) body = text.slice(text.indexOf('\n') + 1);
  else sep = sniffDelimiter(text);
  const records = parseCsv(body, sep).filter((r) => r.fields.some((f) => f.trim() !== ''));
  const header = records.shift();
  if (!header) return { mappings, errors: [{ line: null, message: 'the file is empty' }] };
  const columns = header.fields.map((h) => HEADERS[h.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/\s+/g, ' ')] ?? null);
  if (!columns.includes('account')) {
    return { mappings, errors: [{ line: header.line, message: `no account column in the header (${header.fields.join(', ')}); name it account, matrix or mxid` }] };
  }
  if (!columns.some((c) => c !== null && c !== 'account')) {
    return { mappings, errors: [{ line: header.line, message: `no column to find people by (phone, email, user id, username, name or key) in the header (${header.fields.join(', ')})` }] };
  }
  for (const r of records) {
    const keys = new Set<IdentityKey>();
    let acc: string | null = null;
    let bad = false;
    // A first name alone finds nobody, but beside a phone or an id it does no harm: only a problem when nothing else is given.
    let nameProblem: string | null = null;
    r.fields.forEach((cell, i) => {
      const col = columns[i];
      if (!col || cell.trim() === '') return;
      if (col === 'account') {
        const a = account(cell);
        if ('error' in a) {
          errors.push({ line: r.line, message: a.error });
          bad = true;
        } else acc = a.account;
        return;
      }
      for (const v of col === 'name' ? [cell] : cell.split(SPLIT)) {
        if (!v.trim()) continue;
        const k = keyOf(col, v, region);
        if (!('error' in k)) keys.add(k.key);
        else if (col === 'name') nameProblem = k.error;
        else {
          errors.push({ line: r.line, message: k.error });
          bad = true;
        }
      }
    });
    if (bad) continue;
    if (keys.size === 0) {
      errors.push({ line: r.line, message: nameProblem ?? 'no phone, e-mail, user id, username, name or key on this line' });
      continue;
    }
    mappings.push({ keys: [...keys], account: acc, line: r.line });
  }
  return { mappings, errors };
}

const LIST_FIELDS: readonly [string, Exclude<Column, 'account'>][] = [
  ['phone', 'phone'], ['phones', 'phone'], ['email', 'email'], ['emails', 'email'], ['user', 'user'], ['users', 'user'], ['userIds', 'user'],
  ['handle', 'handle'], ['handles', 'handle'], ['name', 'name'], ['key', 'key'], ['keys', 'key'],
];

function parseJsonImport(json: unknown, region: CountryCode | undefined): ParsedImport {
  const errors: ImportProblem[] = [];
  const mappings: ImportedMapping[] = [];
  if (json && typeof json === 'object' && !Array.isArray(json) && 'version' in json && 'entries' in json) {
    // A stored map (one exported from another computer).
    const m = IdentityMapSchema.safeParse(json);
    if (!m.success) {
      const issue = m.error.issues[0]!;
      return { mappings, errors: [{ line: null, message: `not an identity map at ${issue.path.join('.')} (${issue.message})` }] };
    }
    m.data.entries.forEach((e, i) => mappings.push({ keys: e.keys, account: e.account, line: i + 1 }));
    return { mappings, errors };
  }
  if (Array.isArray(json)) {
    json.forEach((item, i) => {
      const line = i + 1;
      if (!item || typeof item !== 'object' || Array.isArray(item)) {
        errors.push({ line, message: `entry ${line}: not an object like {"account":"@ivan:example.org","phone":"+7…"}` });
        return;
      }
      const o = item as Record<string, unknown>;
      const a = account(o.account ?? o.mxid ?? o.matrix);
      if ('error' in a) {
        errors.push({ line, message: `entry ${line}: ${a.error}` });
        return;
      }
      const keys = new Set<IdentityKey>();
      let bad = false;
      let nameProblem: string | null = null;
      for (const [field, kind] of LIST_FIELDS) {
        const v = o[field];
        if (v === undefined || v === null) continue;
        const values = Array.isArray(v) ? v : [v];
        for (const x of values) {
          if (typeof x !== 'string') {
            errors.push({ line, message: `entry ${line}: ${field} must be text` });
            bad = true;
            continue;
          }
          const k = keyOf(kind, x, region);
          if (!('error' in k)) keys.add(k.key);
          else if (kind === 'name') nameProblem = k.error;
          else {
            errors.push({ line, message: `entry ${line}: ${k.error}` });
            bad = true;
          }
        }
      }
      if (bad) return;
      if (keys.size === 0) errors.push({ line, message: `entry ${line}: ${nameProblem ?? 'no phone, email, user, handle, name or key'}` });
      else mappings.push({ keys: [...keys], account: a.account, line });
    });
    return { mappings, errors };
  }
  if (json && typeof json === 'object') {
    let i = 0;
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
      const line = ++i;
      const a = account(v);
      const key = guessKey(k, region);
      if ('error' in a) errors.push({ line, message: `"${k}": ${a.error}` });
      else if ('error' in key) errors.push({ line, message: key.error });
      else mappings.push({ keys: [key.key], account: a.account, line });
    }
    return { mappings, errors };
  }
  return { mappings, errors: [{ line: null, message: 'expected an object {"+79161234567": "@ivan:example.org"} or an array of entries' }] };
}

/** Reads an import file (CSV or JSON, any usual encoding). Line numbers are the file's (CSV) or the entry's (JSON). */
export function parseIdentityMapImport(bytes: Uint8Array, region: CountryCode | undefined): ParsedImport {
  if (bytes.length > MAX_IMPORT_BYTES) return { mappings: [], errors: [{ line: null, message: `too large (${bytes.length} bytes; at most ${MAX_IMPORT_BYTES})` }] };
  const text = decode(bytes);
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { mappings: [], errors: [{ line: null, message: `not valid JSON (${(err as Error).message})` }] };
    }
    return parseJsonImport(json, region);
  }
  return parseCsvImport(text, region);
}

export interface ImportResult {
  /** Entries added (set or replaced). */
  set: number;
  /** Mappings that cleared what was stored (an empty account). */
  cleared: number;
  /** Stored entries removed because an imported line named the same person. */
  replaced: number;
}

/** Applies imported mappings to a map, in file order: each replaces the stored entries that share a key with it. */
export function applyImport(map: IdentityMap, mappings: readonly ImportedMapping[], at: string): { map: IdentityMap; result: ImportResult } {
  let entries = map.entries;
  const result: ImportResult = { set: 0, cleared: 0, replaced: 0 };
  for (const m of mappings) {
    const keys = new Set(m.keys);
    const before = entries.length;
    entries = entries.filter((e) => !overlaps(e, keys));
    result.replaced += before - entries.length;
    if (m.account) {
      // A name key alone is a weak way to find someone; with any other key it is dropped (it would only ever be used on its own).
      const kept = m.keys.some((k) => !isNameKey(k)) ? m.keys.filter((k) => !isNameKey(k)) : m.keys;
      entries = [...entries, { keys: kept, account: m.account, by: 'import', at }];
      result.set++;
    } else result.cleared++;
  }
  return { map: { version: 1, entries }, result };
}

/** Imports a file into the stored map; throws when the file has errors (nothing is changed then). */
export async function importIdentityMapFile(
  mapFile: string, importFile: string, bytes: Uint8Array, region: CountryCode | undefined, now = new Date(),
): Promise<ImportResult> {
  const parsed = parseIdentityMapImport(bytes, region);
  if (parsed.errors.length > 0) {
    const lines = parsed.errors.slice(0, 20).map((e) => `${importFile}${e.line !== null ? `:${e.line}` : ''}: ${e.message}`);
    if (parsed.errors.length > 20) lines.push(`… and ${parsed.errors.length - 20} more`);
    throw new IdentityMapError(importFile, lines.join('\n'));
  }
  return updateIdentityMap(mapFile, (map) => applyImport(map, parsed.mappings, now.toISOString()));
}

