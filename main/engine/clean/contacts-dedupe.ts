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
import { existsSync } from 'node:fs';
import type { CountryCode } from 'libphonenumber-js';
import { NO_NAME } from '../sources/contacts/contact-build.js';
import { normaliseEmail } from './email.js';
import { LineReader } from './line-reader.js';
import { cleanName, nameSkeleton, scriptOf, type NameScript } from './names.js';
import { normalisePhone, type NormalPhone } from './phone.js';
import type { ContactLine, ParticipantInfo } from './types.js';

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
      // Arrays made by map() have exactly their length (push() would reserve room for 16).
      let phones: readonly PersonPhone[] = (c.phones ?? []).filter((p) => p.value?.trim()).map((p) => typedPhone(phone(p.value), p.type ?? null));
      if (phones.length === 0) phones = looksLikePhone(n.name) ? [typedPhone(phone(n.name), null)] : NONE;
      let emails: readonly PersonEmail[] = (c.emails ?? []).filter((e) => e.value?.trim()).map((e) => {
        const ne = normaliseEmail(e.value);
        return { value: ne.value, key: ne.key, type: e.type ?? null };
      });
      if (emails.length === 0) emails = NONE;
      let handles: readonly PersonHandle[] = NONE;
      for (const h of c.handles ?? []) {
        const v = h.value?.trim().replace(/^@/, '');
        if (v) handles = [...handles, { value: v, type: (h.type ?? 'handle').toLowerCase() }];
      }
      let userIds: readonly string[] = NONE;
      // The messenger's own user id, qualified by the chat id prefix of the same messenger:
      // `tg-contact:user123` (Telegram's contact list) ↔ sender `user123` in `tg:` chats; `slack:U123` ↔ `U123` in `slack:` chats.
      // Ids that are only a position (`tg-contact:3`, `vcard:file.vcf:0`) name no user.
      const colon = c.id.indexOf(':');
      if (colon > 0 && c.id.indexOf(':', colon + 1) < 0) {
        const net = c.id.endsWith('-contact', colon) ? c.id.slice(0, colon - '-contact'.length) : c.id.slice(0, colon);
        const rest = c.id.slice(colon + 1);
        const uid = c.sourceUserId ?? (/^\d+$/.test(rest) ? undefined : rest);
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
  const seen = new Map<string, number>();
  // JSON.parse gives every line its own copy of the file name; a handful of sources share one each.
  const files = new Map<string, string>();
  const r = new LineReader(file);
  try {
    for (let line = r.next(); line !== null; line = r.next()) {
      if (!line) continue;
      let c: ContactLine;
      try {
        c = JSON.parse(line) as ContactLine;
      } catch {
        opts.onBadLine?.(r.lineNo);
        continue;
      }
      if (opts.admit && !opts.admit(c)) continue;
      if (c.source && typeof c.source.file === 'string') {
        const f = files.get(c.source.file);
        if (f === undefined) files.set(c.source.file, c.source.file);
        else c.source.file = f;
      }
      const n = seen.get(c.id);
      seen.set(c.id, (n ?? 0) + 1);
      people.push(normaliser.contact(c, n === undefined ? c.id : `${c.id}~${n + 1}`));
    }
  } finally {
    r.close();
  }
  return people;
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
  const sorted = [...memberKeys].sort();
  return `g-${createHash('sha256').update(sorted.join('\n')).digest('hex').slice(0, 16)}`;
}

function strongKeys(p: Person, out: string[]): string[] {
  out.length = 0;
  for (const ph of p.phones) if (ph.e164) out.push(`p${ph.e164}`);
  for (const e of p.emails) if (e.key) out.push(`e${e.key}`);
  for (const h of p.handles) out.push(`h${h.type}:${h.value.toLowerCase()}`);
  for (const u of p.userIds) out.push(`u${u}`);
  return out;
}

