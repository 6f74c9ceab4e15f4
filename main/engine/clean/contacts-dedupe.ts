/**
 * One identity map across sources: contacts (Telegram contact list, vCards, CSVs) and the people
 * seen in chats are normalised, then grouped by blocking keys and union-find — never by comparing
 * all pairs:
 *   strong keys  E.164 phone, e-mail (case-insensitive), username, the messenger's own user id;
 *   weak key     the name skeleton (names.ts), used only when it has at least two words, the block
 *                is small (a very common name says nothing), and the two sides have no
 *                conflicting phone or e-mail.
 * Every group says why it exists (its reasons) and is either `strong` (strong keys only: merged
 * unless the user says otherwise) or `weak` (joined by a name: proposed, merged only when the
 * user accepts). A weak group contains whole strong groups, so accepting or rejecting it never
 * splits a strong one.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { CountryCode } from 'libphonenumber-js';
import { NO_NAME } from '../sources/contacts/contact-build.js';
import { normaliseEmail } from './email.js';
import { cleanName, nameSkeleton, scriptOf, type NameScript } from './names.js';
import { normalisePhone, type NormalPhone } from './phone.js';
import type { ContactLine, ParticipantInfo, TypedLine } from './types.js';

export interface PersonPhone extends NormalPhone {
  type: string | null;
}

export interface PersonEmail {
  value: string;
  /** Lower-cased address for matching; null when not an address. */
  key: string | null;
  type: string | null;
}

export interface PersonHandle {
  value: string;
  type: string;
}

/** One contact or chat participant, normalised. */
export interface Person {
  /** Unique in this run: the contact id (`tg-contact:user1`; `~2`… appended when an id repeats) or `participant:<key>`. */
  key: string;
  kind: 'contact' | 'participant';
  name: string;
  given: string | null;
  family: string | null;
  skeleton: string;
  tokens: number;
  script: NameScript;
  phones: readonly PersonPhone[];
  emails: readonly PersonEmail[];
  handles: readonly PersonHandle[];
  /** The messenger's own user id, network-qualified: `tg:user123`. */
  userIds: readonly string[];
  org: string | null;
  note: string | null;
  self: boolean;
  source: { file: string; line: number | null; id?: string };
}

export interface NormaliseOptions {
  region: CountryCode | undefined;
}

const NETWORK_NAMES: Readonly<Record<string, string>> = {
  tg: 'Telegram', telegram: 'Telegram', wa: 'WhatsApp', whatsapp: 'WhatsApp', slack: 'Slack', discord: 'Discord', skype: 'Skype',
  fb: 'Messenger', messenger: 'Messenger', xmpp: 'XMPP', matrix: 'Matrix',
};
/** `tg` → Telegram, for reasons the user reads. */
export const networkName = (n: string) => NETWORK_NAMES[n.toLowerCase()] ?? n;

/** All fields set at once (one object shape; no property added later). */
const typedPhone = (p: NormalPhone, type: string | null): PersonPhone => ({ raw: p.raw, e164: p.e164, type, how: p.how, ext: p.ext });

/** Shared by every person without usernames or user ids (most): one array instead of one each. */
const NONE: readonly never[] = Object.freeze([]);

