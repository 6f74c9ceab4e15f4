/**
 * The WhatsApp parser end to end, on synthetic fixtures in tests/fixtures/whatsapp-txt/ (one file
 * per edge case of formats.md §2, named after it) and on archives/folders built here. Every
 * expected value was worked out by reading the fixture, not taken from the parser's output.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatSchema, MessageSchema, ProblemSchema } from '../../../shared/model/index.js';
import type { Chat, Message, Problem, SourceOptions } from '../../../shared/model/index.js';
import { writeZip } from '../../../tests/helpers/zip-writer.js';
import { openZipContainer } from '../archive/zip.js';
import { FileContainer, FolderContainer } from './container.js';
import type { Container, Detection } from './types.js';
import { whatsappTxt } from './whatsapp-txt.js';
import { memoryContainer, tinyChunks } from '../../../tests/helpers/source-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(repo, 'tests/fixtures/whatsapp-txt');
const fx = (name: string) => path.join(fixtures, name);
const LRM = '\u200e';
const NBSP = '\u00a0';

interface Result {
  messages: Message[];
  chats: Chat[];
  problems: Problem[];
  progress: number[];
}

const UTC: SourceOptions = { timeZone: 'UTC' };

async function run(container: Container, options: SourceOptions = UTC, detection?: Detection, signal = new AbortController().signal): Promise<Result> {
  const d = detection ?? (await whatsappTxt.detect(container));
  if (!d) throw new Error('not detected');
  const r: Result = { messages: [], chats: [], problems: [], progress: [] };
  await whatsappTxt.parse(
    container,
    d,
    { message: (m) => r.messages.push(m), chat: (c) => r.chats.push(c), contact: () => {}, problem: (p) => r.problems.push(p) },
    { progress: (n) => r.progress.push(n), options },
    signal,
  );
  return r;
}

const file = (p: string) => new FileContainer(p, statSync(p).size);
const runFile = (name: string, options: SourceOptions = UTC) => run(file(fx(name)), options);
/** Line, kind, action, time, sender, text — the fields most tests look at. */
const brief = (m: Message) => [m.source.line, m.kind, m.action ?? null, m.sentAt, m.sender?.name ?? null, m.text];
const codes = (r: Result) => r.problems.map((p) => [p.code, p.severity]);

const memory = (name: string, bytes: Buffer, chunks?: (b: Buffer) => Iterable<Buffer>): Container => memoryContainer(name, bytes, { chunks });
describe('whatsapp-txt detect', () => {
  it('recognises an Android and an iOS .txt by their header lines', async () => {
    const android = await whatsappTxt.detect(file(fx('personal-two-authors.txt')));
    expect(android).toMatchObject({ format: 'whatsapp-txt', entry: 'personal-two-authors.txt', variant: 'android' });
    expect(android!.confidence).toBeGreaterThanOrEqual(0.9);
    expect(android!.question).toBeUndefined();
    expect(android!.size).toBeUndefined();
    expect(await whatsappTxt.detect(file(fx('ios-de-24h.txt')))).toMatchObject({ variant: 'ios' });
  });
  it('does not claim other files; a log with a WhatsApp-like date stays below half confidence', async () => {
    expect(await whatsappTxt.detect(memory('notes.txt', Buffer.from('Shopping list\nmilk\neggs\n')))).toBeNull();
    expect(await whatsappTxt.detect(memory('result.json', Buffer.from('{"a": 1}')))).toBeNull();
    expect(await whatsappTxt.detect(memory('x.txt', Buffer.alloc(0)))).toBeNull();
    const log = await whatsappTxt.detect(memory('server.txt', Buffer.from('2022-01-01 10:00:00 INFO: started\n2022-01-01 10:00:05 WARN: slow\n')));
    expect(log?.confidence ?? 0).toBeLessThanOrEqual(0.5);
  });
  it('confidence follows the share of header lines in the head', async () => {
    const dense = (await whatsappTxt.detect(file(fx('personal-two-authors.txt'))))!.confidence;
    const sparse = (await whatsappTxt.detect(file(fx('multiline-date-like-continuation.txt'))))!.confidence;
    expect(sparse).toBeLessThan(dense);
    expect(sparse).toBeGreaterThan(0.5);
  });
  it('decides the date order over the whole file, far beyond the head', async () => {
    // 70 KB of dates that read both ways, then one that only reads day-first.
    const ambiguous = '01/02/2022, 10:00 - Ann: the same day again and again\n'.repeat(1500);
    const bytes = Buffer.from(`${ambiguous}13/02/2022, 10:00 - Ben: day 13\n`);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const d = await whatsappTxt.detect(memory('late.txt', bytes));
    expect(d!.question).toBeUndefined();
    const r = await run(memory('late.txt', bytes), UTC, d!);
    expect(r.messages[0]!.sentAt).toBe('2022-02-01T10:00:00+00:00');
    expect(r.messages.at(-1)!.sentAt).toBe('2022-02-13T10:00:00+00:00');
    // Without the last line the same file is a question.
    expect((await whatsappTxt.detect(memory('late.txt', Buffer.from(ambiguous))))!.question?.candidates).toEqual(['dmy', 'mdy']);
  });
});

