/**
 * Skype export (formats.md §5): `messages.json` from the `<id>_export.tar` Skype produced until it
 * shut down in May 2025 (the user unpacks the tar; the file alone or its folder is given):
 * `{userId, exportDate, conversations[{id, displayName, properties, threadProperties,
 * MessageList[{id, displayName, originalarrivaltime, messagetype, content, conversationid, from,
 * properties, amsreferences}]}]}`. The file can be gigabytes: conversations and their messages are
 * streamed one by one (other/json-walk.ts).
 *
 * - Chats `skype:<conversation id>`: `8:`/`2:`/`4:` ids are 1:1 (`personal`), `19:…@thread.skype`
 *   groups, `28:` bots; titled by displayName, else the thread topic, else the members
 *   (`threadProperties.members` is a JSON array written as a string), else the id.
 * - Contacts: the other person of every 1:1 conversation (`skype:<id>`, their Skype name as a
 *   handle). Group members carry ids only, no names, so they are not contacts.
 * - Messages keep Skype's ids; senders `{name: displayName, id: from}` (Skype writes no
 *   displayName on the owner's own messages: name null). `content` is HTML/XML and is never kept
 *   as such: tags are stripped to their text, entities decoded (other/text.ts `htmlToText`).
 * - `Text`, `RichText`, polls, contacts, locations and media are messages; media
 *   (`RichText/UriObject`, `RichText/Media_*`) become attachments named from the `<URIObject>`,
 *   missing 'not-included' (the files live on Skype's servers; `amsreferences` only name them).
 * - `Event/Call` (`<partlist>`) is a `phone_call` event; `ThreadActivity/*` member and topic
 *   changes are events; `edittime` → editedAt; a `deletetime` makes the entry a `message_deleted`
 *   event with no text. Unknown message types are kept as events and listed once.
 */
import type { Attachment, AttachmentKind, Chat, ChatType, Contact, Message } from '../../../shared/model/index.js';
import { ByteProgress, idText, isObject, isoFromMs, isoFromString, type JsonObject, MediaTally, ProblemLog, str, text } from './other/common.js';
import { type Frame, type ObjectSpec, sniffJsonHead, walkEntry } from './other/json-walk.js';
import { decodeEntities, htmlToText, nfc } from './other/text.js';
import type { Container, Detection, SourceFormat, SourceSink } from './types.js';

const HEAD_BYTES = 64 * 1024;

export function sniffSkype(head: Buffer): number {
  const s = sniffJsonHead(head);
  if (!s.rootIsObject || !s.keys.has('conversations')) return 0;
  return s.keys.has('userId') || s.keys.has('exportDate') ? 0.95 : 0;
}

async function detect(container: Container): Promise<Detection | null> {
  const entries = await container.list();
  const entry =
    container.kind === 'file'
      ? entries.find((e) => e.path.toLowerCase().endsWith('.json'))
      : (entries.find((e) => e.path === 'messages.json') ?? entries.find((e) => e.path.toLowerCase() === 'messages.json'));
  if (!entry) return null;
  const confidence = sniffSkype(await container.readHead(entry.path, HEAD_BYTES));
  if (confidence === 0) return null;
  return { format: 'skype-json', confidence, entry: entry.path, size: entry.size };
}

/** Conversation id → chat type. */
export function skypeChatType(id: string): ChatType {
  if (/^(8|2|4):/.test(id)) return 'personal';
  if (id.startsWith('19:')) return 'group';
  if (id.startsWith('28:')) return 'bot';
  return 'unknown';
}

/** `8:live:bob` → `live:bob`. */
const bareId = (id: string): string => id.replace(/^\d+:/, '');

/** Members of `threadProperties.members`: a JSON array written as a string (or, defensively, an array). */
export function skypeMembers(v: unknown): string[] {
  let list: unknown = v;
  if (typeof v === 'string') {
    try {
      list = JSON.parse(v);
    } catch {
      return [];
    }
  }
  return Array.isArray(list) ? list.filter((m): m is string => typeof m === 'string' && m !== '') : [];
}

/** Attribute value of `name` in an XML start tag's attribute text. */
function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? '') : undefined;
}

/** Text content of the first `<tag>…</tag>` in `xml`. */
function element(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'i').exec(xml);
  return m ? htmlToText(m[1]!) : undefined;
}

const MEDIA_KINDS: Record<string, AttachmentKind> = {
  'RichText/UriObject': 'photo',
  'RichText/Media_Album': 'photo',
  'RichText/Media_Video': 'video',
  'RichText/Media_AudioMsg': 'voice',
  'RichText/Media_GenericFile': 'file',
  'RichText/Media_CallRecording': 'video',
  'RichText/Media_Card': 'other',
};