/** `s` from `from` on is one or more ASCII digits (`/^\d+$/` on that part, without the slice). */
function allDigits(s: string, from: number): boolean {
  if (from >= s.length) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A phone or e-mail entry with something written in it. */
const notBlank = (t: TypedLine) => !!t.value?.trim();

/**
 * `f` of the entries with something written in them, in an array of exactly that length (NONE
 * when there are none). One or two entries (most lists) are written as array literals: V8 then
 * allocates them straight in the old generation once it has seen that they live long.
 */
function mapKept<R>(list: readonly TypedLine[], f: (t: TypedLine) => R): readonly R[] {
  if (list.length === 0) return NONE;
  if (list.length === 1) return notBlank(list[0]!) ? [f(list[0]!)] : NONE;
  if (list.length === 2 && notBlank(list[0]!) && notBlank(list[1]!)) return [f(list[0]!), f(list[1]!)];
  const kept = list.filter(notBlank);
  return kept.length === 0 ? NONE : kept.map(f);
}

/** A name that is really a phone number (Telegram and WhatsApp show unsaved people by number). */
const PHONE_LIKE = /^[+\d\s\u00A0\u202F()\-.‐-―~\u200E\u200F\u202A-\u202E]+$/;
const looksLikePhone = (s: string) => PHONE_LIKE.test(s) && (s.match(/\d/g)?.length ?? 0) >= 7;

export interface Normaliser {
  contact(c: ContactLine, key: string): Person;
  participant(p: ParticipantInfo): Person;
}

/** Remembers up to `max` results of `f` (names and numbers recur across sources and chats). */
function memo<R>(f: (key: string) => R, max = 100_000): (key: string) => R {
  const m = new Map<string, R>();
  return (key) => {
    let r = m.get(key);
    if (r === undefined) {
      r = f(key);
      if (m.size >= max) m.clear();
      m.set(key, r);
    }
    return r;
  };
}

export function createNormaliser(opts: NormaliseOptions): Normaliser {
  const region = opts.region;
  const phone = (raw: string) => normalisePhone(raw, region);
  // Given names recur a lot ("Иван"); family and full names and numbers mostly do not, and a
  // memo of unique strings costs more than it saves.
  const cleanNameM = memo(cleanName, 20_000);
  const toPhone = (p: TypedLine) => typedPhone(phone(p.value), p.type ?? null);
  const toEmail = (e: TypedLine): PersonEmail => {
    const ne = normaliseEmail(e.value);
    return { value: ne.value, key: ne.key, type: e.type ?? null };
  };
  const named = (name: string, given: string | null, family: string | null, org: string | null = null) => {
    const written = name === NO_NAME ? '' : name;
    const display = cleanName(written) || cleanName([given, family].filter(Boolean).join(' '));
    // Parsers fall back to the organisation, an e-mail or a phone when a card has no name: not a name to match people on.
    const fallback =
      looksLikePhone(display) || display.includes('@') ||
      (!given && !family && org !== null && display.toLowerCase() === cleanName(org).toLowerCase());
    const nameForKey = fallback ? '' : display;
    const { skeleton, tokens } = nameSkeleton(nameForKey);
    return { name: display, skeleton, tokens, script: scriptOf(nameForKey) };
  };
  return {
    contact(c, key) {
      const given = c.given ? cleanNameM(c.given) || null : null;
      const family = c.family ? cleanName(c.family) || null : null;
      const n = named(c.name ?? '', given, family, c.org ?? null);
      const inPhones = c.phones ?? NONE;
      const inEmails = c.emails ?? NONE;
      let phones: readonly PersonPhone[] = mapKept(inPhones, toPhone);
      if (phones.length === 0) phones = looksLikePhone(n.name) ? [typedPhone(phone(n.name), null)] : NONE;
      const emails: readonly PersonEmail[] = mapKept(inEmails, toEmail);
      let handles: readonly PersonHandle[] = NONE;
      if (c.handles) {
        for (const h of c.handles) {
          const v = h.value?.trim().replace(/^@/, '');
          if (v) handles = [...handles, { value: v, type: (h.type ?? 'handle').toLowerCase() }];
        }
      }
      let userIds: readonly string[] = NONE;
      // The messenger's own user id, qualified by the chat id prefix of the same messenger:
      // `tg-contact:user123` (Telegram's contact list) ↔ sender `user123` in `tg:` chats; `slack:U123` ↔ `U123` in `slack:` chats.
      // Ids that are only a position (`tg-contact:3`, `vcard:file.vcf:0`) name no user.
      const colon = c.id.indexOf(':');
      if (colon > 0 && c.id.indexOf(':', colon + 1) < 0 && (c.sourceUserId != null || !allDigits(c.id, colon + 1))) {
        const net = c.id.endsWith('-contact', colon) ? c.id.slice(0, colon - '-contact'.length) : c.id.slice(0, colon);
        const rest = c.id.slice(colon + 1);
        const uid = c.sourceUserId ?? rest;
        if (uid && /^[a-z0-9]+$/.test(net)) userIds = [`${net}:${uid}`];
      }
      return {
        key, kind: 'contact', name: n.name, skeleton: n.skeleton, tokens: n.tokens, script: n.script, given, family, phones, emails, handles, userIds,
        org: c.org?.normalize('NFC').trim() || null,
        note: c.note?.normalize('NFC').trim() || null,
        self: c.self === true,
        source: { file: c.source.file, line: c.source.line ?? null, id: c.id },
      };
    },
    participant(p) {
      const n = named(p.name ?? '', null, null);
      const phones: PersonPhone[] = looksLikePhone(n.name) ? [typedPhone(phone(n.name), null)] : [];
      return {
        key: `participant:${p.key}`, kind: 'participant', ...n, given: null, family: null, phones, emails: NONE, handles: NONE,
        userIds: p.senderId ? [`${p.network}:${p.senderId}`] : NONE,
        org: null, note: null, self: false,
        source: { file: `chats:${p.network}`, line: null, id: p.senderId ?? p.name ?? p.key },
      };
    },
  };
}

export interface ReadPeopleOptions {
  /** Called for every contact line; false leaves it out (quarantined by the caller). */
  admit?(c: ContactLine): boolean;
  /** A line that is not JSON (1-based line number). */
  onBadLine?(lineNo: number): void;
}

/**
 * Reads convert's contacts.jsonl into people, one line at a time (the raw lines are not kept).
 * Ids must be unique within a run: an id seen again (the same Telegram contact in two exports)
 * gets `~2`, `~3`… in input order.
 */
export function readPeople(file: string, normaliser: Normaliser, opts: ReadPeopleOptions = {}): Person[] {
  const people: Person[] = [];
  if (!existsSync(file)) return people;
  // Ids seen, and how often for the few seen more than once (one lookup for most lines).
  const seen = new StringIds(1 << 14);
  const repeats = new Map<string, number>();
  // JSON.parse gives every line its own copy of the file name; a handful of sources share one each.
  const files = new Map<string, string>();
  let lastFile = '';
  eachLine(file, (line, lineNo) => {
    if (!line) return;
    let c: ContactLine;
    try {
      c = JSON.parse(line) as ContactLine;
    } catch {
      opts.onBadLine?.(lineNo);
      return;
    }
    if (opts.admit && !opts.admit(c)) return;
    if (c.source && typeof c.source.file === 'string') {
      // Lines of one source follow each other: most often the file of the line before.
      if (c.source.file === lastFile) c.source.file = lastFile;
      else {
        const f = files.get(c.source.file);
        if (f === undefined) files.set(c.source.file, c.source.file);
        else c.source.file = f;
        lastFile = c.source.file;
      }
    }
    seen.id(String(c.id));
    let key = c.id;
    if (!seen.added) {
      const n = (repeats.get(c.id) ?? 1) + 1;
      repeats.set(c.id, n);
      key = `${c.id}~${n}`;
    }
    people.push(normaliser.contact(c, key));
  });
  return people;
}

/**
 * Every line of a UTF-8 file, without its `\n` (or `\r\n`), with its 1-based number; a last line
 * without a line break too. Reads blocks of 1 MiB (more for a longer line) and decodes only
 * whole lines, in one piece per block: a line break byte never occurs inside a multi-byte
 * character. (About twice as fast as LineReader's StringDecoder, whose partial-character
 * bookkeeping costs a copy of every block.)
 */
function eachLine(file: string, onLine: (line: string, lineNo: number) => void): void {
  const fd = openSync(file, 'r');
  let buf = Buffer.allocUnsafe(1 << 20);
  let have = 0;
  let lineNo = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, have, buf.length - have, null);
      have += n;
      // Bytes of whole lines: up to the last line break; at the end of the file, all of them.
      const end = n === 0 ? have : have === 0 ? 0 : buf.lastIndexOf(10, have - 1) + 1;
      if (end > 0) {
        const lines = buf.toString('utf8', 0, end).split('\n');
        if (buf[end - 1] === 10) lines.pop(); // nothing after the last break
        for (const line of lines) onLine(line.endsWith('\r') ? line.slice(0, -1) : line, ++lineNo);
        buf.copy(buf, 0, end, have);
        have -= end;
      }
      if (n === 0) return;
      if (have === buf.length) {
        // one line longer than the buffer
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, have);
        buf = bigger;
      }
    }
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------
// Union-find
// ---------------------------------------------------------------------------------------------

