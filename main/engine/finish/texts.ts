/**
 * The finish area's own small text table (report HTML, checklist, announcement, helpdesk line), Russian and
 * English. The engine renders the report itself (CLI, PDF), so it cannot use the renderer's catalogue.
 * `tr(lang, key, vars)` fills `{name}` placeholders; values are inserted as given (escape at the HTML layer).
 */
import type { DiscrepancyCode, ReportLang } from '../../../shared/model/index.js';

const en = {
  title: 'Migration report',
  generated: 'Generated',
  appVersion: 'App version',
  verdictOk: 'Nothing was lost: every count balances and the read-back found every message.',
  verdictBad: 'Not proven complete: see the discrepancies below.',
  summary: 'Summary',
  sources: 'Sources',
  source: 'Source',
  format: 'Format',
  files: 'Files',
  size: 'Size',
  digest: 'Digest (SHA-256 of all files)',
  fileHashes: 'SHA-256 of every file',
  filesOmitted: '{n} more files (included in the digest)',
  unreadable: 'could not be read',
  kind: 'Count',
  in: 'In',
  kept: 'Kept',
  merged: 'Merged',
  quarantined: 'Quarantined',
  excluded: 'Excluded',
  uploaded: 'Uploaded',
  verified: 'Verified',
  missing: 'Missing',
  balanced: 'Balances',
  yes: 'yes',
  no: 'no',
  contacts: 'Contacts',
  participants: 'Participants',
  chats: 'Chats',
  messages: 'Messages',
  problems: 'Problems read from the exports',
  perChat: 'Per chat',
  chat: 'Chat',
  type: 'Type',
  status: 'Status',
  partsNote: 'Messages are counted as the Clean step counts them (messages and service events). Uploaded and verified count parts: one event per message text and one per attachment.',
  target: 'Target',
  homeserver: 'Server',
  account: 'Account',
  expected: 'Expected parts',
  mediaChecked: 'Attachments re-downloaded and hashed',
  mediaMismatched: 'Attachment hash mismatches',
  duplicates: 'Duplicates',
  discrepancies: 'Discrepancies',
  noDiscrepancies: 'None.',
  severityLoss: 'possible loss',
  severityWarning: 'to check',
  backups: 'Backup and copies',
  noBackups: 'No backup is recorded.',
  file: 'File',
  created: 'Created',
  checks: 'Checks',
  checkWritten: 'verified after writing',
  checkQuick: 'quick check',
  checkFull: 'full check',
  checkSample: 'sample check',
  recoveryTested: 'recovery key tested',
  copy: 'Copy',
  notFound: 'not found',
  steps: 'Dates and durations',
  step: 'Step',
  finishedAt: 'Finished',
  duration: 'Duration',
  stepClean: 'Clean',
  stepBackup: 'Backup',
  stepUpload: 'Upload',
  stepVerify: 'Read-back',
  audit: 'Audit journal',
  auditOk: 'Chain intact: {n} records; head {head}',
  auditEmpty: 'No records yet.',
  auditBroken: 'Chain broken at line {line}: {reason}',
  cleanup: 'Clean-up',
  cleanupNone: 'Temporary files have not been removed yet.',
  cleanupDone: '{n} folders/files removed ({size}) on {at}.',
  cleanupScanClean: 'Scan afterwards: no message data found in {n} files of the app folders.',
  cleanupScanHits: 'Scan afterwards: message data still found in {n} files.',
  notVerified: 'not verified',
  none: '—',
  statusOk: 'ok',
  'statusNo-room': 'no room',
  statusMissing: 'missing',
  statusDuplicates: 'duplicates',
  'statusMedia-mismatch': 'media mismatch',
  statusEmpty: 'empty',
  'statusNot-verified': 'not verified',
  'd.accounting-unbalanced': 'Counts do not balance',
  'd.missing-in-target': 'Missing in the target',
  'd.duplicates-in-target': 'Duplicates in the target',
  'd.media-mismatch': 'Attachment hash mismatch',
  'd.no-room': 'No room in the target',
  'd.not-uploaded': 'Not uploaded',
  'd.not-verified': 'Not read back',
  'd.unknown-in-target': 'Unexpected events in the room',
  'd.quarantined': 'Quarantined (kept aside, in the backup)',
  'd.backup-missing': 'No backup',
  'd.backup-not-verified': 'Backup not verified',
  'd.backup-check-failed': 'Backup or copy not found',
  'd.source-unreadable': 'Source file unreadable',
  'd.audit-broken': 'Audit journal tampered or damaged',
  'd.upload-problems': 'Problems during the upload',
  ids: 'Ids',
  'type.personal': 'personal',
  'type.group': 'group',
  'type.channel': 'channel',
  'type.saved': 'saved messages',
  'type.bot': 'bot',
  'type.unknown': 'unknown',
} as const;

export type TextKey = keyof typeof en;

