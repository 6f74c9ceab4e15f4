/**
 * Slack workspace export (formats.md §5), as the zip Slack hands out or the unpacked folder:
 * `users.json`, `channels.json` (public), `groups.json` (private), `dms.json`, `mpims.json`, and one
 * folder per conversation (channels and group DMs by name, DMs by id) of `YYYY-MM-DD.json` day
 * files, each an array of messages.
 *
 * - Chats: every conversation the metadata lists (also those without a folder: the workspace had
 *   them, the export holds none of their messages), `slack:<channel id>`. Public and private
 *   channels and group DMs are `group`, DMs `personal`, the owner's DM with themself `saved`. A
 *   folder with day files that no metadata names becomes `slack:<folder>` of type `unknown`.
 * - The owner is the one member of the self-DM, or else the one member every DM shares (needs two
 *   DMs or more); then `sink.owner(name)` and their contact is `self`.
 * - Contacts: every person in users.json (deleted accounts included: former colleagues are still
 *   people), not bots, apps or Slackbot: `slack:<user id>`, with e-mail, phone and the handle.
 * - Messages: id = `ts` (unique per channel), time from `ts`, replies → `replyTo: thread_ts` (the
 *   parent keeps its own ts, so a thread spanning day files links up without lookups), `edited.ts`
 *   → editedAt. Senders resolved from users.json, else from the message's own `user_profile`
 *   (external users of shared channels), else `{name: null, id}`; `bot_message` without `user`
 *   → `{name: username ?? bot name, id: bot_id}`. Text: mrkdwn decoded (other/mrkdwn.ts).
 * - Joins, leaves, topic/purpose/name changes, archiving, pins and tombstones (a deleted thread
 *   parent) are events; unknown subtypes are kept as events and listed once.
 * - `files[]`: official exports carry no file bytes (only `url_private`, which needs a token), so
 *   every file is missing 'not-included' (name, MIME type and size as given); deleted or hidden
 *   files are 'unavailable'. One 'media-not-included' problem per source says so.
 * - Each file is read on its own: a broken day file is reported (file, line) and the rest is read.
 */
import type { Attachment, Chat, ChatType, Contact, Message, TypedValue } from '../../../shared/model/index.js';
import { ByteProgress, idText, isObject, isoFromMs, type JsonObject, kindFromMime, MediaTally, num, ProblemLog, str, text } from './other/common.js';
import { type ArraySpec, sniffJsonHead, walkEntry, type WalkItem, Yielder } from './other/json-walk.js';
import { mrkdwnToText, type MrkdwnNames } from './other/mrkdwn.js';
import { nfc } from './other/text.js';
import type { Container, ContainerEntry, Detection, SourceFormat, SourceSink } from './types.js';

const META_FILES = ['channels.json', 'groups.json', 'dms.json', 'mpims.json'] as const;
type MetaFile = (typeof META_FILES)[number];
const DAY_FILE = /^([^/]+)\/(\d{4}-\d{2}-\d{2})\.json$/;
const HEAD_BYTES = 16 * 1024;

interface Layout {
  /** Actual names (case as on disk) of users.json and the metadata files present. */
  users: ContainerEntry;
  meta: Map<MetaFile, ContainerEntry>;
  /** Day files by folder, each folder's days sorted. */
  days: Map<string, ContainerEntry[]>;
}

async function layoutOf(container: Container): Promise<Layout | null> {
  if (container.kind === 'file') return null;
  const top = await container.list();
  const find = (name: string) => top.find((e) => e.path.toLowerCase() === name);
  const users = find('users.json');
  if (!users) return null;
  const meta = new Map<MetaFile, ContainerEntry>();
  for (const m of META_FILES) {
    const e = find(m);
    if (e) meta.set(m, e);
  }
  if (meta.size === 0) return null;
  const days = new Map<string, ContainerEntry[]>();
  for (const e of await container.listAll()) {
    const m = DAY_FILE.exec(e.path);
    if (!m) continue;
    let list = days.get(m[1]!);
    if (!list) days.set(m[1]!, (list = []));
    list.push(e);
  }
  for (const list of days.values()) list.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { users, meta, days };
}

async function detect(container: Container): Promise<Detection | null> {
  const layout = await layoutOf(container);
  if (!layout) return null;
  // users.json must be a list of user objects.
  const s = sniffJsonHead(await container.readHead(layout.users.path, HEAD_BYTES));
  if (!s.rootIsArray) return null;
  if (s.firstElement !== undefined && !(isObject(s.firstElement) && typeof s.firstElement.id === 'string')) return null;
  let size = layout.users.size;
  for (const e of layout.meta.values()) size += e.size;
  for (const list of layout.days.values()) for (const e of list) size += e.size;
  const [firstMeta] = layout.meta.values();
  return {
    format: 'slack-zip',
    confidence: layout.days.size > 0 ? 0.95 : 0.6,
    entry: firstMeta!.path,
    variant: layout.days.size > 0 ? 'workspace' : 'metadata-only',
    size,
  };
}