export class UnionFind {
  readonly parent: Int32Array;
  readonly size: Int32Array;
  constructor(n: number, from?: UnionFind) {
    if (from) {
      this.parent = from.parent.slice();
      this.size = from.size.slice();
    } else {
      this.parent = new Int32Array(n);
      for (let i = 0; i < n; i++) this.parent[i] = i;
      this.size = new Int32Array(n).fill(1);
    }
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      const up = p[p[i]!]!;
      p[i] = up; // path halving
      i = up;
    }
    return i;
  }
  /** Returns the new root, or -1 when already together. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return -1;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
    return ra;
  }
}

// ---------------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------------

export type ReasonKind = 'phone' | 'email' | 'handle' | 'user-id' | 'name';

export interface Reason {
  kind: ReasonKind;
  /** The shared value: `+79161234567`, `ivan@example.ru`, `tg:user1`, the name skeleton. */
  value: string;
  /** Member keys that share it. */
  members: string[];
  /** Name-only link: weaker evidence. */
  weak: boolean;
  /** The names are written in different scripts (Cyrillic and Latin). */
  transliterated?: boolean;
  /** English, for the CLI: "same phone +79161234567", "same name (transliterated)". */
  text: string;
}

export interface Group {
  /** `g-` + the first 16 hex digits of SHA-256 over the sorted member keys (one per line). */
  id: string;
  members: string[];
  /** Indices into the people array, in the order of `members`. */
  indices: number[];
  strength: 'strong' | 'weak';
  reasons: Reason[];
  /** For a weak group: the strong groups it contains. */
  contains?: string[];
}

export interface GroupingResult {
  groups: Group[];
  /** Name skeletons shared by more people than `nameBlockLimit`: too common to match on. */
  commonNames: number;
  /** Phones and e-mail addresses held by people with unrelated names (switchboards, family lines): not used to join. */
  sharedKeys: number;
}

export interface GroupingOptions {
  /** Largest name block used for name matching (default 25). */
  nameBlockLimit?: number;
}

export function groupId(memberKeys: readonly string[]): string {
  return groupIdOfSorted([...memberKeys].sort());
}

/** {@link groupId} of keys already sorted (by UTF-16 code units, as `sort()` does). */
function groupIdOfSorted(sorted: readonly string[]): string {
  // Written into a buffer and read out once: one flat string (a template would keep a cons string and its parts).
  const d = createHash('sha256').update(sorted.join('\n')).digest();
  for (let i = 0; i < 8; i++) {
    ID_BUF[2 + 2 * i] = HEX_DIGIT[d[i]! >> 4]!;
    ID_BUF[3 + 2 * i] = HEX_DIGIT[d[i]! & 15]!;
  }
  return ID_BUF.toString('latin1');
}
const ID_BUF = Buffer.from('g-0123456789abcdef', 'latin1');
const HEX_DIGIT = Buffer.from('0123456789abcdef', 'latin1');

function strongKeys(p: Person, out: string[]): string[] {
  out.length = 0;
  for (const ph of p.phones) if (ph.e164) out.push(`p${ph.e164}`);
  for (const e of p.emails) if (e.key) out.push(`e${e.key}`);
  for (const h of p.handles) out.push(`h${h.type}:${h.value.toLowerCase()}`);
  for (const u of p.userIds) out.push(`u${u}`);
  return out;
}

function reasonOf(kind: string, value: string, members: string[]): Reason {
  if (kind === 'p') return { kind: 'phone', value, members, weak: false, text: `same phone ${value}` };
  if (kind === 'e') return { kind: 'email', value, members, weak: false, text: `same e-mail ${value}` };
  if (kind === 'h') {
    const at = value.indexOf(':');
    return { kind: 'handle', value, members, weak: false, text: `same ${networkName(value.slice(0, at))} username @${value.slice(at + 1)}` };
  }
  const at = value.indexOf(':');
  return { kind: 'user-id', value, members, weak: false, text: `same ${networkName(value.slice(0, at))} user id ${value.slice(at + 1)}` };
}

const byText = (a: Reason, b: Reason) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
/** The order of `sort()` without a comparator, for strings (UTF-16 code units). */
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Scratch of strongReasons: (kind, value, person key) of every strong key of a small group. */
const scratchKind: string[] = [];
const scratchValue: string[] = [];
const scratchHolder: string[] = [];

/** Reasons of strong keys shared by two or more of `indices`. */
function strongReasons(people: readonly Person[], indices: readonly number[]): Reason[] {
  if (indices.length > 16) return strongReasonsByMap(people, indices);
  // Most groups have two or three members: every key once in flat lists, then linear scans.
  const K = scratchKind;
  const V = scratchValue;
  const H = scratchHolder;
  let t = 0;
  for (let x = 0; x < indices.length; x++) {
    const p = people[indices[x]!]!;
    const key = p.key;
    for (let y = 0; y < p.phones.length; y++) {
      const e164 = p.phones[y]!.e164;
      if (!e164) continue;
      K[t] = 'p';
      V[t] = e164;
      H[t++] = key;
    }
    for (let y = 0; y < p.emails.length; y++) {
      const ek = p.emails[y]!.key;
      if (!ek) continue;
      K[t] = 'e';
      V[t] = ek;
      H[t++] = key;
    }
    for (let y = 0; y < p.handles.length; y++) {
      K[t] = 'h';
      V[t] = `${p.handles[y]!.type}:${p.handles[y]!.value.toLowerCase()}`;
      H[t++] = key;
    }
    for (let y = 0; y < p.userIds.length; y++) {
      K[t] = 'u';
      V[t] = p.userIds[y]!;
      H[t++] = key;
    }
  }
  const out = scratchReasons;
  out.length = 0;
  for (let a = 0; a < t; a++) {
    const v = V[a]!;
    const k = K[a]!;
    let seenBefore = false;
    for (let b = 0; b < a && !seenBefore; b++) seenBefore = V[b] === v && K[b] === k;
    if (seenBefore) continue;
    // the people holding this value, each once (a person holding it twice counts once)
    let members: string[] | null = null;
    for (let b = a + 1; b < t; b++) {
      if (V[b] !== v || K[b] !== k || H[b] === H[a]) continue;
      if (members === null) members = [H[a]!, H[b]!];
      else if (!members.includes(H[b]!)) members.push(H[b]!);
    }
    if (members === null) continue;
    // sorted, in an array of exactly its length
    if (members.length === 2) {
      if (members[1]! < members[0]!) members = [members[1]!, members[0]!];
    } else members = sortSmall(members.slice(), byString);
    out.push(reasonOf(k, v, members));
  }
  // an array of exactly its length (the scratch grew by push)
  return out.length === 0 ? [] : out.length === 1 ? [out[0]!] : sortSmall(out.slice(), byText);
}
const scratchReasons: Reason[] = [];