const ru: Record<TextKey, string> = {
  title: 'Отчёт о переезде',
  generated: 'Составлен',
  appVersion: 'Версия приложения',
  verdictOk: 'Ничего не потеряно: все счётчики сходятся, проверка нашла каждое сообщение.',
  verdictBad: 'Полнота не доказана: смотрите расхождения ниже.',
  summary: 'Итог',
  sources: 'Источники',
  source: 'Источник',
  format: 'Формат',
  files: 'Файлы',
  size: 'Размер',
  digest: 'Сводная сумма (SHA-256 всех файлов)',
  fileHashes: 'SHA-256 каждого файла',
  filesOmitted: 'ещё файлов: {n} (входят в сводную сумму)',
  unreadable: 'не удалось прочитать',
  kind: 'Что',
  in: 'Было',
  kept: 'Оставлено',
  merged: 'Объединено',
  quarantined: 'В карантине',
  excluded: 'Исключено',
  uploaded: 'Загружено',
  verified: 'Проверено',
  missing: 'Не хватает',
  balanced: 'Сходится',
  yes: 'да',
  no: 'нет',
  contacts: 'Контакты',
  participants: 'Участники',
  chats: 'Чаты',
  messages: 'Сообщения',
  problems: 'Проблемы при чтении выгрузок',
  perChat: 'По чатам',
  chat: 'Чат',
  type: 'Тип',
  status: 'Состояние',
  partsNote: 'Сообщения считаются так же, как на шаге «Очистка» (сообщения и служебные события). «Загружено» и «Проверено» считают части: одно событие на текст сообщения и по одному на каждое вложение.',
  target: 'Новый сервис',
  homeserver: 'Сервер',
  account: 'Учётная запись',
  expected: 'Ожидалось частей',
  mediaChecked: 'Вложений скачано заново и сверено',
  mediaMismatched: 'Вложений с другой контрольной суммой',
  duplicates: 'Повторы',
  discrepancies: 'Расхождения',
  noDiscrepancies: 'Нет.',
  severityLoss: 'возможна потеря',
  severityWarning: 'проверить',
  backups: 'Резервная копия и её копии',
  noBackups: 'Резервная копия не записана.',
  file: 'Файл',
  created: 'Создана',
  checks: 'Проверки',
  checkWritten: 'проверена после записи',
  checkQuick: 'быстрая проверка',
  checkFull: 'полная проверка',
  checkSample: 'выборочная проверка',
  recoveryTested: 'ключ восстановления проверен',
  copy: 'Копия',
  notFound: 'не найдена',
  steps: 'Даты и длительность',
  step: 'Шаг',
  finishedAt: 'Завершён',
  duration: 'Длительность',
  stepClean: 'Очистка',
  stepBackup: 'Резервная копия',
  stepUpload: 'Загрузка',
  stepVerify: 'Проверка',
  audit: 'Журнал аудита',
  auditOk: 'Цепочка цела: записей {n}; последняя {head}',
  auditEmpty: 'Записей пока нет.',
  auditBroken: 'Цепочка нарушена в строке {line}: {reason}',
  cleanup: 'Очистка временных файлов',
  cleanupNone: 'Временные файлы ещё не удалены.',
  cleanupDone: 'Удалено папок и файлов: {n} ({size}), {at}.',
  cleanupScanClean: 'Проверка после удаления: в {n} файлах папок приложения данных сообщений нет.',
  cleanupScanHits: 'Проверка после удаления: данные сообщений найдены в файлах: {n}.',
  notVerified: 'не проверено',
  none: '—',
  statusOk: 'в порядке',
  'statusNo-room': 'нет комнаты',
  statusMissing: 'не хватает',
  statusDuplicates: 'повторы',
  'statusMedia-mismatch': 'вложения не совпали',
  statusEmpty: 'пусто',
  'statusNot-verified': 'не проверено',
  'd.accounting-unbalanced': 'Счётчики не сходятся',
  'd.missing-in-target': 'Не хватает в новом сервисе',
  'd.duplicates-in-target': 'Повторы в новом сервисе',
  'd.media-mismatch': 'Контрольная сумма вложения не совпала',
  'd.no-room': 'Нет комнаты в новом сервисе',
  'd.not-uploaded': 'Не загружено',
  'd.not-verified': 'Не проверено чтением',
  'd.unknown-in-target': 'Лишние события в комнате',
  'd.quarantined': 'В карантине (отложено, есть в резервной копии)',
  'd.backup-missing': 'Нет резервной копии',
  'd.backup-not-verified': 'Резервная копия не проверена',
  'd.backup-check-failed': 'Резервная копия или её копия не найдена',
  'd.source-unreadable': 'Файл источника не читается',
  'd.audit-broken': 'Журнал аудита изменён или повреждён',
  'd.upload-problems': 'Проблемы при загрузке',
  ids: 'Идентификаторы',
  'type.personal': 'личный',
  'type.group': 'группа',
  'type.channel': 'канал',
  'type.saved': 'избранное',
  'type.bot': 'бот',
  'type.unknown': 'неизвестно',
};

export const TEXTS: Record<ReportLang, Record<TextKey, string>> = { en, ru };

export function tr(lang: ReportLang, key: TextKey, vars: Record<string, string | number> = {}): string {
  return TEXTS[lang][key].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/** A chat type in words; an unexpected value is shown as it is. */
export const chatTypeText = (lang: ReportLang, type: string): string =>
  (TEXTS[lang] as Record<string, string>)[`type.${type}`] ?? type;

export const discrepancyKey = (c: DiscrepancyCode): TextKey => `d.${c}` as TextKey;

export function formatBytes(n: number, lang: ReportLang): string {
  const units = lang === 'ru' ? ['Б', 'КБ', 'МБ', 'ГБ', 'ТБ'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

export function formatDuration(seconds: number | null, lang: ReportLang): string {
  if (seconds === null) return '—';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const [hh, mm, ss] = lang === 'ru' ? ['ч', 'мин', 'с'] : ['h', 'min', 's'];
  return h ? `${h} ${hh} ${m} ${mm}` : m ? `${m} ${mm} ${r} ${ss}` : `${r} ${ss}`;
}

export function formatDate(iso: string | null, lang: ReportLang): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d) + ' UTC';
}