describe('whatsapp-txt parse: formats.md §2 checklist', () => {
  it('BOM at the start and U+FEFF at line starts and inside text; U+200E before a date; U+202F and U+00A0 as spaces', async () => {
    const r = await runFile('bom-everywhere.txt');
    expect(r.messages.map(brief)).toEqual([
      [1, 'message', null, '2021-02-14T10:00:00+00:00', 'Ann', 'first message, after the BOM'],
      [2, 'message', null, '2021-02-14T10:01:00+00:00', 'Ben', 'second'],
      [3, 'message', null, '2021-02-14T10:02:00+00:00', 'Ann', 'third, the line starts with U+FEFF'],
      [4, 'message', null, '2021-02-14T10:03:00+00:00', 'Ben', 'zerowidth inside'],
      [5, 'message', null, '2021-02-14T10:04:00+00:00', 'Ann', 'LRM before the date'],
      [6, 'message', null, '2021-02-14T10:05:00+00:00', 'Ben', 'narrow no-break space before the time'],
      [7, 'message', null, '2021-02-14T10:06:00+00:00', 'Ann', 'no-break space before the dash'],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('iOS (CRLF, brackets, German UI with US dates) is told from Android by its first line; CRLF, CR and LF read the same', async () => {
    const r = await runFile('ios-de-24h.txt', { timeZone: 'Europe/Berlin' });
    expect(r.messages.map(brief)).toEqual([
      [1, 'event', 'encryption_notice', '2022-03-18T14:56:00+01:00', null, 'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp.'],
      [2, 'message', null, '2022-03-27T21:41:35+02:00', 'Jonas Weber', 'Hallo zusammen'],
      [3, 'message', null, '2022-03-27T21:41:55+02:00', 'Jonas Weber', ''],
      [4, 'message', null, '2022-03-27T21:44:16+02:00', 'Lena Graf', ''],
      [5, 'message', null, '2022-03-27T21:46:02+02:00', 'Jonas Weber', 'Treffen wir uns um 20:00?\nIch bringe Kuchen mit.'],
      [7, 'message', null, '2022-03-27T21:47:54+02:00', 'Lena Graf', ''],
      [8, 'message', null, '2022-03-27T21:50:09+02:00', 'Jonas Weber', ''],
      [9, 'message', 'deleted', '2022-03-27T21:50:54+02:00', 'Jonas Weber', 'Du hast diese Nachricht gelöscht.'],
      [10, 'message', 'deleted', '2022-03-27T21:54:45+02:00', 'Lena Graf', 'Diese Nachricht wurde gelöscht.'],
      [11, 'event', 'security_code_changed', '2022-04-28T20:17:30+02:00', null, 'Deine Sicherheitsnummer für Jonas Weber hat sich geändert. Tippe, um mehr zu erfahren.'],
    ]);
    expect(r.messages.flatMap((m) => m.attachments)).toEqual([
      { name: '', kind: 'photo', missing: true, missingReason: 'not-included' },
      { name: '', kind: 'video', missing: true, missingReason: 'not-included' },
      { name: '', kind: 'contact', missing: true, missingReason: 'not-included' },
      { name: 'Plan.pdf', kind: 'file', missing: true, missingReason: 'not-included' },
    ]);
    const crlf = readFileSync(fx('ios-de-24h.txt'));
    expect(crlf.includes('\r\n')).toBe(true);
    const strip = (x: Result) => x.messages.map((m) => ({ ...m, source: { line: m.source.line } }));
    const viaMemory = await run(memory('ios-de-24h.txt', crlf), { timeZone: 'Europe/Berlin' });
    for (const eol of ['\n', '\r']) {
      const other = Buffer.from(crlf.toString('utf8').replaceAll('\r\n', eol));
      const d = await whatsappTxt.detect(memory('ios-de-24h.txt', other));
      expect(d!.variant).toBe('ios');
      expect(strip(await run(memory('ios-de-24h.txt', other), { timeZone: 'Europe/Berlin' }, d!))).toEqual(strip(viaMemory));
    }
  });

  it('all dates ambiguous: the detection asks; parse without the answer reads nothing and says needs-answer; with it, reads', async () => {
    const c = file(fx('ambiguous-all-le-12.txt'));
    const d = (await whatsappTxt.detect(c))!;
    expect(d.question).toEqual({ kind: 'date-order', candidates: ['dmy', 'mdy'], samples: ['2/4/23', '2/5/23', '3/5/23'] });
    const unanswered = await run(c, UTC, d);
    expect(unanswered.messages).toEqual([]);
    expect(unanswered.chats).toEqual([]);
    expect(unanswered.problems).toHaveLength(1);
    expect(unanswered.problems[0]).toMatchObject({ code: 'needs-answer', severity: 'error', line: 1, file: fx('ambiguous-all-le-12.txt'), params: { candidates: 'dmy,mdy' } });
    expect(unanswered.problems[0]!.message).toContain('--date-order dmy|mdy');
    const mdy = await run(c, { ...UTC, dateOrder: 'mdy' }, d);
    expect(mdy.messages.map((m) => m.sentAt)).toEqual(['2023-02-04T22:35:00+00:00', '2023-02-05T09:00:00+00:00', '2023-03-05T11:11:00+00:00']);
    const dmy = await run(c, { ...UTC, dateOrder: 'dmy' }, d);
    expect(dmy.messages.map((m) => m.sentAt)).toEqual(['2023-04-02T22:35:00+00:00', '2023-05-02T09:00:00+00:00', '2023-05-03T11:11:00+00:00']);
    expect(codes(mdy)).toEqual([]);
  });

  it('mixed formats in one file: each header shape has its own order, and a 30th month is never read', async () => {
    const r = await runFile('mixed-formats.txt');
    expect(r.messages.map((m) => [m.sentAt, m.sender?.name])).toEqual([
      ['2023-06-28T09:10:00+00:00', 'Anna'],
      ['2023-06-29T18:45:00+00:00', 'Boris'],
      ['2023-06-30T16:13:00+00:00', 'Anna'],
      ['2023-06-30T16:15:00+00:00', 'Boris'],
      ['2023-07-01T08:00:00+00:00', 'Anna'],
      ['2023-07-02T10:30:00+00:00', 'Boris'],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('an answer the dates rule out is not applied, and that is said (info)', async () => {
    const r = await runFile('mixed-formats.txt', { ...UTC, dateOrder: 'ymd' });
    expect(r.messages[0]!.sentAt).toBe('2023-06-28T09:10:00+00:00');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'bad-value', severity: 'info', line: 1, params: expect.objectContaining({ field: 'date-order', value: 'ymd' }) })]);
  });

  it('years: two digits, Buddhist era, Japanese eras, Arabic digits with RLM and the Arabic comma', async () => {
    expect((await runFile('thai-buddhist.txt')).messages.map((m) => m.sentAt)).toEqual(['2022-03-18T14:56:01+00:00', '2022-03-19T09:15:22+00:00', '2022-03-20T21:00:00+00:00']);
    expect((await runFile('japanese-era.txt')).messages.map((m) => [m.sentAt, m.sender?.name, m.text])).toEqual([
      ['2019-04-30T10:00:00+00:00', '田中', '平成最後の日'],
      ['2019-05-01T00:00:05+00:00', '佐藤', '令和になりました'],
      ['2022-03-18T14:56:01+00:00', '田中', 'こんにちは'],
    ]);
    const ar = await runFile('arabic-ios-rlm.txt');
    expect(ar.messages.map(brief)).toEqual([
      [1, 'event', 'encryption_notice', '2022-03-18T14:56:00+00:00', null, 'الرسائل والمكالمات مشفرة تمامًا بين الطرفين، بحيث لا يستطيع أحد خارج هذه الدردشة قراءتها.'],
      [2, 'message', null, '2022-03-27T09:41:35+00:00', 'Dmitry S', 'مرحبا'],
      [3, 'message', null, '2022-03-27T21:41:55+00:00', 'Dmitry S', ''],
      [4, 'message', 'deleted', '2022-03-27T00:05:00+00:00', '+40 521 028 61 88', 'تم حذف هذه الرسالة.'],
    ]);
    expect(ar.messages[2]!.attachments).toEqual([{ name: '', kind: 'photo', missing: true, missingReason: 'not-included' }]);
    expect((await runFile('android-ru-12h-dp-pp.txt')).messages.map((m) => [m.sentAt, m.sender?.name, m.text])).toEqual([
      ['2021-06-02T11:17:00+00:00', 'Иван Петров', 'Й'],
      ['2021-06-02T12:05:00+00:00', 'Мария', 'Привет'],
      ['2021-06-13T00:01:00+00:00', 'Иван Петров', 'полночь'],
    ]);
  });

  it('12 h markers: `p. m.` with NBSP, U+202F, vorm./nachm., 12 AM and 12 PM, Korean marker before the time', async () => {
    const es = await runFile('android-es-12h-nbsp-pm.txt');
    expect(es.messages.map(brief)).toEqual([
      [1, 'message', null, '2017-06-20T20:28:00+00:00', 'Michelle', 'test'],
      [2, 'message', null, '2017-06-20T20:30:00+00:00', 'Carlos', 'hola'],
      [3, 'message', null, '2017-06-21T00:05:00+00:00', 'Michelle', 'medianoche'],
      [4, 'message', null, '2017-06-21T12:10:00+00:00', 'Carlos', 'mediodía'],
      [5, 'message', null, '2017-06-21T21:00:00+00:00', 'Carlos', 'una foto del mar'],
      [7, 'message', 'deleted', '2017-06-21T21:01:00+00:00', 'Michelle', 'Se eliminó este mensaje'],
      [8, 'message', null, '2017-06-21T21:02:00+00:00', 'Michelle', 'foto de la playa'],
    ]);
    expect((await runFile('android-de-12h-nachm.txt')).messages.map((m) => m.sentAt)).toEqual([
      '2018-01-29T23:33:00+00:00',
      '2018-02-05T09:05:00+00:00',
      '2018-02-05T00:00:00+00:00',
      '2018-02-05T12:30:00+00:00',
    ]);
    expect((await runFile('android-en-us-nnbsp.txt')).messages.map((m) => m.sentAt)).toEqual([
      '2023-01-04T19:02:00+00:00',
      '2023-01-13T00:00:00+00:00',
      '2023-01-13T12:00:00+00:00',
      '2023-01-13T23:59:00+00:00',
    ]);
    expect((await runFile('korean-prefix-marker.txt')).messages.map((m) => [m.sentAt, m.sender?.name])).toEqual([
      ['2018-06-13T21:25:00+00:00', '민수'],
      ['2018-06-14T08:05:00+00:00', '지은'],
    ]);
  });

  it('the other header shapes: Finnish klo with dotted time, year first, spaced dots, `: ` after the time', async () => {
    expect((await runFile('android-fi-klo.txt')).messages.map((m) => [m.sentAt, m.sender?.name, m.text])).toEqual([
      ['2018-06-13T21:25:15+00:00', 'Aino', 'moi'],
      ['2018-06-13T21:26:02+00:00', 'Eero', 'hei'],
      ['2018-06-14T07:05:00+00:00', 'Aino', 'huomenta'],
    ]);
    expect((await runFile('ymd-slashes-ios.txt')).messages.map((m) => m.sentAt)).toEqual(['2018-06-13T21:25:15+00:00', '2018-06-14T08:00:00+00:00']);
    const dotted = file(fx('dotted-spaced-date.txt'));
    expect((await whatsappTxt.detect(dotted))!.confidence).toBeLessThanOrEqual(0.5); // a bare space ends the header: weak evidence
    expect((await run(dotted)).messages.map((m) => [m.sentAt, m.sender?.name, m.text])).toEqual([
      ['2018-06-13T21:25:15+00:00', 'Ana', 'bok'],
      ['2018-06-13T21:26:00+00:00', 'Ivo', 'bok bok'],
      ['2018-06-14T08:00:00+00:00', 'Ana', 'jutro'],
    ]);
    expect((await runFile('dots-time-colon-end.txt')).messages.map((m) => [m.sentAt, m.sender?.name, m.text])).toEqual([
      ['2018-06-13T21:25:15+00:00', 'Ana', 'hei'],
      ['2018-06-13T21:26:00+00:00', 'Ivo', 'hei hei'],
      ['2018-07-03T08:00:00+00:00', 'Ana', 'god morgen'],
    ]);
  });

  it('no zone in the file: wall-clock read in the chosen zone, with the real offset; DST gap shifted forward, overlap → earlier offset', async () => {
    const r = await runFile('dst-europe-berlin.txt', { timeZone: 'Europe/Berlin' });
    expect(r.messages.map((m) => m.sentAt)).toEqual([
      '2022-03-27T01:59:00+01:00',
      '2022-03-27T03:30:00+02:00',
      '2022-03-27T03:00:00+02:00',
      '2022-10-30T02:30:00+02:00',
      '2022-10-30T03:30:00+01:00',
    ]);
    expect(r.problems).toEqual([]);
    const ny = await runFile('dst-europe-berlin.txt', { timeZone: 'America/New_York' });
    expect(ny.messages.map((m) => m.sentAt)).toEqual([
      '2022-03-27T01:59:00-04:00',
      '2022-03-27T02:30:00-04:00',
      '2022-03-27T03:00:00-04:00',
      '2022-10-30T02:30:00-04:00',
      '2022-10-30T03:30:00-04:00',
    ]);
  });

  it('without a chosen zone the machine zone is used and said once (info); an unknown zone is reported and replaced', async () => {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const r = await runFile('personal-two-authors.txt', {});
    expect(r.problems).toEqual([
      {
        file: fx('personal-two-authors.txt'),
        line: 1,
        code: 'needs-answer',
        severity: 'info',
        message: `${fx('personal-two-authors.txt')}: times are wall-clock; read in zone ${zone} (choose another with --tz)`,
        params: { timeZone: zone },
      },
    ]);
    const bad = await runFile('personal-two-authors.txt', { timeZone: 'Mars/Olympus' });
    expect(codes(bad)).toEqual([
      ['bad-value', 'warning'],
      ['needs-answer', 'info'],
    ]);
    expect(bad.problems[0]).toMatchObject({ line: 1, params: { field: 'timeZone', value: 'Mars/Olympus' } });
  });

  it('multi-line bodies with blank lines and date-looking continuation lines', async () => {
    const r = await runFile('multiline-date-like-continuation.txt');
    expect(r.messages.map(brief)).toEqual([
      [1, 'message', null, '2022-03-15T09:00:00+00:00', 'Ann', 'Agenda:\n1. Budget\n2. Dates\n\n30/6/2023 is the deadline\n15/03/2022 10:00 meeting moved\n[3/4/22, 10:00:00] pasted iOS line'],
      [8, 'message', null, '2022-03-15T09:30:00+00:00', 'Ben', 'Ok\n\nsecond paragraph'],
      [11, 'message', null, '2022-03-15T09:31:00+00:00', 'Ann', 'done'],
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'syntax', severity: 'info', line: 6, params: { count: 2, line: 6 } })]);
  });

  it('a system line containing ": " is not split into author and text', async () => {
    const r = await runFile('system-line-with-colon.txt');
    expect(r.messages.map(brief)).toEqual([
      [1, 'event', 'create_group', '2020-12-24T23:16:00+00:00', null, 'Alice created group "Plan: Friday"'],
      [2, 'event', 'invite_members', '2020-12-24T23:17:00+00:00', null, 'Alice added Bob'],
      [3, 'event', 'edit_group_title', '2020-12-24T23:18:00+00:00', null, 'Alice changed the subject from "Plan: Friday" to "Plan: Saturday"'],
      [4, 'message', null, '2020-12-24T23:19:00+00:00', 'Bob', 'Sounds good: see you'],
      [5, 'message', null, '2020-12-24T23:20:00+00:00', 'Bob', 'Alice changed the subject to "x"'],
      [6, 'event', 'edit_group_title', '2020-12-24T23:21:00+00:00', null, 'Иван изменил(-а) тему с «План: пятница» на «План: суббота»'],
      [7, 'event', 'edit_group_title', '2020-12-24T23:22:00+00:00', null, 'Alice hat den Betreff von „Plan: Freitag“ zu „Plan: Samstag“ geändert'],
      [8, 'message', null, '2020-12-24T23:23:00+00:00', 'Alice', 'ok'],
    ]);
    expect(r.chats).toEqual([expect.objectContaining({ type: 'group', title: 'system-line-with-colon' })]);
  });

  it('iOS system lines attributed to the chat name are events; Android authored "Missed voice call" is a call event', async () => {
    const ios = await runFile('ios-system-attributed.txt');
    expect(ios.messages.map((m) => [m.source.line, m.kind, m.action ?? null, m.sender?.name ?? null, m.text])).toEqual([
      [1, 'event', 'encryption_notice', null, 'Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.'],
      [2, 'event', 'create_group', null, 'Anna created group “Book Club”'],
      [3, 'event', 'invite_members', null, 'Anna added Boris'],
      [4, 'message', null, 'Anna', 'Hi all'],
      [5, 'event', 'edit_group_title', null, 'Boris changed the subject to “Book Club: 2023”'],
      [6, 'message', null, 'Boris', 'Anna left'],
      [7, 'event', 'security_code_changed', null, 'Your security code with Boris changed. Tap to learn more.'],
      [8, 'event', 'leave_group', null, 'Boris left'],
      [9, 'event', 'call', 'Anna', 'Missed voice call'],
    ]);
    const android = await runFile('android-calls-and-system.txt');
    expect(android.messages.map((m) => [m.kind, m.action ?? null, m.sender?.name, m.text])).toEqual([
      ['event', 'call', 'Ann', 'Missed voice call'],
      ['event', 'call', 'Ben', 'Missed video call'],
      ['event', 'call', 'Ben', 'Пропущенный аудиозвонок'],
      ['event', 'call', 'Ann', 'Gemiste spraakoproep'],
      ['message', null, 'Ann', 'I missed your voice call'],
    ]);
  });

  it('media placeholders per language, captions on the following lines, `null` (view once)', async () => {
    const a = await runFile('android-media-omitted-langs.txt');
    expect(a.messages.map((m) => [m.source.line, m.text, m.attachments.map((x) => `${x.kind}/${x.missingReason}`)])).toEqual([
      [1, '', ['other/not-included']],
      [2, 'a caption\non two lines', ['other/not-included']],
      [5, '', ['other/not-included']],
      [6, '', ['other/not-included']],
      [7, '', ['other/not-included']],
      [8, '', ['other/not-included']],
      [9, '', ['other/not-included']],
      [10, '', ['other/unavailable']],
      [11, '<not a placeholder>', []],
    ]);
    expect(a.problems).toEqual([expect.objectContaining({ code: 'media-not-included', severity: 'info', line: 1, params: { count: 8, notIncluded: 7, unavailable: 1 } })]);
    const ios = await runFile('ios-media-omitted.txt');
    expect(ios.messages.map((m) => [m.text, m.attachments])).toEqual(
      (
        [
          ['', 'photo'],
          ['', 'video'],
          ['', 'audio'],
          ['', 'sticker'],
          ['', 'animation'],
          ['', 'contact'],
          ['Some file.txt', 'file'],
          ['Resume.pdf', 'file'],
          ['', 'photo'],
          ['', 'photo'],
        ] as const
      ).map(([name, kind]) => ['', [{ name, kind, missing: true, missingReason: 'not-included' }]]),
    );
  });

  it('deleted messages (several languages) are messages with action deleted and their text as written', async () => {
    const r = await runFile('deleted-messages-langs.txt');
    expect(r.messages.map((m) => [m.kind, m.action ?? null, m.text])).toEqual([
      ['message', 'deleted', 'This message was deleted'],
      ['message', 'deleted', 'You deleted this message'],
      ['message', 'deleted', 'Вы удалили это сообщение'],
      ['message', 'deleted', 'Данное сообщение удалено'],
      ['message', 'deleted', 'Du hast diese Nachricht gelöscht.'],
      ['message', 'deleted', 'Dit bericht is verwijderd'],
      ['message', null, 'This message was deleted, or so I heard'],
    ]);
  });

  it('out-of-order and identical timestamps keep file order', async () => {
    const r = await runFile('out-of-order-identical.txt');
    expect(r.messages.map((m) => [m.id.split(':').at(-1), m.text, m.sentAt])).toEqual([
      ['1', 'A', '2022-03-18T15:10:00+00:00'],
      ['2', 'B', '2022-03-18T15:10:00+00:00'],
      ['3', 'C', '2022-03-18T15:09:00+00:00'],
      ['4', 'D', '2022-03-18T15:10:00+00:00'],
    ]);
  });

  it('localized free-text system events are events without author, never messages', async () => {
    const r = await runFile('localized-system-events.txt');
    expect(r.messages.map((m) => [m.kind, m.action ?? null, m.sender?.name ?? null])).toEqual([
      ['event', 'invite_members', null],
      ['event', 'security_code_changed', null],
      ['event', 'number_changed', null],
      ['event', 'number_changed', null],
      ['event', 'security_code_changed', null],
      ['event', 'leave_group', null],
      ['event', 'invite_members', null],
      ['event', 'invite_members', null],
      ['event', 'remove_members', null],
      ['event', 'leave_group', null],
      ['event', 'leave_group', null],
      ['event', 'invite_members', null],
      ['event', 'invite_members', null],
      ['event', 'unknown', null],
      ['message', null, 'Ivan'],
    ]);
    expect(r.messages[0]!.text).toBe('~ Alex добавлен(-а)');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'unknown-action', severity: 'info', line: 14, params: { count: 1 } })]);
  });

  it('author forms: phone numbers, emoji, the `~` + U+202F prefix (dropped), "You", direction marks', async () => {
    const r = await runFile('authors.txt');
    expect(r.messages.map((m) => m.sender)).toEqual([
      { name: '+7 985 000-00-00', id: null },
      { name: 'Alex', id: null },
      { name: '🦊 Fox', id: null },
      { name: 'You', id: null },
      { name: '+44 7700 900123', id: null },
    ]);
    expect(r.chats[0]!.type).toBe('group'); // five distinct authors
  });

  it('group vs 1:1: two authors → personal; "created group" or three authors → group', async () => {
    expect((await runFile('personal-two-authors.txt')).chats).toEqual([expect.objectContaining({ type: 'personal' })]);
    expect((await runFile('ios-system-attributed.txt')).chats).toEqual([expect.objectContaining({ type: 'group' })]);
    expect((await runFile('ios-de-24h.txt')).chats).toEqual([expect.objectContaining({ type: 'personal' })]);
  });
});

