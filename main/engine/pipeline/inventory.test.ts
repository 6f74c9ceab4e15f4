import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/model/index.js';
import { createInventorySink } from './inventory.js';

const msg = (over: Partial<Message>): Message => ({
  chat: 'tg:1',
  id: '1',
  kind: 'message',
  sentAt: '2026-01-10T10:00:00Z',
  sender: { name: 'Анна', id: 'user1' },
  text: '',
  attachments: [],
  source: { file: '/x/result.json', line: 1 },
  ...over,
});

describe('inventory sink', () => {
  it('counts messages vs events, attachments present vs missing, members, dates and activity per chat', () => {
    const asOf = new Date('2026-03-01T00:00:00Z');
    const inv = createInventorySink('/x/result.json', asOf);
    inv.sink.chat({ id: 'tg:1', title: 'Семья', type: 'group', rawType: 'private_group', source: { file: '/x/result.json', line: 3 } });
    inv.sink.message(msg({ id: '1', sentAt: '2025-11-15T08:00:00Z', sender: { name: 'Анна', id: 'user1' } })); // older than 90 days
    inv.sink.message(msg({ id: '2', sentAt: '2026-02-20T08:00:00Z', sender: { name: 'Иван', id: 'user2' }, attachments: [{ name: 'a.jpg', kind: 'photo', missing: false, size: 1000 }] }));
    inv.sink.message(msg({ id: '3', kind: 'event', action: 'pin_message', sentAt: '2026-02-21T08:00:00Z', sender: { name: 'Анна', id: 'user1' } }));
    inv.sink.message(msg({ id: '4', sentAt: '2026-02-22T08:00:00Z', sender: { name: 'Deleted', id: null }, attachments: [{ name: 'b.mp4', kind: 'video', missing: true, missingReason: 'not-included' }] }));
    inv.sink.message(msg({ id: '5', chat: 'tg:2', sentAt: null, sender: null }));
    inv.sink.contact({ id: 'c1', name: 'Ольга', phones: [], emails: [], source: { file: '/x/result.json' } });
    inv.sink.contact({ id: 'me', name: 'Я', phones: [], emails: [], self: true, source: { file: '/x/result.json' } }); // the owner is not a contact
    inv.sink.owner?.('Я');
    inv.sink.problem({ file: '/x/result.json', line: 9, code: 'bad-value', severity: 'warning', message: 'x' });
    const s = inv.summary();
    expect(s.counts).toEqual({ contacts: 1, chats: 2, messages: 4, events: 1, attachments: 2, attachmentsMissing: 1 });
    const family = s.chatList.find((c) => c.id === 'tg:1')!;
    expect(family).toMatchObject({
      title: 'Семья', type: 'group', rawType: 'private_group', members: 3, messages: 3, events: 1,
      attachments: 2, attachmentsMissing: 1, mediaBytes: 1000,
      firstAt: '2025-11-15T08:00:00Z', lastAt: '2026-02-22T08:00:00Z', last90: 2,
    });
    expect(family.activity).toEqual({ '2025-11': 1, '2026-02': 2 });
    // a chat whose header never came is still listed, under its id, and its undated message counted
    expect(s.chatList.find((c) => c.id === 'tg:2')).toMatchObject({ title: 'tg:2', type: 'unknown', messages: 1, firstAt: null, last90: 0 });
    expect(s.problems).toHaveLength(1);
    expect(s.owner).toBe('Я');
  });

  it('does not count messages from after the reference date in the last 90 days', () => {
    const inv = createInventorySink('/x', new Date('2026-01-01T00:00:00Z'));
    inv.sink.message(msg({ sentAt: '2026-06-01T00:00:00Z' }));
    expect(inv.summary().chatList[0]!.last90).toBe(0);
  });
});
