/**
 * Application-service mode against a real Synapse with a registration file (rate_limited: false, ghosts @mig_.*,
 * non-exclusive @.* to act as the user himself): the read-back shows the ORIGINAL origin_server_ts and senders
 * (the mapped user for his own messages, a ghost with the old display name for the others), and a re-run
 * creates nothing new.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatrixClient, type RoomEvent } from '../../main/engine/matrix/client.js';
import { PROVENANCE_KEY } from '../../main/engine/matrix/txn.js';
import { ghostId, runUpload } from '../../main/engine/matrix/upload.js';
import { runVerifyTarget } from '../../main/engine/matrix/verify-target.js';
import { makeModel } from '../fixtures/matrix/make-model.js';
import { startSynapse, type Synapse } from '../helpers/synapse.js';

const noProgress = { report() {} };
const tmp = (p: string) => mkdtempSync(path.join(os.tmpdir(), `pereezd-mxas-${p}-`));

describe('appservice mode: original timestamps and senders', () => {
  let hs: Synapse;
  beforeAll(async () => {
    hs = await startSynapse({ profile: 'default', appservice: true });
  });
  afterAll(async () => {
    await hs?.stop();
  });

  it('sends as the original senders with ?ts= and reads back the original origin_server_ts', { timeout: 180_000 }, async () => {
    const ivan = await hs.register('ivan');
    const model = makeModel(tmp('model'));
    const journal = tmp('journal');
    const as = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: hs.appservice!.asToken });
    const input = { models: [model.dir], journalDir: journal, appservice: true, userId: ivan.userId, people: { user1: ivan.userId } };
    const r = await runUpload(input, { client: as, progress: noProgress }, AbortSignal.timeout(120_000));
    // faithful mode: no "[time] name:" text part for the media-only message 5
    expect(r.totals).toMatchObject({ roomsCreated: 2, sent: 48, media: 2, placeholders: 0 });
    const roomId = r.chats.find((c) => c.chatId === model.group)!.roomId!;

    // Read back as the user himself, with his own token (not the AS).
    const me = new MatrixClient({ baseUrl: hs.baseUrl, accessToken: ivan.accessToken, userId: ivan.userId });
    expect(await me.joinedRooms()).toContain(roomId);
    const events: RoomEvent[] = [];
    for await (const page of me.allMessages(roomId, { dir: 'f', limit: 1000, filter: { types: ['m.room.message'] } })) events.push(...page);
    expect(events).toHaveLength(43);
    const anna = ghostId({ chat: 'tg:100', sender: { id: 'user2', name: 'Anna Lee' } } as never, 'mig_', 'localhost');
    const bob = ghostId({ chat: 'tg:100', sender: { id: 'user3', name: 'Bob' } } as never, 'mig_', 'localhost');
    for (const e of events) {
      const pv = e.content[PROVENANCE_KEY] as { orig_ts: number; orig_sender: string };
      expect(e.origin_server_ts).toBe(pv.orig_ts);
      expect(e.sender).toBe({ user1: ivan.userId, user2: anna, user3: bob }[pv.orig_sender]);
    }
    expect(events[0]!.origin_server_ts).toBe(Date.parse('2019-05-01T07:01:00Z'));
    expect(events[0]!.content.body).toBe('message 1 — привет');
    expect(await me.profile(anna)).toMatchObject({ displayname: 'Anna Lee' });
    const created = (await me.getAllState(roomId)).find((e) => e.type === 'm.room.create')!;
    expect(created.sender).toBe(ivan.userId);

    const v = await runVerifyTarget(input, { client: as, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(v.totals).toMatchObject({ expected: 48, found: 48, missing: 0, duplicates: 0, mediaChecked: 2, mediaMismatched: 0 });

    const countAll = async () => {
      let n = 0;
      for await (const page of me.allMessages(roomId, { dir: 'f', limit: 1000 })) n += page.length;
      return n;
    };
    const before = await countAll();
    const again = await runUpload(input, { client: as, progress: noProgress }, AbortSignal.timeout(60_000));
    expect(again.totals).toMatchObject({ sent: 0, roomsCreated: 0, alreadyThere: 48 });
    expect(await countAll()).toBe(before);
  });
});
