/**
 * DiscordChatExporter JSON (the third-party exporter, formats.md §5): one file per channel,
 * `{guild, channel, dateRange, messages[{id, type, timestamp, timestampEdited, content, author,
 * attachments, stickers, reactions, reference}], messageCount}`. A single file, or a folder (or zip)
 * of such files side by side (an exported server): every top-level file that looks like one is read.
 *
 * - Chat `discord:<channel id>` (the same id the official data package uses), types as in
 *   other/discord.ts; guild channels are titled `<channel> (<guild>)`.
 * - Message ids are Discord snowflakes; authors `{name: nickname ?? name, id}`; replies from
 *   `reference.messageId` (same channel only).
 * - `Default`/`Reply` (and other authored kinds) are messages; calls, renames, pins, joins and
 *   recipient changes are events. Unknown kinds are kept as events and listed once.
 * - Attachments and stickers are CDN URLs: missing 'not-included', unless the exporter downloaded
 *   them (`--media`) and the `url` is a path next to the JSON that exists.
 * - Entries the exporter wrote twice are kept twice (de-duplication is the cleaning step's job).
 * - No contacts: a channel's authors are not the owner's contact list; they appear as senders.
 * - Reactions, embeds and mentions: the model has no place for them yet (mentions are already
 *   written into `content` as text).
 */
import type { Attachment, Chat, Message } from '../../../shared/model/index.js';
import { ByteProgress, dirOf, idText, isObject, isoFromString, type JsonObject, joinRel, MediaTally, ProblemLog, str, text } from './other/common.js';
import { discordAttachment, discordChatType } from './other/discord.js';
import { type ObjectSpec, sniffJsonHead, walkEntry, Yielder } from './other/json-walk.js';
import { nfc } from './other/text.js';
import type { Container, Detection, SourceFormat, SourceSink } from './types.js';

const HEAD_BYTES = 64 * 1024;
/** At most this many top-level files are looked at when a folder is given. */
const MAX_FILES = 5000;

/** Is this the head of a DiscordChatExporter JSON file? 0 when not. */
export function sniffDiscordExport(head: Buffer): number {
  const s = sniffJsonHead(head, ['messages']);
  if (!s.rootIsObject || !s.keys.has('guild') || !s.keys.has('channel')) return 0;
  if (s.keys.has('messages')) {
    const first = s.first.get('messages');
    if (first === undefined || (isObject(first) && isObject(first.author) && 'timestamp' in first)) return 0.95;
    return 0.5;
  }
  // A very long channel topic can push "messages" past the head.
  return 0.6;
}

async function dceFiles(container: Container): Promise<{ path: string; size: number; confidence: number }[]> {
  const entries = (await container.list()).filter((e) => e.path.toLowerCase().endsWith('.json')).sort((a, b) => (a.path < b.path ? -1 : 1));
  const out: { path: string; size: number; confidence: number }[] = [];
  for (const e of entries.slice(0, MAX_FILES)) {
    const confidence = sniffDiscordExport(await container.readHead(e.path, HEAD_BYTES).catch(() => Buffer.alloc(0)));
    if (confidence > 0) out.push({ ...e, confidence });
  }
  return out;
}

async function detect(container: Container): Promise<Detection | null> {
  const files = await dceFiles(container);
  if (files.length === 0) return null;
  const best = files.reduce((a, b) => (b.confidence > a.confidence ? b : a));
  return {
    format: 'discord-json',
    confidence: best.confidence,
    entry: files[0]!.path,
    variant: files.length > 1 ? 'channels' : 'channel',
    size: files.reduce((n, f) => n + f.size, 0),
  };
}

/** Message kinds DiscordChatExporter writes → event names (authored kinds are absent). */
const EVENT_KINDS: Record<string, string> = {
  Call: 'phone_call',
  RecipientAdd: 'invite_members',
  RecipientRemove: 'remove_members',
  ChannelNameChange: 'edit_group_title',
  ChannelIconChange: 'edit_group_photo',
  ChannelPinnedMessage: 'pin_message',
  GuildMemberJoin: 'join',
  ThreadCreated: 'thread_created',
};
const AUTHORED_KINDS = new Set(['Default', 'Reply', 'ThreadStarterMessage', 'ChatInputCommand', 'ContextMenuCommand']);

export interface DiscordMapped {
  message: Message;
  /** Attachments given as local paths, to look up. */
  lookups: { att: Attachment; path: string }[];
  unknownKind: string | null;
}

