/**
 * Discord's official data package (`package.zip`, "Request all of my data"; formats.md §5):
 * `messages/index.json` (`{"<channel id>": "general in Server" | "Direct Message with X" | null}`),
 * one folder per channel (`messages/c<id>/`, older packages `messages/<id>/`) holding `channel.json`
 * (`{id, type, name?, guild?, recipients?}`) and the messages as `messages.csv` (older:
 * `ID,Timestamp,Contents,Attachments`, quoted multi-line contents, space-separated attachment URLs)
 * or `messages.json` (newer: an array of objects with the same fields), plus `account/user.json`.
 * Folder and file names are matched case-insensitively (newer packages write `Messages/`,
 * `Account/`). The folder itself, the zip, or just its `messages/` folder can be given.
 *
 * - The package holds only the messages the owner sent: every message's sender is the owner from
 *   `account/user.json` (`{name, id}`), or null when that file is absent.
 * - Chats `discord:<channel id>` (the id DiscordChatExporter uses as well), titled by index.json,
 *   else channel.json's name (and guild), else the id; types as in other/discord.ts.
 * - Contacts: the owner (`self`) and the friends (`relationships` of type 1) from user.json, which
 *   are the owner's own contact list (`discord:<user id>`, the username as a handle).
 * - Times are UTC (`2020-04-29 19:37:33.587000+00:00`; newer files may leave the offset out).
 * - Attachments are CDN URLs: missing 'not-included', one problem per source.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Chat, Contact, Message } from '../../../shared/model/index.js';
import { ByteProgress, idText, isObject, isoFromUtcWallClock, type JsonObject, MediaTally, ProblemLog, str, text } from './other/common.js';
import { CsvReader } from './other/csv.js';
import { discordAttachment, discordChatType } from './other/discord.js';
import { type ObjectSpec, pumpEntry, sniffJsonHead, walkEntry, Yielder } from './other/json-walk.js';
import { nfc } from './other/text.js';
import type { Container, ContainerEntry, Detection, SourceFormat, SourceSink } from './types.js';

interface ChannelFiles {
  id: string;
  dir: string;
  channel?: ContainerEntry;
  csv?: ContainerEntry;
  json?: ContainerEntry;
}

interface Layout {
  index: ContainerEntry;
  user?: ContainerEntry;
  channels: ChannelFiles[];
  hasAccountOrServers: boolean;
}

const INDEX = /^(?:messages\/)?index\.json$/i;
const CHANNEL_FILE = /^(?:messages\/)?(c?(\d+))\/(channel\.json|messages\.csv|messages\.json)$/i;
const USER = /^account\/user\.json$/i;

async function layoutOf(container: Container): Promise<Layout | null> {
  if (container.kind === 'file') return null;
  const all = await container.listAll();
  // Prefer messages/index.json (a package root) over a bare index.json (the messages folder itself).
  const index = all.find((e) => /^messages\/index\.json$/i.test(e.path)) ?? all.find((e) => INDEX.test(e.path));
  if (!index) return null;
  const inMessages = index.path.includes('/');
  const byDir = new Map<string, ChannelFiles>();
  let user: ContainerEntry | undefined;
  let hasAccountOrServers = false;
  for (const e of all) {
    if (USER.test(e.path)) user = e;
    if (/^(account|servers)\//i.test(e.path)) hasAccountOrServers = true;
    const m = CHANNEL_FILE.exec(e.path);
    if (!m || inMessages !== /^messages\//i.test(e.path)) continue;
    const dir = e.path.slice(0, e.path.lastIndexOf('/'));
    let ch = byDir.get(dir);
    if (!ch) byDir.set(dir, (ch = { id: m[2]!, dir }));
    const name = m[3]!.toLowerCase();
    if (name === 'channel.json') ch.channel = e;
    else if (name === 'messages.csv') ch.csv = e;
    else ch.json = e;
  }
  const channels = [...byDir.values()].sort((a, b) => (a.id.length - b.id.length) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { index, ...(user ? { user } : {}), channels, hasAccountOrServers };
}

/** index.json is an object of channel ids (digits) to names or null. */
function looksLikeIndex(head: Buffer): boolean {
  const s = sniffJsonHead(head);
  if (!s.rootIsObject) return false;
  for (const k of s.keys) if (!/^\d+$/.test(k)) return false;
  return true;
}

