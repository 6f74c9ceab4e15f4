/**
 * The deactivation checklist for the old messenger(s): items specific to what was migrated (Telegram,
 * WhatsApp, Slack, …), each with its Russian and English text. Some are ticked from what the app knows
 * (the export was read, the backup verified, the read-back found everything); the user ticks the rest, and
 * the ticks are kept in `<configDir>/finish.json` (mode 0600, written atomically).
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ChecklistItem, ReportModel } from '../../../shared/model/index.js';
import { writeFileAtomic } from '../backup/age-file.js';

export type Network = 'telegram' | 'whatsapp' | 'slack' | 'skype' | 'discord' | 'messenger' | 'contacts';

export function networkOfFormat(format: string | null): Network | null {
  switch (format) {
    case 'telegram-json': return 'telegram';
    case 'whatsapp-txt': return 'whatsapp';
    case 'slack-zip': return 'slack';
    case 'skype-json': return 'skype';
    case 'discord-json': case 'discord-package': return 'discord';
    case 'messenger-json': return 'messenger';
    case 'vcard': case 'contacts-csv': return 'contacts';
    default: return null;
  }
}

const NAMES: Record<Network, { ru: string; en: string }> = {
  telegram: { ru: 'Telegram', en: 'Telegram' },
  whatsapp: { ru: 'WhatsApp', en: 'WhatsApp' },
  slack: { ru: 'Slack', en: 'Slack' },
  skype: { ru: 'Skype', en: 'Skype' },
  discord: { ru: 'Discord', en: 'Discord' },
  messenger: { ru: 'Facebook Messenger', en: 'Facebook Messenger' },
  contacts: { ru: 'адресная книга', en: 'address book' },
};

/** Automatic facts: which item ids the app can tick itself. */
export interface ChecklistFacts {
  networks: Network[];
  backupVerified: boolean;
  targetVerified: boolean;
  cleanedUp: boolean;
}

interface Template { id: string; network: Network | 'all'; ru: string; en: string; auto?: keyof Omit<ChecklistFacts, 'networks'> | 'export' }

function templates(net: Network): Template[] {
  const n = NAMES[net];
  const common: Template[] = [{ id: `${net}:export`, network: net, auto: 'export', ru: `Выгрузка из ${n.ru} сделана и прочитана приложением`, en: `${n.en} export made and read by the app` }];
  switch (net) {
    case 'telegram':
      return [...common,
        { id: 'telegram:bio', network: net, ru: 'В профиле Telegram указан новый адрес', en: 'Your Telegram profile (bio) shows your new address' },
        { id: 'telegram:sessions', network: net, ru: 'Все сеансы завершены (Настройки → Устройства → Завершить все другие сеансы)', en: 'All sessions ended (Settings → Devices → Terminate all other sessions)' },
        { id: 'telegram:delete', network: net, ru: 'Аккаунт удалён (my.telegram.org → Delete account) или задан срок самоуничтожения', en: 'Account deleted (my.telegram.org → Delete account) or a self-destruct period set' }];
    case 'whatsapp':
      return [...common,
        { id: 'whatsapp:cloud-backup', network: net, ru: 'Резервное копирование чатов в Google Drive / iCloud выключено, облачная копия удалена', en: 'Chat backup to Google Drive / iCloud turned off and the cloud copy deleted' },
        { id: 'whatsapp:linked', network: net, ru: 'Выполнен выход на всех связанных устройствах (WhatsApp Web, компьютер)', en: 'Logged out of every linked device (WhatsApp Web, desktop)' },
        { id: 'whatsapp:delete', network: net, ru: 'Аккаунт удалён (Настройки → Аккаунт → Удалить аккаунт)', en: 'Account deleted (Settings → Account → Delete account)' }];
    case 'slack':
      return [...common,
        { id: 'slack:admin', network: net, ru: 'Администратор рабочего пространства знает о переезде', en: 'The workspace admin knows about the move' },
        { id: 'slack:deactivate', network: net, ru: 'Учётная запись деактивирована (Профиль → Деактивировать)', en: 'Account deactivated (Profile → Deactivate account)' }];
    case 'skype':
      return [...common,
        { id: 'skype:sessions', network: net, ru: 'Выполнен выход на всех устройствах', en: 'Signed out on every device' },
        { id: 'skype:delete', network: net, ru: 'Учётная запись Skype закрыта', en: 'Skype account closed' }];
    case 'discord':
      return [...common,
        { id: 'discord:sessions', network: net, ru: 'Выполнен выход на всех устройствах (Настройки → Устройства)', en: 'Logged out of every device (Settings → Devices)' },
        { id: 'discord:delete', network: net, ru: 'Аккаунт Discord отключён или удалён', en: 'Discord account disabled or deleted' }];
    case 'messenger':
      return [...common,
        { id: 'messenger:sessions', network: net, ru: 'Выполнен выход на всех устройствах (Центр аккаунтов → Где вы вошли)', en: 'Logged out everywhere (Accounts Center → Where you\'re logged in)' },
        { id: 'messenger:delete', network: net, ru: 'Аккаунт деактивирован или удалён', en: 'Account deactivated or deleted' }];
    case 'contacts':
      return [
        { id: 'contacts:export', network: net, auto: 'export', ru: 'Контакты выгружены и прочитаны приложением', en: 'Contacts exported and read by the app' },
        { id: 'contacts:import', network: net, ru: 'Очищенные контакты (contacts.vcf) импортированы в новую адресную книгу', en: 'Cleaned contacts (contacts.vcf) imported into the new address book' }];
  }
}

