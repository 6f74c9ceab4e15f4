import { describe, expect, it } from 'vitest';
import { type Body, classify, newBody } from './body.js';
import { kindOfName } from './phrases.js';

const LRM = '\u200e';
const RLM = '\u200f';

function c(rest: string): Body {
  const b = newBody();
  classify(rest, 0, rest.length, b);
  return { ...b };
}

describe('whatsapp body: author or system', () => {
  it('`Name: text` is authored; the text keeps later colons', () => {
    expect(c('Bob: Sounds good: see you')).toMatchObject({ kind: 'message', author: 'Bob', text: 'Sounds good: see you', action: null });
  });
  it('no `: ` → a system event without author', () => {
    expect(c('Alice added you')).toMatchObject({ kind: 'event', author: null, action: 'invite_members', text: 'Alice added you' });
    expect(c('Something new WhatsApp says')).toMatchObject({ kind: 'event', action: 'unknown', unknownSystem: true });
  });
  it('`Name:` with nothing after it is an authored empty message', () => {
    expect(c('Carol:')).toMatchObject({ kind: 'message', author: 'Carol', text: '' });
  });
  it('a system line with `: ` inside a quoted subject is not split', () => {
    expect(c('Alice changed the subject to "Plan: Friday"')).toMatchObject({ kind: 'event', author: null, action: 'edit_group_title', text: 'Alice changed the subject to "Plan: Friday"' });
    expect(c('Alice created group "Plan: Friday"')).toMatchObject({ kind: 'event', action: 'create_group' });
    expect(c('Иван изменил(-а) тему с «План: пятница» на «План: суббота»')).toMatchObject({ kind: 'event', action: 'edit_group_title' });
    // A long would-be author holding a system phrase, no quotes: still the whole line.
    expect(c('Alice Margaret Smith added Bob: The Builder')).toMatchObject({ kind: 'event', action: 'invite_members' });
  });
  it('long names, phone numbers and quotes in the text do not make a message a system line', () => {
    expect(c('Robert Downey Junior III: I added salt')).toMatchObject({ kind: 'message', author: 'Robert Downey Junior III', text: 'I added salt' });
    expect(c('+7 985 000-00-00: hi')).toMatchObject({ kind: 'message', author: '+7 985 000-00-00' });
    expect(c('Bob: Alice changed the subject to "x"')).toMatchObject({ kind: 'message', author: 'Bob', text: 'Alice changed the subject to "x"' });
  });
  it('iOS: a system text after the chat name starts with a direction mark; without it, it is a message', () => {
    expect(c(`Book Club: ${LRM}Boris left`)).toMatchObject({ kind: 'event', author: null, action: 'leave_group', text: 'Boris left' });
    expect(c('Boris: Anna left')).toMatchObject({ kind: 'message', author: 'Boris', text: 'Anna left' });
    expect(c(`Elon: ${LRM}${LRM}Your security code with Elon changed. ${LRM}Tap to learn more.`)).toMatchObject({
      kind: 'event',
      action: 'security_code_changed',
      text: 'Your security code with Elon changed. Tap to learn more.',
    });
    expect(c(`+40 521: ${RLM}الرسائل والمكالمات مشفرة تمامًا بين الطرفين، بحيث`)).toMatchObject({ kind: 'event', action: 'encryption_notice' });
    // A message that merely starts with a mark stays a message.
    expect(c(`Bob: ${LRM}How about Locations?`)).toMatchObject({ kind: 'message', text: `${LRM}How about Locations?` });
  });
  it('missed calls are events with the caller as sender', () => {
    expect(c('Dmitry S: Missed voice call')).toMatchObject({ kind: 'event', action: 'call', author: 'Dmitry S', text: 'Missed voice call' });
    expect(c(`Anna: ${LRM}Missed video call`)).toMatchObject({ kind: 'event', action: 'call', author: 'Anna', text: 'Missed video call' });
    expect(c('Ann: I missed your voice call')).toMatchObject({ kind: 'message', action: null });
  });
  it('deleted messages keep their text, with action deleted', () => {
    for (const t of ['This message was deleted', `${LRM}You deleted this message.`, 'Вы удалили это сообщение', 'Du hast diese Nachricht gelöscht.', 'تم حذف هذه الرسالة.']) {
      expect(c(`A: ${t}`), t).toMatchObject({ kind: 'message', action: 'deleted', text: t.replace(LRM, '') });
    }
    expect(c('A: This message was deleted, or so I heard')).toMatchObject({ action: null });
  });
});

