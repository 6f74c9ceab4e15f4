/**
 * The Clean step's channels (shared/ipc/clean.ts) through the same path both hosts use: the contract's
 * strict request check, then the service (main/engine/dispatch.ts). Inputs are read in place:
 * tests/fixtures/clean/three-sources (the same people in a Telegram export, a vCard file and a Google
 * CSV; its README has the hand-made table the numbers below come from), telegram-overlap (two
 * messages without a usable date) and samples from ../shared/fixtures/real.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CleanGroupView, CleanSummary } from '../../shared/ipc/clean.js';
import type { JobState } from '../../shared/model/index.js';
import { dispatch } from '../../main/engine/dispatch.js';
import { createService } from '../../main/engine/service.js';
import { combineOptions } from '../../main/engine/services/clean.js';

const root = path.resolve(import.meta.dirname, '../..');
const real = path.resolve(root, '../shared/fixtures/real');
const SET = path.join(root, 'tests/fixtures/clean/three-sources');
const SOURCES = [path.join(SET, 'telegram'), path.join(SET, 'contacts.vcf'), path.join(SET, 'google.csv')];
const LATER = path.join(root, 'tests/fixtures/clean/three-sources-later/work-phone.vcf');
const OVERLAP = path.join(root, 'tests/fixtures/clean/telegram-overlap/export-2024-06');

const IVAN1 = ['csv:google.csv:2', 'participant:tg:user1001', 'tg-contact:user1001', 'vcard:contacts.vcf:0'];
const OLGA = ['tg-contact:user1002', 'vcard:contacts.vcf:1'];
const TSVETKOV = ['participant:tg:user1006', 'vcard:contacts.vcf:2'];

const disposers: (() => void)[] = [];
const temps: string[] = [];
afterEach(() => {
  for (const d of disposers.splice(0)) d();
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
};

let clock = Date.parse('2025-05-01T10:00:00Z');
function host(configDir = tempDir('pereezd-clean-svc-'), locale = 'ru-RU') {
  const send = vi.fn();
  const { service, jobs, dispose } = createService({
    host: 'web', send, version: '0.0.0-test', locale, configDir, now: () => (clock += 1000), asOf: () => new Date('2025-05-01T00:00:00Z'),
  });
  disposers.push(dispose);
  const call = async <T,>(channel: string, req: unknown): Promise<T> => {
    const r = await dispatch(service, channel, req);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value as T;
  };
  const fails = async (channel: string, req: unknown) => {
    const r = await dispatch(service, channel, req);
    expect(r.ok, `${channel} should fail`).toBe(false);
    return (r as { ok: false; error: { code: string; message: string } }).error;
  };
  /** Runs clean to the end; returns the final job state and the summary. */
  const clean = async (paths: string[], region: string | null = 'RU', options?: Record<string, unknown>) => {
    const { jobId, workId } = await call<{ jobId: string; workId: string }>('clean:start', { paths, region, ...(options ? { options } : {}) });
    const state = (await jobs.settled(jobId))!;
    const summary = await call<CleanSummary>('clean:summary', { paths });
    return { jobId, workId, state, summary };
  };
  return { call, fails, clean, send, jobs, configDir };
}

const groupOf = (items: CleanGroupView[], members: string[]) => items.find((g) => JSON.stringify(g.members.map((m) => m.key)) === JSON.stringify(members))!;