const GENERAL: Template[] = [
  { id: 'all:backup', network: 'all', auto: 'backupVerified', ru: 'Резервная копия сделана и проверена, ключ восстановления хранится отдельно', en: 'Backup made and verified; the recovery key is kept somewhere else' },
  { id: 'all:verified', network: 'all', auto: 'targetVerified', ru: 'Проверка в новом сервисе нашла все сообщения', en: 'The read-back from the new service found every message' },
  { id: 'all:announce', network: 'all', ru: 'Контактам и группам отправлено сообщение о новом адресе', en: 'Contacts and groups told about the new address' },
  { id: 'all:cleanup', network: 'all', auto: 'cleanedUp', ru: 'Временные файлы удалены', en: 'Temporary files removed' },
];

const FileSchema = z.object({
  version: z.literal(1),
  ticks: z.record(z.string().max(128), z.object({ done: z.boolean(), at: z.string().max(64) }).strict()),
}).strict();
type FinishFile = z.infer<typeof FileSchema>;

export const finishFile = (configDir: string) => path.join(configDir, 'finish.json');

async function readTicks(configDir: string): Promise<FinishFile> {
  try {
    const p = FileSchema.safeParse(JSON.parse(await readFile(finishFile(configDir), 'utf8')));
    if (p.success) return p.data;
  } catch {
    // missing or damaged: start with no ticks (the automatic facts still show)
  }
  return { version: 1, ticks: {} };
}

/** Facts from a report: the migrated networks, backup checked, read-back complete, clean-up done. */
export function factsFromReport(m: ReportModel): ChecklistFacts {
  const networks = [...new Set(m.sources.map((s) => networkOfFormat(s.format)).filter((x): x is Network => x !== null))];
  const latest = m.backups[0];
  return {
    networks,
    backupVerified: !!latest && latest.exists && !!(latest.checks.written || latest.checks.full || latest.checks.quick || latest.checks.sample),
    targetVerified: m.totals.target?.missing === 0 && m.totals.target.verified !== null,
    cleanedUp: !!m.cleanup && (m.cleanup.scan?.hits.length ?? 0) === 0,
  };
}

export async function loadChecklist(configDir: string, facts: ChecklistFacts): Promise<ChecklistItem[]> {
  const { ticks } = await readTicks(configDir);
  const order: Network[] = ['telegram', 'whatsapp', 'slack', 'skype', 'discord', 'messenger', 'contacts'];
  const items = [...order.filter((n) => facts.networks.includes(n)).flatMap(templates), ...GENERAL];
  return items.map((tpl) => {
    const autoDone = tpl.auto === 'export' ? true : tpl.auto ? facts[tpl.auto] : false;
    const tick = ticks[tpl.id];
    const done = tick ? tick.done : autoDone;
    return { id: tpl.id, network: tpl.network, ru: tpl.ru, en: tpl.en, auto: !!tpl.auto, done, doneAt: done ? (tick?.at ?? null) : null };
  });
}

/** Ticks (or unticks) one item; unknown ids are refused with a message naming them. */
export async function tickChecklist(configDir: string, facts: ChecklistFacts, id: string, done: boolean, now = new Date()): Promise<ChecklistItem[]> {
  const items = await loadChecklist(configDir, facts);
  if (!items.some((i) => i.id === id)) throw new Error(`checklist: no item "${id}" for the migrated sources`);
  const file = await readTicks(configDir);
  file.ticks[id] = { done, at: now.toISOString() };
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(finishFile(configDir), `${JSON.stringify(FileSchema.parse(file), null, 1)}\n`, 0o600);
  return loadChecklist(configDir, facts);
}
