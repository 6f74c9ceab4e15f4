import { describe, expect, it } from 'vitest';
import type { ChatSummary } from '../../../shared/model/index.js';
import { suggestPriority } from './priority.js';

const chat = (over: Partial<ChatSummary>): Omit<ChatSummary, 'priority'> => ({
  id: 'tg:1', title: 'Друзья', type: 'group', members: 5, messages: 100, events: 0, attachments: 0, attachmentsMissing: 0,
  mediaBytes: 0, firstAt: null, lastAt: null, last90: 5, activity: {}, ...over,
});

describe('suggested priority', () => {
  it('puts active, large, announcement and confidential chats first, with every reason that applies', () => {
    expect(suggestPriority(chat({ last90: 20 }))).toEqual({ level: 'high', reasons: ['active'] });
    expect(suggestPriority(chat({ members: 40, type: 'channel' }))).toEqual({ level: 'high', reasons: ['many-members', 'announcements'] });
    expect(suggestPriority(chat({ title: 'Зарплата и кадры' }))).toEqual({ level: 'high', reasons: ['confidential'] });
    expect(suggestPriority(chat({ title: 'Payroll 2025' }))).toEqual({ level: 'high', reasons: ['confidential'] });
  });

  it('lets quiet, left and empty chats wait', () => {
    expect(suggestPriority(chat({ last90: 0 }))).toEqual({ level: 'low', reasons: ['inactive'] });
    expect(suggestPriority(chat({ left: true }))).toEqual({ level: 'low', reasons: ['left'] });
    expect(suggestPriority(chat({ messages: 0, events: 0 }))).toEqual({ level: 'low', reasons: ['empty'] });
    expect(suggestPriority(chat({}))).toEqual({ level: 'normal', reasons: [] });
  });
});
