/**
 * The clean step's last pass: identities (identity.ts) with the accounts of the stored identity map
 * (identity-map.ts), then the plan (plan.ts) from one pass over the new timeline, which also
 * resolves every sender. clean.ts calls this once its contacts, participants and timeline are
 * written; problems go to the clean step's own list (problems.jsonl).
 */
import type { IdentityMap, IdentitySummary, Plan } from '../../../shared/model/index.js';
import type { JsonlWriter } from '../pipeline/jsonl-writer.js';
import type { Person } from './contacts-dedupe.js';
import { buildIdentities, resolveAccounts, type IdentityComponent } from './identity.js';
import { IdentityMapError, readIdentityMap } from './identity-map.js';
import { scanAndPlan, type PlanChatInfo, type PlanOptions } from './plan.js';
import type { ChatLine } from './types.js';

export interface IdentityPlanInput {
  people: readonly Person[];
  /** The final partition as written to contacts.jsonl and participants.jsonl. */
  components: readonly IdentityComponent[];
  /** Kept chats (chats.jsonl order) and every chat line read, for the excluded ones. */
  kept: ReadonlyMap<string, readonly ChatLine[]>;
  chatLines: readonly ChatLine[];
  exclude: ReadonlySet<string>;
  /** Entries left out per excluded chat. */
  excludedEntries(chat: string): number;
  /** The cleaned messages.jsonl (complete, perhaps not yet in place). */
  messages: string;
  identityMap: string | undefined;
  plan: PlanOptions | undefined;
  /** Receives identities.jsonl. */
  out: JsonlWriter;
  problem(severity: 'error' | 'warning' | 'info', code: string, message: string, file?: string, line?: number | null): void;
  progress(lines: number): void;
  signal: AbortSignal;
}

export async function identitiesAndPlan(input: IdentityPlanInput): Promise<{ plan: Plan; summary: IdentitySummary }> {
  const identities = buildIdentities(input.people, input.components);
  let map: IdentityMap = { version: 1, entries: [] };
  if (input.identityMap) {
    try {
      map = await readIdentityMap(input.identityMap);
    } catch (err) {
      if (!(err instanceof IdentityMapError)) throw err;
      input.problem('warning', 'bad-value', `${err.message}; identities get no accounts in this run`, input.identityMap);
    }
  }
  const resolved = resolveAccounts(identities, map);
  const chats: PlanChatInfo[] = [];
  for (const [id, lines] of input.kept) chats.push({ id, title: lines[0]!.title, type: lines[0]!.type, excluded: false });
  const excluded = new Set<string>();
  for (const c of input.chatLines) {
    if (!input.exclude.has(c.id) || excluded.has(c.id)) continue;
    excluded.add(c.id);
    chats.push({ id: c.id, title: c.title, type: c.type, excluded: true, entries: input.excludedEntries(c.id) });
  }
  const scan = await scanAndPlan({
    messages: input.messages, chats, identities, ...(input.plan ? { options: input.plan } : {}), signal: input.signal, progress: input.progress,
  });
  for (const n of scan.badLines) input.problem('error', 'internal', `messages.jsonl:${n}: not valid JSON (left out of the plan)`, input.messages, n);
  for (const u of scan.unresolved) {
    const what = u.reason === 'no-sender' ? 'name no sender' : `from ${u.sender} match no identity`;
    input.problem('warning', 'bad-value', `chat ${u.chat}: ${u.messages} message(s) ${what}; they are moved without a person to map them to`, input.messages);
  }
  if (resolved.conflicts > 0) {
    input.problem(
      'warning', 'needs-answer', `${resolved.conflicts} person(s) match identity-map entries with different accounts; none is used until one is chosen`, input.identityMap,
    );
  }
  for (const id of identities) input.out.write(id);
  const has = (f: (x: (typeof identities)[number]) => boolean) => identities.filter(f).length;
  const summary: IdentitySummary = {
    total: identities.length,
    contacts: has((x) => x.line.file === 'contacts'),
    participantsOnly: has((x) => x.line.file === 'participants'),
    withPhone: has((x) => x.phones.length > 0),
    withEmail: has((x) => x.emails.length > 0),
    withUserId: has((x) => x.userIds.length > 0),
    withHandle: has((x) => x.handles.length > 0),
    nameOnly: has((x) => x.keys.every((k) => k.startsWith('name:'))),
    unmappable: has((x) => x.mapKeys.length === 0),
    self: has((x) => x.self),
    mapped: resolved.mapped,
    conflicts: resolved.conflicts,
    mapUnused: resolved.unused,
    senders: scan.senders,
    unresolved: scan.unresolved.slice(0, 100),
    mapFile: input.identityMap ?? null,
  };
  return { plan: scan.plan, summary };
}