describe('whatsapp-txt: chat, ids and names', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-wa-names-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const chatText = '18/03/2022, 15:10 - Ann: hi\n18/03/2022, 15:11 - Ben: hello\n';

  it('chat id = wa:<hash of title and first header line>, the same on every read; message id = <chat>:<line>', async () => {
    const p = fx('personal-two-authors.txt');
    const a = await runFile('personal-two-authors.txt');
    const b = await runFile('personal-two-authors.txt');
    const expected = `wa:${createHash('sha256').update(`personal-two-authors\n18/03/2022, 15:10 - Ann: hi`).digest('hex').slice(0, 16)}`;
    expect(a.chats).toEqual([{ id: expected, title: 'personal-two-authors', type: 'personal', source: { file: p, line: 1 } }]);
    expect(b.chats[0]!.id).toBe(expected);
    expect(a.messages.map((m) => [m.chat, m.id, m.source])).toEqual([
      [expected, `${expected}:1`, { file: p, line: 1 }],
      [expected, `${expected}:2`, { file: p, line: 2 }],
    ]);
  });

  it('titles from localized file names, with NBSP, and from the folder around _chat.txt', async () => {
    const cases: [string, string][] = [
      ['WhatsApp Chat with Bob.txt', 'Bob'],
      ['WhatsApp Chat mit Jörg.txt', 'Jörg'],
      ['Чат WhatsApp с Иван Петров.txt', 'Иван Петров'],
      [`Чат WhatsApp с контактом${NBSP}Иван${NBSP}Петров.txt`, 'Иван Петров'],
      ['Chat de WhatsApp con Ana.txt', 'Ana'],
      ['Discussion WhatsApp avec Léa.txt', 'Léa'],
      ['random-name.txt', 'random-name'],
    ];
    for (const [name, title] of cases) {
      const p = path.join(dir, name);
      await writeFile(p, chatText);
      const r = await run(file(p));
      expect(r.chats[0]!.title, name).toBe(title);
    }
    const folder = path.join(dir, 'WhatsApp Chat - Eve');
    await mkdir(folder);
    await writeFile(path.join(folder, '_chat.txt'), chatText);
    const viaFolder = new FolderContainer(folder);
    const d = (await whatsappTxt.detect(viaFolder))!;
    expect(d).toMatchObject({ entry: '_chat.txt', size: Buffer.byteLength(chatText) });
    expect((await run(viaFolder, UTC, d)).chats[0]!.title).toBe('Eve');
    expect((await run(file(path.join(folder, '_chat.txt')))).chats[0]!.title).toBe('Eve');
  });

  it('a folder with several .txt picks the one named like an export', async () => {
    const folder = path.join(dir, 'mixed-folder');
    await mkdir(folder);
    await writeFile(path.join(folder, 'notes.txt'), 'not a chat\n');
    await writeFile(path.join(folder, 'WhatsApp Chat with Zoe.txt'), chatText);
    const d = (await whatsappTxt.detect(new FolderContainer(folder)))!;
    expect(d.entry).toBe('WhatsApp Chat with Zoe.txt');
  });
});

