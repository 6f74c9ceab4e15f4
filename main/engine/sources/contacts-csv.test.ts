/**
 * Contacts CSV (formats.md §4): one test (or more) per checklist box, each on a synthetic fixture in
 * tests/fixtures/contacts-csv named after the edge case. Expected values come from reading the
 * fixtures (the legacy-encoded ones with iconv), not from the parser.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContactSchema, ProblemSchema } from '../../../shared/model/index.js';
import type { Contact, Problem } from '../../../shared/model/index.js';
import { contactsCsv } from './contacts-csv.js';
import { FileContainer } from './container.js';
import { openSource } from './registry.js';
import type { Container, Detection } from './types.js';
import { memoryContainer, tinyChunks } from '../../../tests/helpers/source-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const fixtures = path.join(repo, 'tests/fixtures/contacts-csv');
const fx = (...p: string[]) => path.join(fixtures, ...p);

interface Result {
  contacts: Contact[];
  problems: Problem[];
  progress: number[];
}

async function run(container: Container, detection?: Detection, signal = new AbortController().signal): Promise<Result> {
  const d = detection ?? (await contactsCsv.detect(container));
  if (!d) throw new Error('not detected');
  const r: Result = { contacts: [], problems: [], progress: [] };
  await contactsCsv.parse(
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
const single = (name: string): Detection => ({ format: 'contacts-csv', confidence: 1, entry: name });
const parseBytes = (bytes: Buffer, name = 'x.csv', chunks?: (b: Buffer) => Iterable<Buffer>) => run(memory(name, bytes, chunks), single(name));

/** Contacts without id and file, to compare the same rows read from differently encoded files. */
const strip = (cs: Contact[]) => cs.map(({ id: _id, source, ...rest }) => ({ ...rest, line: source.line }));
const codes = (r: Result) => r.problems.map((p) => [p.code, p.line]);

/** The two rows of utf8-no-bom.csv and its BOM / UTF-16 twins (Outlook-style header). */
const SMALL_ROWS = [
  {
    name: 'Оля Цветкова',
    given: 'Оля',
    family: 'Цветкова',
    phones: [{ value: '+7 916 123-00-00', type: 'cell' }],
    emails: [{ value: 'olya@example.ru' }],
    note: 'Любит 🌸 цветы',
    line: 2,
  },
  {
    name: 'Zoë Brontë',
    given: 'Zoë',
    family: 'Brontë',
    phones: [{ value: '+44 7700 900123', type: 'cell' }],
    emails: [{ value: 'zoe@example.co.uk' }],
    note: 'naïve café',
    line: 3,
  },
];

describe('encoding: BOM → strict UTF-8 → windows-1251 / windows-1252', () => {
  it('reads UTF-8 without a BOM as UTF-8', async () => {
    const r = await parseFixture('utf8-no-bom.csv');
    expect(strip(r.contacts)).toEqual(SMALL_ROWS);
    expect(r.problems).toEqual([]);
  });

  it('reads the EF BB BF, FF FE and FE FF byte-order marks', async () => {
    for (const name of ['utf8-bom.csv', 'utf16le-bom.csv', 'utf16be-bom.csv']) {
      const r = await parseFixture(name);
      expect(strip(r.contacts), name).toEqual(SMALL_ROWS);
      expect(r.problems, name).toEqual([]);
    }
  });

  it('reads windows-1251 (Russian Outlook) and says it guessed', async () => {
    const r = await parseFixture('outlook-ru-cp1251.csv');
    expect(r.contacts.map((c) => c.name)).toEqual(['Иван Иванович Петров', 'Мария Кузнецова']);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'encoding', severity: 'info', line: 1, file: fx('outlook-ru-cp1251.csv'), params: { encoding: 'windows-1251' } }),
    ]);
  });

  it('reads windows-1252 (Western) text as windows-1252', async () => {
    const r = await parseFixture('cp1252-german.csv');
    expect(r.contacts.map((c) => [c.name, c.note])).toEqual([
      ['Jürgen Groß', 'Straße, Köln'],
      ['François Müller', 'Crème brûlée'],
    ]);
    expect(codes(r)).toEqual([['encoding', 2]]);
    expect(r.problems[0]!.params).toEqual({ encoding: 'windows-1252' });
  });

  it('replaces bytes that are invalid in the chosen encoding and says where', async () => {
    // UTF-8 is decided on the first 64 KiB after the first non-ASCII byte; the bad byte comes later.
    const filler = 'N,X,1\r\n'.repeat(10_000);
    const bytes = Buffer.concat([Buffer.from(`First Name,Last Name,Mobile Phone\r\nАня,Ок,1\r\n${filler}Bad,`), Buffer.from([0xd0]), Buffer.from('x,2\r\n')]);
    const r = await parseBytes(bytes);
    expect(r.contacts).toHaveLength(10_002);
    expect(r.contacts[0]!.name).toBe('Аня Ок');
    expect(r.contacts[10_001]).toMatchObject({ name: 'Bad \uFFFDx', source: { line: 10_003 } });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'encoding', severity: 'warning', line: 10_003, params: { count: 1, encoding: 'utf-8' } })]);
  });
});