async function detect(container: Container): Promise<Detection | null> {
  const layout = await layoutOf(container);
  if (!layout) return null;
  if (!looksLikeIndex(await container.readHead(layout.index.path, 16 * 1024))) return null;
  const withMeta = layout.channels.filter((c) => c.channel || c.csv || c.json);
  let confidence: number;
  if (withMeta.length > 0) confidence = 0.95;
  else if (layout.hasAccountOrServers) confidence = 0.8;
  else return null;
  let size = layout.index.size + (layout.user?.size ?? 0);
  for (const c of layout.channels) size += (c.channel?.size ?? 0) + (c.csv?.size ?? 0) + (c.json?.size ?? 0);
  return { format: 'discord-package', confidence, entry: layout.index.path, variant: 'data-package', size };
}

const CAPTURE_ALL: ObjectSpec = { type: 'object', capture: true };
const USER_SPEC: ObjectSpec = {
  type: 'object',
  capture: ['id', 'username', 'global_name', 'discriminator', 'email'],
  children: { relationships: { type: 'array', element: 'item' } },
};
const MESSAGES_SPEC = { type: 'array', element: 'item' } as const;

interface Owner {
  id: string | null;
  name: string | null;
}

/** `name#1234` for pre-2023 names, the bare username for new ones (discriminator "0"). */
function handleOf(username: string | undefined, discriminator: unknown): string | undefined {
  if (!username) return undefined;
  const d = idText(discriminator);
  return d && d !== '0' && d !== '0000' ? `${username}#${d}` : username;
}

class PackageReader {
  private readonly problems: ProblemLog;
  private readonly tally = new MediaTally();
  private readonly progress: ByteProgress;
  private readonly yielder = new Yielder();
  private owner: Owner = { id: null, name: null };
  private readonly names = new Map<string, string | null>();

  constructor(
    private readonly container: Container,
    private readonly sink: SourceSink,
    progress: (n: number) => void,
    private readonly signal: AbortSignal,
  ) {
    this.problems = new ProblemLog(sink);
    this.progress = new ByteProgress(progress);
  }

  /** Walk options; ids are read exactly (newer messages.json writes snowflakes as bare numbers). */
  private readonly opts = () => ({ signal: this.signal, progress: (n: number) => this.progress.file(n), bigIntsAsStrings: true, yielder: this.yielder });

  async run(layout: Layout): Promise<void> {
    if (layout.user) await this.user(layout.user);
    await walkEntry<unknown>(
      this.container,
      layout.index.path,
      CAPTURE_ALL,
      {
        field: (_f, key, value) => {
          this.names.set(key, typeof value === 'string' && value.trim() !== '' ? nfc(value.trim()) : null);
        },
      },
      this.problems.report,
      this.opts(),
    );
    this.progress.next(layout.index.size);
    for (const ch of layout.channels) {
      this.signal.throwIfAborted();
      await this.channel(ch);
      await this.yielder.maybe(this.signal);
    }
    this.tally.finish(this.sink, 'the data package links to attachments on Discord’s servers');
    this.problems.finish();
  }