interface SlackUser {
  id: string;
  name: string | null;
  bot: boolean;
  contact: Contact | null;
}

interface Conversation {
  id: string;
  name?: string;
  kind: 'channel' | 'group' | 'im' | 'mpim';
  members: string[];
  file: string;
  line: number;
}

const ARRAY_OF_ITEMS: ArraySpec = { type: 'array', element: 'item' };

/** Subtypes that are authored messages. */
const MESSAGE_SUBTYPES = new Set([
  'bot_message', 'me_message', 'thread_broadcast', 'reply_broadcast', 'file_share', 'file_comment', 'file_mention',
  'slackbot_response', 'reminder_message', 'sh_room_shared', 'share_shortcut',
]);
/** Subtypes that are events → their action name. */
const EVENT_SUBTYPES: Record<string, string> = {
  channel_join: 'join', group_join: 'join', channel_leave: 'leave', group_leave: 'leave',
  channel_topic: 'edit_topic', group_topic: 'edit_topic', channel_purpose: 'edit_purpose', group_purpose: 'edit_purpose',
  channel_name: 'edit_group_title', group_name: 'edit_group_title', channel_archive: 'archive', group_archive: 'archive',
  channel_unarchive: 'unarchive', group_unarchive: 'unarchive', pinned_item: 'pin_message', unpinned_item: 'unpin_message',
  tombstone: 'message_deleted', message_deleted: 'message_deleted', bot_add: 'bot_add', bot_remove: 'bot_remove',
  bot_enable: 'bot_add', bot_disable: 'bot_remove', huddle_thread: 'phone_call', sh_room_created: 'phone_call',
  reminder_add: 'reminder_add', channel_convert_to_private: 'convert_to_private', channel_convert_to_public: 'convert_to_public',
  channel_posting_permissions: 'edit_permissions',
};

const trimmed = (v: unknown): string | undefined => {
  const t = text(v)?.trim();
  return t ? nfc(t) : undefined;
};

/** The name a person goes by: real name, then display name, then the handle. */
function personName(u: JsonObject): string | null {
  const p = isObject(u.profile) ? u.profile : {};
  return trimmed(u.real_name) ?? trimmed(p.real_name) ?? trimmed(p.display_name) ?? trimmed(u.name) ?? trimmed(p.name) ?? null;
}

/** Slack `ts` ("1736554636.807919", seconds with microseconds) → ISO 8601 UTC with milliseconds. */
export function isoFromTs(ts: unknown): string | null {
  if (typeof ts !== 'string' || !/^\d{1,12}(\.\d{1,9})?$/.test(ts)) return null;
  const [sec, frac = ''] = ts.split('.');
  return isoFromMs(Number(sec) * 1000 + Number((frac + '000').slice(0, 3)));
}

class SlackReader {
  private readonly problems: ProblemLog;
  private readonly tally = new MediaTally();
  private readonly progress: ByteProgress;
  private readonly yielder = new Yielder();
  private readonly users = new Map<string, SlackUser>();
  private readonly conversations: Conversation[] = [];
  private readonly channelNames = new Map<string, string>();
  private readonly unknownSubtypes = new Map<string, number>();
  private firstUnknown: { file: string; line: number } | null = null;
  private readonly names: MrkdwnNames = {
    user: (id) => this.users.get(id)?.name ?? null,
    channel: (id) => this.channelNames.get(id) ?? null,
  };

  constructor(
    private readonly container: Container,
    private readonly sink: SourceSink,
    progress: (n: number) => void,
    private readonly signal: AbortSignal,
  ) {
    this.problems = new ProblemLog(sink);
    this.progress = new ByteProgress(progress);
  }

  private async readArray(entry: ContainerEntry, each: (items: WalkItem[], file: string) => void): Promise<void> {
    await walkEntry<unknown>(
      this.container,
      entry.path,
      ARRAY_OF_ITEMS,
      { items: (_f, items) => each(items, this.container.display(entry.path)) },
      this.problems.report,
      { signal: this.signal, progress: (n) => this.progress.file(n), yielder: this.yielder },
    );
    this.progress.next(entry.size);
    await this.yielder.maybe(this.signal);
  }

  private notObject(file: string, it: WalkItem, what: string): void {
    this.problems.report({
      file, line: it.line, offset: it.offset, code: 'bad-value', severity: 'warning',
      message: `${file}: the ${what} at line ${it.line} is not an object with an id; it was skipped`, params: { line: it.line },
    });
  }

