/**
 * How one source message becomes Matrix events (matrix.md §2): a text part whose body carries the original time
 * and sender in a readable line (`[2019-05-01 10:00] Bob: text`), then one media event per attachment present
 * in the export. Every event carries the namespaced provenance `org.pereezd.migration`. Bodies are plain text
 * only (no formatted_body): untrusted text is never turned into HTML.
 *
 * In application-service ("faithful") mode the real sender and origin_server_ts carry time and author, so the
 * body is the text alone and a media-only message has no text part.
 */
import type { AttachmentLine, MessageLine } from '../clean/types.js';
import { networkOf } from './txn.js';

/** Under 64 KiB per event even with 4-byte characters. */
const TEXT_CHUNK = 12_000;

export interface Part {
  /** Source id of this event: `<msgId>#t`, `<msgId>#t.1`, `<msgId>#a0`. */
  sid: string;
  msgId: string;
  kind: 'text' | 'media';
  /** For text parts: the body (without reply fallback). */
  body?: string;
  msgtype?: 'm.text' | 'm.notice';
  attachment?: AttachmentLine;
  message: MessageLine;
}

export interface Provenance {
  source: string;
  chat_id: string;
  msg_id: string;
  part: string;
  orig_ts: number | null;
  orig_sender: string | null;
  orig_sender_name?: string | null;
  sha256?: string;
  version: number;
}

/** `2019-05-01T10:00:00+03:00` → `2019-05-01 10:00` (the wall-clock time the export gave). */
export function displayTime(sentAt: string | null): string {
  if (!sentAt) return 'time unknown';
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(sentAt);
  return m ? `${m[1]} ${m[2]}` : sentAt;
}

export const senderName = (m: MessageLine) => m.sender?.name?.trim() || m.sender?.id || 'unknown sender';

const KIND_LABEL: Record<string, string> = {
  photo: 'photo', video: 'video', audio: 'audio', voice: 'voice message', 'video-message': 'video message', sticker: 'sticker',
  animation: 'animation', file: 'file', contact: 'contact', other: 'attachment',
};

export function msgtypeOf(a: AttachmentLine): 'm.image' | 'm.video' | 'm.audio' | 'm.file' {
  const mime = a.mime ?? '';
  if (a.kind === 'photo' || (a.kind === 'sticker' && mime.startsWith('image/')) || (a.kind !== 'file' && mime.startsWith('image/'))) return 'm.image';
  if (a.kind === 'video' || a.kind === 'video-message' || a.kind === 'animation' || (a.kind !== 'file' && mime.startsWith('video/'))) return 'm.video';
  if (a.kind === 'audio' || a.kind === 'voice' || (a.kind !== 'file' && mime.startsWith('audio/'))) return 'm.audio';
  return 'm.file';
}

function chunks(text: string): string[] {
  if (text.length <= TEXT_CHUNK) return [text];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + TEXT_CHUNK, text.length);
    // never split a surrogate pair
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}

/** The parts of one message, in send order. Ids are unique within a chat once `occurrence` disambiguates repeats. */
export function partsOf(m: MessageLine, faithful: boolean, msgKey = m.id): Part[] {
  const present = m.attachments.filter((a) => !a.missing);
  const missing = m.attachments.filter((a) => a.missing);
  const lines: string[] = [];
  let text = m.text ?? '';
  if (m.kind === 'event') text = [m.action ? m.action.replace(/_/g, ' ') : 'event', text].filter(Boolean).join(': ');
  if (m.forwardedFrom) text = `(forwarded from ${m.forwardedFrom}) ${text}`;
  if (m.editedAt && text) text = `${text} (edited)`;
  if (text) lines.push(text);
  for (const a of missing) lines.push(`[${KIND_LABEL[a.kind] ?? 'attachment'} not in the export: ${a.name}]`);
  if (!faithful && !lines.length && present.length) lines.push(present.map((a) => `[${KIND_LABEL[a.kind] ?? 'attachment'}: ${a.name}]`).join(' '));
  const parts: Part[] = [];
  if (lines.length || !present.length) {
    const body = lines.join('\n');
    const full = faithful ? body : `[${displayTime(m.sentAt)}] ${senderName(m)}${m.kind === 'event' ? ' ·' : ':'} ${body}`;
    chunks(full || '(empty message)').forEach((b, i) =>
      parts.push({ sid: i === 0 ? `${msgKey}#t` : `${msgKey}#t.${i}`, msgId: msgKey, kind: 'text', body: b, msgtype: m.kind === 'event' ? 'm.notice' : 'm.text', message: m }),
    );
  }
  m.attachments.forEach((a, i) => {
    if (!a.missing) parts.push({ sid: `${msgKey}#a${i}`, msgId: msgKey, kind: 'media', attachment: a, message: m });
  });
  return parts;
}

/** The whole chat as parts; a message id seen twice in one chat (overlapping exports) becomes `id~2`. */
export function planChat(messages: MessageLine[], faithful: boolean): Part[] {
  const seen = new Map<string, number>();
  const out: Part[] = [];
  for (const m of messages) {
    const n = (seen.get(m.id) ?? 0) + 1;
    seen.set(m.id, n);
    out.push(...partsOf(m, faithful, n === 1 ? m.id : `${m.id}~${n}`));
  }
  return out;
}

export function provenanceOf(p: Part, chatId: string, sha256?: string): Provenance {
  const t = p.message.sentAt ? Date.parse(p.message.sentAt) : NaN;
  return {
    source: networkOf(chatId),
    chat_id: chatId,
    msg_id: p.msgId,
    part: p.sid,
    orig_ts: Number.isFinite(t) ? t : null,
    orig_sender: p.message.sender?.id ?? p.message.sender?.name ?? null,
    orig_sender_name: p.message.sender?.name ?? null,
    ...(sha256 ? { sha256 } : {}),
    version: 1,
  };
}
