/**
 * The Connect step's people: the Clean step's identities (identities.jsonl of its output folder), with the
 * account each one has in the stored identity map (`identity-map.json` in the config folder, the same map the
 * clean step and `pereezd clean --map` use, so a mapping made here is found again on every later run), plus
 * proposals from the homeserver's user directory (matrix/people.ts), applied only when the user accepts them.
 *
 * For the upload, the accounts become the record runUpload looks senders up in: `tg:user1001` style sender keys
 * as they are, and senders known only by a name (WhatsApp) under the name the messages carry.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { MatrixPeoplePage, MatrixPerson } from '../../../shared/ipc/matrix.js';
import type { Identity } from '../../../shared/model/index.js';
import { readIdentities, resolveAccounts, senderKeyOf } from '../clean/identity.js';
import { clearIdentityAccount, identityMapPath, readIdentityMap, setIdentityAccount } from '../clean/identity-map.js';
import { LineReader } from '../clean/line-reader.js';
import type { MessageLine } from '../clean/types.js';
import type { MatrixClient } from '../matrix/client.js';
import { suggestPeople } from '../matrix/people.js';

export type PeopleFilter = 'all' | 'unmapped' | 'mapped' | 'suggested';

interface Suggestion {
  account: string | null;
  by: 'email' | 'phone' | 'name' | null;
  candidates: string[];
}

const stampOf = (f: string) => {
  try {
    const s = statSync(f);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return 'none';
  }
};

/** A person's row for the UI. */
function rowOf(id: Identity, me: string | null, s: Suggestion | undefined): MatrixPerson {
  let suggestion: MatrixPerson['suggestion'] = null;
  if (!id.account) {
    if (id.self && me) suggestion = { account: me, by: 'self' };
    else if (s?.account && s.by) suggestion = { account: s.account, by: s.by };
  }
  return {
    id: id.id, name: id.name || id.names[0] || '', networks: id.networks, phones: id.phones.length, emails: id.emails.length,
    messages: id.messages, chats: id.chats, self: id.self, account: id.account, by: id.mapping?.by ?? null, suggestion,
    candidates: id.account ? [] : (s?.candidates ?? []), conflict: id.conflict ?? [], mappable: id.mapKeys.length > 0,
  };
}

export class PeopleBook {
  private cache: { dir: string; stamp: string; mapStamp: string; identities: Identity[] } | null = null;
  /** Directory answers by identity id, for the signed-in account they were asked as. */
  private suggestions = new Map<string, Suggestion>();
  private suggestedAs: string | null = null;

  constructor(private readonly configDir: string) {}

  get mapFile(): string {
    return identityMapPath(this.configDir);
  }

  /** The identities of a clean output folder with the accounts of the stored map (re-read when either changes). */
  async identities(cleanDir: string): Promise<Identity[]> {
    const file = path.join(cleanDir, 'identities.jsonl');
    const stamp = stampOf(file);
    const mapStamp = stampOf(this.mapFile);
    if (this.cache && this.cache.dir === cleanDir && this.cache.stamp === stamp && this.cache.mapStamp === mapStamp) return this.cache.identities;
    const identities = existsSync(file) ? readIdentities(cleanDir) : [];
    resolveAccounts(identities, await readIdentityMap(this.mapFile));
    const order = (a: Identity, b: Identity) => Number(b.self) - Number(a.self) || b.messages - a.messages || a.name.localeCompare(b.name);
    identities.sort(order);
    this.cache = { dir: cleanDir, stamp, mapStamp, identities };
    return identities;
  }

