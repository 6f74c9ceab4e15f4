/**
 * File names of WhatsApp exports: which `.txt` of a folder/zip is the chat, and the chat's title.
 *
 * Android names the file after the chat (`WhatsApp Chat with X.txt`, localized: ru `Чат WhatsApp с
 * X.txt` — sometimes `с контактом X` —, de `WhatsApp Chat mit X.txt`, es `Chat de WhatsApp con
 * X.txt`, fr `Discussion WhatsApp avec X.txt`: all from formats.md); iOS writes `_chat.txt` inside
 * `WhatsApp Chat - X.zip`, so the title comes from the archive (or folder) name. The nl, it, pt,
 * tr, pl, uk and ar forms below are from knowledge (unverified); an unknown form falls back to the
 * file name without its extension.
 */
import path from 'node:path';
import type { Container, ContainerEntry } from '../types.js';
import { cleanInline } from './chars.js';

const TITLE_PATTERNS: readonly RegExp[] = [
  /^WhatsApp Chat with (.+)$/i,
  /^WhatsApp Chat - (.+)$/i,
  /^WhatsApp[- ]Chat mit (.+)$/i,
  /^Чат WhatsApp с (?:контактом |группой |группы )?(.+)$/i,
  /^Chat de WhatsApp con (.+)$/i,
  /^Discussion WhatsApp avec (.+)$/i,
  /^WhatsApp[- ]chat met (.+)$/i,
  /^Chat WhatsApp con (.+)$/i,
  /^Conversa do WhatsApp com (.+)$/i,
  /^Czat WhatsApp z (.+)$/i,
  /^Чат WhatsApp з (.+)$/i,
  /^(.+) ile WhatsApp Sohbeti$/i,
  /^(?:دردشة|محادثة) (?:WhatsApp|واتساب) مع (.+)$/,
];

function stripExt(name: string): string {
  return name.replace(/\.(?:txt|zip)$/i, '');
}

/** The chat name inside a WhatsApp export file/folder/archive name, or null when it is not one. */
export function titleFromName(name: string): string | null {
  const base = cleanInline(stripExt(name));
  for (const re of TITLE_PATTERNS) {
    const m = re.exec(base);
    if (m && m[1]!.trim() !== '') return m[1]!.trim();
  }
  return null;
}

export function looksLikeWhatsAppName(name: string): boolean {
  return titleFromName(name) !== null || /whats ?app|واتساب/i.test(name);
}

/** The chat's title for an entry of a container. */
export function chatTitle(container: Container, entry: string): string {
  const base = path.posix.basename(entry);
  let name = base;
  if (/^_chat\.txt$/i.test(base)) {
    // iOS: the name is on the archive or the folder around `_chat.txt`.
    if (container.kind === 'file') name = path.basename(path.dirname(container.path));
    else name = path.basename(container.path);
    if (entry.includes('/')) name = path.posix.basename(path.posix.dirname(entry));
  }
  return titleFromName(name) ?? (cleanInline(stripExt(name)) || cleanInline(stripExt(base)) || 'WhatsApp chat');
}

export interface PickedEntry {
  entry: string;
  size: number;
  /** The file (or the archive around `_chat.txt`) is named like a WhatsApp export. */
  named: boolean;
}

/** The `.txt` to read: the single file, `_chat.txt`, or the one named like an export. */
export async function pickEntry(container: Container): Promise<PickedEntry | null> {
  const entries: ContainerEntry[] = await container.list();
  const txt = entries.filter((e) => /\.txt$/i.test(e.path));
  if (container.kind === 'file') {
    const e = txt[0];
    if (!e) return null;
    const base = path.posix.basename(e.path);
    const named = looksLikeWhatsAppName(base) || (/^_chat\.txt$/i.test(base) && looksLikeWhatsAppName(path.basename(path.dirname(container.path))));
    return { entry: e.path, size: e.size, named };
  }
  const chat = txt.find((e) => e.path === '_chat.txt') ?? txt.find((e) => /^_chat\.txt$/i.test(e.path));
  if (chat) return { entry: chat.path, size: chat.size, named: true };
  const byName = txt.filter((e) => looksLikeWhatsAppName(e.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  if (byName[0]) return { entry: byName[0].path, size: byName[0].size, named: true };
  if (txt.length === 1) return { entry: txt[0]!.path, size: txt[0]!.size, named: looksLikeWhatsAppName(path.basename(container.path)) };
  return null;
}