/** Media named by `<URIObject>` elements (one attachment each), missing 'not-included'. */
export function skypeAttachments(content: string, kind: AttachmentKind, amsreferences: unknown): Attachment[] {
  const out: Attachment[] = [];
  const re = /<URIObject\b([^>]*)>([\s\S]*?)<\/URIObject>|<URIObject\b([^>]*)\/>/gi;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    const attrs = m[1] ?? m[3] ?? '';
    const body = m[2] ?? '';
    const original = /<OriginalName\b([^>]*)>/i.exec(body);
    const meta = /<meta\b([^>]*)>/i.exec(body);
    const title = element(body, 'Title')?.replace(/^Title:\s*/i, '');
    const name = (original && attr(original[1]!, 'v')) || (meta && attr(meta[1]!, 'originalName')) || title || attr(attrs, 'doc_id') || 'attachment';
    const att: Attachment = { name: nfc(name), kind, missing: true, missingReason: 'not-included' };
    const sizeTag = /<FileSize\b([^>]*)>/i.exec(body);
    const size = sizeTag ? Number(attr(sizeTag[1]!, 'v')) : NaN;
    if (Number.isInteger(size) && size >= 0) att.size = size;
    const type = attr(attrs, 'type') ?? '';
    if (/^Video/i.test(type)) att.kind = 'video';
    else if (/^Audio/i.test(type)) att.kind = kind === 'voice' ? 'voice' : 'audio';
    out.push(att);
  }
  if (out.length === 0 && Array.isArray(amsreferences)) {
    for (const ref of amsreferences) if (typeof ref === 'string' && ref !== '') out.push({ name: ref, kind, missing: true, missingReason: 'not-included' });
  }
  return out;
}

/** `<partlist type="ended">…<duration>65</duration>` → "Call ended (1 min 5 s)". */
function callText(content: string): string {
  const list = /<partlist\b([^>]*)>/i.exec(content);
  const type = list ? attr(list[1]!, 'type') : undefined;
  const durations = [...content.matchAll(/<duration>\s*(\d+(?:\.\d+)?)\s*<\/duration>/gi)].map((d) => Number(d[1]));
  const seconds = durations.length > 0 ? Math.round(Math.max(...durations)) : null;
  const length = seconds === null ? '' : seconds >= 60 ? ` (${Math.floor(seconds / 60)} min ${seconds % 60} s)` : ` (${seconds} s)`;
  if (type === 'started') return 'Call started';
  if (type === 'missed') return 'Missed call';
  if (type === 'ended') return `Call ended${length}`;
  return `Call${length}`;
}

const THREAD_ACTIVITY: Record<string, string> = {
  'ThreadActivity/AddMember': 'invite_members',
  'ThreadActivity/DeleteMember': 'remove_members',
  'ThreadActivity/TopicUpdate': 'edit_group_title',
  'ThreadActivity/PictureUpdate': 'edit_group_photo',
  'ThreadActivity/RoleUpdate': 'edit_roles',
  'ThreadActivity/HistoryDisclosedUpdate': 'edit_settings',
  'ThreadActivity/JoiningEnabledUpdate': 'edit_settings',
  'ThreadActivity/MemberConsumptionHorizonUpdate': 'read_marker',
};
const MESSAGE_TYPES = new Set(['Text', 'RichText', 'RichText/Contacts', 'RichText/Location', 'Poll', 'RichText/Html', 'RichText/Sms', 'RichText/ScheduledCallInvite']);
const OTHER_EVENTS: Record<string, string> = {
  'Event/Call': 'phone_call',
  Notice: 'notice',
  SystemMessage: 'notice',
  'InviteFreeRelationshipChanged/Initialized': 'chat_created',
  'ThreadActivity/E2EEHandshakeInvite': 'encryption',
  'ThreadActivity/E2EEHandshakeAccept': 'encryption',
  'ThreadActivity/E2EEHandshakeReject': 'encryption',
};

export interface SkypeMapped {
  message: Message;
  unknownType: string | null;
}

/**
 * One MessageList entry → the model (pure). `names` resolves participant ids to display names
 * seen so far (for member-change events).
 */