/** {@link strongReasons} for a large group (many people on one account or address). */
function strongReasonsByMap(people: readonly Person[], indices: readonly number[]): Reason[] {
  const byKey = new Map<string, string[]>();
  const buf: string[] = [];
  for (const i of indices) {
    const p = people[i]!;
    for (const k of new Set(strongKeys(p, buf))) {
      const list = byKey.get(k);
      if (list) list.push(p.key);
      else byKey.set(k, [p.key]);
    }
  }
  const out: Reason[] = [];
  for (const [k, members] of byKey) if (members.length >= 2) out.push(reasonOf(k[0]!, k.slice(1), members.sort()));
  return out.sort(byText);
}

/** The digits of an E.164 number (`+` and 1–15 digits, no leading zero) as a number; -1 for anything else. */
function e164Number(e164: string): number {
  const len = e164.length;
  if (len < 2 || len > 16 || e164.charCodeAt(0) !== 43 || e164.charCodeAt(1) === 48) return -1;
  let v = 0;
  for (let i = 1; i < len; i++) {
    const d = e164.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Open addressing over typed arrays for whole-number keys below 2^53: one slot per key, the
 * key's list head in `heads` (-1: none yet). No string hashing and no per-key objects.
 */
class NumberTable {
  private readonly keys: Float64Array;
  readonly heads: Int32Array;
  private readonly mask: number;
  constructor(maxKeys: number) {
    let size = 16;
    while (size < maxKeys + (maxKeys >> 1)) size *= 2;
    this.keys = new Float64Array(size).fill(-1);
    this.heads = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }
  /** The slot of `v` (taken for it when new). */
  slot(v: number): number {
    const lo = v >>> 0;
    const hi = (v - lo) / 4294967296;
    let h = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi | 0, 0x85ebca6b);
    h = (h ^ (h >>> 15)) & this.mask;
    for (;;) {
      const k = this.keys[h]!;
      if (k === v) return h;
      if (k === -1) {
        this.keys[h] = v;
        return h;
      }
      h = (h + 1) & this.mask;
    }
  }
}

/**
 * Strings → dense ids 0, 1, 2… in first-seen order: open addressing over typed arrays on a 32-bit
 * FNV-1a hash of the string (a JS Set or Map of 100 000 fresh strings costs several times more,
 * mostly in growing). Growing re-inserts the stored hashes, never re-hashes a string.
 */
export class StringIds {
  /** The strings, by id. */
  readonly keys: string[] = [];
  /** Whether the last `id` call added its string. */
  added = false;
  private hashes: Int32Array;
  private ids: Int32Array;
  private mask: number;

  constructor(expected = 1024) {
    let size = 16;
    while (size < expected * 2) size *= 2;
    this.hashes = new Int32Array(size);
    this.ids = new Int32Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The id of `s`, added when new. */
  id(s: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
    h |= 1; // 0 marks an empty slot
    for (let j = h & this.mask; ; j = (j + 1) & this.mask) {
      const x = this.hashes[j]!;
      if (x === 0) {
        const id = this.keys.length;
        this.hashes[j] = h;
        this.ids[j] = id;
        this.keys.push(s);
        this.added = true;
        if (this.keys.length * 2 > this.hashes.length) this.grow();
        return id;
      }
      if (x === h && this.keys[this.ids[j]!] === s) {
        this.added = false;
        return this.ids[j]!;
      }
    }
  }

  private grow(): void {
    const { hashes, ids } = this;
    this.hashes = new Int32Array(hashes.length * 2);
    this.ids = new Int32Array(hashes.length * 2);
    this.mask = this.hashes.length - 1;
    for (let k = 0; k < hashes.length; k++) {
      const h = hashes[k]!;
      if (h === 0) continue;
      let j = h & this.mask;
      while (this.hashes[j] !== 0) j = (j + 1) & this.mask;
      this.hashes[j] = h;
      this.ids[j] = ids[k]!;
    }
  }
}

/** Distinct strings: an array while few (most components hold one or two phones), a Set once many. */
class KeyList {
  private list: string[] = [];
  private set: Set<string> | null = null;
  get size(): number {
    return this.set ? this.set.size : this.list.length;
  }
  has(v: string): boolean {
    return this.set ? this.set.has(v) : this.list.includes(v);
  }
  add(v: string): void {
    if (this.set) this.set.add(v);
    else if (!this.list.includes(v)) {
      this.list.push(v);
      if (this.list.length > 32) this.set = new Set(this.list);
    }
  }
  values(): Iterable<string> {
    return this.set ?? this.list;
  }
}

interface CompSets {
  phones: KeyList;
  emails: KeyList;
}

/**
 * True when two of these people have full names (two words or more) with no word in common:
 * "Иван Петров" and "Мария Петрова" sharing a landline. "Ivan Petrov" / "Иван Петров" /
 * "Petrov" / an unnamed card are all related.
 */
function unrelatedNames(people: readonly Person[], members: readonly number[], fullName: Int32Array): boolean {
  if (members.length === 2) {
    // Most shared keys: two people, most often with the same name (from `fullName`, skeleton ids
    // of full names: no visit to the people, no array, no split).
    const a = fullName[members[0]!]!;
    const b = fullName[members[1]!]!;
    if (a === -1 || b === -1 || a === b) return false;
  }
  const names: string[] = [];
  for (const i of members) {
    const p = people[i]!;
    if (p.tokens >= 2 && !names.includes(p.skeleton)) names.push(p.skeleton);
  }
  if (names.length < 2) return false;
  if (names.length > 8) return true; // many different names on one number: a switchboard
  const words = names.map((x) => x.split(' '));
  for (let a = 0; a < words.length; a++) {
    for (let b = a + 1; b < words.length; b++) if (!words[a]!.some((w) => words[b]!.includes(w))) return true;
  }
  return false;
}

const conflicts = (a: KeyList, b: KeyList) => {
  if (a.size === 0 || b.size === 0) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const v of small.values()) if (large.has(v)) return false;
  return true;
};

/**
 * Finds the duplicate groups among `people`. Linear in the number of people and keys (one Map of
 * first occurrences per key, union-find with path halving); name blocks are bounded by
 * `nameBlockLimit`, so the greedy name pass is linear too.
 */
export function findGroups(people: readonly Person[], opts: GroupingOptions = {}): GroupingResult {
  const limit = opts.nameBlockLimit ?? 25;
  const n = people.length;
  const strong = new UnionFind(n);
  // Name blocks as linked lists (head per skeleton + next pointer): no array per name.
  const skeletons = new StringIds(1 << 14);
  /** By skeleton id (first-seen order): the last person with it. */
  const head: number[] = [];
  const next = new Int32Array(n).fill(-1);
  /** Per person: the id of the skeleton of a full name (two words or more), else -1 (compact, for the checks below). */
  const fullName = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = people[i]!;
    if (p.tokens < 2) continue;
    const id = (fullName[i] = skeletons.id(p.skeleton));
    if (skeletons.added) head.push(i);
    else {
      next[i] = head[id]!;
      head[id] = i;
    }
  }
  let sharedKeys = 0;
  {
    // Who holds each key, as linked lists over one pair of arrays (no array per key); one map
    // per kind of key, keyed by the normalised strings the people already hold (no new string).
    let keyCount = 0;
    for (let i = 0; i < n; i++) {
      const p = people[i]!;
      keyCount += p.phones.length + p.emails.length + p.handles.length + p.userIds.length;
    }
    /** Entry e: the person `rec[e]` holds a key; `nextEdge[e]` is the entry before it for the same key. */
    const rec = new Int32Array(keyCount);
    const nextEdge = new Int32Array(keyCount);
    let entries = 0;
    const byPhone = new Map<string, number>();
    const emails = new StringIds(1 << 12);
    /** By e-mail id: the head of its holder list. */
    const emailHeads: number[] = [];
    const addEmail = (key: string, i: number) => {
      const id = emails.id(key);
      const h = emails.added ? -1 : emailHeads[id]!;
      if (h !== -1 && rec[h] === i) return; // the same person twice
      rec[entries] = i;
      nextEdge[entries] = h;
      if (emails.added) emailHeads.push(entries);
      else emailHeads[id] = entries;
      entries++;
    };
    const byId = new Map<string, number>();
    const add = (map: Map<string, number>, k: string, i: number) => {
      const h = map.get(k);
      if (h !== undefined && rec[h] === i) return; // the same person twice
      rec[entries] = i;
      nextEdge[entries] = h ?? -1;
      map.set(k, entries++);
    };
    // Phones, the most numerous key, by their value as a number in a table of typed arrays.
    let phoneCount = 0;
    for (let i = 0; i < n; i++) phoneCount += people[i]!.phones.length;
    const phones = new NumberTable(phoneCount);
    const addPhone = (e164: string, i: number) => {
      const v = e164Number(e164);
      if (v < 0) return add(byPhone, e164, i);
      const slot = phones.slot(v);
      const h = phones.heads[slot]!;
      if (h !== -1 && rec[h] === i) return;
      rec[entries] = i;
      nextEdge[entries] = h;
      phones.heads[slot] = entries++;
    };
    for (let i = 0; i < n; i++) {
      const p = people[i]!;
      // (indexed loops: this runs once, mostly before it is optimised, and for-of would allocate per step)
      for (let k = 0; k < p.phones.length; k++) if (p.phones[k]!.e164) addPhone(p.phones[k]!.e164!, i);
      for (let k = 0; k < p.emails.length; k++) if (p.emails[k]!.key) addEmail(p.emails[k]!.key!, i);
      for (let k = 0; k < p.handles.length; k++) add(byId, `h${p.handles[k]!.type}:${p.handles[k]!.value.toLowerCase()}`, i);
      for (let k = 0; k < p.userIds.length; k++) add(byId, `u${p.userIds[k]!}`, i);
    }
    const members: number[] = [];
    const joinAll = (h: number, checkNames: boolean) => {
      if (nextEdge[h] === -1) return;
      members.length = 0;
      for (let e = h; e !== -1; e = nextEdge[e]!) members.push(rec[e]!);
      // A phone or address held by people with unrelated full names is a shared one (an office
      // switchboard, a family landline), not an identity: it joins only people with the same name.
      if (checkNames && unrelatedNames(people, members, fullName)) {
        sharedKeys++;
        const bySkeleton = new Map<string, number>();
        for (const i of members) {
          const p = people[i]!;
          if (p.tokens < 2) continue;
          const first = bySkeleton.get(p.skeleton);
          if (first === undefined) bySkeleton.set(p.skeleton, i);
          else strong.union(first, i);
        }
        return;
      }
      for (let k = 1; k < members.length; k++) strong.union(members[0]!, members[k]!);
    };
    const heads = phones.heads;
    for (let s = 0; s < heads.length; s++) if (heads[s] !== -1) joinAll(heads[s]!, true);
    byPhone.forEach((h) => joinAll(h, true));
    for (let e = 0; e < emailHeads.length; e++) joinAll(emailHeads[e]!, true);
    // Usernames and the messenger's user ids name one account, whatever it is called.
    byId.forEach((h) => joinAll(h, false));
  }

  let commonNames = 0;
  const blocks: number[][] = [];
  /** Strong components (by root) that a name block could join to another. */
  const involved = new Uint8Array(n);
  head.forEach((h) => {
    if (next[h] === -1) return; // one person with this name
    const members: number[] = [];
    for (let i = h; i !== -1 && members.length <= limit; i = next[i]!) members.push(i);
    if (members.length > limit) {
      commonNames++;
      return;
    }
    members.reverse();
    // Only blocks that span two strong components or more can join anything.
    const r0 = strong.find(members[0]!);
    let k = 1;
    while (k < members.length && strong.find(members[k]!) === r0) k++;
    if (k === members.length) return;
    for (let m = 0; m < members.length; m++) involved[strong.find(members[m]!)] = 1;
    blocks.push(members);
  });

  const full = new UnionFind(n, strong);
  const nameEdges: [number, number][] = [];
  if (blocks.length > 0) {
    // Phones and e-mails per component, only for components that a name could join.
    const sets = new Map<number, CompSets>();
    for (let i = 0; i < n; i++) {
      const r = strong.find(i);
      if (involved[r] === 0) continue;
      let s = sets.get(r);
      if (!s) sets.set(r, (s = { phones: new KeyList(), emails: new KeyList() }));
      const { phones: ph, emails: em } = people[i]!;
      for (let k = 0; k < ph.length; k++) if (ph[k]!.e164) s.phones.add(ph[k]!.e164!);
      for (let k = 0; k < em.length; k++) if (em[k]!.key) s.emails.add(em[k]!.key!);
    }
    for (let b = 0; b < blocks.length; b++) {
      const members = blocks[b]!;
      const seen: number[] = []; // one representative person per component already in this block
      for (let m = 0; m < members.length; m++) {
        const i = members[m]!;
        const ri = full.find(i);
        let joined = false;
        for (let q = 0; q < seen.length; q++) {
          const j = seen[q]!;
          const rj = full.find(j);
          if (rj === ri) {
            joined = true;
            break;
          }
          const a = sets.get(ri)!;
          const b = sets.get(rj)!;
          if (conflicts(a.phones, b.phones) || conflicts(a.emails, b.emails)) continue;
          const root = full.union(i, j);
          const [big, small] = a.phones.size + a.emails.size >= b.phones.size + b.emails.size ? [a, b] : [b, a];
          for (const v of small.phones.values()) big.phones.add(v);
          for (const v of small.emails.values()) big.emails.add(v);
          sets.delete(ri);
          sets.delete(rj);
          sets.set(root, big);
          nameEdges.push([j, i]);
          joined = true;
          break;
        }
        if (!joined) seen.push(i);
      }
    }
  }

  // Components of two or more people, in the order of their first member.
  const compOf = new Int32Array(n).fill(-1);
  const comps: number[][] = [];
  const compRoots: number[] = [];
  const filled: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = full.find(i);
    const size = full.size[r]!;
    if (size < 2) continue;
    let c = compOf[r]!;
    if (c === -1) {
      c = compOf[r] = comps.length;
      comps.push(new Array<number>(size)); // exactly its size (push() would keep room for 16 more)
      compRoots.push(r);
      filled.push(0);
    }
    comps[c]![filled[c]!++] = i;
  }
  const edgesByRoot = new Map<number, [number, number][]>();
  for (const e of nameEdges) {
    const r = full.find(e[0]);
    const list = edgesByRoot.get(r);
    if (list) list.push(e);
    else edgesByRoot.set(r, [e]);
  }

  const groups: Group[] = [];
  const byKey = (a: number, b: number) => (people[a]!.key < people[b]!.key ? -1 : people[a]!.key > people[b]!.key ? 1 : 0);
  const makeGroup = (indices: number[], strength: Group['strength'], reasons: Reason[], contains?: string[]): Group => {
    let sorted: number[];
    let members: string[];
    if (indices.length === 2) {
      const [a, b] = indices as [number, number];
      const ka = people[a]!.key;
      const kb = people[b]!.key;
      if (kb < ka) [sorted, members] = [[b, a], [kb, ka]];
      else [sorted, members] = [[a, b], [ka, kb]];
    } else {
      sorted = sortSmall([...indices], byKey);
      members = sorted.map((i) => people[i]!.key);
    }
    const id = groupIdOfSorted(members);
    return contains ? { id, members, indices: sorted, strength, reasons, contains } : { id, members, indices: sorted, strength, reasons };
  };
  comps.forEach((indices, c) => {
    const root = compRoots[c]!;
    // Most components are one strong group and nothing else.
    const first = strong.find(indices[0]!);
    let k = 1;
    while (k < indices.length && strong.find(indices[k]!) === first) k++;
    if (k === indices.length) {
      groups.push(makeGroup(indices, 'strong', strongReasons(people, indices)));
      return;
    }
    const byStrong = new Map<number, number[]>();
    for (const i of indices) {
      const r = strong.find(i);
      const list = byStrong.get(r);
      if (list) list.push(i);
      else byStrong.set(r, [i]);
    }
    const inner: Group[] = [];
    byStrong.forEach((sub) => {
      if (sub.length >= 2) inner.push(makeGroup(sub, 'strong', strongReasons(people, sub)));
    });
    groups.push(...inner);
    if (byStrong.size < 2) return;
    // A weak group: whole strong groups (or single people) joined by names.
    const bySkeleton = new Map<string, Set<number>>();
    for (const e of edgesByRoot.get(root) ?? []) {
      const sk = people[e[0]]!.skeleton;
      let s = bySkeleton.get(sk);
      if (!s) bySkeleton.set(sk, (s = new Set()));
      s.add(e[0]).add(e[1]);
    }
    const nameReasons: Reason[] = [];
    bySkeleton.forEach((set, sk) => {
      const who = indices.filter((i) => people[i]!.skeleton === sk || set.has(i));
      const scripts = new Set(who.map((i) => people[i]!.script).filter((s) => s === 'cyrillic' || s === 'latin'));
      const transliterated = scripts.size > 1;
      nameReasons.push({
        kind: 'name', value: sk, members: sortSmall(who.map((i) => people[i]!.key), byString), weak: true, transliterated,
        text: transliterated ? 'same name (transliterated); name only — weaker' : 'same name; name only — weaker',
      });
    });
    groups.push(makeGroup(indices, 'weak', nameReasons.concat(strongReasons(people, indices)), sortSmall(inner.map((g) => g.id), byString)));
  });
  groups.sort((a, b) => a.indices[0]! - b.indices[0]! || (a.strength === b.strength ? 0 : a.strength === 'strong' ? -1 : 1));
  return { groups, commonNames, sharedKeys };
}

