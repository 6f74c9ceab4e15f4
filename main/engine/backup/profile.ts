/**
 * The backup keys of one profile (backup.md §2): the PUBLIC keys live in a small config file
 * (not secret), the keychain identity's secret in the OS keychain, the recovery identity's secret
 * nowhere on this computer (the user keeps it). Making a backup reads the config only; the
 * keychain is touched just once, to create the keychain identity (and again only while it does
 * not exist, e.g. after the keychain was unreachable or the key was shredded).
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './age-file.js';
import type { RecipientRole } from './backup.js';
import { generateKeyPair, isIdentity, isRecipient, type KeyPair, recipientOf } from './keys.js';
import { KEYCHAIN_SERVICE, KeychainUnavailableError, type SecretStore } from './secret-store.js';

export const DEFAULT_PROFILE = 'default';

const RecipientSchema = z.string().refine(isRecipient, 'not an age1… public key');

export const KeysProfileSchema = z.object({
  format: z.literal('pereezd-backup-keys'),
  formatVersion: z.literal(1),
  profile: z.string(),
  created: z.string(),
  keychain: z.object({ recipient: RecipientSchema, service: z.string(), account: z.string(), created: z.string() }).nullable(),
  recovery: z.object({ recipient: RecipientSchema, created: z.string() }),
  /** More public keys every backup is also encrypted to (e.g. an organisation's escrow key). */
  extraRecipients: z.array(RecipientSchema),
});
export type KeysProfile = z.infer<typeof KeysProfileSchema>;

export function keychainAccount(profile: string): string {
  return `identity-v1:${profile}`;
}

function checkProfileName(profile: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(profile)) throw new Error(`invalid profile name ${JSON.stringify(profile)}`);
}

export function profileFile(configDir: string, profile = DEFAULT_PROFILE): string {
  checkProfileName(profile);
  return path.join(configDir, `backup-keys-${profile}.json`);
}

export async function loadProfile(configDir: string, profile = DEFAULT_PROFILE): Promise<KeysProfile | null> {
  let text: string;
  try {
    text = await readFile(profileFile(configDir, profile), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const parsed = KeysProfileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${profileFile(configDir, profile)} is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); move it away to set up new keys`);
  return parsed.data;
}

export async function saveProfile(configDir: string, p: KeysProfile): Promise<void> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(profileFile(configDir, p.profile), JSON.stringify(p, null, 2) + '\n', 0o600);
}

export interface KeySetupDeps {
  store: SecretStore;
  configDir: string;
  profile?: string;
  now?: () => Date;
  /**
   * Called once, when a new recovery key has been created, BEFORE anything is saved: it must show
   * or save the key for the user. If it throws, nothing is kept (no half-set-up profile).
   */
  deliverRecoveryKey(pair: KeyPair, created: Date): Promise<void>;
}

export interface KeySetup {
  profile: KeysProfile;
  recipients: { recipient: string; role: RecipientRole }[];
  /** A recovery key was created (and delivered) now. */
  createdRecovery: boolean;
  /** existing: K was there; created: K was made now; unavailable: no keychain, recovery key only. */
  keychain: 'existing' | 'created' | 'unavailable';
  keychainError: KeychainUnavailableError | null;
}

/** Creates the keychain identity and stores its secret; null when no keychain can be used. */
async function createKeychainIdentity(store: SecretStore, profile: string, created: Date): Promise<{ entry: KeysProfile['keychain']; error: KeychainUnavailableError | null }> {
  const pair = await generateKeyPair();
  const account = keychainAccount(profile);
  try {
    await store.set(account, pair.identity);
    // Read it back: a store that accepts and forgets (or returns something else) is no store.
    const back = await store.get(account);
    if (back !== pair.identity) throw new KeychainUnavailableError('failed', 'the keychain did not return the key just stored');
    return { entry: { recipient: pair.recipient, service: KEYCHAIN_SERVICE, account, created: created.toISOString() }, error: null };
  } catch (err) {
    if (err instanceof KeychainUnavailableError) return { entry: null, error: err };
    throw err;
  }
}

/**
 * The recipients for the next backup, setting keys up on first use: a recovery key (mandatory,
 * delivered through the callback) and, when the keychain can be reached, a keychain identity.
 */
export async function prepareBackupKeys(deps: KeySetupDeps): Promise<KeySetup> {
  const profile = deps.profile ?? DEFAULT_PROFILE;
  checkProfileName(profile);
  const now = (deps.now ?? (() => new Date()))();
  let p = await loadProfile(deps.configDir, profile);
  let createdRecovery = false;
  let keychain: KeySetup['keychain'] = 'existing';
  let keychainError: KeychainUnavailableError | null = null;
  if (!p) {
    const recovery = await generateKeyPair();
    await deps.deliverRecoveryKey(recovery, now);
    createdRecovery = true;
    const k = await createKeychainIdentity(deps.store, profile, now);
    p = {
      format: 'pereezd-backup-keys',
      formatVersion: 1,
      profile,
      created: now.toISOString(),
      keychain: k.entry,
      recovery: { recipient: recovery.recipient, created: now.toISOString() },
      extraRecipients: [],
    };
    keychain = k.entry ? 'created' : 'unavailable';
    keychainError = k.error;
    await saveProfile(deps.configDir, p);
  } else if (!p.keychain) {
    const k = await createKeychainIdentity(deps.store, profile, now);
    keychain = k.entry ? 'created' : 'unavailable';
    keychainError = k.error;
    if (k.entry) {
      p = { ...p, keychain: k.entry };
      await saveProfile(deps.configDir, p);
    }
  }
  const recipients: KeySetup['recipients'] = [];
  if (p.keychain) recipients.push({ recipient: p.keychain.recipient, role: 'keychain' });
  recipients.push({ recipient: p.recovery.recipient, role: 'recovery' });
  for (const r of p.extraRecipients) recipients.push({ recipient: r, role: 'extra' });
  return { profile: p, recipients, createdRecovery, keychain, keychainError };
}

export class NoKeychainKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoKeychainKeyError';
  }
}

/**
 * The keychain identity of a profile, for verify/restore/list. Throws KeychainUnavailableError
 * (cannot reach the keychain) or NoKeychainKeyError (nothing stored, or not the profile's key).
 */
export async function keychainIdentity(store: SecretStore, configDir: string, profile = DEFAULT_PROFILE): Promise<string> {
  const p = await loadProfile(configDir, profile);
  const secret = await store.get(keychainAccount(profile));
  if (!secret) {
    throw new NoKeychainKeyError(
      p?.keychain === null
        ? 'this computer has no keychain key for backups (the keychain was unavailable when backups were set up, or the key was shredded)'
        : 'the keychain holds no backup key for this computer (deleted, shredded, or a different user account)',
    );
  }
  if (!isIdentity(secret)) throw new NoKeychainKeyError('the keychain entry for backups does not hold an age key');
  if (p?.keychain && (await recipientOf(secret)) !== p.keychain.recipient) {
    throw new NoKeychainKeyError("the key in the keychain is not this profile's backup key");
  }
  return secret;
}