export function mapSkypeMessage(o: JsonObject, ctx: { chat: string; file: string; line: number; index: number; names: (id: string) => string }): SkypeMapped {
  const id = idText(o.id) ?? idText(o.clientmessageid) ?? `entry-${ctx.index}`;
  const type = str(o.messagetype) ?? '';
  const content = typeof o.content === 'string' ? o.content : '';
  const from = text(o.from);
  const props = isObject(o.properties) ? o.properties : {};
  const deleted = props.deletetime !== undefined && props.deletetime !== null && props.deletetime !== '';
  let action: string | undefined;
  let unknownType: string | null = null;
  let body: string;
  let attachments: Attachment[] = [];
  const mediaKind = MEDIA_KINDS[type];
  if (mediaKind !== undefined) {
    attachments = skypeAttachments(content, mediaKind, o.amsreferences);
    body = '';
  } else if (type === 'RichText/Contacts') {
    const cards = [...content.matchAll(/<c\b([^>]*)\/?>/gi)].map((c) => {
      const name = attr(c[1]!, 'f');
      const handle = attr(c[1]!, 's');
      return name && handle ? `${name} (${handle})` : (name ?? handle ?? '');
    });
    body = nfc(cards.filter((c) => c !== '').join('\n'));
  } else if (type === 'Event/Call') {
    action = 'phone_call';
    body = callText(content);
  } else if (type.startsWith('ThreadActivity/') && THREAD_ACTIVITY[type] !== undefined) {
    action = THREAD_ACTIVITY[type]!;
    const initiator = element(content, 'initiator');
    const targets = [...content.matchAll(/<target>([\s\S]*?)<\/target>/gi)].map((t) => ctx.names(htmlToText(t[1]!)));
    const who = initiator ? ctx.names(initiator) : '';
    if (action === 'invite_members') body = `${who} added ${targets.join(', ')}`.trim();
    else if (action === 'remove_members') body = `${who} removed ${targets.join(', ')}`.trim();
    else if (action === 'edit_group_title') body = element(content, 'value') ?? '';
    else body = '';
  } else if (OTHER_EVENTS[type] !== undefined) {
    action = OTHER_EVENTS[type]!;
    body = htmlToText(content);
  } else {
    if (!MESSAGE_TYPES.has(type)) {
      unknownType = type === '' ? '(none)' : type;
      action = unknownType;
    }
    body = htmlToText(content);
  }
  if (deleted) {
    action = 'message_deleted';
    body = '';
    attachments = [];
  }
  const senderName = text(o.displayName);
  const message: Message = {
    chat: ctx.chat,
    id,
    kind: action !== undefined ? 'event' : 'message',
    sentAt: isoFromString(o.originalarrivaltime),
    sender: from !== undefined ? { name: senderName !== undefined ? nfc(senderName) : null, id: from } : null,
    text: body,
    attachments,
    source: { file: ctx.file, line: ctx.line, id },
  };
  if (action !== undefined) message.action = action;
  const edit = props.edittime;
  const editedAt = isoFromMs(typeof edit === 'string' && /^\d+$/.test(edit) ? Number(edit) : typeof edit === 'number' ? edit : undefined);
  if (editedAt && !deleted) message.editedAt = editedAt;
  return { message, unknownType };
}

interface ConvAcc {
  index: number;
  line: number;
  id?: string;
  displayName?: string;
  topic?: string;
  members: string[];
  /** Fixed at the first message, so all messages carry the same chat id. */
  chatId: string | null;
  emitted: boolean;
  count: number;
}

const CONVERSATION: ObjectSpec = {
  type: 'object',
  name: 'conversation',
  capture: ['id', 'displayName', 'threadProperties'],
  children: { MessageList: { type: 'array', element: 'item' } },
};
const ROOT: ObjectSpec = {
  type: 'object',
  capture: ['userId', 'exportDate'],
  children: { conversations: { type: 'array', element: CONVERSATION } },
};

class SkypeReader {
  private readonly problems: ProblemLog;
  private readonly tally = new MediaTally();
  private readonly progress: ByteProgress;
  private readonly names = new Map<string, string>();
  private readonly unknownTypes = new Map<string, number>();
  private firstUnknown: number | null = null;
  private conversations = 0;
  private userId: string | null = null;
  private readonly file: string;

  constructor(
    private readonly container: Container,
    private readonly entry: string,
    private readonly sink: SourceSink,
    progress: (n: number) => void,
    private readonly signal: AbortSignal,
  ) {
    this.problems = new ProblemLog(sink);
    this.progress = new ByteProgress(progress);
    this.file = container.display(entry);
  }

  private nameOf = (id: string): string => this.names.get(id) ?? bareId(id);

  private chatId(acc: ConvAcc, fromMessage?: string): string {
    if (acc.chatId) return acc.chatId;
    const id = acc.id ?? fromMessage;
    acc.chatId = id !== undefined ? `skype:${id}` : `skype:conversation-${acc.index}`;
    return acc.chatId;
  }

