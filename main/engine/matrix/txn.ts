/**
 * Deterministic identifiers (matrix.md §4): every event the uploader sends has a transaction id derived from
 * its source chat and source id, so a resend (429, network error, crash within Synapse's 24 h window) can never
 * create a second event. Source ids of event parts: `<msgId>#t` (the text), `<msgId>#t.<n>` (continuation of a
 * very long text), `<msgId>#a<i>` (the i-th attachment).
 */
import { createHash } from 'node:crypto';

export const NS = 'org.pereezd';
/** Content key on every migrated event. */
export const PROVENANCE_KEY = `${NS}.migration`;
/** State event in every migrated room. */
export const SOURCE_STATE = `${NS}.migration.source`;
/** Room account data: the checkpoint. */
export const CHECKPOINT_TYPE = `${NS}.migration`;
/** Global account data: chat → room. */
export const INDEX_TYPE = `${NS}.migration.index`;
export const MIGRATED_TAG = 'u.migrated';
export const FORMAT_VERSION = 1;

const h = (s: string, n = 16) => createHash('sha256').update(s).digest('hex').slice(0, n);

/** The key of a chat in the index, journal and txnIds: `tg:123`, or `pilot:tg:123` for a pilot room. */
export const chatKey = (chatId: string, pilot: boolean) => (pilot ? `pilot:${chatId}` : chatId);

/** `mig-<hash(chat)>-<hash(source id)>`: ASCII, short, the same on every run. */
export function txnIdFor(key: string, sourceId: string): string {
  return `mig-${h(key)}-${h(sourceId, 24)}`;
}

/** The network prefix of a chat id (`tg:123` → `tg`). */
export function networkOf(chatId: string): string {
  const i = chatId.indexOf(':');
  return i > 0 ? chatId.slice(0, i) : 'unknown';
}

export const shortHash = h;