function reasonOf(key: string, members: string[]): Reason {
  const kind = key[0];
  const value = key.slice(1);
  if (kind === 'p') return { kind: 'phone', value, members, weak: false, text: `same phone ${value}` };
  if (kind === 'e') return { kind: 'email', value, members, weak: false, text: `same e-mail ${value}` };
  if (kind === 'h') {
    const at = value.indexOf(':');
    return { kind: 'handle', value, members, weak: false, text: `same ${networkName(value.slice(0, at))} username @${value.slice(at + 1)}` };
  }
  const at = value.indexOf(':');
  return { kind: 'user-id', value, members, weak: false, text: `same ${networkName(value.slice(0, at))} user id ${value.slice(at + 1)}` };
}

/** Reasons of strong keys shared by two or more of `indices`. */
function strongReasons(people: readonly Person[], indices: readonly number[]): Reason[] {
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
  for (const [k, members] of byKey) if (members.length >= 2) out.push(reasonOf(k, members.sort()));
  return out.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

interface CompSets {
  phones: Set<string>;
  emails: Set<string>;
}

/**
 * True when two of these people have full names (two words or more) with no word in common:
 * "Иван Петров" and "Мария Петрова" sharing a landline. "Ivan Petrov" / "Иван Петров" /
 * "Petrov" / an unnamed card are all related.
 */
function unrelatedNames(people: readonly Person[], members: readonly number[]): boolean {
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

const conflicts = (a: Set<string>, b: Set<string>) => {
  if (a.size === 0 || b.size === 0) return false;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const v of small) if (large.has(v)) return false;
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
  let sharedKeys = 0;
  {
    // Who holds each key, as linked lists over one pair of arrays (no array per key); one map
    // per kind of key, keyed by the normalised strings the people already hold (no new string).
    const rec: number[] = [];
    const nextEdge: number[] = [];
    const byPhone = new Map<string, number>();
    const byEmail = new Map<string, number>();
    const byId = new Map<string, number>();
    const add = (map: Map<string, number>, k: string, i: number) => {
      const h = map.get(k);
      if (h !== undefined && rec[h] === i) return; // the same person twice
      rec.push(i);
      nextEdge.push(h ?? -1);
      map.set(k, rec.length - 1);
    };
    for (let i = 0; i < n; i++) {
      const p = people[i]!;
      for (const ph of p.phones) if (ph.e164) add(byPhone, ph.e164, i);
      for (const e of p.emails) if (e.key) add(byEmail, e.key, i);
      for (const h of p.handles) add(byId, `h${h.type}:${h.value.toLowerCase()}`, i);
      for (const u of p.userIds) add(byId, `u${u}`, i);
    }
    const members: number[] = [];
    const joinAll = (h: number, checkNames: boolean) => {
      if (nextEdge[h] === -1) return;
      members.length = 0;
      for (let e = h; e !== -1; e = nextEdge[e]!) members.push(rec[e]!);
      // A phone or address held by people with unrelated full names is a shared one (an office
      // switchboard, a family landline), not an identity: it joins only people with the same name.
      if (checkNames && unrelatedNames(people, members)) {
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
    for (const h of byPhone.values()) joinAll(h, true);
    for (const h of byEmail.values()) joinAll(h, true);
    // Usernames and the messenger's user ids name one account, whatever it is called.
    for (const h of byId.values()) joinAll(h, false);
  }

  // Name blocks as linked lists (head per skeleton + next pointer): no array per name.
  const head = new Map<string, number>();
  const next = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = people[i]!;
    if (p.tokens < 2) continue;
    const h = head.get(p.skeleton);
    if (h !== undefined) next[i] = h;
    head.set(p.skeleton, i);
  }
  let commonNames = 0;
  const blocks: number[][] = [];
  const involved = new Set<number>();
  for (const h of head.values()) {
    if (next[h] === -1) continue; // one person with this name
    const members: number[] = [];
    for (let i = h; i !== -1 && members.length <= limit; i = next[i]!) members.push(i);
    if (members.length > limit) {
      commonNames++;
      continue;
    }
    members.reverse();
    const roots = new Set(members.map((i) => strong.find(i)));
    if (roots.size < 2) continue;
    for (const r of roots) involved.add(r);
    blocks.push(members);
  }

  const full = new UnionFind(n, strong);
  const nameEdges: [number, number][] = [];
  if (blocks.length > 0) {
    // Phones and e-mails per component, only for components that a name could join.
    const sets = new Map<number, CompSets>();
    for (let i = 0; i < n; i++) {
      const r = strong.find(i);
      if (!involved.has(r)) continue;
      let s = sets.get(r);
      if (!s) sets.set(r, (s = { phones: new Set(), emails: new Set() }));
      for (const ph of people[i]!.phones) if (ph.e164) s.phones.add(ph.e164);
      for (const e of people[i]!.emails) if (e.key) s.emails.add(e.key);
    }
    for (const members of blocks) {
      const seen: number[] = []; // one representative person per component already in this block
      for (const i of members) {
        const ri = full.find(i);
        let joined = false;
        for (const j of seen) {
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
          for (const v of small.phones) big.phones.add(v);
          for (const v of small.emails) big.emails.add(v);
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

  // Components of two or more people.
  const comps = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = full.find(i);
    if (full.size[r]! < 2) continue;
    const list = comps.get(r);
    if (list) list.push(i);
    else comps.set(r, [i]);
  }
  const edgesByRoot = new Map<number, [number, number][]>();
  for (const e of nameEdges) {
    const r = full.find(e[0]);
    const list = edgesByRoot.get(r);
    if (list) list.push(e);
    else edgesByRoot.set(r, [e]);
  }

  const groups: Group[] = [];
  const makeGroup = (indices: number[], strength: Group['strength'], reasons: Reason[], contains?: string[]): Group => {
    const sorted = [...indices].sort((a, b) => (people[a]!.key < people[b]!.key ? -1 : people[a]!.key > people[b]!.key ? 1 : 0));
    const members = sorted.map((i) => people[i]!.key);
    return { id: groupId(members), members, indices: sorted, strength, reasons, ...(contains ? { contains } : {}) };
  };
  for (const [root, indices] of comps) {
    const byStrong = new Map<number, number[]>();
    for (const i of indices) {
      const r = strong.find(i);
      const list = byStrong.get(r);
      if (list) list.push(i);
      else byStrong.set(r, [i]);
    }
    const inner: Group[] = [];
    for (const sub of byStrong.values()) if (sub.length >= 2) inner.push(makeGroup(sub, 'strong', strongReasons(people, sub)));
    groups.push(...inner);
    if (byStrong.size < 2) continue;
    // A weak group: whole strong groups (or single people) joined by names.
    const bySkeleton = new Map<string, Set<number>>();
    for (const [a, b] of edgesByRoot.get(root) ?? []) {
      const sk = people[a]!.skeleton;
      let s = bySkeleton.get(sk);
      if (!s) bySkeleton.set(sk, (s = new Set()));
      s.add(a).add(b);
    }
    const nameReasons: Reason[] = [];
    for (const [sk, set] of bySkeleton) {
      const who = indices.filter((i) => people[i]!.skeleton === sk || set.has(i));
      const scripts = new Set(who.map((i) => people[i]!.script).filter((s) => s === 'cyrillic' || s === 'latin'));
      const transliterated = scripts.size > 1;
      nameReasons.push({
        kind: 'name', value: sk, members: who.map((i) => people[i]!.key).sort(), weak: true, transliterated,
        text: transliterated ? 'same name (transliterated); name only — weaker' : 'same name; name only — weaker',
      });
    }
    groups.push(makeGroup(indices, 'weak', [...nameReasons, ...strongReasons(people, indices)], inner.map((g) => g.id).sort()));
  }
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
  return { value, type: p.type, ...(p.raw !== value ? { raw: p.raw } : {}), ...(p.ext ? { ext: p.ext } : {}), valid: p.e164 !== null };
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

/** The most frequent value (ties: the higher score, then the first seen), and the other distinct values (case-insensitive). */
function choose(values: readonly (string | null)[], score: (i: number) => number = () => 0): { chosen: string | null; alternatives: string[] } {
  // Groups are small: a linear scan beats a Map.
  const seen: { k: string; v: string; n: number; first: number; score: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!v) continue;
    const k = v.toLowerCase();
    const c = seen.find((x) => x.k === k);
    if (c) {
      c.n++;
      c.score = Math.max(c.score, score(i));
    } else seen.push({ k, v, n: 1, first: i, score: score(i) });
  }
  if (seen.length > 1) seen.sort((a, b) => b.score - a.score || b.n - a.n || a.first - b.first);
  return { chosen: seen[0]?.v ?? null, alternatives: seen.slice(1).map((c) => c.v) };
}

/**
 * Merges people into one contact, field by field: phones, e-mails and usernames are all kept
 * (de-duplicated); for name, given, family, org and note one value is chosen (the most frequent;
 * for the name, contacts before chat participants and full names before single words) and the
 * others are listed as alternatives.
 */
export function mergePeople(people: readonly Person[], indices: readonly number[], id: string): CleanContact {
  // In input order (the order the user gave the sources), so the result does not depend on how a group lists its members.
  const ms = [...indices].sort((a, b) => a - b).map((i) => people[i]!);
  const contacts = ms.filter((p) => p.kind === 'contact');
  const primary = contacts.length > 0 ? contacts : ms;
  const conflictsOut: Conflict[] = [];
  const nameChoice = choose(
    ms.map((p) => p.name),
    (i) => (ms[i]!.kind === 'contact' ? 2 : 0) + (ms[i]!.tokens >= 2 ? 1 : 0),
  );
  const name = nameChoice.chosen ?? '';
  const owner = primary.find((p) => p.name === name) ?? primary[0]!;
  const single = (field: 'given' | 'family' | 'org' | 'note', prefer: string | null): string | null => {
    const c = choose(primary.map((p) => p[field]));
    const chosen = prefer ?? c.chosen;
    const alternatives = chosen ? [c.chosen, ...c.alternatives].filter((v): v is string => !!v && v.toLowerCase() !== chosen.toLowerCase()) : [];
    if (chosen && alternatives.length > 0) conflictsOut.push({ field, chosen, alternatives, resolution: 'chosen' });
    return chosen;
  };
  if (name && nameChoice.alternatives.length > 0) conflictsOut.push({ field: 'name', chosen: name, alternatives: nameChoice.alternatives, resolution: 'chosen' });
  const given = single('given', owner.given);
  const family = single('family', owner.family);
  const org = single('org', null);
  const note = single('note', null);

  const merged = { phones: uniquePhones(ms.map((p) => p.phones)), emails: uniqueEmails(ms.map((p) => p.emails)) };
  const handles = new Map<string, PersonHandle>();
  for (const p of ms) for (const h of p.handles) handles.set(`${h.type}:${h.value.toLowerCase()}`, h);
  // Phones/e-mails "disagree" when some member that has any lacks one of the merged values
  // (each member's values are a subset of the merged ones, so a smaller distinct count means a missing one).
  const distinct = (keys: string[]) => (keys.length < 2 ? keys.length : new Set(keys).size);
  const phoneKeys = (p: Person) => p.phones.map((x) => x.e164 ?? `raw:${x.raw}`);
  const emailKeys = (p: Person) => p.emails.map((x) => x.key ?? `raw:${x.value}`);
  if (ms.some((p) => p.phones.length > 0 && distinct(phoneKeys(p)) < merged.phones.length)) {
    conflictsOut.push({ field: 'phones', values: merged.phones.map((x) => x.value), resolution: 'kept-all' });
  }
  if (ms.some((p) => p.emails.length > 0 && distinct(emailKeys(p)) < merged.emails.length)) {
    conflictsOut.push({ field: 'emails', values: merged.emails.map((x) => x.value), resolution: 'kept-all' });
  }
  const aliases = ms.filter((p) => p.kind === 'participant').map((p) => p.key.slice('participant:'.length));
  const out: CleanContact = {
    id, name, given, family, phones: merged.phones, emails: merged.emails,
    handles: [...handles.values()].map((h) => ({ value: h.value, type: h.type })),
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
