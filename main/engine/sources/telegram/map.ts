/**
 * Telegram Desktop export objects → the shared model. Pure functions over already-parsed JSON
 * values; media lookup and problem reporting are the reader's job.
 */
import type { Attachment, AttachmentKind, ChatType, Contact, Message } from '../../../../shared/model/index.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Chat `type` as Telegram spells it → our ChatType. */
export function chatTypeOf(raw: string | undefined): ChatType {
  if (raw === undefined) return 'unknown';
  switch (raw) {
    case 'personal_chat':
      return 'personal';
    case 'bot_chat':
      return 'bot';
    case 'saved_messages':
    case 'replies':
    case 'verification_codes':
      return 'saved';
    default:
      if (raw.endsWith('group')) return 'group';
      if (raw.endsWith('channel')) return 'channel';
      return 'unknown';
  }
}

/** The title a chat gets when the export gives no usable name. */
export function chatTitle(name: unknown, hasName: boolean, rawType: string | undefined, id: string | undefined): string {
  if (typeof name === 'string' && name !== '') return name;
  if (hasName && name === null) return 'Deleted Account';
  if (rawType === 'saved_messages') return 'Saved Messages';
  if (rawType === 'replies') return 'Replies';
  if (rawType === 'verification_codes') return 'Verification Codes';
  return id ?? 'Unnamed chat';
}

/** `text` as a plain string, or an array of strings and entity objects `{type, text}`. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return '';
  let out = '';
  for (const part of v) {
    if (typeof part === 'string') out += part;
    else if (isObject(part) && typeof part.text === 'string') out += part.text;
  }
  return out;
}

/** Normalises a sender/actor id: numeric ids in 2020-era exports become `user<N>`. */
export function peerIdOf(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return `user${v}`;
  return null;
}

const TWO_DIGITS: string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDay = NaN;
let cachedPrefix = '';

/**
 * Epoch seconds (Telegram writes them as a string) → ISO 8601 UTC (`2022-05-09T22:23:53Z`), or
 * null. The `YYYY-MM-DDT` part is cached per day: consecutive messages mostly share a day, and
 * `toISOString` per message is a measurable cost at a million messages.
 */
export function isoFromUnix(v: unknown): string | null {
  const n = typeof v === 'string' ? (v === '' ? NaN : Number(v)) : typeof v === 'number' ? v : NaN;
  if (!Number.isInteger(n) || n < -62135596800 || n > 253402300799) {
    if (!Number.isFinite(n)) return null;
    const d = new Date(n * 1000);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  const day = Math.floor(n / 86400);
  let sec = n - day * 86400;
  if (day !== cachedDay) {
    cachedPrefix = new Date(day * 86400000).toISOString().slice(0, 11);
    cachedDay = day;
  }
  const h = Math.floor(sec / 3600);
  sec -= h * 3600;
  const m = Math.floor(sec / 60);
  return `${cachedPrefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[sec - m * 60]}Z`;
}

const WALL_CLOCK = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** A wall-clock `date` ("2019-07-05T16:55:32") read as if it were UTC, or null. */
export function isoFromWallClockAsUtc(v: unknown): string | null {
  if (typeof v !== 'string' || !WALL_CLOCK.test(v)) return null;
  const iso = `${v}Z`;
  const t = Date.parse(iso);
  // Date.parse rolls 2021-02-30 over to March; such a value is not a real time.
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 19) !== v ? null : iso;
}

export type MissingReason = NonNullable<Attachment['missingReason']>;

/** The strings tdesktop writes instead of a media path (File…, and Photo… for profile photos/stories). */
export function placeholderReason(v: string): MissingReason | null {
  if (v.charCodeAt(0) !== 0x28 /* ( */) return null;
  const m = /^\((?:File|Photo) (not included\. Change data exporting settings to download\.|exceeds maximum size\. Change data exporting settings to download\.|unavailable, please try again later)\)$/.exec(v);
  if (!m) return null;
  const what = m[1]!;
  if (what.startsWith('not included')) return 'not-included';
  if (what.startsWith('exceeds')) return 'too-large';
  return 'unavailable';
}

