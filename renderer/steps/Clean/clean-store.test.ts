import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CleanGroupView, CleanSummary } from '../../../shared/ipc/clean.js';
import { RemoteCallError } from '../../../shared/api.js';
import { useJobStore } from '../../stores/job-store.js';
import { useWizardStore } from '../../stores/wizard-store.js';
import { balances, hasUnapplied, setKeyOf, useCleanStore } from './clean-store.js';

// The verbs reach the app core only through api-client.ts: stand it in for the tests.
const api = vi.hoisted(() => ({ cleanCall: vi.fn(), pickFolder: vi.fn(), refreshJob: vi.fn() }));
vi.mock('../../api-client.js', async () => {
  const { RemoteCallError: RCE } = await import('../../../shared/api.js');
  return {
    cleanCall: api.cleanCall,
    pickFolder: api.pickFolder,
    refreshJob: api.refreshJob,
    toUiError: (err: unknown) => (err instanceof RCE ? { code: err.code, message: err.message } : { code: 'failed', message: String(err) }),
  };
});
const actions = await import('./clean-actions.js');

beforeEach(() => {
  api.cleanCall.mockReset();
  api.pickFolder.mockReset();
  api.refreshJob.mockReset();
});
afterEach(() => {
  useCleanStore.setState(useCleanStore.getInitialState(), true);
  useWizardStore.setState(useWizardStore.getInitialState(), true);
  useJobStore.setState(useJobStore.getInitialState(), true);
});

const summary = (over: Partial<CleanSummary> = {}): CleanSummary => ({
  workId: '0123456789abcdef',
  outDir: '/home/u/.config/pereezd/clean/0123456789abcdef',
  run: null,
  runningJobId: null,
  unapplied: { decisions: 0, restores: 0 },
  excludedChanged: false,
  undo: null,
  ...over,
});
const group = (id: string, over: Partial<CleanGroupView> = {}): CleanGroupView => ({
  id, strength: 'weak', status: 'pending', decision: 'proposed', by: 'auto', applied: true, reasons: [], members: [], fields: [], name: 'Иван Петров',
  merged: { name: 'Иван Петров', org: null, phones: [], emails: [] }, ...over,
});

describe('clean store', () => {
  it('a summary of another source set starts the view over; of the same set it keeps the user’s filter and search', () => {
    const s = useCleanStore.getState();
    s.setSummary('a', summary({ runningJobId: '5e3f7a2c-0000-4000-8000-000000000001' }));
    expect(useCleanStore.getState()).toMatchObject({ setKey: 'a', jobId: '5e3f7a2c-0000-4000-8000-000000000001', version: 1 });
    s.setFilter('review');
    s.setQuery('Иван');
    s.select(group('g-0000000000000001'));
    s.exported({ file: '/x.vcf', format: 'vcard', contacts: 3 });
    s.setSummary('a', summary({ unapplied: { decisions: 1, restores: 0 } }));
    expect(useCleanStore.getState()).toMatchObject({ filter: 'review', query: 'Иван', jobId: '5e3f7a2c-0000-4000-8000-000000000001', version: 1 });
    expect(useCleanStore.getState().selected?.id).toBe('g-0000000000000001');
    s.setSummary('b', summary());
    expect(useCleanStore.getState()).toMatchObject({ setKey: 'b', filter: 'all', query: '', selected: null, lastExport: null, jobId: null, version: 2 });
  });

  it('a changed group replaces the one shown only when it is that group, and the lists fetch again', () => {
    const s = useCleanStore.getState();
    s.select(group('g-0000000000000001'));
    s.groupChanged(group('g-0000000000000002', { decision: 'accept' }));
    expect(useCleanStore.getState().selected?.decision).toBe('proposed');
    s.groupChanged(group('g-0000000000000001', { decision: 'reject', by: 'user' }));
    expect(useCleanStore.getState().selected).toMatchObject({ decision: 'reject', by: 'user' });
    expect(useCleanStore.getState().version).toBe(2);
  });

  it('knows a source set by its paths in any order, what is unapplied, and whether a tally balances', () => {
    expect(setKeyOf(['/b', '/a'])).toBe(setKeyOf(['/a', '/b']));
    expect(hasUnapplied(null)).toBe(false);
    expect(hasUnapplied(summary())).toBe(false);
    expect(hasUnapplied(summary({ unapplied: { decisions: 0, restores: 2 } }))).toBe(true);
    expect(balances({ in: 15, kept: 9, merged: 5, quarantined: 1, excluded: 0 })).toBe(true);
    expect(balances({ in: 15, kept: 9, merged: 5, quarantined: 0, excluded: 0 })).toBe(false);
  });

  it('keeps the region choice in the wizard store (undefined until the user chooses; null is "none")', () => {
    expect(useWizardStore.getState().cleanRegion).toBeUndefined();
    useWizardStore.getState().setCleanRegion('RU');
    expect(useWizardStore.getState().cleanRegion).toBe('RU');
    useWizardStore.getState().setCleanRegion(null);
    expect(useWizardStore.getState().cleanRegion).toBeNull();
  });
});