// ---------------------------------------------------------------------------------------------
// Merge proposals: field by field, conflicts listed
// ---------------------------------------------------------------------------------------------

export interface CleanPhone {
  /** E.164 when it could be normalised, else as written. */
  value: string;
  type: string | null;
  /** How the source wrote it, when different from `value`. */
  raw?: string;
  ext?: string;
  /** False when the number could not be made a valid E.164 number. */
  valid: boolean;
}

export type Conflict =
  | { field: 'phones' | 'emails'; values: string[]; resolution: 'kept-all' }
  | { field: 'name' | 'given' | 'family' | 'org' | 'note'; chosen: string; alternatives: string[]; resolution: 'chosen' };

/** The cleaned contact: convert's contact shape plus where it came from. */
export interface CleanContact {
  id: string;
  name: string;
  given: string | null;
  family: string | null;
  phones: CleanPhone[];
  emails: { value: string; type: string | null }[];
  handles: { value: string; type: string }[];
  org: string | null;
  note: string | null;
  source: { file: string; line: number | null };
  /** The contact ids merged into this one (a merged contact only). */
  members?: string[];
  /** Provenance of every member. */
  sources?: { file: string; line: number | null; id?: string }[];
  /** Chat participants linked to this contact (`tg:user1`, `wa:name:…`). */
  aliases?: string[];
  /** Values that disagreed between members and what was done with them. */
  conflicts?: Conflict[];
  /** Fields the user edited. */
  edited?: string[];
  self?: boolean;
}