  private async user(entry: ContainerEntry): Promise<void> {
    const file = this.container.display(entry.path);
    const root: JsonObject = {};
    const friends: { value: JsonObject; line: number }[] = [];
    await walkEntry<unknown>(
      this.container,
      entry.path,
      USER_SPEC,
      {
        field: (_f, key, value) => {
          root[key] = value;
        },
        items: (_f, items) => {
          for (const it of items) if (isObject(it.value)) friends.push({ value: it.value, line: it.line });
        },
      },
      this.problems.report,
      this.opts(),
    );
    this.progress.next(entry.size);
    const id = idText(root.id) ?? null;
    const username = text(root.username);
    const name = text(root.global_name) ?? username ?? null;
    this.owner = { id, name: name ? nfc(name) : null };
    if (id !== null || name !== null) {
      const handle = handleOf(username, root.discriminator);
      const self: Contact = {
        id: `discord:${id ?? 'self'}`,
        name: this.owner.name ?? handle ?? id ?? 'Discord account',
        phones: [],
        emails: text(root.email) ? [{ value: root.email as string }] : [],
        ...(handle ? { handles: [{ value: handle, type: 'discord' }] } : {}),
        ...(id !== null ? { sourceUserId: id } : {}),
        self: true,
        source: { file, line: 1, ...(id !== null ? { id } : {}) },
      };
      this.sink.contact(self);
      if (this.owner.name) this.sink.owner?.(this.owner.name);
    }
    for (const { value: r, line } of friends) {
      if (r.type !== 1) continue; // 1: friend; 2: blocked; 3/4: pending requests
      const u = isObject(r.user) ? r.user : {};
      const uid = idText(u.id) ?? idText(r.id);
      if (uid === undefined) continue;
      const uname = text(u.username);
      const handle = handleOf(uname, u.discriminator);
      const display = text(r.nickname) ?? text(u.global_name) ?? uname ?? uid;
      this.sink.contact({
        id: `discord:${uid}`,
        name: nfc(display),
        phones: [],
        emails: [],
        ...(handle ? { handles: [{ value: handle, type: 'discord' }] } : {}),
        sourceUserId: uid,
        source: { file, line, id: uid },
      });
    }
  }

  private async channel(ch: ChannelFiles): Promise<void> {
    let meta: JsonObject = {};
    let metaFile = this.container.display(ch.dir);
    if (ch.channel) {
      const entry = ch.channel;
      metaFile = this.container.display(entry.path);
      const got: JsonObject = {};
      await walkEntry<unknown>(this.container, entry.path, CAPTURE_ALL, { field: (_f, k, v) => (got[k] = v) }, this.problems.report, this.opts());
      this.progress.next(entry.size);
      meta = got;
    }
    const id = idText(meta.id) ?? ch.id;
    const rawType = typeof meta.type === 'number' ? String(meta.type) : str(meta.type);
    const type = discordChatType(rawType);
    const guild = isObject(meta.guild) ? meta.guild : null;
    const name = text(meta.name) ? nfc(meta.name as string) : undefined;
    const guildName = guild && text(guild.name) ? nfc(guild.name as string) : undefined;
    const indexName = this.names.get(id) ?? this.names.get(ch.id) ?? null;
    const title = indexName ?? (name ? (guildName ? `${name} in ${guildName}` : name) : `Channel ${id}`);
    const chat: Chat = { id: `discord:${id}`, title, type, source: { file: metaFile, line: 1, id } };
    if (rawType !== undefined) chat.rawType = rawType;
    this.sink.chat(chat);
    if (ch.json) await this.jsonMessages(chat.id, ch.json);
    else if (ch.csv) await this.csvMessages(chat.id, ch.csv);
  }