  private emitChat(acc: ConvAcc): void {
    if (acc.emitted) return;
    acc.emitted = true;
    const id = this.chatId(acc);
    const sourceId = id.slice('skype:'.length);
    const type = skypeChatType(sourceId);
    if (acc.displayName && acc.id) this.names.set(acc.id, acc.displayName);
    const title =
      acc.displayName ??
      acc.topic ??
      (acc.members.length > 0 ? acc.members.filter((m) => bareId(m) !== this.userId).map(this.nameOf).join(', ') : undefined) ??
      (type === 'personal' ? bareId(sourceId) : sourceId);
    const chat: Chat = { id, title: title || sourceId, type, source: { file: this.file, line: acc.line, id: sourceId } };
    this.sink.chat(chat);
    if (type === 'personal' && bareId(sourceId) !== this.userId) {
      const contact: Contact = {
        id: `skype:${sourceId}`,
        name: acc.displayName ?? bareId(sourceId),
        phones: sourceId.startsWith('4:') ? [{ value: bareId(sourceId) }] : [],
        emails: [],
        handles: [{ value: bareId(sourceId), type: 'skype' }],
        sourceUserId: sourceId,
        source: { file: this.file, line: acc.line, id: sourceId },
      };
      this.sink.contact(contact);
    }
  }

  async run(size: number): Promise<void> {
    const res = await walkEntry<ConvAcc>(
      this.container,
      this.entry,
      ROOT,
      {
        open: (frame, parent, spec) => {
          if (spec === CONVERSATION) frame.data = { index: this.conversations++, line: frame.line, members: [], chatId: null, emitted: false, count: 0 };
          else if (parent?.data) frame.data = parent.data; // MessageList: its conversation's accumulator
        },
        close: (frame, spec) => {
          if (spec === CONVERSATION && frame.data) this.emitChat(frame.data);
        },
        field: (frame, key, value) => {
          if (key === 'userId' && typeof value === 'string') this.userId = value;
          const acc = frame.data;
          if (!acc) return;
          if (key === 'id' && idText(value) !== undefined) acc.id = idText(value);
          else if (key === 'displayName' && text(value)) {
            acc.displayName = nfc((value as string).trim()) || undefined;
            if (acc.displayName && acc.id) this.names.set(acc.id, acc.displayName);
          } else if (key === 'threadProperties' && isObject(value)) {
            if (text(value.topic)) acc.topic = htmlToText(value.topic as string) || undefined;
            acc.members = skypeMembers(value.members);
          }
        },
        items: (frame: Frame<ConvAcc>, items) => {
          const acc = frame.data;
          if (!acc) return;
          for (const it of items) {
            const o = it.value;
            if (!isObject(o)) {
              this.problems.report({
                file: this.file, line: it.line, offset: it.offset, code: 'bad-value', severity: 'warning',
                message: `${this.file}: the message at line ${it.line} is not an object; it was skipped`, params: { line: it.line },
              });
              continue;
            }
            const chat = this.chatId(acc, text(o.conversationid));
            const from = text(o.from);
            const dn = text(o.displayName);
            if (from && dn) this.names.set(from, nfc(dn));
            const m = mapSkypeMessage(o, { chat, file: this.file, line: it.line, index: acc.count++, names: this.nameOf });
            if (m.message.sentAt === null) {
              this.problems.report({
                file: this.file, line: it.line, code: 'bad-value', severity: 'warning',
                message: `${this.file}: the message at line ${it.line} has no usable originalarrivaltime; it is kept without a time`,
                params: { line: it.line, field: 'originalarrivaltime' },
              });
            }
            if (m.unknownType !== null) {
              if (this.firstUnknown === null) this.firstUnknown = it.line;
              this.unknownTypes.set(m.unknownType, (this.unknownTypes.get(m.unknownType) ?? 0) + 1);
            }
            for (const a of m.message.attachments) this.tally.add(a, this.file, it.line);
            this.sink.message(m.message);
          }
        },
      },
      this.problems.report,
      {
        signal: this.signal,
        progress: (n) => this.progress.file(n),
      },
    );
    // Conversations cut short by a truncation still exist, with what was read of them.
    for (const f of res.open) if (f.data && typeof f.data === 'object' && 'emitted' in f.data) this.emitChat(f.data as ConvAcc);
    this.progress.next(size, res.bytes);
    this.tally.finish(this.sink, 'Skype kept shared files on its servers');
    if (this.firstUnknown !== null) {
      let count = 0;
      for (const n of this.unknownTypes.values()) count += n;
      const types = [...this.unknownTypes.keys()].sort().join(', ');
      this.sink.problem({
        file: this.file,
        line: this.firstUnknown,
        code: 'unknown-action',
        severity: 'info',
        message: `${this.file}: ${count} message(s) of types Pereezd does not know (${types}); kept as events`,
        params: { count, actions: types },
      });
    }
    this.problems.finish();
  }
}

export const skypeJson: SourceFormat = {
  id: 'skype-json',
  detect,
  async parse(container, detection, sink, deps, signal) {
    signal.throwIfAborted();
    const size = detection.size ?? (await container.stat(detection.entry))?.size ?? 0;
    await new SkypeReader(container, detection.entry, sink, (n) => deps.progress(n), signal).run(size);
  },
};