/** Fields a user can set when accepting a group (decision `edit`). */
export interface EditedFields {
  name?: string;
  given?: string | null;
  family?: string | null;
  org?: string | null;
  note?: string | null;
  phones?: string[];
  emails?: string[];
}

function cleanPhoneOf(p: PersonPhone): CleanPhone {
  const value = p.e164 ?? p.raw;
  const valid = p.e164 !== null;
  // Keys in this order: value, type, raw?, ext?, valid (as written to contacts.jsonl).
  if (p.raw !== value) return p.ext ? { value, type: p.type, raw: p.raw, ext: p.ext, valid } : { value, type: p.type, raw: p.raw, valid };
  return p.ext ? { value, type: p.type, ext: p.ext, valid } : { value, type: p.type, valid };
}

/** One entry per number, the first label any source gave it kept (groups are small: arrays, not maps). */
function uniquePhones(lists: readonly (readonly PersonPhone[])[]): CleanPhone[] {
  const out: CleanPhone[] = [];
  const keys: string[] = [];
  for (const list of lists) {
    for (const ph of list) {
      const k = ph.e164 ?? `raw:${ph.raw}`;
      const at = keys.indexOf(k);
      if (at < 0) {
        keys.push(k);
        out.push(cleanPhoneOf(ph));
      } else if (out[at]!.type === null && ph.type) out[at]!.type = ph.type;
    }
  }
  return out;
}

