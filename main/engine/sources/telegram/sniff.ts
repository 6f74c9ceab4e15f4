/**
 * Is this the head of a Telegram Desktop JSON export? Reads the root's keys (not nested ones) from
 * the first bytes with the same scanner the reader uses, and scores what it sees.
 */
import { CAPTURE, type CapturedBatch, descendArray, descendObject, type Frame, JsonScanner, type ScanHandler, SKIP } from './json-scanner.js';
import { isObject } from './map.js';

const ROOT = 1;
const MESSAGES = 2;

/** Chat types tdesktop writes (formats.md §1). */
const CHAT_TYPES = new Set([
  'saved_messages', 'replies', 'verification_codes', 'personal_chat', 'bot_chat', 'private_group', 'private_supergroup',
  'public_supergroup', 'private_channel', 'public_channel', '',
]);

/** Root keys of a full-account export. */
const ACCOUNT_KEYS = new Set([
  'about', 'personal_information', 'profile_pictures', 'stories', 'profile_music', 'contacts', 'frequent_contacts',
  'sessions', 'web_sessions', 'other_data', 'chats', 'left_chats',
]);

export interface Sniff {
  variant: 'single-chat' | 'full-account';
  confidence: number;
}

export function sniffTelegram(head: Buffer): Sniff | null {
  const keys = new Set<string>();
  let rootType: unknown;
  let rootIsObject = false;
  let firstMessage: unknown;
  let messagesSeen = false;
  const handler: ScanHandler<undefined> = {
    root: () => descendObject(ROOT),
    key: (parent: Frame<undefined>, key: string) => {
      if (parent.role !== ROOT) return SKIP;
      keys.add(key);
      if (key === 'type') return CAPTURE;
      if (key === 'messages') return descendArray(MESSAGES);
      return SKIP;
    },
    element: (parent: Frame<undefined>) => (parent.role === MESSAGES && parent.count === 0 ? CAPTURE : SKIP),
    open: (frame: Frame<undefined>) => {
      if (frame.role === ROOT) rootIsObject = true;
      if (frame.role === MESSAGES) messagesSeen = true;
    },
    close: () => {},
    captured: (parent: Frame<undefined> | null, key: string | null, b: CapturedBatch) => {
      try {
        const v: unknown = JSON.parse(b.buf.toString('utf8', b.starts[0], b.ends[0]));
        if (parent?.role === ROOT && key === 'type') rootType = v;
        else if (parent?.role === MESSAGES) firstMessage = v;
      } catch {
        // not decisive either way
      }
    },
    unexpected: () => {},
    tooLarge: () => {},
  };
  const scanner = new JsonScanner(handler, { maxCapture: head.length + 1 });
  scanner.push(head);
  scanner.end();
  if (!rootIsObject) return null;

  if (keys.has('messages') || messagesSeen) {
    let confidence = 0.1;
    const chatLike = typeof rootType === 'string' && CHAT_TYPES.has(rootType) && keys.has('id');
    const tgMessage =
      isObject(firstMessage) &&
      typeof firstMessage.id === 'number' &&
      (firstMessage.type === 'message' || firstMessage.type === 'service' || firstMessage.type === 'unsupported');
    if (chatLike && (tgMessage || firstMessage === undefined)) confidence = 0.95;
    else if (chatLike || tgMessage) confidence = 0.6;
    return { variant: 'single-chat', confidence };
  }
  let accountKeys = 0;
  for (const k of keys) if (ACCOUNT_KEYS.has(k)) accountKeys++;
  if (keys.has('chats') || keys.has('left_chats') || keys.has('personal_information')) {
    return { variant: 'full-account', confidence: accountKeys >= 2 ? 0.95 : 0.8 };
  }
  if (accountKeys >= 2) return { variant: 'full-account', confidence: 0.6 };
  if (accountKeys === 1) return { variant: 'full-account', confidence: 0.2 };
  return null;
}