  /** One page of people; with `client`, the unmapped people of the page not asked yet are looked up in the directory. */
  async page(
    cleanDir: string | null,
    o: { offset: number; limit: number; query?: string; filter?: PeopleFilter; client: MatrixClient | null; suggest: boolean; signal?: AbortSignal },
  ): Promise<MatrixPeoplePage> {
    const me = o.client?.userId ?? null;
    if (me !== this.suggestedAs) {
      this.suggestions.clear();
      this.suggestedAs = me;
    }
    if (!cleanDir) {
      return { source: 'none', total: 0, matching: 0, offset: o.offset, items: [], counts: { mapped: 0, unmapped: 0, suggested: 0 }, suggestProblem: null };
    }
    const all = await this.identities(cleanDir);
    const q = (o.query ?? '').trim().toLocaleLowerCase();
    const filter = o.filter ?? 'all';
    const hasSuggestion = (id: Identity) => !id.account && ((id.self && !!me) || !!this.suggestions.get(id.id)?.account);
    const matching = all.filter((id) => {
      if (filter === 'mapped' && !id.account) return false;
      if (filter === 'unmapped' && id.account) return false;
      if (filter === 'suggested' && !hasSuggestion(id)) return false;
      if (!q) return true;
      return id.name.toLocaleLowerCase().includes(q) || id.names.some((n) => n.toLocaleLowerCase().includes(q)) || (id.account ?? '').toLowerCase().includes(q);
    });
    const slice = matching.slice(o.offset, o.offset + o.limit);
    let suggestProblem: string | null = null;
    if (o.suggest && o.client) {
      const ask = slice.filter((id) => !id.account && !id.self && !this.suggestions.has(id.id));
      if (ask.length) {
        try {
          const r = await suggestPeople(o.client, ask.map((id) => ({ id: id.id, name: id.name || null, emails: id.emails, phones: id.phones })), o.signal);
          for (const m of r.matches) this.suggestions.set(m.id, { account: m.mxid, by: m.by, candidates: m.candidates });
        } catch (err) {
          suggestProblem = (err as Error).message;
        }
      }
    }
    const mapped = all.filter((id) => id.account).length;
    return {
      source: 'clean', total: all.length, matching: matching.length, offset: o.offset,
      items: slice.map((id) => rowOf(id, me, this.suggestions.get(id.id))),
      counts: { mapped, unmapped: all.length - mapped, suggested: all.filter(hasSuggestion).length },
      suggestProblem,
    };
  }

  /** Sets (or clears, with null) one person's account in the stored map; returns the row as it is now. */
  async map(cleanDir: string, personId: string, account: string | null, me: string | null): Promise<MatrixPerson> {
    const id = (await this.identities(cleanDir)).find((x) => x.id === personId);
    if (!id) throw new Error(`no person ${personId} in the last Clean run (run the Clean step again if the sources changed)`);
    if (account === null) await clearIdentityAccount(this.mapFile, id);
    else await setIdentityAccount(this.mapFile, id, account);
    const after = (await this.identities(cleanDir)).find((x) => x.id === personId) ?? id;
    return rowOf(after, me, this.suggestions.get(personId));
  }

  /**
   * Old sender → account, as runUpload looks senders up: sender keys (`tg:user1001`) as they are; senders known
   * only by a name (`wa:name:…`) under the name their messages carry (one pass over messages.jsonl, only when
   * there are such senders). The account owner goes to `me` unless mapped otherwise.
   */
  async uploadRecord(cleanDir: string | null, modelDir: string, me: string, signal: AbortSignal): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    if (!cleanDir) return out;
    const byNameKey = new Map<string, string>();
    for (const id of await this.identities(cleanDir)) {
      const account = id.account ?? (id.self ? me : null);
      if (!account) continue;
      for (const s of id.senders) {
        if (/^[a-z0-9]+:name:/.test(s)) byNameKey.set(s, account);
        else out[s] = account;
      }
    }
    if (!byNameKey.size) return out;
    const r = new LineReader(path.join(modelDir, 'messages.jsonl'));
    try {
      let n = 0;
      for (let l = r.next(); l !== null; l = r.next()) {
        if (++n % 10_000 === 0) signal.throwIfAborted();
        if (!l) continue;
        let m: Pick<MessageLine, 'chat' | 'sender'>;
        try {
          m = JSON.parse(l) as MessageLine;
        } catch {
          continue;
        }
        if (!m.sender || m.sender.id || !m.sender.name || Object.hasOwn(out, m.sender.name)) continue;
        const key = senderKeyOf(m.chat, m.sender);
        const account = key ? byNameKey.get(key) : undefined;
        if (account) out[m.sender.name] = account;
      }
    } finally {
      r.close();
    }
    return out;
  }
}
