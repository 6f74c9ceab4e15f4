/**
 * The keychain identity against the REAL Linux Secret Service (gnome-keyring-daemon on a private
 * D-Bus session, started by scripts/with-keyring.sh): store, read back, delete; seen by other
 * Secret Service clients (so it is not the non-persistent kernel keyutils store); the pinned
 * store refuses cleanly without a session bus and reports a locked keyring as locked.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../main/engine/backup/keys.js';
import { keychainIdentity, prepareBackupKeys } from '../../main/engine/backup/profile.js';
import { KeychainUnavailableError, OsKeychain } from '../../main/engine/backup/secret-store.js';
import { repoRoot } from '../helpers/build-cli.js';
import { bundleProgram, requireKeyringSession } from '../helpers/keyring-session.js';

const temps: string[] = [];
beforeAll(() => {
  requireKeyringSession();
});
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

describe('OsKeychain on the real Secret Service', () => {
  it('stores, reads back and deletes an identity; other Secret Service clients see it', async () => {
    const service = `com.pereezd.test-${randomUUID()}`;
    const store = new OsKeychain(service);
    const { identity } = await generateKeyPair();
    expect(await store.get('identity-v1:test')).toBeNull();
    await store.set('identity-v1:test', identity);
    expect(await store.get('identity-v1:test')).toBe(identity);
    // libsecret's own client finds it under the same attributes: this is the Secret Service.
    expect(execFileSync('secret-tool', ['lookup', 'service', service, 'username', 'identity-v1:test'], { encoding: 'utf8' })).toBe(identity);
    expect(await store.delete('identity-v1:test')).toBe(true);
    expect(await store.get('identity-v1:test')).toBeNull();
    expect(await store.delete('identity-v1:test')).toBe(false);
  });

  it('sets up backup keys with the keychain identity in the real keychain', async () => {
    const configDir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-kc-'));
    temps.push(configDir);
    const store = new OsKeychain(`com.pereezd.test-${randomUUID()}`);
    const setup = await prepareBackupKeys({ store, configDir, deliverRecoveryKey: async () => undefined });
    expect(setup.keychain).toBe('created');
    const secret = await keychainIdentity(store, configDir);
    expect(secret).toMatch(/^AGE-SECRET-KEY-1/);
    await store.delete('identity-v1:default');
  });

  it('pinned to the Secret Service, fails cleanly (no silent fallback) when there is no session bus', async () => {
    const probe = await bundleProgram(`
      import { OsKeychain } from './main/engine/backup/secret-store.ts';
      const store = new OsKeychain('com.pereezd.test-nobus');
      try {
        await store.set('identity-v1:x', 'secret');
        console.log(JSON.stringify({ stored: true }));
      } catch (err) {
        console.log(JSON.stringify({ name: err.name, problem: err.problem, message: err.message }));
      }
    `);
    temps.push(path.dirname(probe));
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const r = spawnSync(process.execPath, [probe], { env, encoding: 'utf8', cwd: repoRoot });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out).toMatchObject({ name: 'KeychainUnavailableError', problem: 'no-session' });
    expect(out.message).toMatch(/^The system keychain cannot be reached: there is no desktop session bus \(D-Bus\)/);
  });

  it('reports a locked keyring as locked (in a keyring session of its own)', async () => {
    const probe = await bundleProgram(`
      import { execFileSync } from 'node:child_process';
      import { OsKeychain } from './main/engine/backup/secret-store.ts';
      const store = new OsKeychain('com.pereezd.test-locked');
      await store.set('identity-v1:x', 'secret');
      execFileSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.secrets', '/org/freedesktop/secrets',
        'org.freedesktop.Secret.Service.Lock', 'array:objpath:/org/freedesktop/secrets/collection/login']);
      try {
        await store.get('identity-v1:x');
        console.log(JSON.stringify({ read: true }));
      } catch (err) {
        console.log(JSON.stringify({ name: err.name, problem: err.problem, message: err.message }));
      }
    `);
    temps.push(path.dirname(probe));
    const env = { ...process.env, PEREEZD_KEYRING_INNER: '' };
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts/with-keyring.sh'), process.execPath, probe], { env, encoding: 'utf8', cwd: repoRoot, timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(out).toMatchObject({ name: 'KeychainUnavailableError', problem: 'locked' });
    expect(out.message).toMatch(/keychain is locked/);
  });

  it('KeychainUnavailableError names what to do in plain words', () => {
    const e = new KeychainUnavailableError('no-service', 'org.freedesktop.secrets was not provided');
    expect(e.message).toMatch(/no keychain service \(such as GNOME Keyring or KWallet\) is running/);
  });
});
