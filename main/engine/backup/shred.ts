/**
 * Crypto-shredding (backup.md §7): delete the keychain identity that opens a backup, so this
 * computer can no longer open it. Said honestly: the recovery key still opens it (by design),
 * every other backup made with the same keychain key is affected too, and copies of the keychain
 * itself (Time Machine, home-folder backups, synced keychains) may still hold the key.
 */
import { open } from 'node:fs/promises';
import { unwrapFileKey } from './age-header.js';
import { readAgePrefix } from './age-file.js';
import { recipientFingerprint } from './manifest.js';
import { DEFAULT_PROFILE, keychainAccount, loadProfile, saveProfile } from './profile.js';
import type { SecretStore } from './secret-store.js';
import { readSideFile } from './verify.js';

export class ShredError extends Error {
  constructor(
    message: string,
    readonly code: 'no-key' | 'not-this-key',
  ) {
    super(message);
    this.name = 'ShredError';
  }
}

export interface ShredResult {
  /** The keychain entry was deleted. */
  deleted: boolean;
  /**
   * Whether the recovery key still opens the file: true when the side file lists the profile's
   * recovery key among the recipients, null when there is no side file to tell.
   */
  recoveryStillOpens: boolean | null;
  /** What the user must be told, in order. */
  notes: string[];
}

export async function shredKeychainKey(file: string, deps: { store: SecretStore; configDir: string; profile?: string }): Promise<ShredResult> {
  const profile = deps.profile ?? DEFAULT_PROFILE;
  const account = keychainAccount(profile);
  const secret = await deps.store.get(account);
  if (!secret) {
    throw new ShredError(
      "this computer's keychain holds no backup key (already shredded, or never created); nothing was deleted. Whoever has the recovery key can still open the backup.",
      'no-key',
    );
  }
  const fh = await open(file, 'r');
  try {
    const { header } = await readAgePrefix(fh, (await fh.stat()).size);
    await unwrapFileKey(header, [secret]);
  } catch (err) {
    if ((err as { code?: string }).code === 'no-match') {
      throw new ShredError("this backup is not encrypted to this computer's keychain key; nothing was deleted", 'not-this-key');
    }
    throw err;
  } finally {
    await fh.close();
  }
  const deleted = await deps.store.delete(account);
  const p = await loadProfile(deps.configDir, profile);
  if (p?.keychain) await saveProfile(deps.configDir, { ...p, keychain: null });
  const { side } = await readSideFile(file);
  const recoveryFp = p ? recipientFingerprint(p.recovery.recipient) : null;
  const recoveryStillOpens = side ? side.recipients.some((r) => r.role === 'recovery' && (!recoveryFp || r.fingerprint === recoveryFp)) : null;
  const notes = [
    'The backup key was deleted from the keychain: this computer can no longer open this backup, nor any other backup made with the same key.',
    recoveryStillOpens === false
      ? 'The side file lists no recovery key for this backup.'
      : 'The recovery key STILL opens this backup (that is its purpose). To make it unreadable, destroy every printed or saved copy of the recovery key, or delete the backup file and all its copies.',
    'Keychains are themselves backed up and synced (Time Machine, home-folder backups, synced keychains): an old copy of the keychain may still hold the key. Shredding is best effort.',
    'The next backup creates a new keychain key.',
  ];
  return { deleted, recoveryStillOpens, notes };
}