describe('whatsapp-txt: archives and media', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-wa-zip-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('android-with-media.zip: no _chat.txt, the .txt found by name; present media linked with size, the missing one reported once', async () => {
    const chat = [
      `13/02/2024, 10:00 - Bob: ${LRM}IMG-20240213-WA0001.jpg (file attached)`,
      'the caption',
      `13/02/2024, 10:01 - Ann: ${LRM}VID-20240213-WA0002.mp4 (file attached)`,
      `13/02/2024, 10:02 - Bob: ${LRM}Some doc.pdf (file attached)`,
      `13/02/2024, 10:03 - Ann: ${LRM}PTT-20240213-WA0003.opus (file attached)`,
      '',
    ].join('\n');
    const zipPath = path.join(dir, 'android-with-media.zip');
    await writeZip(zipPath, [
      { name: 'WhatsApp Chat with Bob.txt', data: chat },
      { name: 'IMG-20240213-WA0001.jpg', data: Buffer.from('JPEGDATA'), method: 0 },
      { name: 'Some doc.pdf', data: Buffer.from('%PDF-') },
    ]);
    const c = await openZipContainer(zipPath);
    try {
      const d = (await whatsappTxt.detect(c))!;
      expect(d).toMatchObject({ entry: 'WhatsApp Chat with Bob.txt', size: Buffer.byteLength(chat), variant: 'android' });
      const r = await run(c, UTC, d);
      expect(r.chats[0]!.title).toBe('Bob');
      expect(r.messages.map((m) => [m.text, m.attachments])).toEqual([
        ['the caption', [{ name: 'IMG-20240213-WA0001.jpg', kind: 'photo', path: 'IMG-20240213-WA0001.jpg', mime: 'image/jpeg', missing: false, size: 8 }]],
        ['', [{ name: 'VID-20240213-WA0002.mp4', kind: 'video', path: 'VID-20240213-WA0002.mp4', mime: 'video/mp4', missing: true, missingReason: 'not-found' }]],
        ['', [{ name: 'Some doc.pdf', kind: 'file', path: 'Some doc.pdf', mime: 'application/pdf', missing: false, size: 5 }]],
        ['', [{ name: 'PTT-20240213-WA0003.opus', kind: 'voice', path: 'PTT-20240213-WA0003.opus', mime: 'audio/ogg', missing: true, missingReason: 'not-found' }]],
      ]);
      expect(r.problems).toEqual([
        {
          file: `${zipPath}!/WhatsApp Chat with Bob.txt`,
          line: 3,
          code: 'media-missing',
          severity: 'warning',
          message: `${zipPath}!/WhatsApp Chat with Bob.txt: 2 media file(s) named in the chat are not in the export (first: VID-20240213-WA0002.mp4, line 3)`,
          params: { count: 2 },
        },
      ]);
    } finally {
      await c.close();
    }
  });

  it('iOS zip: `_chat.txt` in a folder inside the archive, names with spaces (`00000046-Some file.txt`)', async () => {
    const chat = [
      `[2/13/24, 10:00:00] Carol: Some file.txt ${LRM}<attached: 00000046-Some file.txt>`,
      `${LRM}[2/13/24, 10:00:05] Carol: ${LRM}<attached: 00000047-PHOTO-2024-02-13-10-00-05.jpg>`,
      '[2/13/24, 10:01:00] Dan: thanks',
      '',
    ].join('\r\n');
    const zipPath = path.join(dir, 'WhatsApp Chat - Carol.zip');
    await writeZip(zipPath, [
      { name: 'WhatsApp Chat - Carol/_chat.txt', data: chat },
      { name: 'WhatsApp Chat - Carol/00000046-Some file.txt', data: 'hello' },
    ]);
    const c = await openZipContainer(zipPath);
    try {
      const d = (await whatsappTxt.detect(c))!;
      expect(d).toMatchObject({ entry: '_chat.txt', variant: 'ios', size: Buffer.byteLength(chat) });
      const r = await run(c, UTC, d);
      expect(r.chats[0]).toMatchObject({ title: 'Carol', type: 'personal' });
      expect(r.messages.map((m) => [m.sender?.name, m.text, m.attachments.map((a) => [a.name, a.kind, a.missing, a.size ?? null])])).toEqual([
        ['Carol', '', [['00000046-Some file.txt', 'file', false, 5]]],
        ['Carol', '', [['00000047-PHOTO-2024-02-13-10-00-05.jpg', 'photo', true, null]]],
        ['Dan', 'thanks', []],
      ]);
      expect(codes(r)).toEqual([['media-missing', 'warning']]);
    } finally {
      await c.close();
    }
  });

  it('loose media beside a .txt are found in its folder', async () => {
    const folder = path.join(dir, 'loose');
    await mkdir(folder);
    await writeFile(path.join(folder, 'WhatsApp Chat with Max.txt'), `13/02/2024, 10:00 - Max: ${LRM}STK-20240213-WA0007.webp (file attached)\n`);
    await writeFile(path.join(folder, 'STK-20240213-WA0007.webp'), Buffer.alloc(42));
    const r = await run(file(path.join(folder, 'WhatsApp Chat with Max.txt')));
    expect(r.messages[0]!.attachments).toEqual([{ name: 'STK-20240213-WA0007.webp', kind: 'sticker', path: 'STK-20240213-WA0007.webp', mime: 'image/webp', missing: false, size: 42 }]);
  });
});

