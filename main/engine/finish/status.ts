/**
 * The helpdesk's one-line status: per wizard step done / attention / failed / not started, from what the
 * steps left in the config folder, and one line (ru and en) that says where the user is, what is left and
 * what failed — for an agent reading over the user's shoulder or in the support bundle. Facts only: counts
 * and dates, never names or message text.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { HelpdeskStatus, StepId, StepState } from '../../../shared/model/index.js';
import { createBackupCatalog } from '../services/backup-catalog.js';
import { workIdOf, type RunRecord } from '../services/clean-work.js';
import { verifyAuditChain, auditFile } from './audit.js';
import { finishDir, type StoredUpload, type StoredVerify } from './hooks.js';
import { readJsonFile } from '../json-files.js';

const STEP_NAMES: Record<StepId, { ru: string; en: string }> = {
  sources: { ru: 'Источники', en: 'Sources' },
  inventory: { ru: 'Обзор', en: 'Inventory' },
  clean: { ru: 'Очистка', en: 'Clean' },
  backup: { ru: 'Резервная копия', en: 'Backup' },
  connect: { ru: 'Подключение', en: 'Connect' },
  pilot: { ru: 'Пробная загрузка', en: 'Pilot' },
  upload: { ru: 'Загрузка', en: 'Upload' },
  verify: { ru: 'Проверка и отчёт', en: 'Verify & report' },
};
export const STEP_ORDER: StepId[] = ['sources', 'inventory', 'clean', 'backup', 'connect', 'pilot', 'upload', 'verify'];

export async function findRun(configDir: string, paths?: string[]): Promise<{ workId: string; rec: RunRecord } | null> {
  if (paths?.length) {
    const workId = workIdOf(paths);
    const rec = await readJsonFile<RunRecord>(path.join(configDir, 'clean', workId, 'run.json'));
    return rec ? { workId, rec } : null;
  }
  let best: { workId: string; rec: RunRecord } | null = null;
  for (const name of await readdir(path.join(configDir, 'clean')).catch(() => [] as string[])) {
    const rec = await readJsonFile<RunRecord>(path.join(configDir, 'clean', name, 'run.json'));
    if (rec?.run?.finishedAt && (!best || rec.run.finishedAt > best.rec.run.finishedAt)) best = { workId: name, rec };
  }
  return best;
}

export async function helpdeskStatus(configDir: string, paths?: string[]): Promise<HelpdeskStatus> {
  const run = await findRun(configDir, paths);
  const workId = run?.workId ?? (paths?.length ? workIdOf(paths) : null);
  const steps: StepState[] = [];
  const set = (step: StepId, state: StepState['state'], detail: string, detailRu: string) =>
    steps.push({ step, state, detail: detail.slice(0, 512), detailRu: detailRu.slice(0, 512) });

  const srcCount = paths?.length ?? run?.rec.paths.length ?? 0;
  const missing = (paths ?? run?.rec.paths ?? []).filter((p) => !existsSync(p)).length;
  if (!srcCount) set('sources', 'not-started', 'no sources chosen', 'выгрузки не выбраны');
  else {
    set('sources', missing ? 'attention' : 'done', `${srcCount} source(s)${missing ? `, ${missing} not found any more` : ''}`,
      `выгрузок: ${srcCount}${missing ? `, больше не найдено: ${missing}` : ''}`);
  }
  const chatsRead = run ? run.rec.run.sources.reduce((n, s) => n + s.chats, 0) : 0;
  set('inventory', run ? 'done' : srcCount ? 'attention' : 'not-started', run ? `${chatsRead} chats read` : 'not finished', run ? `прочитано чатов: ${chatsRead}` : 'не завершена');

  if (!run) set('clean', 'not-started', 'no clean run', 'обработка не запускалась');
  else {
    const a = run.rec.run.accounting;
    const bal = (t: { in: number; kept: number; merged: number; quarantined: number; excluded: number }) => t.in === t.kept + t.merged + t.quarantined + t.excluded;
    const ok = bal(a.contacts) && bal(a.chats) && bal(a.messages);
    const pending = run.rec.run.groups.pending + run.rec.run.groups.reProposed;
    set('clean', !ok ? 'failed' : pending || run.rec.run.quarantined ? 'attention' : 'done',
      `messages in ${a.messages.in} = kept ${a.messages.kept} + merged ${a.messages.merged} + quarantined ${a.messages.quarantined} + excluded ${a.messages.excluded}${ok ? '' : ' (does NOT balance)'}; ${pending} merge group(s) to decide; ${run.rec.run.quarantined} quarantined`,
      `сообщений пришло ${a.messages.in} = оставлено ${a.messages.kept} + объединено ${a.messages.merged} + отложено ${a.messages.quarantined} + исключено ${a.messages.excluded}${ok ? '' : ' (НЕ сходится)'}; групп ждут решения: ${pending}; отложено: ${run.rec.run.quarantined}`);
  }

  const cat = await createBackupCatalog(configDir).read();
  const b = cat.backups.at(-1);
  if (!b) set('backup', 'not-started', 'no backup made', 'резервная копия не сделана');
  else {
    const checked = b.verified.written || b.verified.full || b.verified.quick || b.verified.sample;
    const state = !existsSync(b.file) ? 'failed' : !checked || !b.recoveryTestedAt ? 'attention' : 'done';
    set('backup', state, `backup of ${b.counts.messages} messages, ${b.copies.length} cop${b.copies.length === 1 ? 'y' : 'ies'}; ${checked ? 'verified' : 'not verified'}; recovery key ${b.recoveryTestedAt ? 'tested' : 'not tested'}${existsSync(b.file) ? '' : '; file not found'}`,
      `копия ${b.counts.messages} сообщений, вторых копий: ${b.copies.length}; ${checked ? 'проверена' : 'не проверена'}; ключ восстановления ${b.recoveryTestedAt ? 'проверен' : 'не проверен'}${existsSync(b.file) ? '' : '; файл не найден'}`);
  }

  const signedIn = existsSync(path.join(configDir, 'matrix', 'session.json'));
  set('connect', signedIn ? 'done' : 'not-started', signedIn ? 'signed in to the new service' : 'not signed in', signedIn ? 'вход в новый сервис выполнен' : 'вход не выполнен');
  let pilot = false;
  for (const h of await readdir(path.join(configDir, 'matrix', 'journals')).catch(() => [] as string[])) if (existsSync(path.join(configDir, 'matrix', 'journals', h, 'pilot.json'))) pilot = true;
  const upload = workId ? await readJsonFile<StoredUpload>(path.join(finishDir(configDir, workId), 'upload.json')) : null;
  set('pilot', pilot || upload ? 'done' : 'not-started', pilot ? 'pilot chat uploaded' : upload ? 'skipped (full upload done)' : 'no pilot yet',
    pilot ? 'пробный чат перенесён' : upload ? 'пропущен (перенос уже сделан)' : 'пробного переноса ещё не было');
  if (!upload) set('upload', 'not-started', 'nothing uploaded', 'ничего не перенесено');
  else {
    const inRooms = upload.totals.sent + upload.totals.alreadyThere;
    set('upload', upload.problems.length ? 'attention' : 'done', `${inRooms} of ${upload.totals.parts} parts in ${upload.totals.rooms} room(s); ${upload.problems.length} problem(s)`,
      `${inRooms} из ${upload.totals.parts} частей в комнатах: ${upload.totals.rooms}; проблем: ${upload.problems.length}`);
  }
  const verify = workId ? await readJsonFile<StoredVerify>(path.join(finishDir(configDir, workId), 'verify.json')) : null;
  const audit = await verifyAuditChain(auditFile(configDir));
  if (!verify) {
    set('verify', audit.ok ? 'not-started' : 'failed', `not read back yet${audit.ok ? '' : `; audit journal broken at line ${audit.firstBroken}`}`,
      `чтение с сервера ещё не проводилось${audit.ok ? '' : `; журнал аудита нарушен в строке ${audit.firstBroken}`}`);
  }
  else {
    const t = verify.totals;
    const bad = t.missing || t.mediaMismatched || !audit.ok;
    set('verify', bad ? 'failed' : t.duplicates ? 'attention' : 'done',
      `read back ${t.found} of ${t.expected} parts; ${t.missing} missing, ${t.duplicates} duplicate(s), ${t.mediaMismatched} media mismatch(es)${audit.ok ? '' : `; audit journal broken at line ${audit.firstBroken}`}`,
      `прочитано с сервера ${t.found} из ${t.expected} частей; не хватает: ${t.missing}, повторов: ${t.duplicates}, файлов с другой суммой: ${t.mediaMismatched}${audit.ok ? '' : `; журнал аудита нарушен в строке ${audit.firstBroken}`}`);
  }

  const current = steps.find((s) => s.state !== 'done')?.step ?? 'verify';
  const idx = STEP_ORDER.indexOf(current);
  const failed = steps.filter((s) => s.state === 'failed');
  const left = steps.filter((s) => s.state !== 'done').map((s) => s.step);
  const names = (ids: StepId[], lang: 'ru' | 'en') => (ids.length ? ids.map((i) => STEP_NAMES[i][lang]).join(', ') : '—');
  const cur = steps.find((s) => s.step === current)!;
  const allDone = !left.length;
  const en = allDone
    ? `All 8 steps done. ${cur.detail}.`
    : `Step ${idx + 1} of 8 (${STEP_NAMES[current].en}): ${cur.state.replace('-', ' ')} — ${cur.detail}. Left: ${names(left, 'en')}. Failed: ${names(failed.map((f) => f.step), 'en')}.`;
  const stateRu = { 'not-started': 'не начат', done: 'готов', attention: 'требует внимания', failed: 'ошибка' }[cur.state];
  const ru = allDone
    ? `Все 8 шагов пройдены. ${cur.detailRu}.`
    : `Шаг ${idx + 1} из 8 («${STEP_NAMES[current].ru}»): ${stateRu} — ${cur.detailRu}. Осталось: ${names(left, 'ru')}. С ошибкой: ${names(failed.map((f) => f.step), 'ru')}.`;
  return { steps, current, line: { ru: ru.slice(0, 1024), en: en.slice(0, 1024) } };
}
