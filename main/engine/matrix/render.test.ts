import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '../clean/types.js';
import { Journal } from './journal.js';
import { assertModelDir, loadModel, readChatMessages } from './model.js';
import { displayTime, msgtypeOf, partsOf, planChat, provenanceOf } from './render.js';
import { txnIdFor } from './txn.js';
import { RateWindow } from './upload.js';

const msg = (o: Partial<MessageLine>): MessageLine => ({
  chat: 'tg:1', id: '1', kind: 'message', sentAt: '2019-05-01T10:00:00+03:00', sender: { name: 'Bob', id: 'user2' }, text: 'hi', replyTo: null,
  forwardedFrom: null, editedAt: null, attachments: [], source: { file: '/x/result.json', line: 1 }, ...o,
});
const photo = { name: 'p.jpg', kind: 'photo', mime: 'image/jpeg', size: 10, sha256: 'ab', missing: false, path: 'photos/p.jpg' };

describe('render', () => {
  it('writes the original wall-clock time and sender in the body', () => {
    expect(displayTime('2019-05-01T10:00:00+03:00')).toBe('2019-05-01 10:00');
    expect(displayTime(null)).toBe('time unknown');
    const [p] = partsOf(msg({}), false);
    expect(p).toMatchObject({ sid: '1#t', kind: 'text', msgtype: 'm.text', body: '[2019-05-01 10:00] Bob: hi' });
    expect(provenanceOf(p!, 'tg:1')).toEqual({
      source: 'tg', chat_id: 'tg:1', msg_id: '1', part: '1#t', orig_ts: Date.parse('2019-05-01T07:00:00Z'), orig_sender: 'user2', orig_sender_name: 'Bob', version: 1,
    });
    expect(partsOf(msg({}), true)[0]!.body).toBe('hi');
  });

  it('media-only messages: a readable line plus the media event (plain); the media event alone (faithful)', () => {
    const m = msg({ text: '', attachments: [photo] });
    expect(partsOf(m, false).map((p) => [p.sid, p.kind, p.body])).toEqual([['1#t', 'text', '[2019-05-01 10:00] Bob: [photo: p.jpg]'], ['1#a0', 'media', undefined]]);
    expect(partsOf(m, true).map((p) => p.sid)).toEqual(['1#a0']);
    expect(msgtypeOf(photo)).toBe('m.image');
    expect(msgtypeOf({ ...photo, kind: 'voice', mime: 'audio/ogg' })).toBe('m.audio');
    expect(msgtypeOf({ ...photo, kind: 'file', mime: 'image/png' })).toBe('m.file');
  });

  it('names attachments the export left out, marks events as notices, splits very long text without breaking surrogates', () => {
    const m = msg({ attachments: [{ ...photo, missing: true, missingReason: 'not-included', path: undefined }] });
    expect(partsOf(m, false).map((p) => p.body)).toEqual(['[2019-05-01 10:00] Bob: hi\n[photo not in the export: p.jpg]']);
    const e = partsOf(msg({ kind: 'event', action: 'pin_message', text: '' }), false);
    expect(e[0]).toMatchObject({ msgtype: 'm.notice', body: '[2019-05-01 10:00] Bob · pin message' });
    const long = '😀'.repeat(10_000);
    const parts = partsOf(msg({ text: long }), true);
    expect(parts.map((p) => p.sid)).toEqual(['1#t', '1#t.1']);
    expect(parts.map((p) => p.body).join('')).toBe(long);
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p.body!))).toBe(true);
  });

  it('gives a repeated message id in one chat its own source id, and deterministic distinct txnIds', () => {
    const parts = planChat([msg({}), msg({ text: 'again' })], false);
    expect(parts.map((p) => p.sid)).toEqual(['1#t', '1~2#t']);
    expect(txnIdFor('tg:1', '1#t')).toBe(txnIdFor('tg:1', '1#t'));
    expect(txnIdFor('tg:1', '1#t')).not.toBe(txnIdFor('pilot:tg:1', '1#t'));
    expect(txnIdFor('tg:1', '1#t')).toMatch(/^mig-[0-9a-f]{16}-[0-9a-f]{24}$/);
  });
});

describe('journal', () => {
  it('restores what it recorded and ignores a torn last line (crash mid-write)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-journal-'));
    const j = new Journal(dir);
    j.append({ t: 'room', chat: 'tg:1', room: '!r:hs', at: 1 });
    j.append({ t: 'sent', chat: 'tg:1', sid: '1#t', event: '$e1' });
    j.close();
    appendFileSync(path.join(dir, 'journal.jsonl'), '{"t":"sent","chat":"tg:1","sid":"2#');
    const k = new Journal(dir);
    expect(k.state.skipped).toBe(1);
    expect(k.state.rooms.get('tg:1')).toBe('!r:hs');
    expect([...k.state.sent.get('tg:1')!]).toEqual([['1#t', '$e1']]);
    k.append({ t: 'media', sha256: 'ab', mxc: 'mxc://hs/x' });
    k.close();
    const lines = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').split('\n');
    expect(lines.at(-2)).toBe('{"t":"media","sha256":"ab","mxc":"mxc://hs/x"}');
    expect(new Journal(dir).state.media.get('ab')).toBe('mxc://hs/x');
  });
});

describe('model', () => {
  it('orders each chat chronologically and reports bad lines with file and line', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-model-'));
    writeFileSync(path.join(dir, 'chats.jsonl'), `${JSON.stringify({ id: 'tg:1', title: 'A', type: 'group' })}\nnot json\n`);
    const lines = [
      msg({ id: '2', sentAt: '2019-05-01T10:05:00+03:00' }), msg({ id: '1', sentAt: '2019-05-01T10:00:00+03:00' }), msg({ id: '3', sentAt: null }),
      msg({ chat: 'tg:404', id: '9' }),
    ].map((m) => JSON.stringify(m));
    writeFileSync(path.join(dir, 'messages.jsonl'), `${lines.join('\n')}\n{broken\n`);
    const m = await loadModel([dir], path.join(dir, 'work'), AbortSignal.timeout(5000));
    try {
      expect(m.chats).toHaveLength(1);
      // 3 has no time: it stays right after the dated line before it in the file (1), ahead of 2.
      expect(readChatMessages(m.chats[0]!).map((x) => x.id)).toEqual(['1', '3', '2']);
      expect(m.problems.map((p) => p.message)).toEqual([
        `${path.join(dir, 'chats.jsonl')}:2: not a chat line; skipped`,
        `${path.join(dir, 'messages.jsonl')}:4: message of chat tg:404, which chats.jsonl does not list; skipped`,
        `${path.join(dir, 'messages.jsonl')}:5: not a message line; skipped`,
      ]);
    } finally {
      m.dispose();
    }
    expect(() => assertModelDir(os.tmpdir())).toThrow(`${os.tmpdir()}: not a Pereezd model folder (no chats.jsonl)`);
  });
});

describe('ETA', () => {
  it('follows the rate-limited pace once the server starts answering 429, not the burst before it', () => {
    const w = new RateWindow();
    for (let i = 0; i < 10; i++) w.add(i * 100); // a burst of 10 in 0.9 s
    expect(w.etaMs(1000)).toBe(100_000);
    w.reset();
    for (let i = 1; i <= 3; i++) w.add(900 + i * 5000); // then one per 5 s
    expect(w.etaMs(1000)).toBe(5_000_000);
  });
});
