/**
 * The finish area's channels (shared/ipc/finish.ts) through the path both hosts use: the contract's strict
 * request check, then the service (main/engine/dispatch.ts), on a real Clean run of
 * tests/fixtures/clean/three-sources (a Telegram export, a vCard file and a Google CSV). No upload is made
 * here (that needs Synapse: tests/integration/finish-*.test.ts of the engine cover it), so the report must
 * say the messages are not uploaded — never that nothing was lost.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FinishAnnouncementPage, FinishBundleResult, FinishChatsPage, FinishCleanupList, FinishReportOutput, FinishReportView } from '../../shared/ipc/finish.js';
import { HelpdeskStatusSchema, ReportModelSchema, type ChecklistItem, type CleanupRecord, type JobState } from '../../shared/model/index.js';
import { dispatch } from '../../main/engine/dispatch.js';
import { createJobRunner } from '../../main/engine/jobs/job-runner.js';
import { createService, type ServiceDeps } from '../../main/engine/service.js';
import { createFinishService } from '../../main/engine/services/finish.js';
import { createSettingsStore } from '../../main/engine/settings.js';

const root = path.resolve(import.meta.dirname, '../..');
const SET = path.join(root, 'tests/fixtures/clean/three-sources');
const SOURCES = [path.join(SET, 'telegram'), path.join(SET, 'contacts.vcf'), path.join(SET, 'google.csv')];

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
function host(configDir = tempDir('pereezd-finish-svc-'), extra: Partial<ServiceDeps> = {}) {
  const { service, jobs, dispose } = createService({
    host: 'web', send: vi.fn(), version: '0.0.0-test', locale: 'ru-RU', configDir, now: () => (clock += 1000), asOf: () => new Date('2025-05-01T00:00:00Z'), ...extra,
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
  const settle = async (jobId: string) => (await jobs.settled(jobId))!;
  return { call, fails, settle, configDir };
}

/** A finished Clean run of the fixture set: what the report reads. */
async function cleaned(h: ReturnType<typeof host>) {
  const { jobId, workId } = await h.call<{ jobId: string; workId: string }>('clean:start', { paths: SOURCES, region: 'RU' });
  expect((await h.settle(jobId)).phase).toBe('done');
  return workId;
}

async function report(h: ReturnType<typeof host>, lang: 'ru' | 'en', dir: string) {
  const r = await h.call<{ ok: true; jobId: string }>('finish:report', { paths: SOURCES, lang, dir });
  expect(r.ok).toBe(true);
  const state: JobState = await h.settle(r.jobId);
  expect(state.phase, state.error?.message).toBe('done');
  return state.output as unknown as FinishReportOutput;
}

describe('finish service: requests are checked strictly', () => {
  it('refuses unknown keys, relative folders, other languages and empty source sets', async () => {
    const h = host();
    expect((await h.fails('finish:report', { paths: SOURCES, lang: 'ru', dir: 'reports' })).message).toContain('absolute');
    expect((await h.fails('finish:report', { paths: SOURCES, lang: 'de', dir: '/tmp' })).code).toBe('invalid-request');
    expect((await h.fails('finish:report', { paths: SOURCES, lang: 'ru', dir: '/tmp', format: 'pdf' })).code).toBe('invalid-request');
    expect((await h.fails('finish:checklist', { paths: [] })).code).toBe('invalid-request');
    expect((await h.fails('finish:tick', { paths: SOURCES, item: '', done: true })).code).toBe('invalid-request');
    expect((await h.fails('finish:cleanup', { paths: SOURCES, ids: [] })).code).toBe('invalid-request');
    expect((await h.fails('finish:support-bundle', { dest: 'here' })).code).toBe('invalid-request');
    expect((await h.fails('finish:report-chats', { paths: SOURCES, offset: 0, limit: 501, only: 'all' })).code).toBe('invalid-request');
  });
});

