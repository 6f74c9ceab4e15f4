import { describe, expect, it } from 'vitest';
import { AccountingError, assertAccounting, assertBalanced, emptyTally, isBalanced, type Accounting } from './accounting.js';

const ok = { in: 10, kept: 6, merged: 2, quarantined: 1, excluded: 1 };

describe('accounting', () => {
  it('holds when in = kept + merged + quarantined + excluded', () => {
    expect(isBalanced(ok)).toBe(true);
    expect(isBalanced(emptyTally())).toBe(true);
    expect(isBalanced({ ...ok, kept: 5 })).toBe(false);
    expect(() => assertBalanced('messages', ok)).not.toThrow();
    expect(() => assertBalanced('messages', { ...ok, merged: 3 })).toThrow(AccountingError);
    expect(() => assertBalanced('messages', { ...ok, merged: 3 })).toThrow('accounting does not balance for messages: in 10 ≠ kept 6 + merged 3 + quarantined 1 + excluded 1');
  });

  it('checks every kind and every chat', () => {
    const a: Accounting = {
      version: 1, contacts: ok, participants: ok, chats: ok, problems: 0,
      messages: { ...ok, restored: 0, byChat: { 'tg:1': { ...ok, restored: 0 }, 'tg:2': { ...ok, excluded: 0, restored: 0 } } },
    };
    expect(() => assertAccounting(a)).toThrow('messages of chat tg:2');
    expect(() => assertAccounting({ ...a, messages: { ...a.messages, byChat: {} } })).not.toThrow();
    expect(() => assertAccounting({ ...a, participants: { ...ok, in: 11 } })).toThrow('participants');
  });
});