describe('clean service: run, summary and accounting', () => {
  it('runs clean as a job in a private per-source-set folder and reports the accounting that balances', async () => {
    const h = host();
    const before = await h.call<CleanSummary>('clean:summary', { paths: SOURCES });
    expect(before).toMatchObject({ run: null, runningJobId: null, unapplied: { decisions: 0, restores: 0 }, undo: null });
    expect(before.workId).toMatch(/^[0-9a-f]{16}$/);
    expect(before.outDir).toBe(path.join(h.configDir, 'clean', before.workId));
    // the same set in another order is the same work
    expect((await h.call<CleanSummary>('clean:summary', { paths: [...SOURCES].reverse() })).workId).toBe(before.workId);

    const { state, summary } = await h.clean(SOURCES);
    expect(state.phase, JSON.stringify(state.error)).toBe('done');
    expect(state.kind).toBe('clean');
    expect(state.output).toEqual({ workId: before.workId, outDir: before.outDir, contacts: 9, messages: 7, groups: 7, pending: 1, quarantined: 1 });
    const run = summary.run!;
    expect(run.region).toBe('RU');
    expect(run.accounting.contacts).toEqual({ in: 15, kept: 9, merged: 5, quarantined: 1, excluded: 0 });
    expect(run.accounting.participants).toEqual({ in: 4, kept: 1, merged: 3, quarantined: 0, excluded: 0 });
    expect(run.accounting.messages).toEqual({ in: 7, kept: 7, merged: 0, quarantined: 0, excluded: 0, restored: 0 });
    expect(run.groups).toMatchObject({ total: 7, strong: 6, weak: 1, merged: 6, pending: 1 });
    expect(run).toMatchObject({ exported: 8, quarantined: 1, restorable: 1, excludedChats: 0, seededDecisions: 0 });
    expect(run.sources.map((s) => [path.basename(s.path), s.format])).toEqual([['telegram', 'telegram-json'], ['contacts.vcf', 'vcard'], ['google.csv', 'contacts-csv']]);

    // private: the folders 0700, the files 0600, and nothing of convert's left behind
    expect(statSync(path.join(h.configDir, 'clean')).mode & 0o777).toBe(0o700);
    expect(statSync(before.outDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(before.outDir).sort();
    expect(files).toEqual(expect.arrayContaining(['accounting.json', 'contacts.csv', 'contacts.vcf', 'groups.jsonl', 'merges.jsonl', 'messages.jsonl', 'quarantine.jsonl', 'run.json']));
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    for (const f of files) expect(statSync(path.join(before.outDir, f)).mode & 0o777, f).toBe(0o600);
  });

  it('reports progress on one scale for the whole run, phase by phase, ending at done', async () => {
    const h = host();
    const { jobId, state } = await h.clean(SOURCES);
    expect(state.phase).toBe('done');
    const snaps = h.send.mock.calls.map((c) => c[1] as JobState).filter((s) => s.jobId === jobId);
    const running = snaps.filter((s) => s.phase === 'running' && s.progress.total === 1000);
    expect(running.length).toBeGreaterThan(0);
    const dones = running.map((s) => s.progress.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b)); // never goes back
    expect(running.every((s) => s.progress.unit === 'items' && ['read', 'sort', 'merge', 'contacts', 'plan'].includes(s.progress.current!))).toBe(true);
    expect(snaps.at(-1)!.phase).toBe('done');
  });

  it('leaves unticked chats (from the settings) out and counts them as excluded', async () => {
    const h = host();
    await h.call('settings:set', { excludedChats: ['tg:77001'] });
    const { summary } = await h.clean(SOURCES);
    expect(summary.run!.accounting.chats).toEqual({ in: 2, kept: 1, merged: 0, quarantined: 0, excluded: 1 });
    expect(summary.run!.accounting.messages).toMatchObject({ in: 7, kept: 3, excluded: 4 });
    expect(summary.run!.excludedChats).toBe(1);
    expect(summary.excludedChanged).toBe(false);
    // ticking the chat again on the Inventory step makes this run out of date until it is run again
    await h.call('settings:set', { excludedChats: [] });
    expect((await h.call<CleanSummary>('clean:summary', { paths: SOURCES })).excludedChanged).toBe(true);
    expect((await h.clean(SOURCES)).summary).toMatchObject({ excludedChanged: false, run: { excludedChats: 0 } });
  });

  it('uses the region the user chose, or none', async () => {
    const h = host();
    const none = await h.clean(SOURCES, null);
    expect(none.summary.run!.region).toBeNull();
    const gb = await h.clean(SOURCES, 'GB');
    expect(gb.summary.run!.region).toBe('GB');
    expect((await h.fails('clean:start', { paths: SOURCES, region: 'XX' })).message).toMatch(/unknown region XX/);
    expect((await h.fails('clean:start', { paths: SOURCES, region: 'ru' })).code).toBe('invalid-request');
  });

  it('offers the regions the phone library knows, with the default from the OS locale', async () => {
    const ru = await host(undefined, 'ru-RU').call<{ regions: string[]; defaultRegion: string | null }>('clean:regions', {});
    expect(ru.defaultRegion).toBe('RU');
    expect(ru.regions).toEqual(expect.arrayContaining(['RU', 'DE', 'US', 'KZ']));
    expect(ru.regions.length).toBeGreaterThan(200);
    expect((await host(undefined, 'en-GB').call<{ defaultRegion: string }>('clean:regions', {})).defaultRegion).toBe('GB');
    expect((await host(undefined, 'de').call<{ defaultRegion: string }>('clean:regions', {})).defaultRegion).toBe('DE');
  });

  it('a run cancelled at once finishes as cancelled and leaves no run behind', async () => {
    const h = host();
    const { jobId } = await h.call<{ jobId: string }>('clean:start', { paths: SOURCES, region: 'RU' });
    expect(await h.call('job:cancel', { jobId })).toEqual({ cancelled: true });
    expect((await h.jobs.settled(jobId))!.phase).toBe('cancelled');
    const s = await h.call<CleanSummary>('clean:summary', { paths: SOURCES });
    expect(s.run).toBeNull();
    expect(s.runningJobId).toBeNull();
    expect(readdirSync(s.outDir).filter((f) => f.startsWith('.') || f.endsWith('.partial'))).toEqual([]);
  });
});

describe('clean service: groups, decisions, undo', () => {
  it('pages the groups with their reasons in words, filters them and finds them by name or number', async () => {
    const h = host();
    const { workId } = await h.clean(SOURCES);
    const page = await h.call<{ total: number; items: CleanGroupView[]; counts: Record<string, number> }>('clean:groups', { workId, offset: 0, limit: 50 });
    expect(page.total).toBe(7);
    expect(page.counts).toEqual({ all: 7, review: 1, strong: 6, weak: 1, decided: 0, unapplied: 0 });
    // the one waiting for the user comes first
    expect(page.items[0]!.members.map((m) => m.key)).toEqual(TSVETKOV);
    const tsvetkov = page.items[0]!;
    expect(tsvetkov).toMatchObject({ strength: 'weak', status: 'pending', decision: 'proposed', by: 'auto', applied: true });
    expect(tsvetkov.reasons).toEqual([
      expect.objectContaining({ kind: 'name', transliterated: true, names: ['Алексей Цветков', 'Aleksei Tsvetkov'], display: 'Алексей Цветков ~ Aleksei Tsvetkov' }),
    ]);
    const ivan = groupOf(page.items, IVAN1);
    expect(ivan.reasons.map((r) => [r.kind, r.display, r.network ?? null])).toEqual([
      ['user-id', 'user1001', 'Telegram'],
      ['email', 'ivan.petrov@example.ru', null],
      ['phone', '+7 916 123 45 67', null],
    ]);
    // field by field: four members, the name written three ways (a conflict), one merged value each
    const name = ivan.fields.find((f) => f.field === 'name')!;
    expect(name).toMatchObject({ merged: 'Иван Петров', conflict: true });
    expect(name.values).toHaveLength(4);
    expect(ivan.fields.find((f) => f.field === 'phones')).toMatchObject({ merged: '+7 916 123 45 67' });
    expect(ivan.fields.find((f) => f.field === 'org')).toMatchObject({ merged: 'ООО Ромашка', conflict: false });

    const weak = await h.call<{ total: number; items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50, filter: 'review' });
    expect(weak.items.map((g) => g.id)).toEqual([tsvetkov.id]);
    const byPhone = await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50, query: '916 123-45' });
    expect(byPhone.items.map((g) => g.id)).toEqual([ivan.id]);
    const byName = await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50, query: 'цветков' });
    expect(byName.items.map((g) => g.id)).toEqual([tsvetkov.id]);
    const second = await h.call<{ offset: number; items: CleanGroupView[] }>('clean:groups', { workId, offset: 5, limit: 5 });
    expect(second.items.map((g) => g.id)).toEqual(page.items.slice(5).map((g) => g.id));
  });

  it('keeps accept, reject and edit in the merge log at once, undoes the latest, and the next run applies the rest', async () => {
    const h = host();
    const { workId, summary: first } = await h.clean(SOURCES);
    const all = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50 })).items;
    const [tsvetkov, olga, ivan] = [groupOf(all, TSVETKOV), groupOf(all, OLGA), groupOf(all, IVAN1)];

    const a = await h.call<{ group: CleanGroupView; summary: CleanSummary }>('clean:decide', { workId, groupId: tsvetkov.id, decision: 'accept' });
    expect(a.group).toMatchObject({ decision: 'accept', by: 'user', status: 'decided', applied: false });
    expect(a.summary.unapplied.decisions).toBe(1);
    const r = await h.call<{ group: CleanGroupView; summary: CleanSummary }>('clean:decide', { workId, groupId: olga.id, decision: 'reject' });
    expect(r.group).toMatchObject({ decision: 'reject', applied: false });
    const e = await h.call<{ group: CleanGroupView; summary: CleanSummary }>('clean:decide', {
      workId, groupId: ivan.id, decision: 'edit', edited: { name: 'Иван Сергеевич Петров', org: 'ООО «Ромашка»' },
    });
    expect(e.group).toMatchObject({ decision: 'edit', name: 'Иван Сергеевич Петров', edited: { name: 'Иван Сергеевич Петров', org: 'ООО «Ромашка»' }, applied: false });
    expect(e.group.fields.find((f) => f.field === 'org')!.merged).toBe('ООО «Ромашка»');
    expect(e.summary.unapplied.decisions).toBe(3);
    expect(e.summary.undo).toEqual({ groupId: ivan.id, decision: 'edit', name: 'Иван Сергеевич Петров' });

    // the merge log has the three decisions already (a reload, a crash or another window sees them)
    const log = readFileSync(path.join(first.outDir, 'merges.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.filter((x) => x.by === 'user').map((x) => [x.group, x.decision])).toEqual([[tsvetkov.id, 'accept'], [olga.id, 'reject'], [ivan.id, 'edit']]);
    expect(log.find((x) => x.decision === 'edit')!.members).toEqual(IVAN1);

    // undo the edit: Ivan goes back to what Pereezd does by itself; the reject is next in line
    const u1 = await h.call<{ groupId: string; group: CleanGroupView; summary: CleanSummary }>('clean:undo', { workId });
    expect(u1.groupId).toBe(ivan.id);
    expect(u1.group).toMatchObject({ id: ivan.id, decision: 'accept', by: 'auto', applied: true });
    expect(u1.summary.undo).toMatchObject({ groupId: olga.id, decision: 'reject' });
    expect(u1.summary.unapplied.decisions).toBe(2);
    const ivanNow = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50 })).items.find((g) => g.id === ivan.id)!;
    expect(ivanNow).toMatchObject({ decision: 'accept', by: 'auto', status: 'auto', applied: true, name: 'Иван Петров' });
    // edit it again (so there is something to apply), then a second edit undone returns to the first
    await h.call('clean:decide', { workId, groupId: ivan.id, decision: 'edit', edited: { name: 'Иван Сергеевич Петров', org: 'ООО «Ромашка»' } });
    await h.call('clean:decide', { workId, groupId: ivan.id, decision: 'edit', edited: { name: 'Ivan S. Petrov' } });
    await h.call('clean:undo', { workId });
    const back = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50, filter: 'decided' })).items;
    expect(back.map((g) => [g.id, g.decision, g.name])).toEqual(
      expect.arrayContaining([[ivan.id, 'edit', 'Иван Сергеевич Петров'], [olga.id, 'reject', expect.any(String)], [tsvetkov.id, 'accept', expect.any(String)]]),
    );

    // exporting now would leave the decisions out: refused until the run applies them
    const dest = tempDir('pereezd-clean-export-');
    expect((await h.fails('clean:export', { workId, format: 'vcard', dir: dest })).message).toMatch(/3 decision\(s\) and 0 restore\(s\) are not applied yet/);

    // the next run applies the log: the same numbers as the CLI's decisions test
    const { summary } = await h.clean(SOURCES);
    expect(summary.unapplied).toEqual({ decisions: 0, restores: 0 });
    expect(summary.run!.accounting.contacts).toEqual({ in: 15, kept: 10, merged: 4, quarantined: 1, excluded: 0 });
    expect(summary.run!.accounting.participants).toEqual({ in: 4, kept: 0, merged: 4, quarantined: 0, excluded: 0 });
    const applied = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50, filter: 'decided' })).items;
    expect(applied.every((g) => g.applied && g.status === 'decided')).toBe(true);
    const contacts = readFileSync(path.join(summary.outDir, 'contacts.jsonl'), 'utf8');
    expect(contacts).toContain('"name":"Иван Сергеевич Петров"');
    expect(contacts).toContain('"org":"ООО «Ромашка»"');
  });

  it('keeps the decisions across a restart of the app core', async () => {
    const h = host();
    const { workId } = await h.clean(SOURCES);
    const all = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50 })).items;
    await h.call('clean:decide', { workId, groupId: groupOf(all, OLGA).id, decision: 'reject' });
    const again = host(h.configDir);
    const s = await again.call<CleanSummary>('clean:summary', { paths: SOURCES });
    expect(s.unapplied.decisions).toBe(1);
    expect(s.undo).toMatchObject({ groupId: groupOf(all, OLGA).id, decision: 'reject' });
    const olga = (await again.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50, filter: 'unapplied' })).items;
    expect(olga.map((g) => [g.id, g.decision])).toEqual([[groupOf(all, OLGA).id, 'reject']]);
  });

  it('carries the decisions to a new set of sources that shares a source; a group whose members changed is proposed again', async () => {
    const h = host();
    const { workId } = await h.clean(SOURCES);
    const all = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50 })).items;
    await h.call('clean:decide', { workId, groupId: groupOf(all, TSVETKOV).id, decision: 'accept' });
    await h.call('clean:decide', { workId, groupId: groupOf(all, IVAN1).id, decision: 'reject' });
    await h.clean(SOURCES);

    const more = [...SOURCES, LATER];
    const next = await h.clean(more);
    expect(next.workId).not.toBe(workId);
    expect(next.summary.run!.seededDecisions).toBe(2);
    const groups = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId: next.workId, offset: 0, limit: 50 })).items;
    expect(groupOf(groups, TSVETKOV)).toMatchObject({ decision: 'accept', by: 'user', status: 'decided', applied: true });
    expect(groupOf(groups, [...IVAN1, 'vcard:work-phone.vcf:0'].sort())).toMatchObject({ status: 're-proposed', decision: 'proposed', by: 'auto' });
    expect(next.summary.run!.accounting.contacts).toEqual({ in: 16, kept: 12, merged: 3, quarantined: 1, excluded: 0 });
  });

  it('refuses what it cannot do, in words', async () => {
    const h = host();
    const { workId } = await h.clean(SOURCES);
    const groups = (await h.call<{ items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 50 })).items;
    const id = groups[0]!.id;
    // strict requests
    expect((await h.fails('clean:decide', { workId, groupId: id, decision: 'edit' })).code).toBe('invalid-request');
    expect((await h.fails('clean:decide', { workId, groupId: id, decision: 'accept', edited: { name: 'x' } })).code).toBe('invalid-request');
    expect((await h.fails('clean:decide', { workId, groupId: id, decision: 'edit', edited: {} })).code).toBe('invalid-request');
    expect((await h.fails('clean:decide', { workId, groupId: id, decision: 'accept', extra: 1 })).code).toBe('invalid-request');
    expect((await h.fails('clean:groups', { workId: '../../etc', offset: 0, limit: 10 })).code).toBe('invalid-request');
    expect((await h.fails('clean:groups', { workId, offset: 0, limit: 501 })).code).toBe('invalid-request');
    expect((await h.fails('clean:restore', { workId, ids: ['q-1'] })).code).toBe('invalid-request');
    expect((await h.fails('clean:export', { workId, format: 'pdf', dir: '/tmp' })).code).toBe('invalid-request');
    // well-formed but wrong
    expect((await h.fails('clean:decide', { workId, groupId: 'g-0000000000000000', decision: 'accept' })).message).toMatch(/no group g-0000000000000000/);
    expect((await h.fails('clean:groups', { workId: '0000000000000000', offset: 0, limit: 10 })).message).toMatch(/no clean run/);
    expect((await h.fails('clean:restore', { workId, ids: ['q-0000000000000000'] })).message).toMatch(/not in the quarantine/);
    // nothing to undo
    expect(await h.call('clean:undo', { workId })).toMatchObject({ groupId: null, group: null, summary: { undo: null } });
    // no changes while a run is going
    const { jobId } = await h.call<{ jobId: string }>('clean:start', { paths: SOURCES, region: 'RU' });
    expect((await h.fails('clean:decide', { workId, groupId: id, decision: 'reject' })).message).toMatch(/in progress/);
    expect(await h.call('clean:start', { paths: SOURCES, region: 'RU' })).toMatchObject({ jobId }); // the same run, not a second one
    await h.jobs.settled(jobId);
  });

  it('combines the answers per source, and says which source disagrees', () => {
    expect(combineOptions({ '/a.txt': { dateOrder: 'dmy', timeZone: 'Europe/Moscow' }, '/b.txt': { timeZone: 'Europe/Moscow' } })).toEqual({ dateOrder: 'dmy', timeZone: 'Europe/Moscow' });
    expect(() => combineOptions({ '/a.txt': { dateOrder: 'dmy' }, '/b.txt': { dateOrder: 'mdy' } })).toThrow(/\/b\.txt: its date order \(mdy\) differs/);
    expect(combineOptions(undefined)).toEqual({});
  });
});

