/**
 * Ready-to-send announcements (ru and en): one per group or channel, to post in the old chat, with the link
 * to its new room; one per person (one-to-one chats), with the user's new address. Addresses come from the
 * upload result (room ids → matrix.to links) and the signed-in account; a room not uploaded yet gives a text
 * with the user's address only. Titles are untrusted: the texts are plain text, never HTML.
 */
import type { Announcement } from '../../../shared/model/index.js';

export interface AnnouncementChat {
  id: string;
  title: string;
  type: string;
  roomId: string | null;
}

export interface AnnouncementInput {
  chats: AnnouncementChat[];
  /** The user's new address (Matrix id), when signed in. */
  userId: string | null;
  /** What the new service is called for the reader (default "Matrix"). */
  serviceName?: string;
}

export const matrixToLink = (id: string) => `https://matrix.to/#/${encodeURIComponent(id)}`;

/** One line, no control characters, at most 200 characters (titles come from exports). */
const clean = (s: string) => [...s].map((ch) => (ch.charCodeAt(0) < 0x20 || ch === '\u007f' || /[\u202a-\u202e\u2066-\u2069]/.test(ch) ? ' ' : ch)).join('').replace(/\s+/g, ' ').trim().slice(0, 200);

export function buildAnnouncements(input: AnnouncementInput): Announcement[] {
  const svc = clean(input.serviceName ?? 'Matrix');
  const me = input.userId;
  const meLink = me ? matrixToLink(me) : null;
  const out: Announcement[] = [];
  for (const c of input.chats) {
    if (c.type === 'saved' || c.type === 'bot') continue;
    const title = clean(c.title) || c.id;
    const room = c.roomId ? matrixToLink(c.roomId) : null;
    if (c.type === 'personal') {
      const addr = me ? `${me} (${meLink})` : null;
      out.push({
        kind: 'person', chatId: c.id, title, address: me,
        ru: addr
          ? `Привет! Я перехожу в ${svc}. Мой новый адрес: ${addr}. Пишите мне туда; наша переписка уже перенесена.`
          : `Привет! Я перехожу в ${svc}. Новый адрес пришлю отдельно; наша переписка уже перенесена.`,
        en: addr
          ? `Hi! I am moving to ${svc}. My new address is ${addr}. Please write to me there; our history has been moved.`
          : `Hi! I am moving to ${svc}. I will send my new address separately; our history has been moved.`,
      });
    } else {
      const where = room ?? meLink;
      out.push({
        kind: 'group', chatId: c.id, title, address: where,
        ru: room
          ? `Группа «${title}» переезжает в ${svc}. История уже перенесена. Новая комната: ${room}. Присоединяйтесь — здесь мы больше писать не будем.`
          : `Группа «${title}» переезжает в ${svc}.${me ? ` Напишите мне (${me}), и я приглашу вас в новую комнату.` : ''}`,
        en: room
          ? `The group "${title}" is moving to ${svc}. Its history has been moved. New room: ${room}. Please join there — we will stop writing here.`
          : `The group "${title}" is moving to ${svc}.${me ? ` Write to me (${me}) and I will invite you to the new room.` : ''}`,
      });
    }
  }
  return out;
}
