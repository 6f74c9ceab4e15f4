/**
 * The shapes the clean step reads and writes. Input lines are what `convert` writes
 * (pipeline/convert.ts); output lines keep those shapes and add fields (`duplicates`, `members`,
 * `sources`, `conflicts`), never remove one.
 */

export interface ProvenanceLine {
  file: string;
  line: number | null;
  /** The export's own id of the item (message id, contact id), when known. */
  id?: string;
}

export interface TypedLine {
  value: string;
  type: string | null;
}

/** One line of convert's contacts.jsonl. */
export interface ContactLine {
  id: string;
  name: string;
  given: string | null;
  family: string | null;
  phones: TypedLine[];
  emails: TypedLine[];
  /** Usernames (Telegram `@name`); written by parsers that know them. */
  handles?: TypedLine[];
  org: string | null;
  note: string | null;
  /** The export's own id for this person (`user123`), when the line carries it. */
  sourceUserId?: string;
  source: { file: string; line: number | null };
  self?: boolean;
}

export interface AttachmentLine {
  name: string;
  kind: string;
  mime: string | null;
  size: number | null;
  sha256: string | null;
  missing: boolean;
  missingReason?: string;
  path?: string;
}

/** One line of convert's messages.jsonl (clean adds `duplicates` and `restored`). */
export interface MessageLine {
  chat: string;
  id: string;
  kind: 'message' | 'event';
  sentAt: string | null;
  sender: { name: string | null; id: string | null } | null;
  text: string;
  action?: string;
  replyTo: string | null;
  forwardedFrom: string | null;
  editedAt: string | null;
  attachments: AttachmentLine[];
  source: { file: string; line: number | null };
  /** Where the same message was also found (other exports of the chat); clean only. */
  duplicates?: ProvenanceLine[];
  /** Put back from quarantine by the user; clean only. */
  restored?: true;
}

/** One line of convert's chats.jsonl. */
export interface ChatLine {
  id: string;
  title: string;
  type: string;
  members: number;
  messages: number;
  events: number;
  firstAt: string | null;
  lastAt: string | null;
  source: { file: string; line: number | null };
  /** Every export the chat was found in, when more than one; clean only. */
  sources?: { file: string; line: number | null }[];
}

/** A person seen in chats (author or actor), gathered while the timeline is written. */
export interface ParticipantInfo {
  /** `tg:user123`, or `wa:name:иван петров` when the export gives names only. */
  key: string;
  /** The chat id prefix (`tg`), i.e. the messenger. */
  network: string;
  senderId: string | null;
  name: string | null;
  messages: number;
  chats: number;
}

/** One line of quarantine.jsonl. */
export interface QuarantineLine {
  /** Stable across runs over the same input: `q-` + 16 hex. */
  id: string;
  kind: 'message' | 'contact';
  reason: 'no-date' | 'bad-date' | 'unreadable' | 'empty';
  /** English, for the CLI and logs. */
  message: string;
  file: string;
  line: number | null;
  chat?: string;
  /** The id the export gave the entry. */
  itemId?: string;
  /** True when `--restore-quarantined ID` (or a decisions entry) can put it back. */
  restorable: boolean;
  /** The entry as it was read (so it can be restored, or inspected). */
  item?: unknown;
  /** Up to 2,000 characters of a line that could not be read. */
  raw?: string;
}
