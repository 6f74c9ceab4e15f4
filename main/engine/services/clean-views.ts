/**
 * What the Clean step shows of a duplicate group, made from one line of groups.jsonl (written by
 * runClean) and the user's latest decision in the merge log: the reasons with their values ready to
 * read (phones formatted), the members, and the merge field by field with the disagreements marked.
 */
import path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CleanEdit, CleanGroupField, CleanGroupReason, CleanGroupView } from '../../../shared/ipc/clean.js';
import type { CleanContact, Conflict, Reason } from '../clean/contacts-dedupe.js';
import { networkName } from '../clean/contacts-dedupe.js';
import type { MergeEntry } from '../clean/merge-log.js';

/** One line of groups.jsonl (see `groupLine` in clean/clean.ts). */
export interface GroupLine {
  id: string;
  strength: 'strong' | 'weak';
  decision: 'accept' | 'reject' | 'edit' | 'proposed';
  by: 'user' | 'auto';
  status: 'decided' | 'auto' | 'pending' | 're-proposed';
  reasons: Reason[];
  members: {
    key: string;
    kind: 'contact' | 'participant';
    name: string;
    phones: string[];
    emails: string[];
    org: string | null;
    source: { file: string; line: number | null; id?: string };
  }[];
  proposed: CleanContact;
  edited?: MergeEntry['edited'];
  decidedAt?: string;
}

const formatted = new Map<string, string>();

/** `+79161234567` → `+7 916 123 45 67`; anything that is not a valid international number stays as written. */
export function formatPhone(value: string): string {
  if (!value.startsWith('+')) return value;
  let f = formatted.get(value);
  if (f === undefined) {
    const p = parsePhoneNumberFromString(value);
    f = p && p.isValid() ? p.formatInternational() : value;
    if (formatted.size >= 200_000) formatted.clear();
    formatted.set(value, f);
  }
  return f;
}

function reasonView(r: Reason, names: Map<string, string>): CleanGroupReason {
  const base = { kind: r.kind, value: r.value, members: r.members };
  switch (r.kind) {
    case 'phone':
      return { ...base, display: formatPhone(r.value) };
    case 'email':
      return { ...base, display: r.value };
    case 'handle':
    case 'user-id': {
      const at = r.value.indexOf(':');
      const id = r.value.slice(at + 1);
      return { ...base, display: r.kind === 'handle' ? `@${id}` : id, network: networkName(r.value.slice(0, at)) };
    }
    case 'name': {
      const written: string[] = [];
      for (const m of r.members) {
        const n = names.get(m);
        if (n && !written.some((w) => w.toLocaleLowerCase() === n.toLocaleLowerCase())) written.push(n);
      }
      return { ...base, display: written.join(' ~ '), names: written, transliterated: r.transliterated === true };
    }
  }
}

const conflictFields = (cs: readonly Conflict[] | undefined) => new Set((cs ?? []).map((c) => c.field));

/** The edit as the user gave it (the engine's given/family reset is not the user's). */
function userEdit(e: MergeEntry['edited']): CleanEdit | undefined {
  if (!e) return undefined;
  const out: CleanEdit = {};
  if (e.name !== undefined) out.name = e.name;
  if (e.org !== undefined) out.org = e.org;
  if (e.phones !== undefined) out.phones = e.phones;
  if (e.emails !== undefined) out.emails = e.emails;
  return out;
}

/** The merge field by field: each member's value, what the merge keeps, and whether they disagree. */
export function fieldsOf(g: GroupLine, edit: CleanEdit | undefined): CleanGroupField[] {
  const p = g.proposed;
  const conflicts = conflictFields(p.conflicts);
  const list = (xs: readonly string[]) => xs.join(', ');
  const fields: CleanGroupField[] = [
    {
      field: 'name',
      values: g.members.map((m) => m.name),
      merged: edit?.name ?? p.name,
      conflict: conflicts.has('name'),
    },
    {
      field: 'phones',
      values: g.members.map((m) => list(m.phones.map(formatPhone))),
      merged: list(edit?.phones ?? p.phones.map((x) => (x.valid ? formatPhone(x.value) : x.value))),
      conflict: conflicts.has('phones'),
    },
    {
      field: 'emails',
      values: g.members.map((m) => list(m.emails)),
      merged: list(edit?.emails ?? p.emails.map((x) => x.value)),
      conflict: conflicts.has('emails'),
    },
    {
      field: 'org',
      values: g.members.map((m) => m.org ?? ''),
      merged: edit && 'org' in edit ? (edit.org ?? '') : (p.org ?? ''),
      conflict: conflicts.has('org'),
    },
  ];
  if (p.note) fields.push({ field: 'note', values: g.members.map(() => ''), merged: p.note, conflict: conflicts.has('note') });
  return fields;
}