describe('finish service: report, checklist, announcement, clean-up, support bundle, status', () => {
  it('makes the report of a cleaned set, shows it page by page, and says what is not accounted for', async () => {
    const h = host();
    const workId = await cleaned(h);
    const out = tempDir('pereezd-finish-out-');

    expect(await h.call('finish:report-view', { paths: SOURCES })).toBeNull();
    expect(await h.call('finish:report', { paths: SOURCES, lang: 'ru', dir: path.join(out, 'missing') })).toEqual({ ok: false, reason: 'dest-missing', path: path.join(out, 'missing') });

    const written = await report(h, 'ru', out);
    expect(path.dirname(written.html)).toBe(out);
    expect(written.html).toMatch(/\.ru\.html$/);
    const html = readFileSync(written.html, 'utf8');
    expect(html).toContain('<html lang="ru">');
    expect(html).not.toMatch(/<script/i);
    const model = ReportModelSchema.parse(JSON.parse(readFileSync(written.json, 'utf8')));
    expect(model.workId).toBe(workId);
    expect(model.sources.map((s) => s.path)).toEqual(SOURCES);
    expect(model.sources.every((s) => s.digest && /^[0-9a-f]{64}$/.test(s.digest))).toBe(true);
    expect(statSync(written.html).mode & 0o077).toBe(0);

    const view = (await h.call<FinishReportView>('finish:report-view', { paths: [...SOURCES].reverse() }))!;
    expect(view).toMatchObject({ html: written.html, json: written.json, lang: 'ru', nothingLost: false, generatedAt: model.generatedAt });
    expect(view.nothingLost).toBe(written.nothingLost);
    // Nothing was uploaded: the report names it, and does not claim that nothing was lost.
    expect(view.discrepancies.length).toBe(written.discrepancies);
    expect(view.discrepancies.length).toBeGreaterThan(0);
    expect(view.totals.messages).toEqual(model.totals.messages);
    const m = view.totals.messages!;
    expect(m.in).toBe(m.kept + m.merged + m.quarantined + m.excluded);
    expect(view.chats.total).toBe(model.chats.length);

    const all = await h.call<FinishChatsPage>('finish:report-chats', { paths: SOURCES, offset: 0, limit: 500, only: 'all' });
    expect(all.total).toBe(model.chats.length);
    expect(all.items.map((c) => c.id)).toEqual(model.chats.map((c) => c.id));
    const second = await h.call<FinishChatsPage>('finish:report-chats', { paths: SOURCES, offset: 1, limit: 1, only: 'all' });
    expect(second.items.map((c) => c.id)).toEqual(model.chats.slice(1, 2).map((c) => c.id));
    const problems = await h.call<FinishChatsPage>('finish:report-chats', { paths: SOURCES, offset: 0, limit: 500, only: 'problems' });
    expect(problems.total).toBe(view.chats.withProblems);
    const named = new Set(model.discrepancies.map((d) => d.chatId));
    for (const c of problems.items) expect(!c.balanced || named.has(c.id) || (c.target === null && c.messages.kept > 0)).toBe(true);
    // nothing was uploaded: every chat with kept messages needs attention, and one discrepancy says why
    expect(problems.items.map((c) => c.id).sort()).toEqual(model.chats.filter((c) => c.messages.kept > 0).map((c) => c.id).sort());
    expect(model.discrepancies).toContainEqual(expect.objectContaining({ code: 'not-uploaded', chatId: null, severity: 'loss' }));

    // A second report in English replaces the last one; the view follows it.
    const en = await report(h, 'en', out);
    expect(en.html).toMatch(/\.en\.html$/);
    expect(readFileSync(en.html, 'utf8')).toContain('<html lang="en">');
    expect((await h.call<FinishReportView>('finish:report-view', { paths: SOURCES }))!.lang).toBe('en');
  });

  it('keeps checklist ticks across a restart, and refuses items that do not exist', async () => {
    const h = host();
    await cleaned(h);
    const before = await h.call<{ items: ChecklistItem[] }>('finish:checklist', { paths: SOURCES });
    // Without a report only the general items are known.
    expect(before.items.every((i) => i.network === 'all')).toBe(true);
    await report(h, 'en', tempDir('pereezd-finish-out-'));
    const { items } = await h.call<{ items: ChecklistItem[] }>('finish:checklist', { paths: SOURCES });
    expect(items.some((i) => i.id === 'telegram:sessions')).toBe(true);
    expect(items.some((i) => i.id === 'contacts:import')).toBe(true);
    expect(items.find((i) => i.id === 'telegram:export')).toMatchObject({ auto: true, done: true });
    expect(items.find((i) => i.id === 'telegram:sessions')).toMatchObject({ done: false });

    const ticked = await h.call<{ items: ChecklistItem[] }>('finish:tick', { paths: SOURCES, item: 'telegram:sessions', done: true });
    expect(ticked.items.find((i) => i.id === 'telegram:sessions')).toMatchObject({ done: true });
    expect(ticked.items.find((i) => i.id === 'telegram:sessions')!.doneAt).toMatch(/^\d{4}-/);

    const again = host(h.configDir);
    const after = await again.call<{ items: ChecklistItem[] }>('finish:checklist', { paths: SOURCES });
    expect(after.items.find((i) => i.id === 'telegram:sessions')).toMatchObject({ done: true });
    expect((await again.fails('finish:tick', { paths: SOURCES, item: 'whatsapp:delete', done: true })).message).toContain('whatsapp:delete');
  });

  it('writes one announcement per group and per person, in both languages, as plain text', async () => {
    const h = host();
    await cleaned(h);
    expect(await h.call<FinishAnnouncementPage>('finish:announcement', { paths: SOURCES, offset: 0, limit: 50 })).toEqual({ total: 0, offset: 0, address: null, items: [] });
    const out = await report(h, 'en', tempDir('pereezd-finish-out-'));
    const model = ReportModelSchema.parse(JSON.parse(readFileSync(out.json, 'utf8')));
    const page = await h.call<FinishAnnouncementPage>('finish:announcement', { paths: SOURCES, offset: 0, limit: 50 });
    const expected = model.chats.filter((c) => c.type !== 'saved' && c.type !== 'bot' && (c.messages.kept > 0 || c.target !== null));
    expect(page.total).toBe(expected.length);
    expect(page.total).toBeGreaterThan(0);
    expect(page.address).toBeNull(); // not signed in to the new service in this test
    for (const a of page.items) {
      expect(a.ru).toMatch(/[а-яё]/i);
      expect(a.en).toMatch(/moving to/);
      if (a.kind === 'group') expect(a.en).toContain(a.title);
    }
    const tail = await h.call<FinishAnnouncementPage>('finish:announcement', { paths: SOURCES, offset: 1, limit: 1 });
    expect(tail.items.map((a) => a.chatId)).toEqual(page.items.slice(1, 2).map((a) => a.chatId));
  });

  it('lists the working folder of the set, removes only what it listed, and finds no plaintext afterwards', async () => {
    const h = host();
    const workId = await cleaned(h);
    const work = path.join(h.configDir, 'clean', workId);
    const list = await h.call<FinishCleanupList>('finish:cleanup-list', { paths: SOURCES });
    const entry = list.entries.find((e) => e.path === work);
    expect(entry).toMatchObject({ kind: 'clean-work' });
    expect(entry!.bytes).toBeGreaterThan(0);
    expect(list.bytes).toBe(list.entries.reduce((n, e) => n + e.bytes, 0));
    expect(list.last).toBeNull();
    // Never the user's exports.
    for (const s of SOURCES) expect(list.entries.some((e) => path.resolve(e.path) === path.resolve(s))).toBe(false);

    expect(await h.call('finish:cleanup', { paths: SOURCES, ids: [SOURCES[0]] })).toEqual({ ok: false, reason: 'not-listed', path: SOURCES[0] });
    expect(existsSync(SOURCES[0]!)).toBe(true);

    const r = await h.call<{ ok: true; record: CleanupRecord }>('finish:cleanup', { paths: SOURCES, ids: [work] });
    expect(r.ok).toBe(true);
    expect(r.record.removed.map((e) => e.path)).toEqual([work]);
    expect(r.record.failed).toEqual([]);
    expect(r.record.scan?.hits).toEqual([]);
    expect(existsSync(work)).toBe(false);
    for (const s of SOURCES) expect(existsSync(s)).toBe(true);
    const after = await h.call<FinishCleanupList>('finish:cleanup-list', { paths: SOURCES });
    expect(after.entries.some((e) => e.path === work)).toBe(false);
    expect(after.last?.removed.map((e) => e.path)).toEqual([work]);
  });

  it('writes a support bundle without the phone numbers and e-mails of the exports, and gives the helpdesk line', async () => {
    const h = host();
    await cleaned(h);
    const dest = tempDir('pereezd-finish-bundle-');
    expect(await h.call('finish:support-bundle', { dest: path.join(dest, 'nope') })).toEqual({ ok: false, reason: 'dest-missing', path: path.join(dest, 'nope') });
    const r = await h.call<{ ok: true; bundle: FinishBundleResult }>('finish:support-bundle', { dest, paths: SOURCES });
    expect(path.dirname(r.bundle.file)).toBe(dest);
    expect(statSync(r.bundle.file).size).toBe(r.bundle.bytes);
    const text = readFileSync(r.bundle.file).toString('latin1');
    for (const planted of ['903 111-22-33', '+79031112233', 'olga@example.com', 'Ivan.Petrov@Example.RU', 'ivan.petrov@example.ru']) expect(text).not.toContain(planted);

    const status = HelpdeskStatusSchema.parse(await h.call('finish:status', { paths: SOURCES }));
    expect(status.steps.map((s) => s.step)).toEqual(['sources', 'inventory', 'clean', 'backup', 'connect', 'pilot', 'upload', 'verify']);
    // The fixture leaves merge groups to decide, so Clean asks for attention (it ran, and it balances).
    const clean = status.steps.find((s) => s.step === 'clean')!;
    expect(clean.state).toBe('attention');
    expect(clean.detail).toMatch(/merge group\(s\) to decide/);
    expect(clean.detail).not.toContain('does NOT balance');
    expect(status.line.en.length).toBeGreaterThan(0);
    expect(status.line.ru).toMatch(/[а-яё]/i);
    // The Russian line carries the facts in Russian too (an agent reads it over a Russian user's shoulder).
    expect(clean.detailRu).toMatch(/групп ждут решения: \d+/);
    expect(status.line.ru).toContain(clean.detailRu);
    expect(status.line.ru).not.toMatch(/merge group|quarantined|no backup made|nothing uploaded/);
    HelpdeskStatusSchema.parse(await h.call('finish:status', {}));
  });

  it('opens only report files it wrote, with the system opener', async () => {
    const h = host();
    await cleaned(h);
    const out = await report(h, 'en', tempDir('pereezd-finish-out-'));
    const stranger = path.join(tempDir('pereezd-finish-x-'), 'evil.html');
    expect(await h.call('finish:open-report', { file: stranger })).toMatchObject({ ok: false, reason: 'unknown-file' });

    const opened: string[] = [];
    const settings = createSettingsStore(h.configDir);
    const jobs = createJobRunner({ send: vi.fn() });
    disposers.push(() => jobs.dispose());
    const svc = createFinishService(
      { deps: { host: 'web', send: vi.fn(), version: '0.0.0-test' }, jobs, settings, configDir: h.configDir },
      { openFile: async (f) => void opened.push(f) },
    );
    expect(await svc['finish:open-report']({ file: out.html })).toEqual({ ok: true });
    expect(opened).toEqual([out.html]);
    expect(await svc['finish:open-report']({ file: stranger })).toMatchObject({ ok: false, reason: 'unknown-file' });
    rmSync(out.html);
    expect(await svc['finish:open-report']({ file: out.html })).toMatchObject({ ok: false, reason: 'missing' });
    expect(opened).toEqual([out.html]);

    const failing = createFinishService(
      { deps: { host: 'web', send: vi.fn(), version: '0.0.0-test' }, jobs, settings, configDir: h.configDir },
      { openFile: async () => Promise.reject(new Error('xdg-open: not found')) },
    );
    expect(await failing['finish:open-report']({ file: out.json })).toEqual({ ok: false, reason: 'no-opener', message: 'xdg-open: not found' });
  });
});