/** One DiscordChatExporter message object → the model (pure). */
export function mapDiscordMessage(o: JsonObject, ctx: { chat: string; channelId: string | null; file: string; line: number; dir: string }): DiscordMapped | null {
  const id = idText(o.id);
  if (id === undefined) return null;
  const kind = typeof o.type === 'number' ? String(o.type) : (str(o.type) ?? 'Default');
  const action = EVENT_KINDS[kind];
  const unknownKind = action === undefined && !AUTHORED_KINDS.has(kind) ? kind : null;
  const author = isObject(o.author) ? o.author : null;
  const message: Message = {
    chat: ctx.chat,
    id,
    kind: action !== undefined || unknownKind !== null ? 'event' : 'message',
    sentAt: isoFromString(o.timestamp),
    sender: author ? { name: text(author.nickname) ? nfc(author.nickname as string) : text(author.name) ? nfc(author.name as string) : null, id: idText(author.id) ?? null } : null,
    text: typeof o.content === 'string' ? nfc(o.content) : '',
    attachments: [],
    source: { file: ctx.file, line: ctx.line, id },
  };
  if (message.kind === 'event') message.action = action ?? unknownKind ?? 'unknown';
  const edited = isoFromString(o.timestampEdited);
  if (edited) message.editedAt = edited;
  if (isObject(o.reference)) {
    const ref = idText(o.reference.messageId);
    const refChannel = idText(o.reference.channelId);
    if (ref !== undefined && (refChannel === undefined || ctx.channelId === null || refChannel === ctx.channelId)) message.replyTo = ref;
  }
  const lookups: { att: Attachment; path: string }[] = [];
  const add = (urlOrPath: unknown, name: string | undefined, size: number | undefined, sticker: boolean) => {
    if (typeof urlOrPath !== 'string' || urlOrPath === '') return;
    const { att, lookup } = discordAttachment(urlOrPath, name, size);
    if (sticker) att.kind = 'sticker';
    message.attachments.push(att);
    if (lookup !== null) lookups.push({ att, path: joinRel(ctx.dir, lookup.replace(/\\/g, '/')) });
  };
  if (Array.isArray(o.attachments)) {
    for (const a of o.attachments) {
      if (isObject(a)) add(a.url, text(a.fileName), typeof a.fileSizeBytes === 'number' ? a.fileSizeBytes : undefined, false);
    }
  }
  if (Array.isArray(o.stickers)) {
    for (const s of o.stickers) {
      if (isObject(s)) add(s.sourceUrl, text(s.name), undefined, true);
    }
  }
  return { message, lookups, unknownKind };
}

const FILE_SPEC: ObjectSpec = {
  type: 'object',
  capture: ['guild', 'channel'],
  children: { messages: { type: 'array', element: 'item' } },
};

class DiscordExportReader {
  private readonly problems: ProblemLog;
  private readonly tally = new MediaTally();
  private readonly progress: ByteProgress;
  private readonly yielder = new Yielder();
  private readonly unknownKinds = new Map<string, number>();
  private firstUnknown: { file: string; line: number } | null = null;

  constructor(
    private readonly container: Container,
    private readonly sink: SourceSink,
    progress: (n: number) => void,
    private readonly signal: AbortSignal,
  ) {
    this.problems = new ProblemLog(sink);
    this.progress = new ByteProgress(progress);
  }

  async run(files: { path: string; size: number }[]): Promise<void> {
    for (const f of files) {
      this.signal.throwIfAborted();
      await this.file(f.path);
      this.progress.next(f.size);
      await this.yielder.maybe(this.signal);
    }
    this.tally.finish(this.sink, 'Discord keeps attachments on its servers; the exporter wrote links');
    if (this.firstUnknown) {
      let count = 0;
      for (const n of this.unknownKinds.values()) count += n;
      const kinds = [...this.unknownKinds.keys()].sort().join(', ');
      this.sink.problem({
        file: this.firstUnknown.file,
        line: this.firstUnknown.line,
        code: 'unknown-action',
        severity: 'info',
        message: `${this.firstUnknown.file}: ${count} entr(ies) of message kinds Pereezd does not know (${kinds}); kept as events`,
        params: { count, actions: kinds },
      });
    }
    this.problems.finish();
  }