const MEDIA_KIND: Record<string, AttachmentKind> = {
  sticker: 'sticker',
  video_message: 'video-message',
  voice_message: 'voice',
  animation: 'animation',
  video_file: 'video',
  audio_file: 'audio',
};

export function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** One attachment before media lookup: `path` set means it still has to be found on disk. */
export interface PendingAttachment {
  att: Attachment;
  /** Path to look up; undefined when the export already says the file is missing. */
  lookup?: string;
}

/** The attachments of a message: `photo`, `file` and `contact_vcard` (never `thumbnail`). */
export function attachmentsOf(o: JsonObject, fix: (s: string) => string = same): PendingAttachment[] | null {
  let out: PendingAttachment[] | null = null;
  const photo = o.photo;
  if (typeof photo === 'string' && photo !== '') {
    (out ??= []).push(attachment(fix(photo), 'photo', undefined, undefined));
  }
  const file = o.file;
  if (typeof file === 'string' && file !== '') {
    const mt = str(o.media_type);
    const kind = (mt !== undefined && MEDIA_KIND[mt]) || 'file';
    const name = str(o.file_name);
    const mime = str(o.mime_type);
    (out ??= []).push(attachment(fix(file), kind, name && fix(name), mime && fix(mime)));
  }
  const vcard = o.contact_vcard;
  if (typeof vcard === 'string' && vcard !== '') {
    (out ??= []).push(attachment(fix(vcard), 'contact', undefined, 'text/vcard'));
  }
  return out;
}

function attachment(value: string, kind: AttachmentKind, fileName: string | undefined, mime: string | undefined): PendingAttachment {
  const reason = placeholderReason(value);
  if (reason) {
    const att: Attachment = { name: fileName || kind, kind, missing: true, missingReason: reason };
    if (mime) att.mime = mime;
    return { att };
  }
  const att: Attachment = { name: fileName || baseName(value), kind, path: value, missing: false };
  if (mime) att.mime = mime;
  return { att, lookup: value };
}

export interface MessageContext {
  chat: string;
  file: string;
  line: number;
  /**
   * Applied to every string kept from the object. The reader may parse a batch decoded as latin1
   * (much faster for JSON.parse); then this turns the kept strings back into proper UTF-8 text.
   */
  fix?: (s: string) => string;
}

const same = (s: string) => s;

/** A string parsed from latin1-decoded UTF-8 bytes → the real text (no-op for pure ASCII). */
export function utf8FromLatin1(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return Buffer.from(s, 'latin1').toString('utf8');
  }
  return s;
}

export interface MappedMessage {
  message: Message;
  pending: PendingAttachment[] | null;
  /** The time came from the wall-clock `date` read as UTC. */
  assumedUtc: boolean;
  /** `type` was neither message, service nor unsupported. */
  unknownType: string | null;
  /** Service entry whose action we do not know. */
  action: string | null;
}

/**
 * One message object → Message. Returns null when the value is not an object or has no `id`
 * (the caller reports it).
 */