  private emit(chat: string, row: { id: unknown; time: unknown; contents: unknown; attachments: unknown }, file: string, line: number): void {
    const id = idText(row.id);
    if (id === undefined) {
      this.problems.report({
        file, line, code: 'bad-value', severity: 'warning',
        message: `${file}: the message at line ${line} has no ID; it was skipped`, params: { line, field: 'ID' },
      });
      return;
    }
    const sentAt = isoFromUtcWallClock(row.time);
    if (sentAt === null) {
      this.problems.report({
        file, line, code: 'bad-value', severity: 'warning',
        message: `${file}: the message at line ${line} has no usable Timestamp; it is kept without a time`,
        params: { line, field: 'Timestamp' },
      });
    }
    const urls = typeof row.attachments === 'string' ? row.attachments.split(/\s+/) : Array.isArray(row.attachments) ? row.attachments : [];
    const m: Message = {
      chat,
      id,
      kind: 'message',
      sentAt,
      sender: this.owner.id !== null || this.owner.name !== null ? { name: this.owner.name, id: this.owner.id } : null,
      text: typeof row.contents === 'string' ? nfc(row.contents) : '',
      attachments: urls.filter((u): u is string => typeof u === 'string' && u !== '').map((u) => discordAttachment(u).att),
      source: { file, line, id },
    };
    for (const a of m.attachments) this.tally.add(a, file, line);
    this.sink.message(m);
  }

  private async jsonMessages(chat: string, entry: ContainerEntry): Promise<void> {
    const file = this.container.display(entry.path);
    await walkEntry<unknown>(
      this.container,
      entry.path,
      MESSAGES_SPEC,
      {
        items: (_f, items) => {
          for (const it of items) {
            const o = it.value;
            if (!isObject(o)) {
              this.problems.report({
                file, line: it.line, offset: it.offset, code: 'bad-value', severity: 'warning',
                message: `${file}: the message at line ${it.line} is not an object; it was skipped`, params: { line: it.line },
              });
              continue;
            }
            this.emit(chat, { id: o.ID ?? o.id, time: o.Timestamp ?? o.timestamp, contents: o.Contents ?? o.contents, attachments: o.Attachments ?? o.attachments }, file, it.line);
          }
        },
      },
      this.problems.report,
      this.opts(),
    );
    this.progress.next(entry.size);
  }

  private async csvMessages(chat: string, entry: ContainerEntry): Promise<void> {
    const file = this.container.display(entry.path);
    let columns: { id: number; time: number; contents: number; attachments: number } | null = null;
    const reader = new CsvReader((fields, line) => {
      if (!columns) {
        const lower = fields.map((f) => f.trim().toLowerCase());
        if (lower.includes('id') || lower.includes('timestamp')) {
          columns = { id: lower.indexOf('id'), time: lower.indexOf('timestamp'), contents: lower.indexOf('contents'), attachments: lower.indexOf('attachments') };
          return;
        }
        // No header: the documented column order.
        columns = { id: 0, time: 1, contents: 2, attachments: 3 };
      }
      const c = columns;
      const at = (i: number) => (i >= 0 ? fields[i] : undefined);
      // Line ends inside quoted contents are the CSV writer's (CRLF on Windows): one \n each.
      const contents = at(c.contents)?.replace(/\r\n?/g, '\n');
      this.emit(chat, { id: at(c.id)?.trim(), time: at(c.time), contents, attachments: at(c.attachments) }, file, line);
    });
    const decoder = new StringDecoder('utf8');
    const { failed } = await pumpEntry(this.container, entry.path, (b) => reader.push(decoder.write(b)), this.problems.report, this.opts(), () => reader.currentLine);
    reader.push(decoder.end());
    const open = reader.end();
    if (open !== null && !failed) {
      this.problems.report({
        file, line: open, code: 'truncated', severity: 'error',
        message: `${file}: the file ends inside a quoted field that starts at line ${open}; everything before it was read`,
        params: { line: open },
      });
    }
    this.progress.next(entry.size);
  }
}

export const discordPackage: SourceFormat = {
  id: 'discord-package',
  detect,
  async parse(container, _detection, sink, deps, signal) {
    signal.throwIfAborted();
    const layout = await layoutOf(container);
    if (!layout) {
      sink.problem({ file: container.path, code: 'not-recognised', severity: 'error', message: `${container.path}: messages/index.json was not found` });
      return;
    }
    await new PackageReader(container, sink, (n) => deps.progress(n), signal).run(layout);
  },
};
