/**
 * The Matrix client (main/engine/matrix/client.ts, session.ts) against a real Synapse (profile 'fast'):
 * discovery, sign-in with the token in the OS keychain (throwaway Secret Service), rooms, state, account
 * data, m.direct, invites, /messages pagination with a filter, media round trip, user directory.
 * Run: bash scripts/with-keyring.sh npx vitest run tests/integration/matrix-client.test.ts
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverHomeserver, MatrixClient, MatrixError } from '../../main/engine/matrix/client.js';
import { suggestPeople } from '../../main/engine/matrix/people.js';
import { keychainAccount, matrixKeychain, readSessionFile, signIn } from '../../main/engine/matrix/session.js';
import { requireKeyringSession } from '../helpers/keyring-session.js';
import { startSynapse, type RegisteredUser, type Synapse } from '../helpers/synapse.js';

describe('Matrix client against a real Synapse', { timeout: 120_000 }, () => {
  let hs: Synapse;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let wk: Server;
  let wkUrl: string;
  beforeAll(async () => {
    hs = await startSynapse({ profile: 'fast', extraConfig: 'login_via_existing_session: {enabled: true, require_ui_auth: false}\n' });
    alice = await hs.register('alice', { displayname: 'Alice Example' });
    bob = await hs.register('bob', { displayname: 'Bob Builder' });
    wk = createServer((req, res) => {
      if (req.url === '/.well-known/matrix/client') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ 'm.homeserver': { base_url: hs.baseUrl } }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => wk.listen(0, '127.0.0.1', r));
    const a = wk.address();
    wkUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
  });
  afterAll(async () => {
    wk?.close();
    await hs?.stop();
  });

  it('discovers the homeserver through .well-known and directly', async () => {
    expect(await discoverHomeserver(wkUrl)).toBe(hs.baseUrl);
    expect(await discoverHomeserver(`${hs.baseUrl}/`)).toBe(hs.baseUrl);
    await expect(discoverHomeserver('http://127.0.0.1:9', undefined, fetch, { attempts: 2, delayMs: 10 })).rejects.toThrow(/no Matrix homeserver found for http:\/\/127\.0\.0\.1:9/);
  });

  it('signs in with a password, keeps the token only in the keychain, reuses it and the device id', async () => {
    requireKeyringSession();
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-mx-state-'));
    const store = matrixKeychain();
    let asked = 0;
    const password = async () => {
      asked++;
      return alice.password;
    };
    const first = await signIn({ homeserver: hs.baseUrl, userId: alice.userId, password, stateDir, store });
    expect(first.reused).toBe(false);
    expect(asked).toBe(1);
    const token = await store.get(keychainAccount(hs.baseUrl, alice.userId));
    expect(token).toBe(first.client.accessToken);
    const session = readSessionFile(stateDir)!;
    expect(session.deviceId).toBe(first.client.deviceId);
    // Nothing on disk carries the token.
    for (const f of readdirSync(stateDir)) expect(readFileSync(path.join(stateDir, f), 'utf8')).not.toContain(token!);

    const second = await signIn({ homeserver: hs.baseUrl, userId: alice.userId, password, stateDir, store });
    expect(second.reused).toBe(true);
    expect(asked).toBe(1);
    expect((await second.client.whoami()).user_id).toBe(alice.userId);

    // A revoked token: the next sign-in asks for the password again and keeps the SAME device id.
    await second.client.logout();
    const third = await signIn({ homeserver: hs.baseUrl, userId: alice.userId, password, stateDir, store });
    expect(third.reused).toBe(false);
    expect(asked).toBe(2);
    expect(third.client.deviceId).toBe(session.deviceId);
    expect(await store.get(keychainAccount(hs.baseUrl, alice.userId))).toBe(third.client.accessToken);
    expect(third.client.accessToken).not.toBe(token);

    await expect(signIn({ homeserver: hs.baseUrl, userId: bob.userId, password: async () => 'wrong', stateDir, store })).rejects.toThrow(
      /@bob:localhost on http:\/\/127\.0\.0\.1:\d+: the homeserver refused the sign-in \(M_FORBIDDEN\)/,
    );
  });

  it('signs in with a login token (m.login.token) and stores that token in the keychain', async () => {
    requireKeyringSession();
    const r = await fetch(`${hs.baseUrl}/_matrix/client/v1/login/get_token`, { method: 'POST', headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    const { login_token } = (await r.json()) as { login_token: string };
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-mx-token-'));
    const store = matrixKeychain();
    const s = await signIn({ homeserver: hs.baseUrl, userId: bob.userId, loginToken: login_token, stateDir, store });
    expect(s.reused).toBe(false);
    expect((await s.client.whoami()).user_id).toBe(bob.userId);
    expect(await store.get(keychainAccount(hs.baseUrl, bob.userId))).toBe(s.client.accessToken);
  });

  it('creates rooms, sends with txnIds (idempotent), reads state, account data, m.direct, invites, joined_rooms', async () => {
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: alice.accessToken, userId: alice.userId });
    expect((await c.versions()).versions.length).toBeGreaterThan(0);
    const { room_id } = await c.createRoom({
      name: 'Telegram: Family', topic: 'Moved from Telegram', preset: 'private_chat',
      initial_state: [{ type: 'org.pereezd.migration.source', state_key: '', content: { source: 'tg', chat_id: 'tg:1' } }],
    });
    expect(await c.getState(room_id, 'm.room.name')).toEqual({ name: 'Telegram: Family' });
    expect(await c.getState(room_id, 'org.pereezd.migration.source')).toEqual({ source: 'tg', chat_id: 'tg:1' });
    expect(await c.getState(room_id, 'org.pereezd.nothing')).toBeNull();
    const a = await c.sendEvent(room_id, 'm.room.message', 'txn-1', { msgtype: 'm.text', body: 'one' });
    const again = await c.sendEvent(room_id, 'm.room.message', 'txn-1', { msgtype: 'm.text', body: 'one' });
    expect(again.event_id).toBe(a.event_id);
    expect((await c.getEvent(room_id, a.event_id)).content).toMatchObject({ body: 'one' });

    await c.setAccountData('org.pereezd.migration.index', { 'tg:tg:1': room_id });
    expect(await c.getAccountData('org.pereezd.migration.index')).toEqual({ 'tg:tg:1': room_id });
    expect(await c.getAccountData('org.pereezd.absent')).toBeNull();
    await c.setRoomAccountData(room_id, 'org.pereezd.migration', { lastSourceMsgId: '7' });
    expect(await c.getRoomAccountData(room_id, 'org.pereezd.migration')).toEqual({ lastSourceMsgId: '7' });

    await c.addDirect(bob.userId, room_id);
    await c.addDirect(bob.userId, room_id);
    expect(await c.getDirect()).toEqual({ [bob.userId]: [room_id] });

    await c.invite(room_id, bob.userId);
    const b = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: bob.accessToken, userId: bob.userId });
    await b.join(room_id);
    expect(await b.joinedRooms()).toContain(room_id);
    expect(await c.joinedRooms()).toContain(room_id);
  });

  it('pages /messages backwards with a filter until there is no end token', async () => {
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: alice.accessToken, userId: alice.userId });
    const { room_id } = await c.createRoom({ name: 'paging' });
    for (let i = 0; i < 25; i++) await c.sendEvent(room_id, 'm.room.message', `p-${i}`, { msgtype: 'm.text', body: `m${i}` });
    const pages: number[] = [];
    const bodies: string[] = [];
    for await (const page of c.allMessages(room_id, { limit: 10, filter: { types: ['m.room.message'] } })) {
      pages.push(page.length);
      for (const e of page) bodies.push(String(e.content.body));
    }
    expect(bodies).toEqual(Array.from({ length: 25 }, (_, i) => `m${24 - i}`));
    expect(pages.slice(0, 2)).toEqual([10, 10]);
    const forward = [];
    for await (const page of c.allMessages(room_id, { dir: 'f', limit: 1000, filter: { types: ['m.room.message'] } })) forward.push(...page);
    expect(forward.map((e) => e.content.body)).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('uploads media, reads the size limit and downloads it back through the authenticated endpoint', async () => {
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: alice.accessToken, userId: alice.userId });
    expect((await c.mediaConfig())['m.upload.size']).toBe(100 * 1024 * 1024);
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
    const mxc = await c.uploadMedia(bytes, { contentType: 'image/png', filename: 'фото.png' });
    expect(mxc).toMatch(/^mxc:\/\/localhost\//);
    const got = await c.mediaSha256(mxc);
    expect(got).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    const anon = await fetch(`${hs.baseUrl}/_matrix/client/v1/media/download/localhost/${mxc.split('/').pop()}`);
    expect(anon.status).toBe(401);
  });

  it('finds people in the user directory and names the endpoint when a call fails', async () => {
    const c = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: alice.accessToken, userId: alice.userId });
    const found = await c.userDirectorySearch('Bob Builder');
    expect(found.results.map((r) => r.user_id)).toContain(bob.userId);
    const people = await suggestPeople(c, [
      { id: 'user2', name: 'Bob Builder', emails: ['bob@old.example'] },
      { id: 'user9', name: 'Nobody Here' },
      { id: 'user3', name: 'Bob' },
    ]);
    expect(people.map).toEqual({ user2: bob.userId });
    expect(people.matches.map((m) => [m.id, m.mxid, m.by])).toEqual([['user2', bob.userId, 'name'], ['user9', null, null], ['user3', null, null]]);
    const err = await c.sendEvent('!nope:localhost', 'm.room.message', 't', { body: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MatrixError);
    expect((err as MatrixError).message).toMatch(/^PUT \/_matrix\/client\/v3\/rooms\/!nope%3Alocalhost\/send\/m\.room\.message\/t: HTTP 403 M_FORBIDDEN/);
    expect((err as MatrixError).message).not.toContain(alice.accessToken);
  });
});