describe('clean service: quarantine and export', () => {
  it('lists quarantined entries with file, line and reason, and the next run puts the restored ones back', async () => {
    const h = host();
    const paths = [...SOURCES, OVERLAP];
    const { workId, summary } = await h.clean(paths);
    expect(summary.run!.accounting.messages).toMatchObject({ quarantined: 2 });
    const q = await h.call<{ total: number; items: { id: string; kind: string; reason: string; file: string; line: number | null; preview: string; restorable: boolean; restoreRequested: boolean }[] }>(
      'clean:quarantine', { workId, offset: 0, limit: 100 },
    );
    expect(q.total).toBe(3);
    const contact = q.items.find((x) => x.kind === 'contact')!;
    expect(contact).toMatchObject({ reason: 'empty', restorable: true, restoreRequested: false, line: 29 });
    expect(path.basename(contact.file)).toBe('contacts.vcf');
    const messages = q.items.filter((x) => x.kind === 'message');
    // message 10 has no date, message 11 only the word "вчера" (no unixtime): neither has a usable date
    expect(messages.map((m) => m.reason)).toEqual(['no-date', 'no-date']);
    expect(messages.every((m) => m.file.endsWith('result.json') && typeof m.line === 'number' && m.preview.length > 0)).toBe(true);

    const msg = messages[0]!;
    const res = await h.call<{ requested: number; summary: CleanSummary }>('clean:restore', { workId, ids: [msg.id, contact.id, msg.id] });
    expect(res.requested).toBe(2);
    expect(res.summary.unapplied.restores).toBe(2);
    expect((await h.call<{ requested: number }>('clean:restore', { workId, ids: [msg.id] })).requested).toBe(0); // asked already
    const marked = await h.call<{ items: { id: string; restoreRequested: boolean }[] }>('clean:quarantine', { workId, offset: 0, limit: 100 });
    expect(marked.items.filter((x) => x.restoreRequested).map((x) => x.id).sort()).toEqual([msg.id, contact.id].sort());

    const after = await h.clean(paths);
    expect(after.summary.unapplied.restores).toBe(0);
    expect(after.summary.run!.accounting.messages).toMatchObject({ quarantined: 1, restored: 1 });
    expect(after.summary.run!.accounting.contacts).toMatchObject({ in: summary.run!.accounting.contacts.in, quarantined: 0, kept: summary.run!.accounting.contacts.kept + 1 });
    const left = await h.call<{ total: number; items: { id: string }[] }>('clean:quarantine', { workId, offset: 0, limit: 100 });
    expect(left.items.map((x) => x.id)).toEqual([messages[1]!.id]);
  });

  it('exports the cleaned contacts as vCard 4.0 and CSV into the folder the user picked, never over a file', async () => {
    const h = host();
    const { workId, summary } = await h.clean(SOURCES);
    const dest = tempDir('pereezd-clean-export-');
    const v = await h.call<{ file: string; contacts: number }>('clean:export', { workId, format: 'vcard', dir: dest });
    expect(path.dirname(v.file)).toBe(dest);
    expect(path.basename(v.file)).toMatch(/^pereezd-contacts-\d{4}-\d{2}-\d{2}\.vcf$/);
    expect(v.contacts).toBe(8);
    const vcf = readFileSync(v.file, 'utf8');
    expect(vcf).toBe(readFileSync(path.join(summary.outDir, 'contacts.vcf'), 'utf8'));
    expect(vcf.match(/^BEGIN:VCARD\r$/gm)).toHaveLength(8);
    expect(vcf).toContain('VERSION:4.0');
    const c = await h.call<{ file: string }>('clean:export', { workId, format: 'csv', dir: dest });
    expect(readFileSync(c.file, 'utf8').startsWith('\uFEFFFirst Name,')).toBe(true);
    // a second export of the same day gets its own name
    const v2 = await h.call<{ file: string }>('clean:export', { workId, format: 'vcard', dir: dest });
    expect(v2.file).not.toBe(v.file);
    expect(readdirSync(dest).sort()).toHaveLength(3);
    // a file or a missing folder is refused with its path
    const file = path.join(dest, 'x.txt');
    writeFileSync(file, 'x');
    expect((await h.fails('clean:export', { workId, format: 'csv', dir: file })).message).toBe(`${file}: not a folder`);
    expect((await h.fails('clean:export', { workId, format: 'csv', dir: path.join(dest, 'nope') })).message).toMatch(/no such folder/);
  });

  it('pages the plan per chat (create or skip, with estimates) and counts the identities', async () => {
    const h = host();
    await h.call('settings:set', { excludedChats: ['tg:77001'] });
    const { workId, summary } = await h.clean(SOURCES);
    const plan = await h.call<{ total: number; items: { chatId: string; action: string; reason: string; messages: number; estimateMs: number; estimateFastMs: number }[] }>(
      'clean:plan', { workId, offset: 0, limit: 10 },
    );
    expect(plan.total).toBe(2);
    const byId = new Map(plan.items.map((c) => [c.chatId, c]));
    // the personal chat (3 messages) is created; the unticked group is skipped, nothing to send
    expect(byId.get('tg:1001')).toMatchObject({ action: 'create', reason: 'new' });
    expect(byId.get('tg:1001')!.estimateMs).toBeGreaterThan(0);
    expect(byId.get('tg:1001')!.estimateFastMs).toBeLessThanOrEqual(byId.get('tg:1001')!.estimateMs);
    expect(byId.get('tg:77001')).toMatchObject({ action: 'skip', reason: 'excluded', estimateMs: 0 });
    expect(summary.run!.plan).toMatchObject({ chats: 2, create: 1, skip: 1, merge: 0, messagesPerSecond: 0.2 });
    expect(summary.run!.plan!.uploadBytesPerSecond).toBeGreaterThan(0);
    const second = await h.call<{ total: number; offset: number; items: unknown[] }>('clean:plan', { workId, offset: 1, limit: 10 });
    expect(second).toMatchObject({ total: 2, offset: 1 });
    expect(second.items).toHaveLength(1);
    // one identity per person: the 9 kept contacts (with the owner) and nobody seen only in the personal chat
    const ids = summary.run!.identities!;
    expect(ids.total).toBe(ids.contacts + ids.participantsOnly);
    expect(ids.contacts).toBe(summary.run!.accounting.contacts.kept);
    expect(ids.withPhone).toBeGreaterThan(0);
  });
});