  async run(layout: Layout): Promise<void> {
    await this.readArray(layout.users, (items, file) => {
      for (const it of items) {
        const u = it.value;
        const id = isObject(u) ? text(u.id) : undefined;
        if (!isObject(u) || id === undefined) {
          this.notObject(file, it, 'user');
          continue;
        }
        const bot = u.is_bot === true || u.is_app_user === true || id === 'USLACKBOT';
        const name = personName(u);
        this.users.set(id, { id, name, bot, contact: bot ? null : this.contactOf(u, id, name, file, it.line) });
      }
    });
    for (const [metaFile, entry] of layout.meta) {
      const kind = metaFile === 'channels.json' ? 'channel' : metaFile === 'groups.json' ? 'group' : metaFile === 'dms.json' ? 'im' : 'mpim';
      await this.readArray(entry, (items, file) => {
        for (const it of items) {
          const c = it.value;
          const id = isObject(c) ? text(c.id) : undefined;
          if (!isObject(c) || id === undefined) {
            this.notObject(file, it, 'conversation');
            continue;
          }
          const members = Array.isArray(c.members) ? c.members.filter((m): m is string => typeof m === 'string') : [];
          const conv: Conversation = { id, kind, members, file, line: it.line };
          const name = trimmed(c.name);
          if (name) {
            conv.name = name;
            this.channelNames.set(id, name);
          }
          this.conversations.push(conv);
        }
      });
    }
    const owner = this.owner();
    for (const u of this.users.values()) {
      if (!u.contact) continue;
      if (u.id === owner) u.contact.self = true;
      this.sink.contact(u.contact);
    }
    const ownerName = owner ? this.users.get(owner)?.name : undefined;
    if (ownerName) this.sink.owner?.(ownerName);

    // Folders → chats: by name (channels, private channels, group DMs), then by id (DMs).
    const byName = new Map<string, Chat>();
    const byId = new Map<string, Chat>();
    for (const c of this.conversations) {
      if (byId.has(c.id)) continue;
      const chat = this.chatOf(c, owner);
      this.sink.chat(chat);
      byId.set(c.id, chat);
      if (c.name && !byName.has(c.name)) byName.set(c.name, chat);
    }
    for (const [folder, days] of [...layout.days.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      let chat = byName.get(folder) ?? byId.get(folder);
      if (!chat) {
        chat = { id: `slack:${folder}`, title: folder, type: 'unknown', source: { file: this.container.display(folder), id: folder } };
        this.sink.chat(chat);
      }
      for (const day of days) {
        this.signal.throwIfAborted();
        const c = chat;
        await this.readArray(day, (items, file) => this.messages(c, items, file));
      }
    }
    this.tally.finish(this.sink, 'Slack exports carry links to files, not the files');
    if (this.firstUnknown) {
      let count = 0;
      for (const n of this.unknownSubtypes.values()) count += n;
      const names = [...this.unknownSubtypes.keys()].sort().join(', ');
      this.sink.problem({
        file: this.firstUnknown.file,
        line: this.firstUnknown.line,
        code: 'unknown-action',
        severity: 'info',
        message: `${this.firstUnknown.file}: ${count} message(s) of subtypes Pereezd does not know (${names}); kept as events`,
        params: { count, actions: names },
      });
    }
    this.problems.finish();
  }

  private contactOf(u: JsonObject, id: string, name: string | null, file: string, line: number): Contact {
    const p = isObject(u.profile) ? u.profile : {};
    const phones: TypedValue[] = [];
    const emails: TypedValue[] = [];
    const phone = trimmed(p.phone);
    if (phone) phones.push({ value: phone });
    const email = trimmed(p.email);
    if (email) emails.push({ value: email });
    const handle = trimmed(u.name);
    const c: Contact = {
      id: `slack:${id}`,
      name: name ?? handle ?? id,
      phones,
      emails,
      ...(handle ? { handles: [{ value: handle, type: 'slack' }] } : {}),
      sourceUserId: id,
      source: { file, line, id },
    };
    const given = trimmed(p.first_name);
    const family = trimmed(p.last_name);
    if (given) c.given = given;
    if (family) c.family = family;
    const title = trimmed(p.title);
    if (title) c.note = title;
    return c;
  }

  /** The export owner: the member of the self-DM, or the single member all DMs (two or more) share. */
  private owner(): string | null {
    const dms = this.conversations.filter((c) => c.kind === 'im' && c.members.length > 0);
    const self = dms.find((c) => c.members.length >= 2 && c.members.every((m) => m === c.members[0]));
    if (self) return self.members[0]!;
    if (dms.length < 2) return null;
    let common = new Set(dms[0]!.members);
    for (const d of dms.slice(1)) common = new Set(d.members.filter((m) => common.has(m)));
    return common.size === 1 ? [...common][0]! : null;
  }

  private chatOf(c: Conversation, owner: string | null): Chat {
    let type: ChatType;
    let title: string | undefined;
    const others = [...new Set(c.members)].filter((m) => m !== owner);
    const nameOf = (id: string) => this.users.get(id)?.name ?? id;
    switch (c.kind) {
      case 'im':
        if (c.members.length > 0 && others.length === 0) {
          type = 'saved';
          title = owner ? nameOf(owner) : undefined;
        } else {
          type = 'personal';
          title = others.map(nameOf).join(', ') || undefined;
        }
        break;
      case 'mpim':
        type = 'group';
        title = others.map(nameOf).join(', ') || c.name;
        break;
      default:
        type = 'group';
        title = c.name;
    }
    const rawType = c.kind === 'channel' ? 'public_channel' : c.kind === 'group' ? 'private_channel' : c.kind;
    return { id: `slack:${c.id}`, title: title ?? c.name ?? c.id, type, rawType, source: { file: c.file, line: c.line, id: c.id } };
  }

  private messages(chat: Chat, items: WalkItem[], file: string): void {
    for (const it of items) {
      const o = it.value;
      if (!isObject(o) || isoFromTs(o.ts) === null) {
        this.problems.report({
          file, line: it.line, offset: it.offset, code: 'bad-value', severity: 'warning',
          message: `${file}: the message at line ${it.line} has no valid "ts" (its id and time); it was skipped`,
          params: { line: it.line, field: 'ts' },
        });
        continue;
      }
      const m = this.message(chat.id, o, file, it.line);
      for (const a of m.attachments) this.tally.add(a, file, it.line);
      this.sink.message(m);
    }
  }

  private message(chat: string, o: JsonObject, file: string, line: number): Message {
    const ts = o.ts as string;
    const subtype = str(o.subtype);
    let action: string | undefined;
    if (subtype !== undefined && !MESSAGE_SUBTYPES.has(subtype)) {
      action = EVENT_SUBTYPES[subtype];
      if (action === undefined) {
        action = subtype;
        if (!this.firstUnknown) this.firstUnknown = { file, line };
        this.unknownSubtypes.set(subtype, (this.unknownSubtypes.get(subtype) ?? 0) + 1);
      }
    }
    const m: Message = {
      chat,
      id: ts,
      kind: action !== undefined ? 'event' : 'message',
      sentAt: isoFromTs(ts),
      sender: this.sender(o),
      text: action === 'message_deleted' ? '' : typeof o.text === 'string' ? mrkdwnToText(o.text, this.names) : '',
      attachments: Array.isArray(o.files) ? o.files.filter(isObject).map((f) => this.attachment(f)) : [],
      source: { file, line, id: ts },
    };
    if (action !== undefined) m.action = action;
    const thread = str(o.thread_ts);
    if (thread !== undefined && thread !== ts) m.replyTo = thread;
    if (isObject(o.edited)) {
      const edited = isoFromTs(o.edited.ts);
      if (edited) m.editedAt = edited;
    }
    return m;
  }

  private sender(o: JsonObject): Message['sender'] {
    const user = text(o.user);
    if (user !== undefined) {
      const known = this.users.get(user);
      if (known) return { name: known.name, id: user };
      const profileName = isObject(o.user_profile) ? personName(o.user_profile) : null;
      return { name: profileName, id: user };
    }
    const botId = text(o.bot_id);
    const botName = trimmed(o.username) ?? (isObject(o.bot_profile) ? trimmed(o.bot_profile.name) : undefined);
    if (botId !== undefined || botName !== undefined) return { name: botName ?? null, id: botId ?? null };
    return null;
  }

  private attachment(f: JsonObject): Attachment {
    const mime = text(f.mimetype);
    const name = trimmed(f.name) ?? trimmed(f.title) ?? idText(f.id) ?? 'file';
    const att: Attachment = { name, kind: kindFromMime(mime), missing: true };
    const mode = str(f.mode);
    att.missingReason = mode === 'tombstone' || mode === 'hidden_by_limit' ? 'unavailable' : 'not-included';
    if (mime) att.mime = mime;
    const size = num(f.size);
    if (size !== undefined && Number.isInteger(size) && size >= 0) att.size = size;
    return att;
  }
}

async function parse(container: Container, sink: SourceSink, progress: (n: number) => void, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  const layout = await layoutOf(container);
  if (!layout) {
    sink.problem({
      file: container.path,
      code: 'not-recognised',
      severity: 'error',
      message: `${container.path}: users.json and channels.json (or dms.json) were not found`,
    });
    return;
  }
  await new SlackReader(container, sink, progress, signal).run(layout);
}

export const slackZip: SourceFormat = {
  id: 'slack-zip',
  detect,
  parse(container, _detection, sink, deps, signal) {
    return parse(container, sink, (n) => deps.progress(n), signal);
  },
};
