/**
 * Signing in to a homeserver with the access token kept in the OS keychain only.
 *
 * The keychain (service `com.pereezd.matrix`, account `<userId>@<homeserver URL>`) holds the access token;
 * a small `session.json` in the caller's state folder holds what is not secret: homeserver, user id and the
 * device id, which every later sign-in reuses so txnId scopes stay the same (matrix.md §4). A token that
 * no longer works (whoami 401) is dropped and, when a password is at hand, replaced by a fresh sign-in.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OsKeychain, type SecretStore } from '../backup/secret-store.js';
import { MatrixClient, MatrixError, type MatrixClientOptions } from './client.js';

export const MATRIX_KEYCHAIN_SERVICE = 'com.pereezd.matrix';

export function matrixKeychain(): SecretStore {
  return new OsKeychain(MATRIX_KEYCHAIN_SERVICE);
}

export interface SessionFile {
  homeserver: string;
  userId: string;
  deviceId: string;
}

export const keychainAccount = (homeserver: string, userId: string) => `${userId}@${homeserver.replace(/\/+$/, '')}`;

export function readSessionFile(stateDir: string): SessionFile | null {
  const f = path.join(stateDir, 'session.json');
  if (!existsSync(f)) return null;
  try {
    const j = JSON.parse(readFileSync(f, 'utf8')) as Partial<SessionFile>;
    if (typeof j.homeserver === 'string' && typeof j.userId === 'string' && typeof j.deviceId === 'string') return j as SessionFile;
  } catch {
    // unreadable: treated as absent (a new sign-in rewrites it)
  }
  return null;
}

function writeSessionFile(stateDir: string, s: SessionFile): void {
  mkdirSync(stateDir, { recursive: true });
  const f = path.join(stateDir, 'session.json');
  writeFileSync(`${f}.partial`, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${f}.partial`, f);
}

export interface SignInInput {
  homeserver: string;
  userId: string;
  /** Asked only when the keychain has no working token. */
  password?: () => Promise<string>;
  /** A login token (m.login.token) instead of a password. */
  loginToken?: string;
  stateDir: string;
  store: SecretStore;
  client?: Omit<MatrixClientOptions, 'baseUrl' | 'accessToken' | 'userId' | 'deviceId'>;
  signal?: AbortSignal;
}

export class SignInError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SignInError';
  }
}

/** A signed-in client: the keychain's token when it still works, else a new sign-in reusing the device id. */
export async function signIn(input: SignInInput): Promise<{ client: MatrixClient; reused: boolean }> {
  const account = keychainAccount(input.homeserver, input.userId);
  const saved = readSessionFile(input.stateDir);
  const deviceId = saved && saved.userId === input.userId && saved.homeserver === input.homeserver ? saved.deviceId : undefined;
  const token = await input.store.get(account);
  if (token) {
    const client = new MatrixClient({ ...input.client, baseUrl: input.homeserver, accessToken: token, userId: input.userId, ...(deviceId ? { deviceId } : {}) });
    try {
      const who = await client.whoami(input.signal);
      if (who.user_id === input.userId) {
        if (client.deviceId && client.deviceId !== deviceId) writeSessionFile(input.stateDir, { homeserver: input.homeserver, userId: input.userId, deviceId: client.deviceId });
        return { client, reused: true };
      }
    } catch (err) {
      if (!(err instanceof MatrixError && (err.status === 401 || err.status === 403))) throw err;
    }
    await input.store.delete(account);
  }
  const client = new MatrixClient({ ...input.client, baseUrl: input.homeserver });
  try {
    if (input.loginToken) await client.login({ token: input.loginToken }, { ...(deviceId ? { deviceId } : {}), signal: input.signal });
    else if (input.password) {
      const localpart = input.userId.replace(/^@/, '').split(':')[0]!;
      await client.login({ user: localpart, password: await input.password() }, { ...(deviceId ? { deviceId } : {}), signal: input.signal });
    } else throw new SignInError(`${input.userId}: no saved sign-in in ${input.store.description} and no password given`);
  } catch (err) {
    if (err instanceof MatrixError && (err.status === 403 || err.status === 401)) {
      throw new SignInError(`${input.userId} on ${input.homeserver}: the homeserver refused the sign-in (${err.errcode ?? err.status})`, { cause: err });
    }
    throw err;
  }
  if (client.userId !== input.userId) throw new SignInError(`signed in as ${client.userId ?? '?'}, not ${input.userId}`);
  await input.store.set(account, client.accessToken!);
  writeSessionFile(input.stateDir, { homeserver: input.homeserver, userId: input.userId, deviceId: client.deviceId! });
  return { client, reused: false };
}

/** Signs out (the token stops working) and removes it from the keychain. */
export async function signOut(client: MatrixClient, store: SecretStore, signal?: AbortSignal): Promise<void> {
  const account = keychainAccount(client.baseUrl, client.userId ?? '');
  try {
    await client.logout(signal);
  } finally {
    await store.delete(account);
  }
}
