/** Handlers for the channels in shared/ipc/clean.ts. */
import { constants } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { getCountries, type CountryCode } from 'libphonenumber-js';
import type { CleanRunInfo, CleanSummary, cleanInvoke } from '../../../shared/ipc/clean.js';
import type { IdentitySummary, JobProgress, Plan, SourceOptions } from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';
import { runClean, type CleanResult } from '../clean/clean.js';
import { recordClean } from '../finish/hooks.js';
import { identityMapPath } from '../clean/identity-map.js';
import type { MergeEntry } from '../clean/merge-log.js';
import { defaultRegion, isRegion } from '../clean/phone.js';
import type { IProgress } from '../progress.js';
import { engineEdit, planRows, planTotals, seedDecisions, Work, workIdOf, type RunRecord } from './clean-work.js';
import type { AreaContext, AreaService } from './types.js';

/** A request that cannot be carried out as asked; shown to the user with its message. */
export class CleanError extends Error {}

/**
 * The wizard sends answers per source; the engine applies one set of options to every source. An
 * answer settles only what a file leaves open (a date order is used where the dates allow both), so
 * the answers can be combined — unless two sources were answered differently.
 */
export function combineOptions(options: Record<string, SourceOptions> | undefined): SourceOptions {
  const out: SourceOptions = {};
  for (const [p, o] of Object.entries(options ?? {})) {
    for (const k of ['dateOrder', 'timeZone'] as const) {
      const v = o[k];
      if (v === undefined) continue;
      if (out[k] !== undefined && out[k] !== v) {
        throw new CleanError(
          `${p}: its ${k === 'dateOrder' ? 'date order' : 'time zone'} (${v}) differs from another source's (${out[k]}); clean these sources in separate runs, or give them the same answer`,
        );
      }
      (out as Record<string, string>)[k] = v;
    }
  }
  return out;
}

/**
 * One progress scale for the whole run (per mille), so the ETA holds across its phases: reading the
 * exports (bytes, 0–600), sorting messages into one timeline (600–780), merging overlapping exports
 * (780–880), contacts (880), then identities and the plan per chat (920–1000, one more pass over the
 * timeline). `current` names the phase; counters carry the detail.
 */
export const PHASES = ['read', 'sort', 'merge', 'contacts', 'plan'] as const;
export function cleanProgress(out: IProgress<JobProgress>): IProgress<JobProgress> {
  const perSource = new Map<string, Record<string, number>>();
  let lines = 0;
  let phase = 0;
  return {
    report(p) {
      const counters: Record<string, number> = {};
      let done: number;
      if (p.unit === 'bytes') {
        if (p.current && p.counters) perSource.set(p.current, p.counters);
        for (const c of perSource.values()) for (const [k, v] of Object.entries(c)) counters[k] = (counters[k] ?? 0) + v;
        lines = (counters.messages ?? 0) + (counters.events ?? 0);
        phase = 0;
        done = p.total ? Math.min(600, Math.floor((p.done / p.total) * 600)) : 0;
        counters.bytesDone = p.done;
        if (p.total !== null) counters.bytesTotal = p.total;
      } else {
        const what = p.current ?? '';
        const next = what.includes('(merge)') ? 2 : what.startsWith('messages') ? 1 : what === 'contacts' ? 3 : what === 'identities' || what === 'plan' ? 4 : phase;
        phase = Math.max(phase, next);
        const frac = lines > 0 ? Math.min(1, p.done / lines) : 0;
        done = [0, 600 + Math.floor(frac * 180), 780 + Math.floor(frac * 100), 880, 920 + Math.floor(frac * 80)][phase]!;
        counters.phaseDone = p.done;
        counters.lines = lines;
      }
      counters.phase = phase;
      out.report({ done, total: 1000, unit: 'items', current: PHASES[phase], counters });
    },
  };
}

/** The record of a finished run (run.json), built from the engine's result. */
export function runInfoOf(
  r: CleanResult,
  finishedAt: string,
  quarantine: { total: number; restorable: number },
  seeded: number,
  plan: Plan | null,
): CleanRunInfo {
  const a = r.accounting;
  const g = r.groups;
  const id = r.identities as IdentitySummary | undefined;
  return {
    finishedAt,
    region: r.region,
    accounting: { contacts: a.contacts, participants: a.participants, chats: a.chats, messages: { ...strip(a.messages), restored: a.messages.restored }, problems: a.problems },
    groups: { total: g.total, strong: g.strong, weak: g.weak, merged: g.merged, rejected: g.rejected, pending: g.pending, reProposed: g.reProposed, stale: g.stale },
    exported: r.exported,
    quarantined: quarantine.total,
    restorable: quarantine.restorable,
    excludedChats: a.chats.excluded,
    seededDecisions: seeded,
    sources: (r.sources ?? []).map((s) => ({
      path: s.path, format: s.format, contacts: s.contacts, chats: s.chats, messages: s.messages + s.events, problems: s.problems.length,
    })),
    plan: planTotals(plan),
    identities: id
      ? {
          total: id.total, contacts: id.contacts, participantsOnly: id.participantsOnly, withPhone: id.withPhone, withEmail: id.withEmail,
          withUserId: id.withUserId, withHandle: id.withHandle, nameOnly: id.nameOnly, mapped: id.mapped,
          sendersResolved: id.senders.resolved, sendersUnresolved: id.senders.unresolved,
        }
      : null,
  };
}

