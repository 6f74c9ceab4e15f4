/**
 * Discord facts shared by the two Discord readers (DiscordChatExporter JSON and the official data
 * package): channel types → chat types, and attachment entries.
 *
 * Chat types: a DM is `personal`; a group DM is `group`. A guild (server) text channel is a
 * `group`: everyone in it writes, which is what `group` means in the model (many people talking
 * to each other); only announcement ("news") channels, where a few post and the rest read, are
 * `channel`. Threads, forum posts and text-in-voice channels are conversations too: `group`.
 */
import type { Attachment, ChatType } from '../../../../shared/model/index.js';
import { isUrl, kindFromName, lastSegment } from './common.js';

/** DiscordChatExporter's ChannelKind names and the API's channel type numbers/names → chat type. */
export function discordChatType(raw: unknown): ChatType {
  const t = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.toUpperCase().replace(/[^A-Z0-9]/g, '') : '';
  switch (t) {
    case 'DIRECTTEXTCHAT':
    case 'DM':
    case '1':
      return 'personal';
    case 'DIRECTGROUPTEXTCHAT':
    case 'GROUPDM':
    case '3':
      return 'group';
    case 'GUILDNEWSCHAT':
    case 'GUILDANNOUNCEMENT':
    case 'GUILDNEWS':
    case '5':
      return 'channel';
    case 'GUILDTEXTCHAT':
    case 'GUILDTEXT':
    case '0':
    case 'GUILDVOICECHAT':
    case 'GUILDVOICE':
    case '2':
    case 'GUILDSTAGEVOICE':
    case '13':
    case 'GUILDNEWSTHREAD':
    case 'ANNOUNCEMENTTHREAD':
    case '10':
    case 'GUILDPUBLICTHREAD':
    case 'PUBLICTHREAD':
    case '11':
    case 'GUILDPRIVATETHREAD':
    case 'PRIVATETHREAD':
    case '12':
    case 'GUILDFORUM':
    case '15':
    case 'GUILDMEDIA':
    case '16':
      return 'group';
    default:
      return 'unknown';
  }
}

/**
 * A Discord attachment given by URL or path. URLs (the CDN) are not in the export: missing
 * 'not-included'. Anything else is a path a downloader wrote; the caller looks it up (`lookup`).
 */
export function discordAttachment(urlOrPath: string, name?: string, size?: number): { att: Attachment; lookup: string | null } {
  const fileName = name && name !== '' ? name : lastSegment(urlOrPath) || urlOrPath;
  const att: Attachment = { name: fileName, kind: kindFromName(fileName), missing: false };
  if (size !== undefined && Number.isInteger(size) && size >= 0) att.size = size;
  if (isUrl(urlOrPath)) {
    att.missing = true;
    att.missingReason = 'not-included';
    return { att, lookup: null };
  }
  att.path = urlOrPath;
  return { att, lookup: urlOrPath };
}