function uniqueEmails(lists: readonly (readonly PersonEmail[])[]): CleanContact['emails'] {
  const out: CleanContact['emails'] = [];
  const keys: string[] = [];
  for (const list of lists) {
    for (const e of list) {
      const k = e.key ?? `raw:${e.value}`;
      const at = keys.indexOf(k);
      if (at < 0) {
        keys.push(k);
        out.push({ value: e.value, type: e.type });
      } else if (out[at]!.type === null && e.type) out[at]!.type = e.type;
    }
  }
  return out;
}

/** One person as a cleaned contact (no merge). */
export function cleanContactOf(p: Person, id = p.source.id ?? p.key): CleanContact {
  const c: CleanContact = {
    id, name: p.name, given: p.given, family: p.family, phones: uniquePhones([p.phones]), emails: uniqueEmails([p.emails]),
    handles: p.handles.map((h) => ({ value: h.value, type: h.type })), org: p.org, note: p.note, source: { file: p.source.file, line: p.source.line },
  };
  if (p.self) c.self = true;
  return c;
}

/** Sorts a small array in place (insertion sort: Array.prototype.sort allocates a work area on every call). */
function sortSmall<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  if (a.length > 16) return a.sort(cmp);
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    for (; j >= 0 && cmp(a[j]!, x) > 0; j--) a[j + 1] = a[j]!;
    a[j + 1] = x;
  }
  return a;
}

/** Lower case of one UTF-16 code for ASCII and basic Cyrillic letters; -1 for anything else. */
function lowerBasic(c: number): number {
  if (c < 0x80) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c >= 0x410 && c <= 0x42f) return c + 0x20;
  if ((c >= 0x430 && c <= 0x44f) || c === 0x451) return c;
  return c === 0x401 ? 0x451 : -1;
}

/** a.toLowerCase() === b.toLowerCase(), without making the lower-case copies for the usual letters. */
function sameIgnoringCase(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === b.length) {
    let i = 0;
    for (; i < a.length; i++) {
      const x = lowerBasic(a.charCodeAt(i));
      const y = lowerBasic(b.charCodeAt(i));
      if (x < 0 || y < 0) break; // other scripts: Unicode's own rules below
      if (x !== y) return false;
    }
    if (i === a.length) return true;
  }
  return a.toLowerCase() === b.toLowerCase();
}

interface Seen {
  v: string;
  n: number;
  first: number;
  score: number;
}
const bySeen = (a: Seen, b: Seen) => b.score - a.score || b.n - a.n || a.first - b.first;

type ChoiceField = 'name' | 'given' | 'family' | 'org' | 'note';

/**
 * The most frequent value of `field` among `ms` (ties: the higher score — with `scored`, contacts
 * before chat participants and full names before single words —, then the first seen), and the
 * other distinct values (case-insensitive).
 */
function choose(ms: readonly Person[], field: ChoiceField, scored = false): { chosen: string | null; alternatives: string[] } {
  // Most often every member says the same, or nothing.
  let only: string | null = null;
  let k = 0;
  for (; k < ms.length; k++) {
    const v = ms[k]![field];
    if (!v) continue;
    if (only === null) only = v;
    else if (v !== only) break;
  }
  if (k === ms.length) return { chosen: only, alternatives: [] };
  // Groups are small: a linear scan beats a Map.
  const seen: Seen[] = [];
  for (let i = 0; i < ms.length; i++) {
    const p = ms[i]!;
    const v = p[field];
    if (!v) continue;
    const score = scored ? (p.kind === 'contact' ? 2 : 0) + (p.tokens >= 2 ? 1 : 0) : 0;
    let c: Seen | undefined;
    for (let j = 0; j < seen.length && !c; j++) if (sameIgnoringCase(seen[j]!.v, v)) c = seen[j];
    if (c) {
      c.n++;
      c.score = Math.max(c.score, score);
    } else seen.push({ v, n: 1, first: i, score });
  }
  if (seen.length > 1) sortSmall(seen, bySeen);
  const alternatives: string[] = [];
  for (let j = 1; j < seen.length; j++) alternatives.push(seen[j]!.v);
  return { chosen: seen[0]?.v ?? null, alternatives };
}

