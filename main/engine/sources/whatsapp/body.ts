/**
 * What follows the header of a line: `Author: text`, or a system text without author.
 *
 * - No `: ` → a system event (Android writes joins, group changes… without author). `Name:` with
 *   nothing after it is an authored message with an empty body (a disappearing photo).
 * - A system line can contain `: ` inside a quoted name (`Alice changed the subject to "Plan:
 *   Friday"`): a would-be author holding a quote character, or matching a system phrase, is not an
 *   author; the whole line is the event.
 * - iOS attributes system texts to the chat's name (`Elon Musk: ‎Messages and calls are…`). Those
 *   texts start with a direction mark; only then is a known system phrase after `name: ` an event
 *   (without the mark, "Bob: Alice left" is just Bob's message).
 * - Special bodies: deleted messages (kind message, action `deleted`), missed calls (event,
 *   action `call`, the caller as sender), media placeholders and attached files (attachments).
 */
import type { Attachment, AttachmentKind } from '../../../../shared/model/index.js';
import { cleanInline, isIgnorable, startsInvisible, stripInvisible } from './chars.js';
import {
  ANDROID_ATTACHED,
  IOS_ATTACHED,
  isCallText,
  kindOfName,
  mimeOfName,
  omittedEndingLike,
  QUOTE_CHARS,
  specialBody,
  systemAction,
  WA_MEDIA_NAME,
} from './phrases.js';

export interface Body {
  kind: 'message' | 'event';
  /** Raw author text as written (cleaned by the reader), or null. */
  author: string | null;
  text: string;
  action: string | null;
  attachment: Attachment | null;
  /** Attachment to look up in the container (by this name). */
  lookup: string | null;
  /** The first line held only a media marker: the next line starts the caption (no leading newline). */
  captionNext: boolean;
  /** A system line no rule recognised (kept as a generic event). */
  unknownSystem: boolean;
}

export function newBody(): Body {
  return { kind: 'message', author: null, text: '', action: null, attachment: null, lookup: null, captionNext: false, unknownSystem: false };
}

function reset(b: Body): void {
  b.kind = 'message';
  b.author = null;
  b.text = '';
  b.action = null;
  b.attachment = null;
  b.lookup = null;
  b.captionNext = false;
  b.unknownSystem = false;
}

function system(b: Body, rest: string, action: string | null, sender: string | null = null): void {
  b.kind = 'event';
  b.author = sender;
  b.text = cleanInline(rest);
  b.action = action ?? 'unknown';
  b.unknownSystem = action === null;
}

function isPhoneLike(s: string): boolean {
  return /^[\s\u00a0\u202f\u200e\u200f\u202a-\u202e~+\d()\-.]+$/.test(s);
}

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x201c || c === 0x201d || c === 0x201e || c === 0xab || c === 0xbb;
}

/** Would-be author that is really the start of a system sentence with `: ` in it. */
function notAnAuthor(candidate: string): boolean {
  let spaces = 0;
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (c === 0x20) spaces++;
    else if (isQuote(c)) return true;
  }
  if (candidate.length <= 24 && spaces < 3) return false;
  if (isPhoneLike(candidate)) return false;
  return systemAction(cleanInline(candidate)) !== null;
}

function omitted(b: Body, kind: AttachmentKind, name = ''): void {
  b.text = '';
  b.attachment = { name, kind, missing: true, missingReason: 'not-included' };
  b.captionNext = true;
}

function attached(b: Body, name: string, text = ''): void {
  const att: Attachment = { name, kind: kindOfName(name), path: name, missing: false };
  const mime = mimeOfName(name);
  if (mime) att.mime = mime;
  b.attachment = att;
  b.lookup = name;
  b.text = text;
  b.captionNext = text === '';
}

/** iOS document title before a marker: `Some file.txt `, `Resume.pdf • ‎2 pages `. */
function isDocumentTitle(prefix: string, name: string): boolean {
  if (prefix === '') return true;
  if (prefix.includes(' • ')) return true;
  const bare = name.replace(/^\d{8}-/, '');
  return prefix === bare || prefix === name;
}

/** Attachment markers at the end of an authored text; true when one was found. */
function attachmentMarker(b: Body, text: string): boolean {
  const last = text.charCodeAt(text.length - 1);
  if (last === 0x29 /* ) */) {
    // Android: `IMG-20210610-WA0031.jpg (file attached)`
    const p = text.lastIndexOf(' (');
    if (p <= 0) return false;
    const words = cleanInline(text.slice(p + 2, -1));
    const name = cleanInline(text.slice(0, p));
    if (name === '' || name.includes('\n')) return false;
    if (ANDROID_ATTACHED.has(words) || (WA_MEDIA_NAME.test(name) && words.length <= 40)) {
      attached(b, name);
      return true;
    }
    return false;
  }
  if (last === 0x3e /* > */) {
    const p = text.lastIndexOf('<');
    if (p < 0) return false;
    const inner = text.slice(p + 1, -1);
    const colon = inner.indexOf(':');
    if (colon >= 0) {
      // iOS: `‎<attached: 00000035-PHOTO-2022-03-27-21-41-55.jpg>`, maybe after a document title.
      const word = cleanInline(inner.slice(0, colon));
      const name = cleanInline(inner.slice(colon + 1));
      if (name === '' || !(IOS_ATTACHED.has(word) || /^\d{8}-/.test(name))) return false;
      const prefix = cleanInline(text.slice(0, p));
      attached(b, name, isDocumentTitle(prefix, name) ? '' : prefix);
      return true;
    }
    // Older iOS: `2015-08-04-PHOTO-00004762.jpg <‎attached>`
    if (IOS_ATTACHED.has(cleanInline(inner))) {
      const name = cleanInline(text.slice(0, p));
      if (name === '') return false;
      attached(b, name);
      return true;
    }
  }
  return false;
}