describe('clean service: real exports read in place', () => {
  const sets: [string, string[]][] = [
    ['Telegram + WhatsApp (ru) + vCard (Android QP)', [
      path.join(real, 'telegram/chat-history-manager__telegram_2023-10_audio-video__result.json'),
      path.join(real, 'whatsapp/whats_json__russian_android.txt'),
      path.join(real, 'vcard/ez-vcard__John_Doe_ANDROID.vcf'),
    ]],
    ['Discord + Messenger + Google CSV', [
      path.join(real, 'discord/chat-analytics__GC_3A_5M.json'),
      path.join(real, 'messenger/chat-analytics__2A_7M.json'),
      path.join(real, 'csv/google_contacts_new_format.csv'),
    ]],
  ];
  for (const [name, paths] of sets) {
    it(`${name}: the run finishes, every count balances, and every group and quarantined entry can be read`, async () => {
      for (const p of paths) expect(existsSync(p), p).toBe(true);
      const h = host();
      const { workId, state, summary } = await h.clean(paths, 'RU', { [paths[1]!]: { timeZone: 'Europe/Moscow' } });
      expect(state.phase, JSON.stringify(state.error)).toBe('done');
      const a = summary.run!.accounting;
      for (const t of [a.contacts, a.participants, a.chats, a.messages]) expect(t.in).toBe(t.kept + t.merged + t.quarantined + t.excluded);
      expect(a.messages.in).toBeGreaterThan(0);
      expect(summary.run!.sources.every((s) => s.format !== null)).toBe(true);
      const g = await h.call<{ total: number; items: CleanGroupView[] }>('clean:groups', { workId, offset: 0, limit: 500 });
      expect(g.total).toBe(summary.run!.groups.total);
      for (const item of g.items) {
        expect(item.members.length).toBeGreaterThanOrEqual(2);
        expect(item.reasons.length).toBeGreaterThan(0);
        expect(item.fields.every((f) => f.values.length === item.members.length)).toBe(true);
      }
      const q = await h.call<{ total: number }>('clean:quarantine', { workId, offset: 0, limit: 500 });
      expect(q.total).toBe(summary.run!.quarantined);
    });
  }
});