describe('whatsapp body: media', () => {
  it('Android placeholders: not included, kind other, caption on the next lines', () => {
    for (const t of ['<Media omitted>', '<Без медиафайлов>', '<Medien ausgeschlossen>', '<Media weggelaten>']) {
      expect(c(`A: ${t}`), t).toMatchObject({ text: '', captionNext: true, attachment: { name: '', kind: 'other', missing: true, missingReason: 'not-included' } });
    }
    expect(c('A: <not a placeholder>')).toMatchObject({ text: '<not a placeholder>', attachment: null });
  });
  it('view-once: the body `null`', () => {
    expect(c('A: null')).toMatchObject({ text: '', attachment: { name: '', kind: 'other', missing: true, missingReason: 'unavailable' } });
  });
  it('iOS placeholders know the kind, documents their name', () => {
    expect(c(`A: ${LRM}image omitted`).attachment).toMatchObject({ kind: 'photo', missingReason: 'not-included' });
    expect(c(`A: ${LRM}Contact card omitted`).attachment).toMatchObject({ kind: 'contact' });
    expect(c(`A: ${LRM}Kontaktkarte ausgelassen`).attachment).toMatchObject({ kind: 'contact' });
    expect(c(`A: Some file.txt ${LRM}document omitted`)).toMatchObject({ text: '', attachment: { name: 'Some file.txt', kind: 'file' } });
    expect(c(`A: Resume.pdf • ${LRM}2 pages ${LRM}document omitted`).attachment).toMatchObject({ name: 'Resume.pdf', kind: 'file' });
  });
  it('Android attached files, localized, with the U+200E WhatsApp puts before the name', () => {
    expect(c(`A: ${LRM}IMG-20210610-WA0031.jpg (file attached)`)).toMatchObject({ text: '', lookup: 'IMG-20210610-WA0031.jpg', attachment: { name: 'IMG-20210610-WA0031.jpg', kind: 'photo', missing: false, path: 'IMG-20210610-WA0031.jpg', mime: 'image/jpeg' } });
    expect(c('A: Alex.vcf (файл добавлен)')).toMatchObject({ lookup: 'Alex.vcf', attachment: { kind: 'contact' } });
    expect(c('A: PTT-20220323-WA0000.opus (Datei angehängt)').attachment).toMatchObject({ kind: 'voice' });
    expect(c('A: Report (final).pdf (bestand bijgevoegd)').lookup).toBe('Report (final).pdf');
    expect(c('A: see the photos (later)')).toMatchObject({ lookup: null, text: 'see the photos (later)' });
  });
  it('iOS attached files, with a document title before the marker, and the older form', () => {
    expect(c(`A: ${LRM}<attached: 00000035-PHOTO-2022-03-27-21-41-55.jpg>`)).toMatchObject({ text: '', lookup: '00000035-PHOTO-2022-03-27-21-41-55.jpg', attachment: { kind: 'photo' } });
    expect(c(`A: Some file.txt ${LRM}<attached: 00000046-Some file.txt>`)).toMatchObject({ text: '', lookup: '00000046-Some file.txt', attachment: { kind: 'file' } });
    expect(c(`A: Resume.pdf • ${LRM}2 pages ${LRM}<attached: 00000047-Resume.pdf>`)).toMatchObject({ text: '', lookup: '00000047-Resume.pdf' });
    expect(c(`A: ${LRM}<angehängt: 00000050-AUDIO-2022-03-27-21-44-47.opus>`).attachment).toMatchObject({ kind: 'voice' });
    expect(c(`A: 2015-08-04-PHOTO-00004762.jpg <${LRM}attached>`)).toMatchObject({ lookup: '2015-08-04-PHOTO-00004762.jpg', attachment: { kind: 'photo' } });
    expect(c('A: x <b>')).toMatchObject({ lookup: null, text: 'x <b>' });
  });
  it('kind from the name: prefixes first, then the extension', () => {
    expect(
      ['IMG-1.jpg', 'VID-1.mp4', 'AUD-1.mp3', 'PTT-1.opus', 'STK-1.webp', 'DOC-1.pdf', 'x.vcf', '00000051-GIF-2022.mp4', '00000037-VIDEO-2022.mp4', 'a.opus', 'a.webp', 'a.heic', 'a.bin'].map(kindOfName),
    ).toEqual(['photo', 'video', 'audio', 'voice', 'sticker', 'file', 'contact', 'animation', 'video', 'voice', 'sticker', 'photo', 'file']);
  });
});
