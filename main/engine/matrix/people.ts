/**
 * Automatic people mapping (issue #6 "Connect"): for each old participant, ask the homeserver's user directory
 * (POST /user_directory/search) by e-mail, phone and name, and propose a Matrix id only when the answer is
 * unambiguous. The result is a plain Record<oldId, mxid> (what runUpload takes) plus, for the UI, why each
 * proposal was made or why none was. The user confirms or edits; unmapped people keep their old name.
 * Synapse's directory matches display names and user ids (and only users who share a room with the caller or are
 * in a public room, unless `search_all_users` is on); e-mail and phone searches find someone only where the
 * server indexes them, so a name is always tried last.
 */
import type { MatrixClient } from './client.js';

export interface PersonToMap {
  /** The key runUpload looks up: the old sender id (`user123`) or `tg:user123`. */
  id: string;
  name: string | null;
  emails?: string[];
  phones?: string[];
}

export interface PersonMatch {
  id: string;
  mxid: string | null;
  by: 'email' | 'phone' | 'name' | null;
  /** Several accounts answered; the user must pick. */
  candidates: string[];
}

const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, ' ').trim();

export async function suggestPeople(client: MatrixClient, people: PersonToMap[], signal?: AbortSignal): Promise<{ map: Record<string, string>; matches: PersonMatch[] }> {
  const map: Record<string, string> = {};
  const matches: PersonMatch[] = [];
  for (const p of people) {
    signal?.throwIfAborted();
    let found: PersonMatch = { id: p.id, mxid: null, by: null, candidates: [] };
    const tries: { by: 'email' | 'phone' | 'name'; term: string }[] = [
      ...(p.emails ?? []).map((term) => ({ by: 'email' as const, term })),
      ...(p.phones ?? []).map((term) => ({ by: 'phone' as const, term: term.replace(/[^\d+]/g, '') })),
      ...(p.name ? [{ by: 'name' as const, term: p.name }] : []),
    ];
    for (const t of tries) {
      if (t.term.length < 3) continue;
      const r = await client.userDirectorySearch(t.term, 10, signal);
      let hits = r.results.map((x) => ({ id: x.user_id, name: x.display_name ?? '' }));
      // A name must match the display name exactly (case-insensitive), not just a prefix of it.
      if (t.by === 'name') hits = hits.filter((h) => norm(h.name) === norm(t.term));
      if (hits.length === 1) {
        found = { id: p.id, mxid: hits[0]!.id, by: t.by, candidates: [] };
        break;
      }
      if (hits.length > 1 && !found.candidates.length) found.candidates = hits.map((h) => h.id);
    }
    if (found.mxid) map[p.id] = found.mxid;
    matches.push(found);
  }
  return { map, matches };
}