describe('delimiters, quoting, ragged rows', () => {
  it('sniffs ; (Excel in a ru locale, windows-1251, unquoted)', async () => {
    const r = await parseFixture('excel-semicolon-cp1251.csv');
    expect(strip(r.contacts)).toEqual([
      {
        name: 'Алексей Фёдоров',
        given: 'Алексей',
        family: 'Фёдоров',
        note: 'Коллега; бывший сосед',
        phones: [{ value: '+7 916 555-00-11', type: 'Mobile' }],
        emails: [{ value: 'alex@example.ru', type: 'Home' }],
        line: 2,
      },
      { name: 'Ёлка Зелёная', given: 'Ёлка', family: 'Зелёная', phones: [{ value: '+7 916 555-00-22', type: 'Mobile' }], emails: [], line: 3 },
    ]);
    expect(codes(r)).toEqual([['encoding', 2]]);
  });

  it('sniffs tab (a .txt export with the legacy Google header)', async () => {
    const r = await parseFixture('google-legacy-tab.txt');
    expect(r.contacts.map((c) => [c.id, c.name])).toEqual([
      ['csv:google-legacy-tab.txt:2', 'Petr Sidorov'],
      ['csv:google-legacy-tab.txt:3', 'Lena Orlova'],
    ]);
  });

  it("honours Excel's sep=; line", async () => {
    const r = await parseFixture('excel-sep-line.csv');
    expect(strip(r.contacts)).toEqual([
      { name: 'Sep Line', given: 'Sep', family: 'Line', phones: [{ value: '+1 555 0300', type: 'cell' }], emails: [{ value: 'sep@example.com' }], line: 3 },
    ]);
  });

  it('reads quoted fields with line breaks and "" and numbers rows by the line they start on', async () => {
    const r = await parseFixture('quoted-newlines.csv');
    expect(r.contacts.map((c) => [c.id, c.note ?? null])).toEqual([
      ['csv:quoted-newlines.csv:2', 'She said "hi",\nthen left;\n\nEnd.'],
      ['csv:quoted-newlines.csv:6', null],
    ]);
  });

  it('reads CR-only files (old Mac Excel)', async () => {
    const r = await parseFixture('mac-cr-only.csv');
    expect(r.contacts.map((c) => [c.name, c.note, c.source.line])).toEqual([['Mac Classic', 'multi\nline', 2]]);
  });

  it('fills short rows with empty fields, and reports values past the last column', async () => {
    const r = await parseFixture('ragged-rows.csv');
    expect(r.contacts.map((c) => [c.name, c.phones, c.emails, c.source.line])).toEqual([
      ['Short Row', [{ value: '+1 555 0200', type: 'cell' }], [], 2],
      ['Long Row', [{ value: '+1 555 0201', type: 'cell' }], [{ value: 'long@example.com' }], 3],
      ['Trailing Commas', [{ value: '+1 555 0202', type: 'cell' }], [{ value: 'tc@example.com' }], 4],
      ['Only', [], [], 5],
    ]);
    // Only the row with non-empty extra values is a problem; empty trailing fields lose nothing.
    expect(r.problems).toEqual([expect.objectContaining({ code: 'bad-value', line: 3, params: { fields: 7, columns: 5 } })]);
  });

  it('keeps the row whose quote never closes, with a truncated problem', async () => {
    const r = await parseFixture('unclosed-quote.csv');
    expect(r.contacts.map((c) => [c.name, c.source.line])).toEqual([
      ['Good Row', 2],
      ['Bad Row', 3],
    ]);
    expect(r.contacts[1]!.note).toBe('never closed\nLost,Row,+1 555 0502,lost@example.com,x');
    expect(codes(r)).toEqual([['truncated', 3]]);
  });
});

