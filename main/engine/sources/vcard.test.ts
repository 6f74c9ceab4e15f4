/**
 * vCard 2.1/3.0/4.0 (formats.md §3): one test (or more) per checklist box, each on a synthetic
 * fixture in tests/fixtures/vcard named after the edge case. Expected values come from reading the
 * fixtures, not from the parser.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContactSchema, ProblemSchema } from '../../../shared/model/index.js';
import type { Contact, Problem } from '../../../shared/model/index.js';
import { FileContainer, FolderContainer } from './container.js';
import { openSource } from './registry.js';
import type { Container, Detection } from './types.js';
import { vcard } from './vcard.js';
import { memoryContainer, tinyChunks } from '../../../tests/helpers/source-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(repo, 'tests/fixtures/vcard');
const fx = (...p: string[]) => path.join(fixtures, ...p);

interface Result {
  contacts: Contact[];
  problems: Problem[];
  progress: number[];
}

async function run(container: Container, detection?: Detection, signal = new AbortController().signal): Promise<Result> {
  const d = detection ?? (await vcard.detect(container));
  if (!d) throw new Error('not detected');
  const r: Result = { contacts: [], problems: [], progress: [] };
  await vcard.parse(
    container,
    d,
    { contact: (c) => r.contacts.push(c), chat: () => {}, message: () => {}, problem: (p) => r.problems.push(p) },
    { progress: (n) => r.progress.push(n) },
    signal,
  );
  return r;
}

const fileContainer = (p: string) => new FileContainer(p, statSync(p).size);
const parseFixture = (name: string) => run(fileContainer(fx(name)));

const memory = (name: string, bytes: Buffer, chunks?: (b: Buffer) => Iterable<Buffer>): Container => memoryContainer(name, bytes, { chunks, stat: 'self' });
const single = (name: string): Detection => ({ format: 'vcard', confidence: 1, entry: name });
const parseBytes = (bytes: Buffer, name = 'x.vcf', chunks?: (b: Buffer) => Iterable<Buffer>) => run(memory(name, bytes, chunks), single(name));

/** Contacts without their file path, to compare the same cards read from different files. */
const strip = (cs: Contact[]) => cs.map(({ id, source, ...rest }) => ({ ...rest, id: id.replace(/^vcard:[^:]+:/, 'vcard:*:'), line: source.line }));
const codes = (r: Result) => r.problems.map((p) => [p.code, p.line]);

const TWO_CARDS = [
  { name: 'Анна Петрова', given: 'Анна', family: 'Петрова', phones: [{ value: '+7 916 000-00-01', type: 'cell' }], emails: [], id: 'vcard:*:0', line: 1 },
  { name: 'Boris Ivanov', phones: [], emails: [{ value: 'boris@example.org' }], id: 'vcard:*:1', line: 7 },
];