  private async file(entry: string): Promise<void> {
    const file = this.container.display(entry);
    const dir = dirOf(entry);
    let guild: JsonObject | null = null;
    let channel: JsonObject | null = null;
    let chat: Chat | null = null;
    let chatLine = 1;
    const chatOf = (): Chat => {
      if (chat) return chat;
      const channelId = channel ? idText(channel.id) : undefined;
      const id = channelId !== undefined ? `discord:${channelId}` : `discord:${entry.replace(/\.json$/i, '')}`;
      const rawType = channel ? (typeof channel.type === 'number' ? String(channel.type) : str(channel.type)) : undefined;
      const type = discordChatType(rawType);
      const name = channel && text(channel.name) ? nfc(channel.name as string) : undefined;
      const guildName = guild && text(guild.name) ? nfc(guild.name as string) : undefined;
      const inGuild = guild !== null && idText(guild.id) !== undefined && idText(guild.id) !== '0' && type !== 'personal';
      const title = name !== undefined ? (inGuild && guildName ? `${name} (${guildName})` : name) : (channelId ?? entry);
      chat = { id, title, type, source: { file, line: chatLine, ...(channelId !== undefined ? { id: channelId } : {}) } };
      if (rawType !== undefined) chat.rawType = rawType;
      this.sink.chat(chat);
      return chat;
    };
    let queue: DiscordMapped[] = [];
    const drain = async (): Promise<void> => {
      if (queue.length === 0) return;
      const q = queue;
      queue = [];
      await Promise.all(
        q.flatMap((m) =>
          m.lookups.map(async (l) => {
            let st = await this.container.stat(l.path).catch(() => null);
            let rel = l.path;
            if (!st) {
              try {
                const decoded = decodeURI(l.path);
                if (decoded !== l.path) {
                  st = await this.container.stat(decoded).catch(() => null);
                  rel = decoded;
                }
              } catch {
                // not percent-encoded
              }
            }
            if (st) {
              l.att.path = rel;
              l.att.size = st.size;
            } else {
              l.att.missing = true;
              l.att.missingReason = 'not-found';
            }
          }),
        ),
      );
      for (const m of q) {
        for (const a of m.message.attachments) this.tally.add(a, file, m.message.source.line);
        this.sink.message(m.message);
      }
    };
    await walkEntry<unknown>(
      this.container,
      entry,
      FILE_SPEC,
      {
        field: (_f, key, value, line) => {
          if (key === 'guild' && isObject(value)) guild = value;
          if (key === 'channel' && isObject(value)) {
            channel = value;
            chatLine = line;
          }
        },
        items: (_f, items) => {
          const c = chatOf();
          const channelId = c.source.id ?? null;
          for (const it of items) {
            const m = isObject(it.value) ? mapDiscordMessage(it.value, { chat: c.id, channelId, file, line: it.line, dir }) : null;
            if (!m) {
              this.problems.report({
                file, line: it.line, offset: it.offset, code: 'bad-value', severity: 'warning',
                message: `${file}: the message at line ${it.line} has no id or is not an object; it was skipped`, params: { line: it.line },
              });
              continue;
            }
            if (m.message.sentAt === null) {
              this.problems.report({
                file, line: it.line, code: 'bad-value', severity: 'warning',
                message: `${file}: the message at line ${it.line} has no usable timestamp; it is kept without a time`,
                params: { line: it.line, field: 'timestamp' },
              });
            }
            if (m.unknownKind !== null) {
              if (!this.firstUnknown) this.firstUnknown = { file, line: it.line };
              this.unknownKinds.set(m.unknownKind, (this.unknownKinds.get(m.unknownKind) ?? 0) + 1);
            }
            queue.push(m);
          }
        },
        close: (frame) => {
          if (frame.key === null && !frame.isArray) chatOf();
        },
      },
      this.problems.report,
      { signal: this.signal, progress: (n) => this.progress.file(n), drain, yielder: this.yielder },
    );
    // Cut short before the first message: the channel still exists when the file named it.
    if (!chat && channel) chatOf();
  }
}

async function parse(container: Container, detection: Detection, sink: SourceSink, progress: (n: number) => void, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  let files: { path: string; size: number }[] = container.kind === 'file' ? [] : await dceFiles(container);
  if (files.length === 0) files = [{ path: detection.entry, size: detection.size ?? (await container.stat(detection.entry))?.size ?? 0 }];
  await new DiscordExportReader(container, sink, progress, signal).run(files);
}

export const discordJson: SourceFormat = {
  id: 'discord-json',
  detect,
  parse(container, detection, sink, deps, signal) {
    return parse(container, detection, sink, (n) => deps.progress(n), signal);
  },
};