describe('finish service: PDF where the host can print', () => {
  it('writes the PDF beside the HTML through the host printer, lists it, and opens it; the browser host writes none', async () => {
    const printed: string[] = [];
    const h = host(undefined, {
      printToPdf: async (html, o) => {
        printed.push(html);
        expect(o).toEqual({ pageSize: 'A4', printBackground: true, landscape: false });
        return new Uint8Array(Buffer.from('%PDF-1.7 fake'));
      },
    });
    await cleaned(h);
    const out = await report(h, 'ru', tempDir('pereezd-finish-pdf-'));
    expect(out.pdf).toBe(out.html.replace(/\.html$/, '.pdf'));
    expect(readFileSync(out.pdf!, 'utf8')).toBe('%PDF-1.7 fake');
    expect(statSync(out.pdf!).mode & 0o077).toBe(0);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('<html lang="ru">');
    expect(printed[0]).not.toMatch(/<script/i);
    const view = (await h.call<FinishReportView>('finish:report-view', { paths: SOURCES }))!;
    expect(view.pdf).toBe(out.pdf);

    // a printer that returns something else is an error, not a broken file
    const bad = host(undefined, { printToPdf: async () => new Uint8Array(Buffer.from('<html>')) });
    await cleaned(bad);
    const r = await bad.call<{ ok: true; jobId: string }>('finish:report', { paths: SOURCES, lang: 'en', dir: tempDir('pereezd-finish-pdf-') });
    const failed = await bad.settle(r.jobId);
    expect(failed.phase).toBe('failed');
    expect(failed.error?.message).toContain('did not return a PDF');

    const web = host();
    await cleaned(web);
    expect((await report(web, 'en', tempDir('pereezd-finish-pdf-'))).pdf).toBeNull();
  });
});
