import { describe, expect, it } from 'vitest';
import { groupId, type Group } from './contacts-dedupe.js';
import { decisionEntry, finalPartition, journalLines, parseDecisions, resolveDecisions, undoEntry, type MergeEntry } from './merge-log.js';

/** People 0..5 are a b c d e f. */
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f'];
function group(members: string[], strength: Group['strength']): Group {
  const sorted = [...members].sort();
  return { id: groupId(sorted), members: sorted, indices: sorted.map((m) => KEYS.indexOf(m)), strength, reasons: [] };
}
const G1 = group(['a', 'b'], 'strong'); // same phone
const W = group(['a', 'b', 'c'], 'weak'); // G1 + c by name
const G2 = group(['d', 'e'], 'strong');
const groups = [G1, W, G2];
const user = (g: Group | { id: string; members: string[] }, decision: MergeEntry['decision'], extra: Partial<MergeEntry> = {}): MergeEntry => ({
  group: g.id, members: g.members, decision, by: 'user', at: '2025-01-01T00:00:00.000Z', ...extra,
});
const view = (r: ReturnType<typeof resolveDecisions>) => r.states.map((s) => [s.group.members.join(''), s.decision, s.status]);

describe('parseDecisions', () => {
  it('reads merge and restore entries, skipping blank lines and comments', () => {
    const text = [
      '\uFEFF# my decisions',
      `{"group":"${G1.id}","decision":"reject"}`,
      '',
      `{"group":"${W.id}","decision":"edit","edited":{"name":"Юлия Щукина","phones":["+7 925 555 1234"]}}`,
      '{"restore":"q-0123456789abcdef","sentAt":"2024-06-01T10:00:00+03:00"}',
    ].join('\r\n');
    const d = parseDecisions(text);
    expect(d.errors).toEqual([]);
    expect(d.merges).toEqual([
      { group: G1.id, decision: 'reject', by: 'user' },
      { group: W.id, decision: 'edit', by: 'user', edited: { name: 'Юлия Щукина', phones: ['+7 925 555 1234'] } },
    ]);
    expect(d.restores).toEqual([{ restore: 'q-0123456789abcdef', sentAt: '2024-06-01T10:00:00+03:00', by: 'user' }]);
  });

  it('reports bad lines by number and never guesses', () => {
    const d = parseDecisions(
      [
        '{"group":"g-12","decision":"accept"}',
        `{"group":"${G1.id}","decision":"merge"}`,
        `{"group":"${G1.id}","decision":"edit"}`,
        `{"group":"${G1.id}","decision":"edit","edited":{"colour":"red"}}`,
        '{"restore":"q-0123456789abcdef","sentAt":"yesterday"}',
        'not json',
      ].join('\n'),
    );
    expect(d.merges).toEqual([]);
    expect(d.restores).toEqual([]);
    expect(d.errors.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(d.errors[0]!.message).toMatch(/group ids look like/);
    expect(d.errors[2]!.message).toMatch(/needs "edited"/);
    expect(d.errors[5]!.message).toBe('not valid JSON');
  });
});

describe('resolveDecisions', () => {
  it('merges strong groups and proposes weak ones when nobody decided', () => {
    expect(view(resolveDecisions(groups, []))).toEqual([
      ['ab', 'accept', 'auto'],
      ['abc', 'proposed', 'pending'],
      ['de', 'accept', 'auto'],
    ]);
  });

  it('applies the latest user decision per group; auto entries are not decisions', () => {
    const r = resolveDecisions(groups, [
      user(W, 'accept'),
      user(G1, 'reject'),
      { group: G2.id, members: G2.members, decision: 'reject', by: 'auto' },
      user(W, 'reject'),
      user(W, 'edit', { edited: { name: 'X' } }),
    ]);
    expect(view(r)).toEqual([
      ['ab', 'reject', 'decided'],
      ['abc', 'edit', 'decided'],
      ['de', 'accept', 'auto'],
    ]);
    expect(r.states[1]!.edited).toEqual({ name: 'X' });
    expect(r.stale).toEqual([]);
  });

  it('proposes a group again when its members changed since the decision, and never applies the old one', () => {
    const old = { id: groupId(['d', 'e', 'f']), members: ['d', 'e', 'f'] }; // f has gone from the sources
    const r = resolveDecisions(groups, [user(old, 'accept')]);
    expect(view(r)[2]).toEqual(['de', 'proposed', 're-proposed']);
    expect(r.states[2]!.previous).toEqual([{ group: old.id, decision: 'accept', at: '2025-01-01T00:00:00.000Z' }]);
    expect(r.stale).toEqual([]);
    // a rejected strong group that gained a member is not merged silently either
    const before = { id: groupId(['a']), members: ['a', 'x'] };
    expect(view(resolveDecisions(groups, [user(before, 'reject')])).slice(0, 2)).toEqual([
      ['ab', 'proposed', 're-proposed'],
      ['abc', 'proposed', 're-proposed'],
    ]);
  });

  it('keeps decisions about people that are gone as stale', () => {
    const gone = { id: groupId(['x', 'y']), members: ['x', 'y'] };
    const r = resolveDecisions(groups, [user(gone, 'accept'), { group: groupId(['z']), decision: 'reject', by: 'user' }]);
    expect(r.stale.map((e) => e.group)).toEqual([gone.id, groupId(['z'])]);
    expect(view(r)).toEqual(view(resolveDecisions(groups, [])));
  });

  it('undoes: a merge becomes a reject; undoing a reject goes back to the proposal', () => {
    const auto = resolveDecisions(groups, []).states[0]!;
    const undo1 = undoEntry(auto, '2025-02-01T00:00:00.000Z');
    expect(undo1).toEqual({ group: G1.id, members: ['a', 'b'], decision: 'reject', by: 'user', undoes: 'accept', at: '2025-02-01T00:00:00.000Z' });
    const rejected = resolveDecisions(groups, [undo1]).states[0]!;
    expect([rejected.decision, rejected.status]).toEqual(['reject', 'decided']);
    const undo2 = undoEntry(rejected, '2025-03-01T00:00:00.000Z');
    expect(undo2.decision).toBe('proposed');
    expect(view(resolveDecisions(groups, [undo1, undo2]))[0]).toEqual(['ab', 'accept', 'auto']);
    // undoing an accepted weak group rejects it: its members stay apart
    const accepted = resolveDecisions(groups, [decisionEntry(W, 'accept', 't')]).states[1]!;
    expect(view(resolveDecisions(groups, [decisionEntry(W, 'accept', 't'), undoEntry(accepted, 't2')]))[1]).toEqual(['abc', 'reject', 'decided']);
  });
});

describe('finalPartition', () => {
  it('joins the members of every accepted or edited group; edits follow, strong group first', () => {
    const r = resolveDecisions(groups, [user(G1, 'edit', { edited: { name: 'G1' } }), user(W, 'edit', { edited: { name: 'W' } }), user(G2, 'reject')]);
    const { uf, edits } = finalPartition(6, r.states);
    const comp = (i: number) => KEYS.filter((_, j) => uf.find(j) === uf.find(i)).join('');
    expect([comp(0), comp(3), comp(4), comp(5)]).toEqual(['abc', 'd', 'e', 'f']);
    expect(edits.get(uf.find(0))).toEqual([{ name: 'G1' }, { name: 'W' }]);
  });

  it('accepting the weak group merges everyone in it even when its strong part was rejected', () => {
    const r = resolveDecisions(groups, [user(G1, 'reject'), user(W, 'accept')]);
    const { uf } = finalPartition(6, r.states);
    expect(uf.find(0) === uf.find(1) && uf.find(1) === uf.find(2)).toBe(true);
  });
});

describe('journalLines', () => {
  it('keeps the user history, marks stale entries, adds restores and one auto line per undecided group', () => {
    const gone = { id: groupId(['x', 'y']), members: ['x', 'y'] };
    const history = [user(G1, 'reject'), user(gone, 'accept', { status: 'applied' }), { group: G2.id, decision: 'accept' as const, by: 'auto' as const }];
    const r = resolveDecisions(groups, history);
    const lines = journalLines([...history, user(G1, 'reject')], [{ restore: 'q-0123456789abcdef', by: 'user' }], r, 'NOW') as Record<string, unknown>[];
    expect(lines).toEqual([
      user(G1, 'reject'),
      { ...user(gone, 'accept'), status: 'stale' },
      { restore: 'q-0123456789abcdef', by: 'user' },
      { group: W.id, members: W.members, decision: 'proposed', by: 'auto', status: 'pending', reasons: [], at: 'NOW' },
      { group: G2.id, members: G2.members, decision: 'accept', by: 'auto', status: 'auto', reasons: [], at: 'NOW' },
    ]);
    // a hand-written decision that named only the group gets its members recorded, so a later change is noticed
    const written = journalLines([{ group: G1.id, decision: 'reject', by: 'user' }], [], resolveDecisions(groups, []), 'NOW')[0];
    expect(written).toEqual({ group: G1.id, decision: 'reject', by: 'user', members: ['a', 'b'] });
    const grown = [group(['a', 'b', 'f'], 'strong')];
    expect(view(resolveDecisions(grown, [written as MergeEntry]))).toEqual([['abf', 'proposed', 're-proposed']]);
    // read back, the auto lines change nothing
    const again = parseDecisions(lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(view(resolveDecisions(groups, again.merges))).toEqual(view(r));
  });
});