const ascending = (a: number, b: number) => a - b;

/** How many different numbers (or, for invalid ones, spellings) a person has. */
function distinctPhones(p: Person): number {
  if (p.phones.length < 2) return p.phones.length;
  return new Set(p.phones.map((x) => x.e164 ?? `raw:${x.raw}`)).size;
}

/** How many different addresses (or, for invalid ones, spellings) a person has. */
function distinctEmails(p: Person): number {
  if (p.emails.length < 2) return p.emails.length;
  return new Set(p.emails.map((x) => x.key ?? `raw:${x.value}`)).size;
}

/**
 * Merges people into one contact, field by field: phones, e-mails and usernames are all kept
 * (de-duplicated); for name, given, family, org and note one value is chosen (the most frequent;
 * for the name, contacts before chat participants and full names before single words) and the
 * others are listed as alternatives.
 */
export function mergePeople(people: readonly Person[], indices: readonly number[], id: string): CleanContact {
  // In input order (the order the user gave the sources), so the result does not depend on how a group lists its members.
  let ordered = true;
  for (let k = 1; k < indices.length && ordered; k++) ordered = indices[k - 1]! < indices[k]!;
  const ms = (ordered ? indices : sortSmall([...indices], ascending)).map((i) => people[i]!);
  const contacts = ms.every((p) => p.kind === 'contact') ? ms : ms.filter((p) => p.kind === 'contact');
  const primary = contacts.length > 0 ? contacts : ms;
  const conflictsOut: Conflict[] = [];
  const nameChoice = choose(ms, 'name', true);
  const name = nameChoice.chosen ?? '';
  const owner = primary.find((p) => p.name === name) ?? primary[0]!;
  const single = (field: 'given' | 'family' | 'org' | 'note', prefer: string | null): string | null => {
    const c = choose(primary, field);
    const chosen = prefer ?? c.chosen;
    if (!chosen || (c.alternatives.length === 0 && (c.chosen === null || c.chosen === chosen))) return chosen; // nothing else to offer
    // every value seen but the chosen one (case-insensitive)
    const alternatives: string[] = [];
    if (c.chosen && !sameIgnoringCase(c.chosen, chosen)) alternatives.push(c.chosen);
    for (const v of c.alternatives) if (v && !sameIgnoringCase(v, chosen)) alternatives.push(v);
    if (alternatives.length > 0) conflictsOut.push({ field, chosen, alternatives, resolution: 'chosen' });
    return chosen;
  };
  if (name && nameChoice.alternatives.length > 0) conflictsOut.push({ field: 'name', chosen: name, alternatives: nameChoice.alternatives, resolution: 'chosen' });
  const given = single('given', owner.given);
  const family = single('family', owner.family);
  const org = single('org', null);
  const note = single('note', null);

  const merged = { phones: uniquePhones(ms.map((p) => p.phones)), emails: uniqueEmails(ms.map((p) => p.emails)) };
  let handleList: { value: string; type: string }[] = [];
  if (ms.some((p) => p.handles.length > 0)) {
    const handles = new Map<string, PersonHandle>();
    for (const p of ms) for (const h of p.handles) handles.set(`${h.type}:${h.value.toLowerCase()}`, h);
    handleList = [...handles.values()].map((h) => ({ value: h.value, type: h.type }));
  }
  // Phones/e-mails "disagree" when some member that has any lacks one of the merged values
  // (each member's values are a subset of the merged ones, so a smaller distinct count means a missing one).
  if (ms.some((p) => p.phones.length > 0 && distinctPhones(p) < merged.phones.length)) {
    conflictsOut.push({ field: 'phones', values: merged.phones.map((x) => x.value), resolution: 'kept-all' });
  }
  if (ms.some((p) => p.emails.length > 0 && distinctEmails(p) < merged.emails.length)) {
    conflictsOut.push({ field: 'emails', values: merged.emails.map((x) => x.value), resolution: 'kept-all' });
  }
  const aliases = contacts === ms ? [] : ms.filter((p) => p.kind === 'participant').map((p) => p.key.slice('participant:'.length));
  const out: CleanContact = {
    id, name, given, family, phones: merged.phones, emails: merged.emails,
    handles: handleList,
    org, note, source: { file: owner.source.file, line: owner.source.line },
    members: contacts.map((p) => p.key),
    sources: ms.map((p) => (p.source.id ? { file: p.source.file, line: p.source.line, id: p.source.id } : { file: p.source.file, line: p.source.line })),
  };
  if (aliases.length) out.aliases = aliases;
  if (conflictsOut.length) out.conflicts = conflictsOut;
  if (ms.some((p) => p.self)) out.self = true;
  return out;
}

/** Applies the user's edits to a merged contact (phones and e-mails re-normalised). */
export function applyEdits(c: CleanContact, edited: EditedFields, normalise: Normaliser): CleanContact {
  const out: CleanContact = { ...c };
  const names: string[] = [];
  for (const f of ['name', 'given', 'family', 'org', 'note'] as const) {
    if (!(f in edited)) continue;
    const v = edited[f];
    if (f === 'name') out.name = cleanName(v ?? '');
    else out[f] = v ? v.normalize('NFC').trim() || null : null;
    names.push(f);
  }
  if (edited.phones || edited.emails) {
    const p = normalise.contact(
      {
        id: c.id, name: '', given: null, family: null, org: null, note: null, source: c.source,
        phones: (edited.phones ?? []).map((value) => ({ value, type: null })),
        emails: (edited.emails ?? []).map((value) => ({ value, type: null })),
      },
      c.id,
    );
    const again = cleanContactOf(p);
    if (edited.phones) {
      // keep the type a phone had when the edit kept the number
      const types = new Map(c.phones.map((x) => [x.value, x.type]));
      out.phones = again.phones.map((x) => ({ ...x, type: types.get(x.value) ?? null }));
      names.push('phones');
    }
    if (edited.emails) {
      const types = new Map(c.emails.map((x) => [x.value.toLowerCase(), x.type]));
      out.emails = again.emails.map((x) => ({ ...x, type: types.get(x.value.toLowerCase()) ?? null }));
      names.push('emails');
    }
  }
  if (names.length) out.edited = names;
  return out;
}