describe('clean actions', () => {
  const sources = { paths: ['/exports/telegram', '/exports/contacts.vcf'] };

  it('loads the summary, remembers the cleaned folder for the next steps, and resyncs a run still going', async () => {
    api.cleanCall.mockResolvedValueOnce(summary({ run: {} as CleanSummary['run'], runningJobId: '5e3f7a2c-0000-4000-8000-000000000002' }));
    await actions.loadSummary(sources);
    expect(api.cleanCall).toHaveBeenCalledWith('clean:summary', sources);
    expect(useCleanStore.getState().setKey).toBe(setKeyOf(sources.paths));
    expect(useWizardStore.getState().cleanOutDir).toBe('/home/u/.config/pereezd/clean/0123456789abcdef');
    expect(api.refreshJob).toHaveBeenCalledWith('5e3f7a2c-0000-4000-8000-000000000002');
  });

  it('starts a run with the region and watches its job', async () => {
    api.cleanCall.mockResolvedValueOnce({ jobId: '5e3f7a2c-0000-4000-8000-000000000003', workId: '0123456789abcdef', outDir: '/o' });
    await actions.startClean(sources, 'RU');
    expect(api.cleanCall).toHaveBeenCalledWith('clean:start', { ...sources, region: 'RU' });
    expect(useCleanStore.getState()).toMatchObject({ jobId: '5e3f7a2c-0000-4000-8000-000000000003', busy: null });
    expect(api.refreshJob).toHaveBeenCalledWith('5e3f7a2c-0000-4000-8000-000000000003');
  });

  it('a decision updates the summary and the group shown; a refused one is shown as a banner, nothing changed', async () => {
    useCleanStore.getState().setSummary('k', summary());
    useCleanStore.getState().select(group('g-0000000000000001'));
    api.cleanCall.mockResolvedValueOnce({ group: group('g-0000000000000001', { decision: 'edit', by: 'user', applied: false, name: 'Иван С. Петров' }), summary: summary({ unapplied: { decisions: 1, restores: 0 } }) });
    expect(await actions.decide('edit', 'g-0000000000000001', { name: 'Иван С. Петров' })).toBe(true);
    expect(api.cleanCall).toHaveBeenLastCalledWith('clean:decide', { workId: '0123456789abcdef', groupId: 'g-0000000000000001', decision: 'edit', edited: { name: 'Иван С. Петров' } });
    expect(useCleanStore.getState().selected).toMatchObject({ decision: 'edit', name: 'Иван С. Петров' });
    expect(useCleanStore.getState().summary?.unapplied.decisions).toBe(1);

    api.cleanCall.mockRejectedValueOnce(new RemoteCallError({ code: 'failed', message: 'a clean run of these sources is in progress' }));
    expect(await actions.decide('reject', 'g-0000000000000001')).toBe(false);
    expect(useCleanStore.getState().selected?.decision).toBe('edit');
    expect(useWizardStore.getState().banners).toEqual([
      expect.objectContaining({ kind: 'error', key: 'clean.error.decide', code: 'failed', detail: 'a clean run of these sources is in progress' }),
    ]);
    expect(useCleanStore.getState().busy).toBeNull();
  });

  it('undo shows the group taken back; restore and export report what they did', async () => {
    useCleanStore.getState().setSummary('k', summary());
    useCleanStore.getState().select(group('g-0000000000000001', { decision: 'accept', by: 'user' }));
    api.cleanCall.mockResolvedValueOnce({ groupId: 'g-0000000000000001', group: group('g-0000000000000001'), summary: summary() });
    await actions.undoLast();
    expect(useCleanStore.getState().selected).toMatchObject({ decision: 'proposed', by: 'auto' });

    api.cleanCall.mockResolvedValueOnce({ requested: 1, summary: summary({ unapplied: { decisions: 0, restores: 1 } }) });
    await actions.restore(['q-0000000000000001']);
    expect(api.cleanCall).toHaveBeenLastCalledWith('clean:restore', { workId: '0123456789abcdef', ids: ['q-0000000000000001'] });
    expect(useCleanStore.getState().summary?.unapplied.restores).toBe(1);

    api.cleanCall.mockResolvedValueOnce({ file: '/home/u/out/pereezd-contacts-2025-05-01.csv', contacts: 8 });
    await actions.exportContacts('csv', '/home/u/out');
    expect(useCleanStore.getState().lastExport).toEqual({ file: '/home/u/out/pereezd-contacts-2025-05-01.csv', format: 'csv', contacts: 8 });
    api.cleanCall.mockRejectedValueOnce(new RemoteCallError({ code: 'failed', message: '/home/u/x.txt: not a folder' }));
    await actions.exportContacts('vcard', '/home/u/x.txt');
    expect(useCleanStore.getState().lastExport).toBeNull();
    expect(useWizardStore.getState().banners.at(-1)).toMatchObject({ key: 'clean.error.export', detail: '/home/u/x.txt: not a folder' });
  });

  it('the native folder dialog: the folder, or null when cancelled or when it failed (and then says so)', async () => {
    api.pickFolder.mockResolvedValueOnce('/home/u/out');
    expect(await actions.chooseFolder()).toBe('/home/u/out');
    api.pickFolder.mockResolvedValueOnce(null);
    expect(await actions.chooseFolder()).toBeNull();
    api.pickFolder.mockRejectedValueOnce(new RemoteCallError({ code: 'unsupported', message: 'no dialog' }));
    expect(await actions.chooseFolder()).toBeNull();
    expect(useWizardStore.getState().banners.at(-1)).toMatchObject({ key: 'clean.error.pick', code: 'unsupported' });
  });
});