export function mapMessage(o: JsonObject, ctx: MessageContext): MappedMessage | null {
  const fix = ctx.fix ?? same;
  const rawId = o.id;
  if (typeof rawId !== 'number' && (typeof rawId !== 'string' || rawId === '')) return null;
  const id = typeof rawId === 'string' ? fix(rawId) : String(rawId);
  const type = o.type;
  let kind: Message['kind'];
  let action: string | undefined;
  let unknownType: string | null = null;
  if (type === 'message') kind = 'message';
  else if (type === 'service') {
    kind = 'event';
    action = typeof o.action === 'string' && o.action !== '' ? o.action : typeof o.information_text === 'string' ? 'custom' : 'unknown';
  } else if (type === 'unsupported') {
    kind = 'event';
    action = 'unsupported';
  } else {
    kind = 'event';
    action = typeof o.action === 'string' && o.action !== '' ? o.action : 'unknown';
    unknownType = typeof type === 'string' ? type : String(type ?? 'missing');
  }

  let assumedUtc = false;
  let sentAt = isoFromUnix(o.date_unixtime);
  if (sentAt === null && o.date !== undefined) {
    sentAt = isoFromWallClockAsUtc(o.date);
    if (sentAt !== null) assumedUtc = true;
  }

  let editedAt: string | undefined;
  const edited = o.edited;
  if (edited !== undefined || o.edited_unixtime !== undefined) {
    const sentinel = typeof edited === 'string' && edited.startsWith('1970-01-01');
    if (!sentinel) {
      const fromUnix = isoFromUnix(o.edited_unixtime);
      if (fromUnix !== null && !fromUnix.startsWith('1970-01-01')) editedAt = fromUnix;
      else if (fromUnix === null) {
        const wall = isoFromWallClockAsUtc(edited);
        if (wall !== null) {
          editedAt = wall;
          assumedUtc = true;
        }
      }
    }
  }

  let sender: Message['sender'] = null;
  if ('from' in o || 'from_id' in o || 'actor' in o || 'actor_id' in o) {
    const name = str(o.from) ?? str(o.actor);
    const sid = peerIdOf(o.from_id) ?? peerIdOf(o.actor_id);
    sender = { name: name === undefined ? null : fix(name), id: sid === null ? null : fix(sid) };
  }

  const pending = attachmentsOf(o, fix);
  const message: Message = {
    chat: ctx.chat,
    id,
    kind,
    sentAt,
    sender,
    text: fix(textOf(o.text)),
    attachments: pending ? pending.map((p) => p.att) : [],
    source: { file: ctx.file, line: ctx.line, id },
  };
  if (action !== undefined) message.action = fix(action);
  const reply = o.reply_to_message_id;
  if (typeof reply === 'number') message.replyTo = String(reply);
  else if (typeof reply === 'string' && reply !== '') message.replyTo = fix(reply);
  const fwd = o.forwarded_from;
  if (typeof fwd === 'string') message.forwardedFrom = fix(fwd);
  if (editedAt !== undefined) message.editedAt = editedAt;
  return { message, pending, assumedUtc, unknownType: unknownType === null ? null : fix(unknownType), action: message.action ?? null };
}

export interface ContactContext {
  file: string;
  line: number;
  index: number;
}

const joinName = (first: string | undefined, last: string | undefined) => [first, last].filter((s) => s && s.trim() !== '').join(' ').trim();

/** One `contacts.list[]` entry → Contact. */
export function mapContact(o: JsonObject, ctx: ContactContext): Contact {
  const first = str(o.first_name);
  const last = str(o.last_name);
  const phone = str(o.phone_number)?.trim();
  const userId = o.user_id;
  const sourceUserId = typeof userId === 'number' || (typeof userId === 'string' && userId !== '') ? `user${userId}` : undefined;
  const c: Contact = {
    id: sourceUserId ? `tg-contact:${sourceUserId}` : `tg-contact:${ctx.index}`,
    name: joinName(first, last) || phone || '',
    phones: phone ? [{ value: phone }] : [],
    emails: [],
    source: { file: ctx.file, line: ctx.line, id: sourceUserId ?? String(ctx.index) },
  };
  if (first) c.given = first;
  if (last) c.family = last;
  if (sourceUserId) c.sourceUserId = sourceUserId;
  return c;
}

/** `personal_information` → the account owner as a Contact (`self: true`). */
export function mapSelf(o: JsonObject, ctx: { file: string; line: number }): Contact {
  const first = str(o.first_name);
  const last = str(o.last_name);
  const phone = str(o.phone_number)?.trim();
  const username = str(o.username);
  const userId = o.user_id;
  const sourceUserId = typeof userId === 'number' || (typeof userId === 'string' && userId !== '') ? `user${userId}` : undefined;
  const c: Contact = {
    id: sourceUserId ? `tg-contact:${sourceUserId}` : 'tg-contact:self',
    name: joinName(first, last) || username || phone || sourceUserId || '',
    phones: phone ? [{ value: phone }] : [],
    emails: [],
    self: true,
    source: { file: ctx.file, line: ctx.line, ...(sourceUserId ? { id: sourceUserId } : {}) },
  };
  if (first) c.given = first;
  if (last) c.family = last;
  if (username) c.handles = [{ value: username, type: 'telegram' }];
  const bio = str(o.bio);
  if (bio) c.note = bio;
  if (sourceUserId) c.sourceUserId = sourceUserId;
  return c;
}