describe('line endings, BOM, VERSION', () => {
  it('reads CRLF, LF-only, CR-only and \\r\\r\\n files alike, with the same line numbers', async () => {
    for (const name of ['crlf.vcf', 'lf-only.vcf', 'cr-only.vcf', 'cr-cr-lf.vcf']) {
      const r = await parseFixture(name);
      expect(strip(r.contacts), name).toEqual(TWO_CARDS);
      expect(r.problems, name).toEqual([]);
    }
  });

  it('uses the file name and card index in ids, and the BEGIN line in provenance', async () => {
    const r = await parseFixture('lf-only.vcf');
    expect(r.contacts.map((c) => [c.id, c.source])).toEqual([
      ['vcard:lf-only.vcf:0', { file: fx('lf-only.vcf'), line: 1 }],
      ['vcard:lf-only.vcf:1', { file: fx('lf-only.vcf'), line: 7 }],
    ]);
  });

  it('drops a UTF-8 BOM', async () => {
    const r = await parseFixture('utf8-bom.vcf');
    expect(strip(r.contacts)).toEqual(TWO_CARDS);
  });

  it('reads UTF-16 files (LE and BE, with BOM) as text', async () => {
    const text = readFileSync(fx('crlf.vcf'), 'utf8');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
    for (const bytes of [le, be]) {
      const r = await parseBytes(bytes);
      expect(strip(r.contacts)).toEqual(TWO_CARDS);
      expect(r.problems).toEqual([]);
    }
  });

  it('ignores trailing spaces after BEGIN/VERSION/END (Telegram-attached iOS card, LF only, N:;;;;, FN of spaces)', async () => {
    const r = await parseFixture('telegram-dirty-card.vcf');
    expect(r.contacts).toEqual([
      {
        id: 'vcard:telegram-dirty-card.vcf:0',
        name: '+79160000001',
        phones: [{ value: '+79160000001', type: 'cell' }],
        emails: [],
        source: { file: fx('telegram-dirty-card.vcf'), line: 1 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('accepts VERSION anywhere in the card, or missing', async () => {
    const r = await parseFixture('version-not-second.vcf');
    expect(r.contacts.map((c) => [c.name, c.phones, c.source.line])).toEqual([
      ['Version Last', [{ value: '123' }], 1],
      ['Sion Nover', [], 6],
    ]);
    expect(r.problems).toEqual([]);
  });
});

describe('order of operations: QP soft breaks, then unfolding, then splitting', () => {
  it('joins QP soft breaks before unfolding, and only for QP properties', async () => {
    const r = await parseFixture('order-of-operations.vcf');
    expect(r.contacts).toHaveLength(1);
    const c = r.contacts[0]!;
    // `abc=` + ` def=` + `=3D end`: the blank after the soft break is data, `=3D` is `=`.
    expect(c.note).toBe('abc def= end');
    // `URL:…?a=` is not QP: the TEL line after it stays a property.
    expect(c.phones).toEqual([{ value: '555-0100', type: 'cell' }]);
    // QP ORG joined across the soft break, then split on `;`.
    expect(c.org).toBe('Soft andfolded, Dept');
    expect(r.problems).toEqual([]);
  });
});

describe('QP decoded to bytes, then CHARSET', () => {
  it('decodes a soft break inside a UTF-8 sequence (Android, =D0= / =B2) and QP N with ;', async () => {
    const r = await parseFixture('android-qp-split-utf8.vcf');
    expect(r.contacts).toEqual([
      {
        id: 'vcard:android-qp-split-utf8.vcf:0',
        name: 'Дмитрий Волков',
        given: 'Дмитрий',
        family: 'Волков',
        phones: [
          { value: '+79161234567', type: 'cell' },
          { value: '8 (495) 123-45-67', type: 'home' },
        ],
        emails: [{ value: 'd.volkov@example.ru', type: 'work' }],
        source: { file: fx('android-qp-split-utf8.vcf'), line: 1 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('decodes CHARSET=windows-1251, QP and raw 8-bit, with =0D=0A newlines', async () => {
    const r = await parseFixture('cp1251-charset.vcf');
    expect(r.contacts).toHaveLength(1);
    expect(r.contacts[0]).toMatchObject({
      name: 'Сергей Смирнов',
      given: 'Сергей',
      family: 'Смирнов',
      org: 'ООО "Рога и копыта", Бухгалтерия',
      note: 'Заметка: первая строка\nвторая строка',
      phones: [{ value: '+7 (495) 111-22-33', type: 'work' }],
    });
    expect(r.problems).toEqual([]);
  });

  it('decodes ISO-8859-1 and us-ascii (Outlook NOTE with =0D=0A and soft breaks)', async () => {
    const r = await parseFixture('iso-8859-1-charset.vcf');
    expect(r.contacts[0]).toMatchObject({ name: 'Jürgen Müller', given: 'Jürgen', family: 'Müller', note: 'line one\nline two\nline three' });
    expect(r.problems).toEqual([]);
  });

  it('guesses windows-1251 for 8-bit values without CHARSET, and says so once', async () => {
    const r = await parseFixture('no-charset-cp1251.vcf');
    expect(r.contacts[0]).toMatchObject({ name: 'Мария Кузнецова', given: 'Мария', family: 'Кузнецова' });
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'encoding', severity: 'info', line: 3, file: fx('no-charset-cp1251.vcf'), params: { encoding: 'windows-1251' } }),
    ]);
  });

  it('reports an unknown CHARSET and bytes invalid in the named one, with their lines', async () => {
    const r = await parseFixture('unknown-charset.vcf');
    expect(r.contacts[0]).toMatchObject({ name: 'Café Owner', note: 'bad \uFFFD byte' });
    expect(r.problems.map((p) => [p.code, p.line, p.params])).toEqual([
      ['encoding', 3, { charset: 'X-MADE-UP' }],
      ['encoding', 4, { charset: 'UTF-8' }],
    ]);
  });
});

describe('base64 and photos (skipped, never breaking the parse)', () => {
  it('skips vCard 2.1 ENCODING=BASE64 blocks ended by a blank line, indented or not (PHOTO and KEY)', async () => {
    const r = await parseFixture('photo-base64-21.vcf');
    expect(r.contacts.map((c) => [c.name, c.phones, c.emails])).toEqual([
      ['Photo Unindented', [{ value: '111', type: 'cell' }], []],
      ['Photo Indented', [{ value: '222', type: 'home' }], [{ value: 'indented@example.com' }]],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('skips 3.0 ENCODING=b photos and decodes a base64 NOTE', async () => {
    const r = await parseFixture('photo-b-30.vcf');
    expect(r.contacts[0]).toMatchObject({ name: 'Photo Three', phones: [{ value: '333', type: 'cell' }], note: 'Привет' });
    expect(r.problems).toEqual([]);
  });

  it('skips 4.0 data: URI photos and URL photos', async () => {
    const r = await parseFixture('photo-data-uri-40.vcf');
    expect(r.contacts.map((c) => [c.name, c.phones, c.emails])).toEqual([
      ['Photo Four', [{ value: '+15550100', type: 'cell' }], []],
      ['Photo Url', [], [{ value: 'url@example.com' }]],
    ]);
    expect(r.problems).toEqual([]);
  });

  it('streams past very large photos (8 MiB, 2.1 and 3.0) without a problem', async () => {
    const line = 'A'.repeat(76);
    const block = `${line}\r\n`.repeat((8 << 20) / 78);
    const folded = ` ${line}\r\n`.repeat((8 << 20) / 79);
    const text =
      'BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Big One\r\nPHOTO;ENCODING=BASE64;JPEG:\r\n' + block + '\r\nTEL:1\r\nEND:VCARD\r\n' +
      'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Two\r\nPHOTO;ENCODING=b;TYPE=JPEG:' + line + '\r\n' + folded + 'TEL:2\r\nEND:VCARD\r\n';
    const bytes = Buffer.from(text);
    const r = await parseBytes(bytes, 'big.vcf', function* (b) {
      for (let i = 0; i < b.length; i += 1 << 20) yield b.subarray(i, i + (1 << 20));
    });
    expect(r.contacts.map((c) => [c.name, c.phones])).toEqual([
      ['Big One', [{ value: '1' }]],
      ['Big Two', [{ value: '2' }]],
    ]);
    expect(r.problems).toEqual([]);
    expect(r.progress.at(-1)).toBe(bytes.length);
  });
});

describe('params', () => {
  it('reads bare 2.1 types, repeated TYPE=, comma lists, quoted values, any case; PREF and PREF=1 are not types', async () => {
    const r = await parseFixture('params.vcf');
    expect(r.contacts[0]!.phones).toEqual([
      { value: '111', type: 'home' }, // TEL;HOME;VOICE
      { value: '222', type: 'cell' }, // TEL;CELL;PREF
      { value: '333', type: 'work,fax' }, // tel;type=WORK;type=FAX
      { value: '444', type: 'home,cell' }, // TYPE=home,cell
      { value: '555', type: 'work' }, // TYPE="work,voice";PREF=1
      { value: '666', type: 'pager' }, // X-LABEL="a:b;c,d";TYPE=pager
    ]);
    expect(r.contacts[0]!.emails).toEqual([{ value: 'params@example.com' }, { value: 'only-pref@example.com' }]);
    expect(r.problems).toEqual([]);
  });
});

describe('item groups and Apple labels', () => {
  it('applies the group X-ABLabel (before or after the property) as the phone/e-mail type', async () => {
    const r = await parseFixture('apple-labels.vcf');
    const c = r.contacts[0]!;
    expect(c.phones).toEqual([
      { value: '+7 916 000-00-11', type: 'Mobile' },
      { value: '+7 495 000-00-22', type: 'Дача' },
      { value: '+7 903 000-00-33', type: 'cell' },
    ]);
    expect(c.emails).toEqual([
      { value: 'work@example.com', type: 'Work' },
      // ITEM4 has no label: its TYPE params count, group names are case-insensitive.
      { value: 'home@example.com', type: 'home' },
    ]);
  });
});

describe('escapes', () => {
  it('undoes \\, \\; \\n \\N \\\\ \\: and splits N/ORG only on unescaped ;', async () => {
    const r = await parseFixture('escapes.vcf');
    expect(r.contacts[0]).toMatchObject({
      name: 'Smith, John \\ Jr.',
      family: 'Smith;Jones',
      given: 'John',
      org: 'ACME; Inc., R\\&D',
      note: 'line1\nline2\nline3, comma; semi\\ backslash: colon',
    });
  });
});

describe('Unicode normalisation', () => {
  it('returns NFC text (a decomposed й, и + U+0306, in FN and in a label)', async () => {
    const text = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Андрей Ки\u0306лин\r\nitem1.TEL:1\r\nitem1.X-ABLabel:Сара\u0438\u0306\r\nEND:VCARD\r\n';
    const r = await parseBytes(Buffer.from(text));
    expect(r.contacts[0]!.name).toBe('Андрей К\u0439лин');
    expect(r.contacts[0]!.phones).toEqual([{ value: '1', type: 'Сара\u0439' }]);
  });
});

describe('ORG', () => {
  it('keeps every distinct ORG (organisation, unit), in order', async () => {
    const r = await parseFixture('multiple-org.vcf');
    expect(r.contacts[0]).toMatchObject({ name: 'Two Jobs', org: 'Acme, R\\&D; Beta Ltd' });
  });
});

describe('names, duplicates, many cards, AGENT', () => {
  it('falls back from a blank FN to N, ORG, NICKNAME, phone, e-mail, then "(no name)" with a problem', async () => {
    const r = await parseFixture('name-fallbacks.vcf');
    expect(r.contacts.map((c) => [c.name, c.source.line])).toEqual([
      ['Name Only', 1],
      ['Only Org Ltd, Sales', 6],
      ['+7 999 000-00-00', 11],
      ['only-email@example.com', 16],
      ['(no name)', 20],
      ['Vanya', 24],
    ]);
    expect(r.contacts[0]).toMatchObject({ given: 'Name', family: 'Only' });
    expect(r.contacts[4]!.note).toBe('nothing to call this one by');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'bad-value', line: 20, file: fx('name-fallbacks.vcf') })]);
  });

  it('keeps duplicate cards (dedupe is a later step)', async () => {
    const r = await parseFixture('duplicate-cards.vcf');
    expect(r.contacts.map((c) => [c.id, c.name, c.phones, c.source.line])).toEqual([
      ['vcard:duplicate-cards.vcf:0', 'Same Person', [{ value: '+7 916 555-55-55' }], 1],
      ['vcard:duplicate-cards.vcf:1', 'Same Person', [{ value: '+7 916 555-55-55' }], 6],
    ]);
  });

  it('reads many cards per file', async () => {
    const n = 3000;
    const text = Array.from({ length: n }, (_, i) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person ${i}\r\nEND:VCARD\r\n`).join('');
    const r = await parseBytes(Buffer.from(text), 'many.vcf');
    expect(r.contacts).toHaveLength(n);
    expect(r.contacts[2999]).toMatchObject({ id: 'vcard:many.vcf:2999', name: 'Person 2999', source: { line: 4 * 2999 + 1 } });
  });

  it('skips a nested 2.1 AGENT card with a problem, and the card around it stays whole', async () => {
    const r = await parseFixture('agent-nested-21.vcf');
    expect(r.contacts.map((c) => [c.name, c.phones, c.emails])).toEqual([
      ['Boss Person', [{ value: '100', type: 'work' }], [{ value: 'boss@example.com' }]],
      ['After Agent', [], []],
    ]);
    expect(codes(r)).toEqual([['bad-value', 6]]);
  });

  it('skips an inline 3.0 AGENT value with a problem', async () => {
    const r = await parseFixture('agent-inline-30.vcf');
    expect(r.contacts.map((c) => [c.name, c.phones])).toEqual([['Boss Three', [{ value: '400' }]]]);
    expect(codes(r)).toEqual([['bad-value', 4]]);
  });
});

describe('phones as written', () => {
  it('keeps the Russian trunk prefix 8 (…) and +7 as written (E.164 and dedupe come later)', async () => {
    const r = await parseFixture('ru-trunk-prefix.vcf');
    expect(r.contacts[0]!.phones).toEqual([
      { value: '8 (916) 123-45-67', type: 'cell' },
      { value: '+7 916 123-45-67', type: 'cell' },
    ]);
  });

  it('strips tel: from 4.0 URIs, keeps the extension, reads UID, IMPP and X-SKYPE', async () => {
    const r = await parseFixture('v4-tel-uri.vcf');
    expect(r.contacts).toEqual([
      {
        id: 'vcard:v4-tel-uri.vcf:0',
        name: 'Jane Four',
        given: 'Jane',
        family: 'Four',
        phones: [
          { value: '+1-555-555-5555;ext=5555', type: 'home' },
          { value: '+33-1-23-45-67-89', type: 'cell' },
        ],
        emails: [{ value: 'jane@example.com', type: 'work' }],
        handles: [
          { value: 'jane@example.com', type: 'xmpp' },
          { value: 'jane.four', type: 'skype' },
        ],
        source: { file: fx('v4-tel-uri.vcf'), line: 1, id: 'urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1' },
      },
    ]);
  });
});

describe('broken structure', () => {
  it('keeps a card without END at the end of the file, with a truncated problem at its BEGIN line', async () => {
    const r = await parseFixture('truncated-no-end.vcf');
    expect(r.contacts.map((c) => [c.name, c.phones])).toEqual([
      ['Complete Card', []],
      ['Cut Off', [{ value: '+7 916 777-77-77' }]],
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'truncated', line: 5, file: fx('truncated-no-end.vcf') })]);
  });

  it('keeps a card whose END is missing before the next BEGIN', async () => {
    const r = await parseFixture('missing-end.vcf');
    expect(r.contacts.map((c) => [c.name, c.source.line])).toEqual([
      ['No End Here', 1],
      ['Next Card', 5],
    ]);
    expect(codes(r)).toEqual([['truncated', 1]]);
  });

  it('reports lines that are not properties, inside cards one by one and outside cards summed up', async () => {
    const r = await parseFixture('junk-lines.vcf');
    expect(r.contacts.map((c) => c.name)).toEqual(['Junk Around']);
    expect(codes(r)).toEqual([
      ['syntax', 5],
      ['syntax', 1],
    ]);
    expect(r.problems[1]!.params).toEqual({ count: 3 });
  });

  it('lists 50 problems of a kind one by one, then sums up the rest from the first unlisted line', async () => {
    const junk = Array.from({ length: 60 }, (_, i) => `junk ${i}\r\n`).join('');
    const r = await parseBytes(Buffer.from(`BEGIN:VCARD\r\nFN:Noisy\r\n${junk}END:VCARD\r\n`), 'noisy.vcf');
    expect(r.contacts.map((c) => c.name)).toEqual(['Noisy']);
    expect(r.problems).toHaveLength(51);
    expect(r.problems.slice(0, 50).map((p) => p.line)).toEqual(Array.from({ length: 50 }, (_, i) => i + 3));
    expect(r.problems[50]).toMatchObject({ code: 'syntax', line: 53, params: { count: 10 } });
  });

  it('says when a file holds no card at all', async () => {
    const r = await parseBytes(Buffer.from('hello\r\nworld\r\n'), 'empty.vcf');
    expect(r.contacts).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'syntax', severity: 'error', line: 1 })]);
  });

  it('reports a read error part-way and keeps the cards read before it', async () => {
    const good = Buffer.from('BEGIN:VCARD\r\nFN:Before Error\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Half');
    const container: Container = {
      ...memory('io.vcf', good),
      open: () =>
        Readable.from(
          (async function* () {
            yield good;
            throw Object.assign(new Error('disk gone'), { code: 'EIO' });
          })(),
        ),
    };
    const r = await run(container, single('io.vcf'));
    expect(r.contacts.map((c) => c.name)).toEqual(['Before Error', 'Half']);
    expect(r.problems.map((p) => [p.code, p.params?.reason])).toEqual([
      ['unreadable', 'EIO'],
      ['truncated', undefined],
    ]);
  });
});

describe('detect', () => {
  it('claims .vcf/.vcard files with BEGIN:VCARD surely, and without it weakly', async () => {
    expect(await vcard.detect(fileContainer(fx('crlf.vcf')))).toEqual({ format: 'vcard', confidence: 0.95, entry: 'crlf.vcf' });
    expect(await vcard.detect(memory('empty.VCARD', Buffer.from('nothing here')))).toEqual({ format: 'vcard', confidence: 0.4, entry: 'empty.VCARD' });
  });

  it('claims other files only when they start with BEGIN:VCARD (also in UTF-16)', async () => {
    expect(await vcard.detect(memory('contacts.txt', Buffer.from('\r\nBEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n')))).toMatchObject({ confidence: 0.8 });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('BEGIN:VCARD\r\nFN:x\r\n', 'utf16le')]);
    expect(await vcard.detect(memory('contacts.dat', le))).toMatchObject({ confidence: 0.8 });
    expect(await vcard.detect(memory('notes.txt', Buffer.from('my note\nBEGIN:VCARD\n')))).toBeNull();
    expect(await vcard.detect(memory('result.json', Buffer.from('{"text": "BEGIN:VCARD"}')))).toBeNull();
  });

  it('claims a folder holding only .vcf files, reads them all in name order, and sums their sizes', async () => {
    const dir = fx('folder-of-cards');
    const d = await vcard.detect(new FolderContainer(dir));
    const sizes = statSync(path.join(dir, 'a-first.vcf')).size + statSync(path.join(dir, 'b-second.VCF')).size;
    expect(d).toEqual({ format: 'vcard', confidence: 0.85, entry: 'a-first.vcf', variant: 'folder', size: sizes });
    const r = await run(new FolderContainer(dir), d!);
    expect(r.contacts.map((c) => [c.id, c.name, c.source])).toEqual([
      ['vcard:a-first.vcf:0', 'Folder One', { file: path.join(dir, 'a-first.vcf'), line: 1 }],
      ['vcard:b-second.VCF:0', 'Folder Two', { file: path.join(dir, 'b-second.VCF'), line: 1 }],
      ['vcard:b-second.VCF:1', 'Folder Three', { file: path.join(dir, 'b-second.VCF'), line: 5 }],
    ]);
    expect(r.progress.at(-1)).toBe(sizes);
  });

  describe('folders with other files', () => {
    let tmp: string;
    beforeAll(async () => {
      tmp = await mkdtemp(path.join(os.tmpdir(), 'pereezd-vcard-'));
      await copyFile(fx('crlf.vcf'), path.join(tmp, 'crlf.vcf'));
      await writeFile(path.join(tmp, '.DS_Store'), Buffer.from([0, 0, 0, 1]));
    });
    afterAll(async () => {
      await rm(tmp, { recursive: true, force: true });
    });

    it('ignores system files like .DS_Store, but not other files', async () => {
      expect(await vcard.detect(new FolderContainer(tmp))).toMatchObject({ variant: 'folder', entry: 'crlf.vcf' });
      await writeFile(path.join(tmp, 'notes.txt'), 'x');
      expect(await vcard.detect(new FolderContainer(tmp))).toBeNull();
    });
  });

  it('is picked by the registry for a .vcf path', async () => {
    const opened = await openSource(fx('apple-labels.vcf'));
    await opened.container?.close();
    expect(opened.detected).toMatchObject({ format: 'vcard', kind: 'file', entry: 'apple-labels.vcf', size: statSync(fx('apple-labels.vcf')).size });
  });
});

describe('streaming', () => {
  const names = readdirSync(fixtures).filter((n) => n.endsWith('.vcf'));

  it('gives the same contacts and problems when the file arrives in 1–7 byte chunks (every fixture, UTF-16 too)', async () => {
    const inputs: [string, Buffer][] = names.map((n) => [n, readFileSync(fx(n))]);
    const utf8 = readFileSync(fx('android-qp-split-utf8.vcf'));
    inputs.push(['utf16le.vcf', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(fx('crlf.vcf'), 'utf8'), 'utf16le')])]);
    inputs.push(['utf16be.vcf', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf8.toString('utf8'), 'utf16le').swap16()])]);
    expect(inputs.length).toBeGreaterThan(25);
    for (const [name, bytes] of inputs) {
      const whole = await parseBytes(bytes, name);
      expect(whole.contacts.length, name).toBeGreaterThan(0);
      for (const seed of [1, 2, 3, 4, 5]) {
        const split = await parseBytes(bytes, name, (b) => tinyChunks(b, seed));
        expect(split.contacts, `${name} seed ${seed}`).toEqual(whole.contacts);
        expect(split.problems, `${name} seed ${seed}`).toEqual(whole.problems);
      }
    }
  });

  it('reports progress monotonically up to the file size', async () => {
    const bytes = readFileSync(fx('photo-base64-21.vcf'));
    const r = await parseBytes(bytes, 'p.vcf', (b) => tinyChunks(b, 9));
    expect(r.progress.length).toBeGreaterThan(10);
    expect(r.progress.every((n, i) => i === 0 || n >= r.progress[i - 1]!)).toBe(true);
    expect(r.progress.at(-1)).toBe(bytes.length);
  });

  it('stops with the abort reason when cancelled between chunks', async () => {
    const ctrl = new AbortController();
    const text = Array.from({ length: 200 }, (_, i) => `BEGIN:VCARD\r\nFN:P${i}\r\nEND:VCARD\r\n`).join('');
    const seen: Contact[] = [];
    const container = memory('c.vcf', Buffer.from(text), (b) => tinyChunks(b, 3));
    const p = vcard.parse(
      container,
      single('c.vcf'),
      {
        contact: (c) => {
          seen.push(c);
          if (seen.length === 5) ctrl.abort();
        },
        chat: () => {},
        message: () => {},
        problem: () => {},
      },
      { progress: () => {} },
      ctrl.signal,
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen.length).toBeGreaterThanOrEqual(5);
    expect(seen.length).toBeLessThan(200);
  });
});

describe('robustness (fast-check)', () => {
  const seeds = ['android-qp-split-utf8.vcf', 'photo-base64-21.vcf', 'apple-labels.vcf', 'cp1251-charset.vcf', 'agent-nested-21.vcf', 'escapes.vcf'].map((n) =>
    readFileSync(fx(n)),
  );
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ op: fc.constant('insertText' as const), at: fc.nat(), text: fc.constantFrom('=', '\r', '\n', ' ', ';', ':', '"', '\\', 'BEGIN:VCARD\r\n', 'END:VCARD\r\n', 'AGENT:\r\n', '=D0=', 'ENCODING=QUOTED-PRINTABLE') }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  );
  type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;
  const apply = (src: Buffer, ms: Mutation[]): Buffer => {
    let b = src;
    for (const m of ms) {
      const at = b.length === 0 ? 0 : m.at % (b.length + 1);
      if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
      else if (m.op === 'insertText') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text), b.subarray(at)]);
      else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]);
      else b = b.subarray(0, at);
    }
    return b;
  };

  it('mutated and truncated input never throws, ends, and every problem has file and line; chunking changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 1000 }), async (i, ms, seed) => {
        const bytes = apply(seeds[i]!, ms);
        const whole = await parseBytes(bytes, 'fuzz.vcf');
        for (const p of whole.problems) {
          expect(ProblemSchema.parse(p)).toBeTruthy();
          expect(p.file).toBe('/mem/fuzz.vcf');
          expect(p.line).toBeGreaterThanOrEqual(1);
        }
        for (const c of whole.contacts) expect(ContactSchema.parse(c)).toBeTruthy();
        expect(new Set(whole.contacts.map((c) => c.id)).size).toBe(whole.contacts.length);
        const split = await parseBytes(bytes, 'fuzz.vcf', (b) => tinyChunks(b, seed));
        expect(split.contacts).toEqual(whole.contacts);
        expect(split.problems).toEqual(whole.problems);
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes never throw (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (raw) => {
        const r = await parseBytes(Buffer.concat([Buffer.from('BEGIN:VCARD\r\n'), Buffer.from(raw)]), 'raw.vcf');
        // Something is always said: a card (BEGIN opens one) or why there is none.
        expect(r.contacts.length + r.problems.length).toBeGreaterThanOrEqual(1);
        for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        for (const c of r.contacts) expect(ContactSchema.parse(c)).toBeTruthy();
      }),
      { numRuns: 200 },
    );
  });
});
