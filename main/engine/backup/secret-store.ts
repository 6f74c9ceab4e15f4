/**
 * Where the keychain identity's secret lives: the OS keychain through @napi-rs/keyring (macOS
 * Keychain, Windows Credential Manager, Linux Secret Service), behind a small interface so flows
 * are testable with an in-memory store.
 *
 * On Linux the store is pinned to the Secret Service: without the pin the library silently falls
 * back to the kernel keyutils store, which does not survive a reboot (backup.md §8). When no
 * keychain can be reached (no D-Bus session, no Secret Service, locked, access refused) every
 * call fails with a KeychainUnavailableError whose message says so in plain words; callers then
 * continue with the recovery key only. Nothing here ever writes a secret to a file.
 */
import { AsyncEntry } from '@napi-rs/keyring';

export interface SecretStore {
  /** Where secrets go, for messages (`the system keychain`). */
  readonly description: string;
  /** The secret, or null when there is none. Throws KeychainUnavailableError. */
  get(account: string): Promise<string | null>;
  /** Stores (replaces) a secret. Throws KeychainUnavailableError. */
  set(account: string, secret: string): Promise<void>;
  /** True when a secret was deleted, false when there was none. Throws KeychainUnavailableError. */
  delete(account: string): Promise<boolean>;
}

export type KeychainProblem = 'no-session' | 'no-service' | 'locked' | 'denied' | 'failed';

export class KeychainUnavailableError extends Error {
  readonly problem: KeychainProblem;
  constructor(problem: KeychainProblem, detail: string, options?: { cause?: unknown }) {
    super(`${KEYCHAIN_PROBLEMS[problem]} (${detail})`, options);
    this.name = 'KeychainUnavailableError';
    this.problem = problem;
  }
}

const KEYCHAIN_PROBLEMS: Record<KeychainProblem, string> = {
  'no-session':
    'The system keychain cannot be reached: there is no desktop session bus (D-Bus), as over SSH, in containers or on servers',
  'no-service': 'The system keychain cannot be reached: no keychain service (such as GNOME Keyring or KWallet) is running',
  locked: 'The system keychain is locked (or its unlock prompt was dismissed): unlock it and try again',
  denied: 'The system keychain refused access to Pereezd',
  failed: 'The system keychain failed',
};

/** Sorts a keyring error into what the user can do about it. */
export function classifyKeychainError(err: unknown): KeychainUnavailableError {
  if (err instanceof KeychainUnavailableError) return err;
  const message = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause ?? '')}` : String(err);
  const detail = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 300);
  let problem: KeychainProblem = 'failed';
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|No such file or directory.*bus|Unable to autolaunch/i.test(message)) problem = 'no-session';
  else if (/org\.freedesktop\.secrets|ServiceUnknown|was not provided by any \.service/i.test(message)) problem = 'no-service';
  else if (/locked|unlock prompt|NoStorageAccess|-25308/i.test(message)) problem = 'locked';
  else if (/denied|dismissed|refused|not allowed|AccessDenied|PlatformFailure.*-25293/i.test(message)) problem = 'denied';
  return new KeychainUnavailableError(problem, detail, { cause: err });
}

/** Keychain service name for backup identities (backup.md §2: `com.<app>.backup`). */
export const KEYCHAIN_SERVICE = 'com.pereezd.backup';

/** The OS keychain, Secret Service pinned on Linux. */
export class OsKeychain implements SecretStore {
  readonly description = 'the system keychain';
  constructor(private readonly service = KEYCHAIN_SERVICE) {}

  private entry(account: string): AsyncEntry {
    try {
      // Constructing the entry already connects on Linux; without a session bus it throws here.
      return new AsyncEntry(this.service, account, { linux: { store: 'secret-service' } });
    } catch (err) {
      throw classifyKeychainError(err);
    }
  }

  async get(account: string): Promise<string | null> {
    const e = this.entry(account);
    try {
      return await e.getPassword();
    } catch (err) {
      throw classifyKeychainError(err);
    }
  }

  async set(account: string, secret: string): Promise<void> {
    const e = this.entry(account);
    try {
      await e.setPassword(secret);
    } catch (err) {
      throw classifyKeychainError(err);
    }
  }

  async delete(account: string): Promise<boolean> {
    const e = this.entry(account);
    try {
      return await e.deleteCredential();
    } catch (err) {
      throw classifyKeychainError(err);
    }
  }
}

/** A store in memory (tests, and hosts that must not touch any keychain). */
export class MemorySecretStore implements SecretStore {
  readonly description = 'memory';
  readonly secrets = new Map<string, string>();
  /** When set, every call fails like an unreachable keychain. */
  unavailable: KeychainUnavailableError | null = null;

  async get(account: string): Promise<string | null> {
    if (this.unavailable) throw this.unavailable;
    return this.secrets.get(account) ?? null;
  }
  async set(account: string, secret: string): Promise<void> {
    if (this.unavailable) throw this.unavailable;
    this.secrets.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    if (this.unavailable) throw this.unavailable;
    return this.secrets.delete(account);
  }
}
