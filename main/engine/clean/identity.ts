/**
 * One identity per person across sources, built from the clean step's final partition of people
 * (contacts-dedupe.ts and the user's merge decisions): every merged contact group or lone contact
 * together with the chat participants joined to it, and every participant seen only in chats.
 * Each identity lists its phones (E.164), e-mails, usernames, names, the messenger user ids and
 * the sender keys of messages.jsonl that point to it, so the upload step can map every message
 * sender to one person, and through the stored identity map (identity-map.ts) to one account of
 * the new service.
 *
 * Sender keys are the ones the timeline gives participants (timeline.ts): the chat's messenger
 * prefix and the sender's id (`tg:user1001`), or, when an export names senders only (WhatsApp),
 * `wa:name:` + the cleaned, lower-cased name.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Identity, IdentityKey, IdentityMap, IdentityMapping } from '../../../shared/model/index.js';
import type { CleanContact, Person } from './contacts-dedupe.js';
import { LineReader } from './line-reader.js';
import { cleanName } from './names.js';
import type { MessageLine } from './types.js';

/** The messenger part of a chat id: `tg:123` → `tg`. */
function networkOfChat(chat: string): string {
  const colon = chat.indexOf(':');
  return colon > 0 ? chat.slice(0, colon) : chat;
}

/**
 * The key of a message's sender, the same the timeline gives the participant: `tg:user1001`, or
 * `wa:name:иван петров` for a sender known by name only; null when the message names nobody.
 */
export function senderKeyOf(chat: string, sender: MessageLine['sender']): string | null {
  if (!sender) return null;
  if (sender.id) return `${networkOfChat(chat)}:${sender.id}`;
  if (sender.name) return `${networkOfChat(chat)}:name:${cleanName(sender.name).toLowerCase()}`;
  return null;
}

/** Where a person was found: `tg-contact:user1` → `tg`, `vcard:a.vcf:0` → `vcard`, `participant:wa:name:…` → `wa`. */
function networkOfPerson(p: Person): string {
  const key = p.kind === 'participant' ? p.key.slice('participant:'.length) : p.key;
  const colon = key.indexOf(':');
  const head = colon > 0 ? key.slice(0, colon) : key;
  return head.endsWith('-contact') ? head.slice(0, -'-contact'.length) : head;
}

const KEY_TYPE = /[^a-z0-9_-]+/g;
const LETTER = /\p{L}/u;

/** Appends `v` unless present (groups are small: a linear scan allocates nothing, unlike a Set per identity). */
function add(list: string[], v: string): void {
  if (!list.includes(v)) list.push(v);
}

/** The stable keys of one person (see shared/model/identity.ts): strong ones, and the name key. */
function personKeys(p: Person, strong: string[], names: string[]): void {
  for (const ph of p.phones) if (ph.e164) add(strong, `phone:${ph.e164}`);
  for (const e of p.emails) if (e.key) add(strong, `email:${e.key}`);
  for (const h of p.handles) add(strong, `handle:${h.type.toLowerCase().replace(KEY_TYPE, '-') || 'handle'}:${h.value.toLowerCase()}`);
  for (const u of p.userIds) add(strong, `user:${u}`);
  if (p.kind === 'participant' && p.userIds.length === 0) add(strong, `sender:${p.key.slice('participant:'.length)}`);
  if (p.tokens >= 2 && p.skeleton) add(names, `name:${p.skeleton}`);
}

export const isNameKey = (k: string) => k.startsWith('name:');

/** One part of the final partition, as clean.ts wrote it. */
export interface IdentityComponent {
  /** Indices into the people array. */
  indices: readonly number[];
  /** The cleaned contact (merged, with the user's edits) written for it. */
  contact: CleanContact;
  line: Identity['line'];
}

function identityId(memberKeys: readonly string[]): string {
  const text = memberKeys.length === 1 ? memberKeys[0]! : [...memberKeys].sort().join('\n');
  return `i-${createHash('sha256').update(text).digest().toString('hex', 0, 8)}`;
}

/**
 * The identities of a run, one per component, in the order given. `mapKeys` are the keys no other
 * identity of the run has (strong ones; a unique full-name key only when there is none): a key
 * two people share (an office line, a family e-mail, a merge the user rejected) never stands for
 * one of them. Accounts are filled in by {@link resolveAccounts}, message counts by the plan's scan.
 */