describe('whatsapp-txt: damaged and unusual input', () => {
  it('bytes that are not UTF-8 become U+FFFD, with one encoding problem naming the first line', async () => {
    const bytes = Buffer.concat([
      Buffer.from('13/02/2024, 10:00 - Ann: caf'),
      Buffer.from([0xe9]),
      Buffer.from(' au lait\n13/02/2024, 10:01 - Ben: ok\n13/02/2024, 10:02 - Ann: '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\n'),
    ]);
    const r = await run(memory('latin1.txt', bytes));
    expect(r.messages.map((m) => m.text)).toEqual(['caf\ufffd au lait', 'ok', '\ufffd\ufffd']);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'encoding', severity: 'warning', line: 1, params: { count: 2, line: 1 } })]);
  });

  it('lines before the first message are reported, not silently dropped', async () => {
    const r = await run(memory('pre.txt', Buffer.from('Exported by a tool\n\nsecond preamble line\n13/02/2024, 10:00 - Ann: x\n13/02/2024, 10:01 - Ben: y\n')));
    expect(r.messages).toHaveLength(2);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'syntax', severity: 'warning', line: 1, params: { count: 2, line: 1 } })]);
  });

  it('a file without any message line: one error, no chat', async () => {
    const d: Detection = { format: 'whatsapp-txt', confidence: 1, entry: 'x.txt' };
    const r = await run(memory('x.txt', Buffer.from('just\ntext\n')), UTC, d);
    expect(r.chats).toEqual([]);
    expect(r.messages).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'syntax', severity: 'error', line: 1, file: '/mem/x.txt' })]);
  });

  it('a missing entry is reported as unreadable, not thrown', async () => {
    const d: Detection = { format: 'whatsapp-txt', confidence: 1, entry: 'no-such-file.txt' };
    const r = await run(new FolderContainer(fixtures), UTC, d);
    expect(r.problems.map((p) => [p.code, p.params?.reason, p.line])).toEqual([['unreadable', 'ENOENT', 1]]);
  });

  it('a detection from elsewhere (not from this detect) makes parse scan the file itself, with the same result', async () => {
    const c = file(fx('mixed-formats.txt'));
    const d = (await whatsappTxt.detect(c))!;
    expect(await run(c, UTC, { ...d })).toEqual(await run(c, UTC, d));
  });

  it('WhatsApp export caps: a warning from 39 000 messages (9 900 with attached media), none below', async () => {
    const line = '13/01/2022, 10:00 - Ann: m\n';
    const plain = await run(memory('big.txt', Buffer.from(line.repeat(39_000))));
    expect(plain.problems).toEqual([expect.objectContaining({ code: 'truncated', severity: 'warning', line: 1, params: { count: 39_000, limit: 39_000 } })]);
    expect((await run(memory('big.txt', Buffer.from(line.repeat(38_999))))).problems).toEqual([]);
    const media = `13/01/2022, 10:00 - Ann: IMG-20220113-WA0001.jpg (file attached)\n${line.repeat(9_899)}`;
    const withMedia = await run(memory('media.txt', Buffer.from(media)));
    expect(withMedia.problems.map((p) => p.code)).toEqual(['media-missing', 'truncated']);
    expect(withMedia.problems[1]!.message).toMatch(/10 000 messages with media/);
    const fewer = `13/01/2022, 10:00 - Ann: IMG-20220113-WA0001.jpg (file attached)\n${line.repeat(9_898)}`;
    expect((await run(memory('media.txt', Buffer.from(fewer)))).problems.map((p) => p.code)).toEqual(['media-missing']);
  });
});

