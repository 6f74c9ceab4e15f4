/**
 * Accounting: for every kind of item, what went in is what came out, or was merged into another
 * item, or was quarantined, or was excluded by the user:
 *
 *     in = kept + merged + quarantined + excluded
 *
 * `runClean` checks the identity for every kind and per chat before it reports success, and writes
 * the numbers to accounting.json so the report (and the helpdesk) can show them.
 */

export interface Tally {
  in: number;
  kept: number;
  merged: number;
  quarantined: number;
  excluded: number;
}

export const emptyTally = (): Tally => ({ in: 0, kept: 0, merged: 0, quarantined: 0, excluded: 0 });

export const isBalanced = (t: Tally): boolean => t.in === t.kept + t.merged + t.quarantined + t.excluded;

export class AccountingError extends Error {
  constructor(
    readonly kind: string,
    readonly tally: Tally,
  ) {
    super(`accounting does not balance for ${kind}: in ${t(tally)}`);
  }
}

const t = (x: Tally) => `${x.in} ≠ kept ${x.kept} + merged ${x.merged} + quarantined ${x.quarantined} + excluded ${x.excluded}`;

export function assertBalanced(kind: string, tally: Tally): void {
  if (!isBalanced(tally)) throw new AccountingError(kind, tally);
}

export interface MessageAccounting extends Tally {
  /** Put back from quarantine by the user (counted in `kept` or `merged`, not in `quarantined`). */
  restored: number;
  byChat: Record<string, Tally & { restored: number }>;
}

export interface Accounting {
  version: 1;
  /** Contact records from contact lists, vCards and CSVs. `merged`: folded into another contact. */
  contacts: Tally;
  /** People seen in chats. `merged`: linked to a contact (or to another participant). */
  participants: Tally;
  /** Chat lines (one per chat per export). `merged`: the same chat from another export. */
  chats: Tally;
  /** Messages and service events. `merged`: copies of a message from overlapping exports. */
  messages: MessageAccounting;
  /** Lines in problems.jsonl (what the parsers could not read is listed there, with file and line). */
  problems: number;
}

/** Checks every identity (each kind and each chat); throws AccountingError on the first that fails. */
export function assertAccounting(a: Accounting): void {
  assertBalanced('contacts', a.contacts);
  assertBalanced('participants', a.participants);
  assertBalanced('chats', a.chats);
  assertBalanced('messages', a.messages);
  for (const [chat, c] of Object.entries(a.messages.byChat)) assertBalanced(`messages of chat ${chat}`, c);
}