export function buildIdentities(people: readonly Person[], components: readonly IdentityComponent[]): Identity[] {
  const strongOf: string[][] = [];
  const namesOf: string[][] = [];
  const count = new Map<string, number>();
  for (const comp of components) {
    const strong: string[] = [];
    const names: string[] = [];
    for (const i of comp.indices) personKeys(people[i]!, strong, names);
    if (strong.length > 1) strong.sort();
    if (names.length > 1) names.sort();
    strongOf.push(strong);
    namesOf.push(names);
    for (const k of strong) count.set(k, (count.get(k) ?? 0) + 1);
    for (const k of names) count.set(k, (count.get(k) ?? 0) + 1);
  }
  const unique = (k: string) => count.get(k) === 1;
  return components.map((comp, at) => {
    // Contacts first, then participants, each in input order (the order the user gave the sources).
    const members = comp.indices.length === 1 ? [people[comp.indices[0]!]!] : [...comp.indices].sort((a, b) => a - b).map((i) => people[i]!);
    if (members.length > 1) members.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'contact' ? -1 : 1));
    const names: string[] = [];
    const lowerNames: string[] = [];
    const name = (n: string) => {
      const low = n.toLowerCase();
      if (!lowerNames.includes(low)) {
        lowerNames.push(low);
        names.push(n);
      }
    };
    if (comp.contact.name) name(comp.contact.name);
    const phones: string[] = [];
    const emails: string[] = [];
    const emailKeys: string[] = [];
    const handles: Identity['handles'] = [];
    const handleKeys: string[] = [];
    const userIds: string[] = [];
    const senders: string[] = [];
    const contacts: string[] = [];
    const networks: string[] = [];
    for (const p of members) {
      // Not the number or address a messenger showed for an unsaved person.
      if (p.name && LETTER.test(p.name) && !p.name.includes('@')) name(p.name);
      for (const ph of p.phones) if (ph.e164) add(phones, ph.e164);
      for (const e of p.emails) {
        if (e.key && !emailKeys.includes(e.key)) {
          emailKeys.push(e.key);
          emails.push(e.value);
        }
      }
      for (const h of p.handles) {
        const k = `${h.type}:${h.value.toLowerCase()}`;
        if (!handleKeys.includes(k)) {
          handleKeys.push(k);
          handles.push({ type: h.type, value: h.value });
        }
      }
      for (const u of p.userIds) add(userIds, u);
      if (p.kind === 'participant') senders.push(p.key.slice('participant:'.length));
      else contacts.push(p.key);
      add(networks, networkOfPerson(p));
    }
    const strong = strongOf[at]!;
    const nameKeys = namesOf[at]!;
    let mapKeys: IdentityKey[] = strong.filter(unique);
    if (mapKeys.length === 0) mapKeys = nameKeys.filter(unique).slice(0, 1);
    return {
      id: identityId(members.map((p) => p.key)),
      name: comp.contact.name,
      names,
      phones,
      emails,
      handles,
      userIds,
      senders,
      contacts,
      line: comp.line,
      keys: nameKeys.length === 0 ? strong : [...strong, ...nameKeys].sort(),
      mapKeys,
      networks,
      self: members.some((p) => p.self),
      messages: 0,
      chats: 0,
      account: null,
      mapping: null,
    };
  });
}

export interface ResolveResult {
  mapped: number;
  conflicts: number;
  /** Stored entries that matched nobody. */
  unused: number;
}

/**
 * Attaches the stored accounts: an identity takes the account of the stored entries that share one
 * of its own keys (keys another identity of this run also has are not used; a name key only finds
 * an entry that was stored by a name alone). Entries naming different accounts are a conflict:
 * none is used. Sets `account`, `mapping` and `conflict` in place.
 */
export function resolveAccounts(identities: Identity[], map: IdentityMap): ResolveResult {
  const byKey = new Map<string, number[]>();
  const byNameOnly: boolean[] = [];
  map.entries.forEach((e, i) => {
    byNameOnly.push(e.keys.every(isNameKey));
    for (const k of e.keys) {
      const list = byKey.get(k);
      if (list) list.push(i);
      else byKey.set(k, [i]);
    }
  });
  const count = new Map<string, number>();
  if (byKey.size > 0) for (const id of identities) for (const k of id.keys) count.set(k, (count.get(k) ?? 0) + 1);
  const used = new Set<number>();
  let mapped = 0;
  let conflicts = 0;
  for (const id of identities) {
    id.account = null;
    id.mapping = null;
    delete id.conflict;
    if (byKey.size === 0) continue;
    const found = new Map<number, string[]>();
    // Every key this identity alone has in this run (its name key too: a person first stored by name, who now also has a phone).
    for (const k of id.keys) {
      if (count.get(k) !== 1) continue;
      for (const e of byKey.get(k) ?? []) {
        if (isNameKey(k) && !byNameOnly[e]) continue;
        const list = found.get(e);
        if (list) list.push(k);
        else found.set(e, [k]);
      }
    }
    if (found.size === 0) continue;
    for (const e of found.keys()) used.add(e);
    const accounts = [...new Set([...found.keys()].map((e) => map.entries[e]!.account))].sort();
    if (accounts.length > 1) {
      id.conflict = accounts;
      conflicts++;
      continue;
    }
    // The most recently set entry says who set it and when.
    const latest = [...found.keys()].sort((a, b) => (map.entries[a]!.at < map.entries[b]!.at ? -1 : 1)).at(-1)!;
    const entry = map.entries[latest]!;
    const mapping: IdentityMapping = { account: entry.account, by: entry.by, at: entry.at, matchedBy: [...new Set([...found.values()].flat())].sort() };
    id.account = entry.account;
    id.mapping = mapping;
    mapped++;
  }
  return { mapped, conflicts, unused: map.entries.length - used.size };
}

/** identities.jsonl of a clean output folder. */
export function readIdentities(outDir: string): Identity[] {
  const file = path.join(outDir, 'identities.jsonl');
  if (!existsSync(file)) return [];
  const r = new LineReader(file);
  const out: Identity[] = [];
  try {
    for (let l = r.next(); l !== null; l = r.next()) if (l) out.push(JSON.parse(l) as Identity);
  } finally {
    r.close();
  }
  return out;
}

/**
 * For the upload step: sender key (see {@link senderKeyOf}) → target account, for every sender whose
 * identity has one. Senders without an account are left out (the upload names them in the text).
 */
export function senderAccounts(identities: readonly Identity[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of identities) if (id.account) for (const s of id.senders) out[s] = id.account;
  return out;
}