describe('whatsapp-txt: chunk boundaries', () => {
  const names = readdirSync(fixtures).filter((n) => n.endsWith('.txt') && n !== 'ambiguous-all-le-12.txt');
  it('has fixtures to check', () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
  });
  for (const name of names) {
    it(`${name}: 1–7 byte chunks give exactly the same result`, async () => {
      const bytes = readFileSync(fx(name));
      const whole = await run(memory(name, bytes));
      expect(whole.messages.length).toBeGreaterThan(0);
      for (const seed of [1, 7, 42]) {
        const r = await run(memory(name, bytes, (b) => tinyChunks(b, seed)));
        expect({ ...r, progress: [] }).toEqual({ ...whole, progress: [] });
        expect(r.progress.at(-1)).toBe(bytes.length);
      }
    });
  }
});

describe('whatsapp-txt: robustness (property)', () => {
  const sources = ['ios-de-24h.txt', 'android-es-12h-nbsp-pm.txt', 'arabic-ios-rlm.txt', 'multiline-date-like-continuation.txt', 'system-line-with-colon.txt'].map((n) => readFileSync(fx(n)));
  const interesting = ['\n', '\r', '[', ']', ': ', ' - ', '/', '1', '13', ', ', ' PM', '\u200e', '\u00a0', '\ufeff', 'é', '"', '<', '>', '(file attached)'].map((s) => Buffer.from(s));
  interesting.push(Buffer.from([0xff]), Buffer.from([0xe2, 0x80]));

  it('random truncation and mutation never throw, never hang, and every problem has file and line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: interesting.length - 1 }), fc.boolean()), { maxLength: 6 }),
        fc.integer({ min: 1, max: 600 }),
        fc.constantFrom<SourceOptions>(UTC, { timeZone: 'Europe/Berlin', dateOrder: 'dmy' }, { dateOrder: 'mdy' }),
        async (which, cutSeed, edits, chunk, options) => {
          let bytes = sources[which]!;
          bytes = bytes.subarray(0, cutSeed % (bytes.length + 1));
          for (const [at, what, insert] of edits) {
            if (bytes.length === 0) break;
            const i = at % bytes.length;
            bytes = Buffer.concat([bytes.subarray(0, i), interesting[what]!, bytes.subarray(insert ? i : i + 1)]);
          }
          const c = memory('m.txt', bytes, function* (b) {
            for (let i = 0; i < b.length; i += chunk) yield b.subarray(i, i + chunk);
          });
          const d = (await whatsappTxt.detect(c)) ?? { format: 'whatsapp-txt', confidence: 0, entry: 'm.txt' };
          let timer: NodeJS.Timeout | undefined;
          const r = await Promise.race([
            run(c, options, d),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error('parse hung')), 5000);
            }),
          ]).finally(() => clearTimeout(timer));
          for (const p of r.problems) {
            expect(ProblemSchema.safeParse(p).success).toBe(true);
            expect(p.file).toBe('/mem/m.txt');
            expect(p.line).toBeGreaterThanOrEqual(1);
          }
          for (const m of r.messages) {
            expect(MessageSchema.safeParse(m).success).toBe(true);
            if (m.sentAt !== null) expect(Number.isNaN(Date.parse(m.sentAt))).toBe(false);
          }
          for (const ch of r.chats) expect(ChatSchema.safeParse(ch).success).toBe(true);
          expect(r.chats.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('whatsapp-txt: progress and cancellation', () => {
  let dir: string;
  let big: string;
  const total = 60_000;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-wa-big-'));
    big = path.join(dir, 'WhatsApp Chat with Gen.txt');
    const gen = spawnSync(process.execPath, [path.resolve(repo, '../shared/tools/gen-whatsapp.mjs'), big, String(total)], { encoding: 'utf8' });
    if (gen.status !== 0) throw new Error(`generator failed: ${gen.stderr}`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a generated export: every message, progress at least every few MB, monotonic, up to the size', async () => {
    const size = statSync(big).size;
    expect(size).toBeGreaterThan(5_000_000);
    const r = await run(file(big));
    // The generator writes one system line, then `total` messages.
    expect(r.messages.filter((m) => m.kind === 'message')).toHaveLength(total);
    expect(r.messages.filter((m) => m.kind === 'event')).toHaveLength(1);
    expect(r.chats).toEqual([expect.objectContaining({ title: 'Gen', type: 'group' })]);
    const gaps = r.progress.map((p, i) => p - (r.progress[i - 1] ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(r.progress.at(-1)).toBe(size);
    expect([...r.progress].sort((a, b) => a - b)).toEqual(r.progress);
  });

  it('rejects with AbortError promptly when cancelled mid-file; what was read keeps its chat', async () => {
    const ac = new AbortController();
    let abortedAt = 0;
    const c = file(big);
    const d = (await whatsappTxt.detect(c))!;
    const seen: Message[] = [];
    const chats: Chat[] = [];
    const p = whatsappTxt.parse(
      c,
      d,
      { message: (m) => seen.push(m), chat: (ch) => chats.push(ch), contact: () => {}, problem: () => {} },
      {
        options: UTC,
        progress: () => {
          if (!ac.signal.aborted) {
            abortedAt = performance.now();
            ac.abort();
          }
        },
      },
      ac.signal,
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.length).toBeLessThan(total);
    expect(chats).toEqual([expect.objectContaining({ id: seen[0]!.chat, title: 'Gen' })]);
  });

  it('stops an endless stream between chunks, even while scanning for the date order', async () => {
    const one = Buffer.from('13/01/2022, 10:00 - Ann: again\n'.repeat(2000));
    const endless: Container = {
      ...memory('endless.txt', one),
      open: () =>
        Readable.from(
          (function* () {
            for (;;) yield one;
          })(),
        ),
    };
    for (const detection of [{ format: 'whatsapp-txt', confidence: 1, entry: 'endless.txt' } satisfies Detection]) {
      const ac = new AbortController();
      const started = performance.now();
      setTimeout(() => ac.abort(), 50);
      await expect(run(endless, UTC, detection, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('an already aborted signal rejects before reading', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(run(file(fx('personal-two-authors.txt')), UTC, undefined, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
