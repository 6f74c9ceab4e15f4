import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatTitle, chatTypeOf, isoFromUnix, isoFromWallClockAsUtc, mapContact, peerIdOf, placeholderReason, textOf, utf8FromLatin1 } from './map.js';
import { fixHexEscapes } from './reader.js';

describe('telegram map helpers', () => {
  it('maps every chat type tdesktop writes', () => {
    expect(chatTypeOf('personal_chat')).toBe('personal');
    expect(chatTypeOf('bot_chat')).toBe('bot');
    expect(chatTypeOf('saved_messages')).toBe('saved');
    expect(chatTypeOf('replies')).toBe('saved');
    for (const t of ['private_group', 'private_supergroup', 'public_supergroup']) expect(chatTypeOf(t)).toBe('group');
    for (const t of ['private_channel', 'public_channel']) expect(chatTypeOf(t)).toBe('channel');
    expect(chatTypeOf('')).toBe('unknown');
    expect(chatTypeOf('something_new')).toBe('unknown');
    expect(chatTypeOf(undefined)).toBe('unknown');
  });

  it('titles chats without a usable name', () => {
    expect(chatTitle(undefined, false, 'saved_messages', '1')).toBe('Saved Messages');
    expect(chatTitle(null, true, 'personal_chat', '2')).toBe('Deleted Account');
    expect(chatTitle(undefined, false, 'personal_chat', '3')).toBe('3');
    expect(chatTitle('Ёж', true, 'personal_chat', '4')).toBe('Ёж');
  });

  it('joins text parts and ignores what is not text', () => {
    expect(textOf('a')).toBe('a');
    expect(textOf(['a', { type: 'bold', text: 'b' }, '', { type: 'x' }, 5, null])).toBe('ab');
    expect(textOf(undefined)).toBe('');
    expect(textOf({ text: 'no' })).toBe('');
  });

  it('normalises numeric sender ids', () => {
    expect(peerIdOf(42)).toBe('user42');
    expect(peerIdOf('channel7')).toBe('channel7');
    expect(peerIdOf(null)).toBeNull();
    expect(peerIdOf('')).toBeNull();
  });

  it('recognises exactly the six placeholder strings', () => {
    expect(placeholderReason('(File not included. Change data exporting settings to download.)')).toBe('not-included');
    expect(placeholderReason('(File exceeds maximum size. Change data exporting settings to download.)')).toBe('too-large');
    expect(placeholderReason('(File unavailable, please try again later)')).toBe('unavailable');
    expect(placeholderReason('(Photo not included. Change data exporting settings to download.)')).toBe('not-included');
    expect(placeholderReason('(Photo exceeds maximum size. Change data exporting settings to download.)')).toBe('too-large');
    expect(placeholderReason('(Photo unavailable, please try again later)')).toBe('unavailable');
    expect(placeholderReason('photos/(File unavailable, please try again later)')).toBeNull();
    expect(placeholderReason('(File something else)')).toBeNull();
  });

  it('isoFromUnix agrees with Date#toISOString for every whole second', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62135596800, max: 253402300799 }), (n) => {
        expect(isoFromUnix(String(n))).toBe(new Date(n * 1000).toISOString().replace('.000Z', 'Z'));
      }),
      { numRuns: 2000 },
    );
    expect(isoFromUnix('1691719862')).toBe('2023-08-11T02:11:02Z');
    expect(isoFromUnix('1.5')).toBe('1970-01-01T00:00:01.500Z');
    expect(isoFromUnix('')).toBeNull();
    expect(isoFromUnix('abc')).toBeNull();
    expect(isoFromUnix(undefined)).toBeNull();
  });

  it('reads wall-clock dates as UTC and rejects impossible ones', () => {
    expect(isoFromWallClockAsUtc('2019-07-05T16:55:32')).toBe('2019-07-05T16:55:32Z');
    expect(isoFromWallClockAsUtc('2021-02-30T10:00:00')).toBeNull();
    expect(isoFromWallClockAsUtc('yesterday')).toBeNull();
  });

  it('rewrites \\xHH only after an odd run of backslashes', () => {
    expect(fixHexEscapes('"a\\x0Bb"')).toBe('"a\\u000Bb"');
    expect(JSON.parse(fixHexEscapes('"a\\x0Bb"'))).toBe('a\u000bb');
    expect(fixHexEscapes('"\\\\x41"')).toBe('"\\\\x41"');
    expect(JSON.parse(fixHexEscapes('"\\\\x41"'))).toBe('\\x41');
    expect(JSON.parse(fixHexEscapes('"\\\\\\x07"'))).toBe('\\\u0007');
    expect(fixHexEscapes('"\\xZZ"')).toBe('"\\xZZ"');
  });

  it('utf8FromLatin1 undoes a latin1 decoding of UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8FromLatin1(Buffer.from(s, 'utf8').toString('latin1'))).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('names a contact from first+last, else the phone', () => {
    const ctx = { file: 'f', line: 3, index: 7 };
    expect(mapContact({ first_name: 'A', last_name: 'B', phone_number: '+1 2' }, ctx)).toMatchObject({ id: 'tg-contact:7', name: 'A B', phones: [{ value: '+1 2' }] });
    expect(mapContact({ first_name: '', last_name: '', phone_number: '+1 2' }, ctx).name).toBe('+1 2');
    expect(mapContact({ user_id: 5, first_name: 'A' }, ctx)).toMatchObject({ id: 'tg-contact:user5', sourceUserId: 'user5', phones: [] });
    expect(mapContact({ date: '2019-01-01T00:00:00' }, ctx)).toMatchObject({ name: '', phones: [], emails: [] });
  });
});