/**
 * The decision in force: the user's latest entry in the log (even before a run applies it); a user
 * entry `proposed` (an undo back to the start) hands the group back to what Pereezd does by itself.
 */
export function groupView(g: GroupLine, latest: MergeEntry | undefined): CleanGroupView {
  let decision: CleanGroupView['decision'];
  let by: CleanGroupView['by'];
  let edited: MergeEntry['edited'];
  let decidedAt: string | undefined;
  if (latest && latest.decision !== 'proposed') {
    decision = latest.decision;
    by = 'user';
    edited = latest.decision === 'edit' ? latest.edited : undefined;
    decidedAt = latest.at;
  } else if (latest || g.by === 'user') {
    // Back to Pereezd's own proposal (the run that applied the user's decision no longer shows it).
    decision = g.by === 'auto' ? g.decision : g.strength === 'strong' && g.status !== 're-proposed' ? 'accept' : 'proposed';
    by = 'auto';
  } else {
    decision = g.decision;
    by = g.by;
    edited = g.edited;
    decidedAt = g.decidedAt;
  }
  const merged = (d: string) => d === 'accept' || d === 'edit';
  // The output is the same for an automatic and a user "accept"; an edit must match exactly.
  const applied =
    merged(decision) === merged(g.decision) && (decision !== 'edit' || (g.decision === 'edit' && JSON.stringify(edited) === JSON.stringify(g.edited)));
  const edit = userEdit(edited);
  const names = new Map(g.members.map((m) => [m.key, m.name]));
  const status = latest && latest.decision !== 'proposed' ? 'decided' : g.status === 'decided' ? (g.strength === 'strong' ? 'auto' : 'pending') : g.status;
  return {
    id: g.id,
    strength: g.strength,
    status,
    decision,
    by,
    applied,
    ...(edit ? { edited: edit } : {}),
    reasons: g.reasons.map((r) => reasonView(r, names)),
    members: g.members.map((m) => ({
      key: m.key, kind: m.kind, name: m.name, phones: m.phones.map(formatPhone), emails: m.emails, org: m.org,
      source: { file: m.source.file, line: m.source.line ?? null }, where: whereOf(m),
    })),
    fields: fieldsOf(g, edit),
    name: edit?.name ?? g.proposed.name,
    merged: {
      name: edit?.name ?? g.proposed.name,
      org: edit && 'org' in edit ? (edit.org ?? null) : g.proposed.org,
      phones: edit?.phones ?? g.proposed.phones.map((x) => x.value),
      emails: edit?.emails ?? g.proposed.emails.map((x) => x.value),
    },
    ...(decidedAt ? { decidedAt } : {}),
  };
}

/** A contact's file name (`contacts.vcf`), or the messenger a chat participant was seen in (`Telegram`). */
function whereOf(m: GroupLine['members'][number]): string {
  if (m.kind === 'participant' && m.source.file.startsWith('chats:')) return networkName(m.source.file.slice('chats:'.length));
  return path.basename(m.source.file);
}

/** What the group filter searches: names, phones (as stored and digits only) and e-mails, lower-cased. */
export function searchText(g: GroupLine): string {
  const parts: string[] = [g.proposed.name];
  for (const m of g.members) {
    parts.push(m.name, ...m.emails);
    for (const p of m.phones) parts.push(p, p.replace(/\D/g, ''));
  }
  return parts.join('\n').toLocaleLowerCase();
}