const strip = (t: { in: number; kept: number; merged: number; quarantined: number; excluded: number }) => ({
  in: t.in, kept: t.kept, merged: t.merged, quarantined: t.quarantined, excluded: t.excluded,
});

export function createCleanService(ctx: AreaContext): AreaService<keyof typeof cleanInvoke> {
  const root = path.join(ctx.configDir, 'clean');
  const works = new Map<string, Work>();
  const now = () => new Date(ctx.deps.now?.() ?? Date.now());
  const work = (workId: string): Work => {
    let w = works.get(workId);
    if (!w) works.set(workId, (w = new Work(root, workId)));
    return w;
  };
  /** A set that has run (or is running): anything else is an unknown id. */
  const known = async (workId: string): Promise<Work> => {
    const w = work(workId);
    if (!w.runningJobId && !(await w.record())) throw new CleanError(`no clean run for ${workId}: run the Clean step first`);
    return w;
  };
  const summaryOf = async (w: Work) => w.summary((await ctx.settings.get()).excludedChats);
  const idle = (w: Work) => {
    if (w.runningJobId) throw new CleanError('a clean run of these sources is in progress; wait for it to finish (or cancel it) first');
  };

  return {
    async 'clean:regions'() {
      const locale = ctx.deps.locale ?? Intl.DateTimeFormat().resolvedOptions().locale;
      return { regions: [...getCountries()].sort(), defaultRegion: defaultRegion({}, locale) ?? null };
    },

    async 'clean:summary'({ paths }) {
      return summaryOf(work(workIdOf(paths)));
    },

    async 'clean:start'({ paths, options, region }) {
      if (region !== null && !isRegion(region)) throw new CleanError(`unknown region ${region} (use a two-letter code such as RU, DE, US)`);
      const sourceOptions = combineOptions(options);
      const w = work(workIdOf(paths));
      return w.serial(async () => {
        if (w.runningJobId) return { jobId: w.runningJobId, workId: w.workId, outDir: w.dir };
        await w.ensureDir();
        const excludeChats = (await ctx.settings.get()).excludedChats;
        const first = !(await w.record());
        const seed = first ? await seedDecisions(root, w.workId, paths) : null;
        const asOf = ctx.deps.asOf?.();
        const jobId = ctx.jobs.run('clean', async (job) => {
          const result = await runClean(
            {
              paths, outDir: w.dir, options: sourceOptions, region: region as CountryCode | null, excludeChats,
              identityMap: identityMapPath(ctx.configDir),
              ...(seed ? { decisions: seed } : {}), ...(asOf ? { asOf } : {}), now,
            },
            { progress: cleanProgress(job.progress) },
            job.signal,
          );
          // Read what the page shows first (groups with their decisions, quarantine) while the job still shows progress.
          await w.views();
          const q = await w.loadQuarantine();
          const info = runInfoOf(
            result, now().toISOString(), { total: q.items.length, restorable: q.items.filter((x) => x.restorable).length },
            seed ? seed.merges.length + seed.restores.length : 0, await w.plan(),
          );
          const rec: RunRecord = { version: 1, paths, excludedChats: [...excludeChats].sort(), run: info };
          await writeFileAtomic(w.files.run, `${JSON.stringify(rec, null, 1)}\n`, 0o600);
          await recordClean(ctx.configDir, w.workId, result);
          const a = info.accounting;
          return {
            workId: w.workId, outDir: w.dir, contacts: a.contacts.kept, messages: a.messages.kept, groups: info.groups.total,
            pending: info.groups.pending + info.groups.reProposed, quarantined: info.quarantined,
          };
        });
        w.runningJobId = jobId;
        void ctx.jobs.settled(jobId).then(() => {
          if (w.runningJobId === jobId) w.runningJobId = null;
        });
        return { jobId, workId: w.workId, outDir: w.dir };
      });
    },

    async 'clean:groups'({ workId, offset, limit, filter, query }) {
      const w = await known(workId);
      return w.page(filter, query, offset, limit);
    },

    async 'clean:decide'({ workId, groupId, decision, edited }) {
      const w = await known(workId);
      return w.serial(async () => {
        idle(w);
        const { groups, views } = await w.views();
        const line = groups.byId.get(groupId);
        if (!line) throw new CleanError(`no group ${groupId} in the last run (it may have changed: run the step again)`);
        const entry: MergeEntry = {
          group: groupId, members: line.members.map((m) => m.key), decision, by: 'user',
          ...(decision === 'edit' && edited ? { edited: engineEdit(edited, views.find((v) => v.id === groupId)!.name) } : {}),
          at: now().toISOString(),
        };
        await w.append([entry]);
        const after = await w.views();
        return { group: after.views.find((v) => v.id === groupId)!, summary: await summaryOf(w) };
      });
    },

    async 'clean:undo'({ workId }) {
      const w = await known(workId);
      return w.serial(async () => {
        idle(w);
        const stack = await w.undoStack();
        const top = stack[stack.length - 1];
        if (!top) return { groupId: null, group: null, summary: await summaryOf(w) };
        // Back to the decision before it (the user's earlier one, else Pereezd's proposal).
        let before: MergeEntry | undefined;
        for (let i = stack.length - 2; i >= 0; i--) {
          if (stack[i]!.group === top.group) {
            before = stack[i];
            break;
          }
        }
        const entry: MergeEntry = {
          group: top.group, ...(top.members ? { members: top.members } : {}), decision: before?.decision ?? 'proposed', by: 'user',
          ...(before?.edited ? { edited: before.edited } : {}), undoes: top.decision, at: now().toISOString(),
        };
        await w.append([entry]);
        const { views } = await w.views();
        return { groupId: top.group, group: views.find((v) => v.id === top.group) ?? null, summary: await summaryOf(w) };
      });
    },

    async 'clean:quarantine'({ workId, offset, limit }) {
      const w = await known(workId);
      return w.quarantinePage(offset, limit);
    },

    async 'clean:restore'({ workId, ids }) {
      const w = await known(workId);
      return w.serial(async () => {
        idle(w);
        const q = await w.loadQuarantine();
        const byId = new Map(q.items.map((x) => [x.id, x]));
        const unknown = ids.filter((id) => !byId.has(id));
        if (unknown.length) throw new CleanError(`not in the quarantine of the last run: ${unknown.slice(0, 5).join(', ')}`);
        const locked = ids.filter((id) => !byId.get(id)!.restorable);
        if (locked.length) throw new CleanError(`cannot be put back (the entry could not be read at all): ${locked.slice(0, 5).join(', ')}`);
        const journal = await w.loadJournal();
        const already = new Set(journal.restores.map((r) => r.restore));
        const fresh = [...new Set(ids)].filter((id) => !already.has(id));
        const at = now().toISOString();
        if (fresh.length) await w.append(fresh.map((id) => ({ restore: id, by: 'user' as const, at })));
        return { requested: fresh.length, summary: await summaryOf(w) };
      });
    },

    async 'clean:export'({ workId, format, dir }) {
      const w = await known(workId);
      const rec = await w.record();
      if (!rec) throw new CleanError('the clean run has not finished yet');
      const summary: CleanSummary = await summaryOf(w);
      const { decisions, restores } = summary.unapplied;
      if (decisions + restores > 0) {
        throw new CleanError(`${decisions} decision(s) and ${restores} restore(s) are not applied yet: run the step again first, so the exported file has them`);
      }
      const target = path.resolve(dir);
      const st = await stat(target).catch(() => null);
      if (!st) throw new CleanError(`${target}: no such folder`);
      if (!st.isDirectory()) throw new CleanError(`${target}: not a folder`);
      const ext = format === 'vcard' ? 'vcf' : 'csv';
      const from = path.join(w.dir, format === 'vcard' ? 'contacts.vcf' : 'contacts.csv');
      const day = now().toISOString().slice(0, 10);
      for (let n = 1; n < 1000; n++) {
        const file = path.join(target, `pereezd-contacts-${day}${n > 1 ? `-${n}` : ''}.${ext}`);
        try {
          await copyFile(from, file, constants.COPYFILE_EXCL);
          return { file, contacts: rec.run.exported };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
      throw new CleanError(`${target}: too many earlier exports of today; choose another folder`);
    },

    async 'clean:plan'({ workId, offset, limit }) {
      const w = await known(workId);
      const rows = planRows(await w.plan());
      return { total: rows.length, offset, items: rows.slice(offset, offset + limit) };
    },
  };
}