/**
 * iOS `Some file.txt ‎document omitted`: a placeholder at the end, right after a direction mark
 * (without the mark it is someone's text). Filtered by the last two characters first: this runs
 * on every message.
 */
function omittedAfterMark(b: Body, text: string): boolean {
  const candidates = omittedEndingLike(text);
  if (candidates === undefined) return false;
  for (const [phrase, kind] of candidates) {
    if (!text.endsWith(phrase)) continue;
    const before = text.slice(0, text.length - phrase.length).trimEnd();
    const mark = before.charCodeAt(before.length - 1);
    if (mark !== 0x200e && mark !== 0x200f) continue;
    let name = cleanInline(before);
    const dot = name.indexOf(' • ');
    if (dot >= 0) name = name.slice(0, dot).trim();
    omitted(b, kind, name);
    return true;
  }
  return false;
}

/**
 * Authors seen lately (the raw text before `: `), so that most lines need no substring, no
 * system-phrase check and no fresh hashing for their author. Small and round-robin: a chat has few
 * active writers at a time.
 */
export class RecentAuthors {
  readonly list: string[] = [];
  private next = 0;
  add(raw: string): void {
    if (this.list.length < 8) this.list.push(raw);
    else {
      this.list[this.next] = raw;
      this.next = (this.next + 1) & 7;
    }
  }
}

const NO_RECENT = new RecentAuthors();

/**
 * Classifies the line after its header, `s[start, end)`, into `b` (a window of a larger text, so
 * the reader needs no substring per line).
 */
export function classify(s: string, start: number, end: number, b: Body, recent: RecentAuthors = NO_RECENT): void {
  reset(b);
  let colon = -1;
  for (const raw of recent.list) {
    const at = start + raw.length;
    if (at < end - 1 && s.charCodeAt(at) === 0x3a && s.charCodeAt(at + 1) === 0x20 && s.startsWith(raw, start)) {
      // A known author (it has no `: ` of its own, so this is the first one).
      b.author = raw;
      colon = at;
      break;
    }
  }
  if (colon >= 0) {
    authored(s, colon, end, b);
    return;
  }
  // The first `: ` of the line (a bounded search: indexOf could run on into the next lines).
  for (let k = start; k < end - 1; k++) {
    if (s.charCodeAt(k) === 0x3a && s.charCodeAt(k + 1) === 0x20) {
      colon = k;
      break;
    }
  }
  if (colon < 0) {
    const rest = s.slice(start, end);
    const trimmed = rest.trimEnd();
    if (trimmed.length > 1 && trimmed.endsWith(':') && !QUOTE_CHARS.test(trimmed)) {
      // `Carol:` — authored, empty body.
      b.author = trimmed.slice(0, -1);
      return;
    }
    system(b, rest, systemAction(cleanInline(rest)));
    return;
  }
  const candidate = s.slice(start, colon);
  if (notAnAuthor(candidate)) {
    const rest = s.slice(start, end);
    system(b, rest, systemAction(cleanInline(rest)));
    return;
  }
  b.author = candidate;
  if (recent !== NO_RECENT) recent.add(candidate);
  authored(s, colon, end, b);
}

/** The text after `author: `: special bodies, media, iOS system texts. */
function authored(s: string, colon: number, end: number, b: Body): void {
  let text = s.slice(colon + 2, end);
  b.text = text;
  if (text === '') return;

  const marked = startsInvisible(text) || isIgnorable(text.charCodeAt(text.length - 1));
  const key = marked ? stripInvisible(text).trim() : text;
  const special = specialBody(key);
  if (special !== undefined) {
    switch (special.type) {
      case 'deleted':
        b.action = 'deleted';
        b.text = key;
        return;
      case 'call':
        b.kind = 'event';
        b.action = 'call';
        b.text = key;
        return;
      case 'omitted':
        omitted(b, special.kind);
        return;
      case 'view-once':
        b.text = '';
        b.attachment = { name: '', kind: 'other', missing: true, missingReason: 'unavailable' };
        b.captionNext = true;
        return;
    }
  }
  if (attachmentMarker(b, text)) return;
  if (omittedAfterMark(b, text)) return;
  if (startsInvisible(text)) {
    // iOS system text attributed to the chat's name.
    const clean = cleanInline(text);
    const action = systemAction(clean);
    if (action !== null) {
      system(b, clean, action);
      return;
    }
    if (isCallText(clean)) {
      b.kind = 'event';
      b.action = 'call';
      b.text = clean;
    }
  } else if (isCallText(text)) {
    b.kind = 'event';
    b.action = 'call';
    text = text.trim();
    b.text = text;
  }
}
