import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgeFile } from './age-file.js';
import { generateKeyPair, type KeyPair, recipientOf } from './keys.js';
import { recipientFingerprint } from './manifest.js';
import { keychainAccount, keychainIdentity, loadProfile, NoKeychainKeyError, prepareBackupKeys, profileFile } from './profile.js';
import { classifyKeychainError, KeychainUnavailableError, MemorySecretStore, type SecretStore } from './secret-store.js';
import { ShredError, shredKeychainKey } from './shred.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-profile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configDir(name: string): string {
  return path.join(dir, name);
}

/** A store that fails the test when touched (backups must not need the keychain once set up). */
const untouchable: SecretStore = {
  description: 'untouchable',
  get: () => Promise.reject(new Error('keychain read during a backup')),
  set: () => Promise.reject(new Error('keychain write during a backup')),
  delete: () => Promise.reject(new Error('keychain delete during a backup')),
};

describe('prepareBackupKeys', () => {
  it('on first use creates a recovery key (delivered once, before anything is saved) and a keychain key', async () => {
    const store = new MemorySecretStore();
    const delivered: KeyPair[] = [];
    const cfg = configDir('first');
    const setup = await prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: async (p) => void delivered.push(p) });
    expect(delivered).toHaveLength(1);
    expect(setup).toMatchObject({ createdRecovery: true, keychain: 'created', keychainError: null });
    expect(setup.recipients.map((x) => x.role)).toEqual(['keychain', 'recovery']);
    expect(setup.recipients[1]!.recipient).toBe(delivered[0]!.recipient);
    const secret = store.secrets.get(keychainAccount('default'))!;
    expect(await recipientOf(secret)).toBe(setup.recipients[0]!.recipient);
    // The config holds public keys only, readable by the user alone.
    const text = readFileSync(profileFile(cfg), 'utf8');
    expect(text).not.toContain('AGE-SECRET-KEY');
    expect(statSync(profileFile(cfg)).mode & 0o077).toBe(0);

    const again = await prepareBackupKeys({ store: untouchable, configDir: cfg, deliverRecoveryKey: () => Promise.reject(new Error('shown twice')) });
    expect(again).toMatchObject({ createdRecovery: false, keychain: 'existing' });
    expect(again.recipients).toEqual(setup.recipients);
  });

  it('without a keychain continues with the recovery key only, and adds the keychain key once one is reachable', async () => {
    const store = new MemorySecretStore();
    store.unavailable = classifyKeychainError(new Error('DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead'));
    const cfg = configDir('nokeychain');
    const setup = await prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: async () => undefined });
    expect(setup.keychain).toBe('unavailable');
    expect(setup.keychainError?.problem).toBe('no-session');
    expect(setup.keychainError?.message).toMatch(/^The system keychain cannot be reached: there is no desktop session bus/);
    expect(setup.recipients.map((x) => x.role)).toEqual(['recovery']);
    expect((await loadProfile(cfg))?.keychain).toBeNull();
    store.unavailable = null;
    const later = await prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: () => Promise.reject(new Error('no new recovery key')) });
    expect(later.keychain).toBe('created');
    expect(later.recipients.map((x) => x.role)).toEqual(['keychain', 'recovery']);
    expect(later.recipients[1]).toEqual(setup.recipients[0]);
  });

  it('keeps nothing when the recovery key could not be delivered', async () => {
    const store = new MemorySecretStore();
    const cfg = configDir('undelivered');
    await expect(prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: () => Promise.reject(new Error('no terminal')) })).rejects.toThrow(/no terminal/);
    expect(await loadProfile(cfg)).toBeNull();
    expect(store.secrets.size).toBe(0);
  });

  it('refuses a keychain that does not keep what it was given', async () => {
    const forgetful: SecretStore = { description: 'forgetful', get: async () => null, set: async () => undefined, delete: async () => false };
    const setup = await prepareBackupKeys({ store: forgetful, configDir: configDir('forgetful'), deliverRecoveryKey: async () => undefined });
    expect(setup.keychain).toBe('unavailable');
    expect(setup.keychainError?.message).toMatch(/did not return the key just stored/);
  });
});

describe('keychainIdentity', () => {
  it('returns the profile key, and explains why there is none', async () => {
    const store = new MemorySecretStore();
    const cfg = configDir('identity');
    await prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: async () => undefined });
    expect(await keychainIdentity(store, cfg)).toBe(store.secrets.get(keychainAccount('default')));
    store.secrets.set(keychainAccount('default'), (await generateKeyPair()).identity);
    await expect(keychainIdentity(store, cfg)).rejects.toThrow(/not this profile's backup key/);
    store.secrets.clear();
    await expect(keychainIdentity(store, cfg)).rejects.toBeInstanceOf(NoKeychainKeyError);
    store.unavailable = new KeychainUnavailableError('locked', 'unlock prompt was dismissed');
    await expect(keychainIdentity(store, cfg)).rejects.toThrow(/keychain is locked/);
  });
});

describe('classifyKeychainError', () => {
  it.each([
    ['Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead', 'no-session'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no-service'],
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", 'locked'],
    ['Access denied by user', 'denied'],
    ['something else', 'failed'],
  ])('%s → %s', (message, problem) => {
    expect(classifyKeychainError(new Error(message)).problem).toBe(problem);
  });
});

describe('shredKeychainKey', () => {
  it('deletes the keychain key that opens the backup and says the recovery key still opens it', async () => {
    const store = new MemorySecretStore();
    const cfg = configDir('shred');
    const setup = await prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: async () => undefined });
    const file = path.join(dir, 'shred.msgbak');
    const w = await createAgeFile(file, setup.recipients.map((x) => x.recipient));
    await w.write(Buffer.from('payload'));
    await w.finish();
    await w.publish();
    const side = { recipients: setup.recipients.map((x) => ({ role: x.role, fingerprint: recipientFingerprint(x.recipient) })) };
    // a minimal valid side file
    writeFileSync(
      `${file}.json`,
      JSON.stringify({ format: 'pereezd-backup-side', formatVersion: 1, file: 'shred.msgbak', size: 1, sha256: '0'.repeat(64), created: '', app: { name: 'Pereezd', version: 't' }, ...side }),
    );
    const res = await shredKeychainKey(file, { store, configDir: cfg });
    expect(res.deleted).toBe(true);
    expect(res.recoveryStillOpens).toBe(true);
    expect(res.notes.join('\n')).toMatch(/recovery key STILL opens this backup/);
    expect(store.secrets.size).toBe(0);
    expect((await loadProfile(cfg))?.keychain).toBeNull();
    await expect(shredKeychainKey(file, { store, configDir: cfg })).rejects.toMatchObject({ code: 'no-key' });
  });

  it('deletes nothing when the backup is not encrypted to this keychain key', async () => {
    const store = new MemorySecretStore();
    const cfg = configDir('shred-other');
    await prepareBackupKeys({ store, configDir: cfg, deliverRecoveryKey: async () => undefined });
    const stranger = await generateKeyPair();
    const file = path.join(dir, 'other.msgbak');
    const w = await createAgeFile(file, [stranger.recipient]);
    await w.finish();
    await w.publish();
    await expect(shredKeychainKey(file, { store, configDir: cfg })).rejects.toBeInstanceOf(ShredError);
    expect(store.secrets.size).toBe(1);
  });
});