describe('layouts', () => {
  it('Google (current): numbered groups, ::: values, * labels, File As, org + department', async () => {
    const r = await parseFixture('google-multi-values.csv');
    expect(r.contacts).toEqual([
      {
        id: 'csv:google-multi-values.csv:2',
        name: 'Ольга Смирнова',
        given: 'Ольга',
        family: 'Смирнова',
        org: 'Школа №5, Начальные классы',
        phones: [
          { value: '+7 916 111-22-33', type: 'Mobile' },
          { value: '+7 495 111-22-33', type: 'Home' },
          { value: '8 (495) 222-33-44', type: 'Work' },
          { value: '+7 903 333-44-55', type: 'Дача' },
        ],
        emails: [
          { value: 'olga@example.ru', type: 'Home' },
          { value: 'olga.s@example.ru', type: 'Home' },
          { value: 'o.smirnova@school5.example', type: 'Work' },
        ],
        source: { file: fx('google-multi-values.csv'), line: 2 },
      },
      {
        id: 'csv:google-multi-values.csv:3',
        name: 'Дядя Коля',
        phones: [{ value: '+79160000002', type: 'Mobile' }],
        emails: [],
        source: { file: fx('google-multi-values.csv'), line: 3 },
      },
    ]);
    // Line 4 holds only `* myContacts`: nothing about a person, so no contact and no problem.
    expect(r.problems).toEqual([]);
  });

  it('Google (legacy): Name / Given Name / Family Name, Type columns, IM service, Organization 1', async () => {
    const r = await parseFixture('google-legacy.csv');
    expect(r.contacts).toEqual([
      {
        id: 'csv:google-legacy.csv:2',
        name: 'Petr Sidorov',
        given: 'Petr',
        family: 'Sidorov',
        org: 'Sidorov & Sons, Board',
        note: 'Met at "DevConf", 2012',
        phones: [
          { value: '+7 916 444-55-66', type: 'Mobile' },
          { value: '+7 495 444-55-66', type: 'Work' },
          { value: '+7 495 444-55-67', type: 'Work' },
        ],
        emails: [{ value: 'petr@example.com', type: 'Home' }],
        handles: [{ value: 'petr.sidorov', type: 'skype' }],
        source: { file: fx('google-legacy.csv'), line: 2 },
      },
      {
        id: 'csv:google-legacy.csv:3',
        name: 'Lena Orlova',
        given: 'Lena',
        family: 'Orlova',
        phones: [],
        emails: [{ value: 'lena@example.com', type: 'Other' }],
        source: { file: fx('google-legacy.csv'), line: 3 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('Outlook (English): typed phone columns, three e-mails; placeholder-only rows are not contacts', async () => {
    const r = await parseFixture('outlook-en.csv');
    expect(strip(r.contacts)).toEqual([
      {
        name: 'John Q. Public',
        given: 'John',
        family: 'Public',
        org: 'Contoso, Sales',
        note: 'Prefers e-mail',
        phones: [
          { value: '+1 425 555 0101', type: 'work,fax' },
          { value: '+1 425 555 0100', type: 'work' },
          { value: '+1 206 555 0199', type: 'home' },
          { value: '+1 206 555 0123', type: 'cell' },
        ],
        emails: [{ value: 'john@contoso.example' }, { value: 'jqp@home.example' }],
        line: 2,
      },
      {
        name: 'Fabrikam Ltd',
        org: 'Fabrikam Ltd',
        phones: [
          { value: '+44 20 7946 0000', type: 'company' },
          { value: '+44 20 7946 0001', type: 'fax' },
          { value: '+44 7700 900000', type: 'pager' },
        ],
        emails: [],
        line: 4,
      },
    ]);
    expect(r.problems).toEqual([]);
  });

  it('Outlook (Russian UI): localized headers, 0.0.00 / Ложь / Не определен ignored', async () => {
    const r = await parseFixture('outlook-ru-cp1251.csv');
    expect(strip(r.contacts)).toEqual([
      {
        name: 'Иван Иванович Петров',
        given: 'Иван',
        family: 'Петров',
        org: 'ООО «Ромашка», Бухгалтерия',
        note: 'Звонить после 10:00\nНе писать в выходные',
        phones: [
          { value: '+7 (495) 123-45-67', type: 'work' },
          { value: '+7 495 765-00-00', type: 'home,fax' },
          { value: '8 916 765-43-21', type: 'cell' },
        ],
        emails: [{ value: 'ivanov@romashka.example' }],
        line: 2,
      },
      { name: 'Мария Кузнецова', given: 'Мария', family: 'Кузнецова', phones: [{ value: '+7 903 000-11-22', type: 'other' }], emails: [{ value: 'maria@example.ru' }], line: 4 },
    ]);
  });

  it('unknown layout: every row kept, obvious columns mapped, the user asked to check', async () => {
    const r = await parseFixture('unknown-columns.csv');
    expect(strip(r.contacts)).toEqual([
      { name: 'Сидоров Пётр', phones: [{ value: '+7 916 000-99-88' }], emails: [{ value: 'petr@example.ru' }], line: 2 },
      { name: '+7 916 000-99-77', phones: [{ value: '+7 916 000-99-77' }], emails: [], line: 3 },
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'needs-answer', line: 1, params: { columns: 4, mapped: 3 } })]);
  });
});

describe('Unicode normalisation', () => {
  it('returns NFC text (a decomposed й, и + U+0306, in a name)', async () => {
    const r = await parseBytes(Buffer.from('First Name,Last Name,Mobile Phone\r\nАндрей,Ки\u0306лин,1\r\n'));
    expect(r.contacts[0]).toMatchObject({ name: 'Андрей К\u0439лин', family: 'К\u0439лин' });
  });
});

describe('Excel damage', () => {
  it('keeps exponent phones as written with a problem, strips the leading apostrophe', async () => {
    const r = await parseFixture('excel-phone-exponent.csv');
    expect(r.contacts.map((c) => [c.name, c.phones])).toEqual([
      [
        'Exponent Phone',
        [
          { value: '7.91612E+10', type: 'Mobile' },
          { value: '74951234567', type: 'Home' },
        ],
      ],
      [
        'Apostrophe Phone',
        [
          { value: '+7 916 000-00-00', type: 'Mobile' },
          { value: '89160000000', type: 'Work' },
        ],
      ],
    ]);
    expect(r.problems).toEqual([
      expect.objectContaining({ code: 'bad-value', line: 2, file: fx('excel-phone-exponent.csv'), params: { column: 'Phone 1 - Value' }, message: expect.stringContaining('Excel') }),
    ]);
  });
});

describe('detect', () => {
  it('claims known layouts with a confidence from the matched columns, and names the layout', async () => {
    const cases: [string, string, number][] = [
      ['google-multi-values.csv', 'google', 0.95],
      ['google-legacy.csv', 'google-legacy', 0.95],
      ['outlook-en.csv', 'outlook', 0.95],
      ['outlook-ru-cp1251.csv', 'outlook-ru', 0.95],
      ['utf16le-bom.csv', 'outlook', 0.75],
      ['google-legacy-tab.txt', 'google-legacy', 0.95],
      ['unknown-columns.csv', 'unknown', 0.35],
    ];
    // A two-column header made only of known columns is enough.
    expect(await contactsCsv.detect(memory('two.csv', Buffer.from('First Name,Mobile Phone\r\nA,1\r\n')))).toMatchObject({ variant: 'outlook', confidence: 0.6 });
    for (const [name, variant, confidence] of cases) {
      expect(await contactsCsv.detect(fileContainer(fx(name))), name).toEqual({ format: 'contacts-csv', confidence, entry: name, variant });
    }
  });

  it('does not claim CSVs that are not contacts, or .txt files that are not tab-separated contacts', async () => {
    expect(await contactsCsv.detect(fileContainer(fx('not-contacts.csv')))).toBeNull();
    expect(await contactsCsv.detect(memory('list.txt', readFileSync(fx('google-legacy.csv'))))).toBeNull();
    expect(await contactsCsv.detect(memory('data.json', readFileSync(fx('google-legacy.csv'))))).toBeNull();
    expect(await contactsCsv.detect(memory('empty.csv', Buffer.alloc(0)))).toBeNull();
  });

  it('reads the header of a head cut in the middle of a UTF-8 character', async () => {
    const header = Buffer.from('Имя,Фамилия,Телефон переносной,Адрес эл. почты\r\n');
    const row = Buffer.from('Ёжик,Туманов,+7 900,ezh@example.ru\r\n');
    const big = Buffer.concat([header, ...Array.from({ length: 3000 }, () => row)]);
    expect(big.length).toBeGreaterThan(64 * 1024);
    expect(await contactsCsv.detect(memory('big.csv', big))).toMatchObject({ variant: 'outlook-ru' });
  });

  it('is picked by the registry, and not-contacts.csv is not recognised', async () => {
    const opened = await openSource(fx('outlook-en.csv'));
    await opened.container?.close();
    expect(opened.detected).toMatchObject({ format: 'contacts-csv', variant: 'outlook', size: statSync(fx('outlook-en.csv')).size });
    const other = await openSource(fx('not-contacts.csv'));
    await other.container?.close();
    expect(other.detected.format).toBeNull();
  });
});

describe('streaming', () => {
  const names = readdirSync(fixtures).filter((n) => n !== 'not-contacts.csv');

  it('gives the same contacts and problems in 1–7 byte chunks (every fixture; splits inside UTF-8 and UTF-16 characters)', async () => {
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) {
      const bytes = readFileSync(fx(name));
      const whole = await parseBytes(bytes, name);
      expect(whole.contacts.length, name).toBeGreaterThan(0);
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const split = await parseBytes(bytes, name, (b) => tinyChunks(b, seed));
        expect(split.contacts, `${name} seed ${seed}`).toEqual(whole.contacts);
        expect(split.problems, `${name} seed ${seed}`).toEqual(whole.problems);
      }
    }
  });

  it('reads 100 000 rows with flat memory use, reporting progress to the end', async () => {
    const header = Buffer.from('First Name,Last Name,Mobile Phone,E-mail Address\r\n');
    const rows = Array.from({ length: 100_000 }, (_, i) => `Name${i},Фамилия${i},+7 900 ${String(i).padStart(7, '0')},p${i}@example.com\r\n`).join('');
    const bytes = Buffer.concat([header, Buffer.from(rows)]);
    let count = 0;
    let last: Contact | null = null;
    const progress: number[] = [];
    await contactsCsv.parse(
      memory('big.csv', bytes, function* (b) {
        for (let i = 0; i < b.length; i += 1 << 16) yield b.subarray(i, i + (1 << 16));
      }),
      single('big.csv'),
      { contact: (c) => ((count += 1), (last = c)), chat: () => {}, message: () => {}, problem: () => {} },
      { progress: (n) => progress.push(n) },
      new AbortController().signal,
    );
    expect(count).toBe(100_000);
    expect(last).toMatchObject({ id: 'csv:big.csv:100001', name: 'Name99999 Фамилия99999', phones: [{ value: '+7 900 0099999', type: 'cell' }] });
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('stops with the abort reason when cancelled between chunks', async () => {
    const ctrl = new AbortController();
    const text = 'First Name,Mobile Phone\r\n' + Array.from({ length: 300 }, (_, i) => `P${i},${i}\r\n`).join('');
    let seen = 0;
    const p = contactsCsv.parse(
      memory('c.csv', Buffer.from(text), (b) => tinyChunks(b, 3)),
      single('c.csv'),
      {
        contact: () => {
          if (++seen === 5) ctrl.abort();
        },
        chat: () => {},
        message: () => {},
        problem: () => {},
      },
      { progress: () => {} },
      ctrl.signal,
    );
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeGreaterThanOrEqual(5);
    expect(seen).toBeLessThan(300);
  });

  it('reports a read error part-way and keeps the rows read before it', async () => {
    const good = Buffer.from('First Name,Mobile Phone\r\nBefore,1\r\nHalf,2');
    const container: Container = {
      ...memory('io.csv', good),
      open: () =>
        Readable.from(
          (async function* () {
            yield good;
            throw Object.assign(new Error('disk gone'), { code: 'EIO' });
          })(),
        ),
    };
    const r = await run(container, single('io.csv'));
    expect(r.contacts.map((c) => c.name)).toEqual(['Before', 'Half']);
    expect(r.problems.map((p) => [p.code, p.params?.reason])).toEqual([['unreadable', 'EIO']]);
  });

  it('says when the file is empty', async () => {
    const r = await parseBytes(Buffer.alloc(0), 'empty.csv');
    expect(r.contacts).toEqual([]);
    expect(codes(r)).toEqual([['syntax', 1]]);
  });
});

describe('robustness (fast-check)', () => {
  const seeds = ['google-multi-values.csv', 'outlook-ru-cp1251.csv', 'quoted-newlines.csv', 'utf16le-bom.csv', 'excel-semicolon-cp1251.csv', 'ragged-rows.csv'].map((n) =>
    readFileSync(fx(n)),
  );
  const mutation = fc.oneof(
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ op: fc.constant('insertText' as const), at: fc.nat(), text: fc.constantFrom('"', '""', ',', ';', '\t', '\r', '\n', '\r\r\n', ' ::: ', '* ', '7.9E+10', "'", 'sep=;\n') }),
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
        const whole = await parseBytes(bytes, 'fuzz.csv');
        for (const p of whole.problems) {
          expect(ProblemSchema.parse(p)).toBeTruthy();
          expect(p.file).toBe('/mem/fuzz.csv');
          expect(p.line).toBeGreaterThanOrEqual(1);
        }
        for (const c of whole.contacts) expect(ContactSchema.parse(c)).toBeTruthy();
        expect(new Set(whole.contacts.map((c) => c.id)).size).toBe(whole.contacts.length);
        const split = await parseBytes(bytes, 'fuzz.csv', (b) => tinyChunks(b, seed));
        expect(split.contacts).toEqual(whole.contacts);
        expect(split.problems).toEqual(whole.problems);
      }),
      { numRuns: 150 },
    );
  });

  it('arbitrary bytes never throw (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (raw) => {
        const r = await parseBytes(Buffer.concat([Buffer.from('First Name,Mobile Phone,Notes\r\n'), Buffer.from(raw)]), 'raw.csv');
        for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        for (const c of r.contacts) expect(ContactSchema.parse(c)).toBeTruthy();
      }),
      { numRuns: 200 },
    );
  });
});
