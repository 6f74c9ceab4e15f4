/**
 * Every real vCard and contacts-CSV sample (../shared/fixtures/real/{vcard,csv}, read in place)
 * through the real entry points: registry detection + inventory counting, then the parser for spot
 * checks.
 *
 * Expected values were derived by reading the files: cards counted with `grep -c BEGIN:VCARD`
 * (each file has as many END:VCARD), CSV rows counted by hand in an editor (the Google sample has
 * a quoted Notes field and a quoted address spanning lines 2–4), QP values decoded with Python's
 * `quopri` after joining soft breaks by hand, the Gmail NOTE unfolded and unescaped with a
 * throwaway Python snippet, and `cat -A` to see the line endings (`\r\r\n` in the iPhone file).
 */
import path from 'node:path';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InventoryResult } from '../../shared/model/index.js';
import { ContactSchema } from '../../shared/model/index.js';
import { runInventory } from '../../main/engine/pipeline/inventory.js';
import { openSource } from '../../main/engine/sources/registry.js';
import { parseSource, type ParsedSource } from '../helpers/source-harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const real = path.resolve(here, '../../../shared/fixtures/real');
const VCF = (n: string) => path.join(real, 'vcard', n);
const CSV = (n: string) => path.join(real, 'csv', n);

const ANDROID = VCF('ez-vcard__John_Doe_ANDROID.vcf');
const GMAIL = VCF('ez-vcard__John_Doe_GMAIL.vcf');
const IPHONE = VCF('ez-vcard__John_Doe_IPHONE.vcf');
const OUTLOOK_VCF = VCF('ez-vcard__outlook-2007.vcf');
const RFC6350 = VCF('ez-vcard__rfc6350-example.vcf');
const EMPTY_LINES = VCF('node-vcf__empty-lines.vcf');
const OUTLOOK_CSV = CSV('google-shared-contacts-client__outlook.csv');
const GOOGLE_CSV = CSV('google_contacts_new_format.csv');

const ALL: [string, 'vcard' | 'contacts-csv', number][] = [
  [ANDROID, 'vcard', 6],
  [GMAIL, 'vcard', 1],
  [IPHONE, 'vcard', 1],
  [OUTLOOK_VCF, 'vcard', 1],
  [RFC6350, 'vcard', 1],
  [EMPTY_LINES, 'vcard', 1],
  [OUTLOOK_CSV, 'contacts-csv', 3],
  [GOOGLE_CSV, 'contacts-csv', 3],
];

type Parsed = ParsedSource;

const parse = parseSource;

const N = (k: number) => 'Ñ'.repeat(k);
const spaced = (k: number) => Array.from({ length: k }, () => 'Ñ').join(' ');

describe('real contacts samples through the registry and the inventory', () => {
  let inv: InventoryResult;
  beforeAll(async () => {
    inv = await runInventory({ paths: ALL.map(([p]) => p), asOf: new Date('2026-01-01T00:00:00Z') }, { progress: { report() {} } }, new AbortController().signal);
  });

  it('detects every file with its format and the whole file size', () => {
    expect(inv.sources.map((s) => [path.basename(s.path), s.format, s.bytes])).toEqual(ALL.map(([p, f]) => [path.basename(p), f, statSync(p).size]));
  });

  it('counts exactly the cards and rows in each file', () => {
    expect(inv.sources.map((s) => [path.basename(s.path), s.contacts, s.chats, s.messages])).toEqual(ALL.map(([p, , n]) => [path.basename(p), n, 0, 0]));
    expect(inv.totals.contacts).toBe(17);
  });

  it('reports no problem except the one broken QP byte of the Android sample', () => {
    const withProblems = inv.sources.filter((s) => s.problems.length > 0);
    expect(withProblems.map((s) => [path.basename(s.path), s.problems.map((p) => [p.code, p.line])])).toEqual([[path.basename(ANDROID), [['encoding', 82]]]]);
  });

  it('names the CSV layouts', async () => {
    const variants = [];
    for (const p of [OUTLOOK_CSV, GOOGLE_CSV]) {
      const o = await openSource(p);
      await o.container?.close();
      variants.push([path.basename(p), o.detected.variant, o.detected.confidence]);
    }
    expect(variants).toEqual([
      [path.basename(OUTLOOK_CSV), 'outlook', 0.95],
      [path.basename(GOOGLE_CSV), 'google', 0.95],
    ]);
  });
});

describe('Android 2.1 export (QP with soft breaks, bare params, base64 photo)', () => {
  let r: Parsed;
  beforeAll(async () => {
    r = await parse(ANDROID);
  });

  it('reads all six cards with their BEGIN lines', () => {
    expect(r.contacts.map((c) => [c.id, c.source.line])).toEqual([
      ['vcard:ez-vcard__John_Doe_ANDROID.vcf:0', 1],
      ['vcard:ez-vcard__John_Doe_ANDROID.vcf:1', 6],
      ['vcard:ez-vcard__John_Doe_ANDROID.vcf:2', 11],
      ['vcard:ez-vcard__John_Doe_ANDROID.vcf:3', 18],
      ['vcard:ez-vcard__John_Doe_ANDROID.vcf:4', 36],
      ['vcard:ez-vcard__John_Doe_ANDROID.vcf:5', 71],
    ]);
    for (const c of r.contacts) expect(ContactSchema.parse(c)).toBeTruthy();
  });

  it('names cards with only an e-mail by the e-mail (EMAIL;PREF)', () => {
    expect(r.contacts.slice(0, 2).map((c) => [c.name, c.emails])).toEqual([
      ['john.doe@company.com', [{ value: 'john.doe@company.com' }]],
      ['jane.doe@company.com', [{ value: 'jane.doe@company.com' }]],
    ]);
  });

  it('decodes QP names across soft breaks', () => {
    expect(r.contacts[2]).toMatchObject({ name: spaced(5), family: spaced(4), phones: [{ value: '123456789', type: 'cell' }] });
    expect(r.contacts[3]).toMatchObject({ name: spaced(11), family: spaced(11) });
    expect(r.contacts[4]).toMatchObject({ name: spaced(4), family: spaced(2), given: spaced(3) });
  });

  it('reads bare 2.1 params as types and joins the two QP NOTEs', () => {
    expect(r.contacts[3]!.phones).toEqual([
      { value: '123456', type: 'cell' },
      { value: '234567', type: 'home' },
      { value: '3456789', type: 'cell' },
      { value: '45678901', type: 'home' },
    ]);
    const note = `${spaced(7)} ${N(2)} ${spaced(6)} ${N(2)} ${spaced(4)}`;
    expect(r.contacts[3]!.note).toBe(`${note}\n${note}`);
  });

  it('reads card 5 past its base64 photo: types, QP e-mail, ORG (twice the same)', () => {
    expect(r.contacts[4]).toMatchObject({
      phones: [
        { value: '123456', type: 'cell' },
        { value: '123456', type: 'work' },
        { value: '123456', type: 'work,fax' },
      ],
      emails: [{ value: 'bob@company.com', type: 'work' }, { value: N(14) }],
      org: N(12),
    });
  });

  it('keeps the ORG whose last QP byte (=80) is not UTF-8, with U+FFFD and a problem at its line', () => {
    expect(r.contacts[5]).toMatchObject({ name: N(4), org: `${N(44)}; ${N(44)}\uFFFD`, phones: [{ value: '55556666', type: 'cell' }], emails: [{ value: 'henry@company.com' }] });
    expect(r.problems).toEqual([expect.objectContaining({ code: 'encoding', line: 82, file: ANDROID })]);
  });
});

describe('Gmail 3.0 export (escapes, folded NOTE)', () => {
  it('unescapes FN and the folded NOTE (\\, \\; \\n and the non-standard \\")', async () => {
    const r = await parse(GMAIL);
    expect(r.contacts).toHaveLength(1);
    expect(r.contacts[0]).toMatchObject({
      name: 'Mr. John Richter, James Doe Sr.',
      given: 'John',
      family: 'Doe',
      org: 'IBM',
      phones: [
        { value: '905-555-1234', type: 'cell' },
        { value: '905-666-1234', type: 'home' },
      ],
      emails: [{ value: 'john.doe@ibm.com', type: 'home' }],
      note:
        'THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.\nFavotire Color: Blue',
    });
    expect(r.problems).toEqual([]);
  });
});

describe('iPhone 3.0 export (\\r\\r\\n, item groups, X-ABLabel, 46 KB photo)', () => {
  it('applies the X-ABLabel custom label to the grouped TEL and reads every typed phone', async () => {
    const r = await parse(IPHONE);
    expect(r.contacts).toEqual([
      {
        id: 'vcard:ez-vcard__John_Doe_IPHONE.vcf:0',
        name: 'Mr. John Richter James Doe Sr.',
        given: 'John',
        family: 'Doe',
        org: 'IBM, Accounting',
        phones: [
          { value: '905-555-1234', type: 'cell' },
          { value: '905-666-1234', type: 'home' },
          { value: '905-777-1234', type: 'work' },
          { value: '905-888-1234', type: 'home,fax' },
          { value: '905-999-1234', type: 'work,fax' },
          { value: '905-111-1234', type: 'pager' },
          { value: '905-222-1234', type: 'AssistantPhone' },
        ],
        // item1.EMAIL;type=INTERNET;type=pref has no label: nothing but noise types.
        emails: [{ value: 'john.doe@ibm.com' }],
        source: { file: IPHONE, line: 1 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });
});

describe('Outlook 2007 2.1 export (QP NOTE with =0D=0A, X-MS-*, KEY and PHOTO blocks)', () => {
  it('decodes the QP NOTE and reads past the base64 blocks', async () => {
    const r = await parse(OUTLOOK_VCF);
    expect(r.contacts).toEqual([
      {
        id: 'vcard:ez-vcard__outlook-2007.vcf:0',
        name: 'Mr. Michael Angstadt Jr.',
        given: 'Michael',
        family: 'Angstadt',
        org: 'TheCompany, TheDepartment',
        note: "This is the NOTE field\t\nI assume it encodes this text inside a NOTE vCard type.\nBut I'm not sure because there's text formatting going on here.\nIt does not preserve the formatting",
        phones: [
          { value: '(111) 555-1111', type: 'work' },
          { value: '(111) 555-2222', type: 'home' },
          { value: '(111) 555-4444', type: 'cell' },
          { value: '(111) 555-3333', type: 'work,fax' },
        ],
        emails: [{ value: 'mike.angstadt@gmail.com' }],
        handles: [{ value: 'im@aim.com', type: 'im' }],
        source: { file: OUTLOOK_VCF, line: 1 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });
});

describe('RFC 6350 example (4.0)', () => {
  it('strips tel: from TEL uri values and splits quoted TYPE lists', async () => {
    const r = await parse(RFC6350);
    expect(r.contacts).toEqual([
      {
        id: 'vcard:ez-vcard__rfc6350-example.vcf:0',
        name: 'Simon Perreault',
        given: 'Simon',
        family: 'Perreault',
        org: 'Viagenie',
        phones: [
          { value: '+1-418-656-9254;ext=102', type: 'work' },
          { value: '+1-418-262-6501', type: 'work,cell,video,text' },
        ],
        emails: [{ value: 'simon.perreault@viagenie.ca', type: 'work' }],
        source: { file: RFC6350, line: 1 },
      },
    ]);
  });
});

describe('node-vcf empty-lines sample', () => {
  it('ignores blank lines inside the card and the URL photo', async () => {
    const r = await parse(EMPTY_LINES);
    expect(r.contacts).toEqual([
      {
        id: 'vcard:node-vcf__empty-lines.vcf:0',
        name: 'Dr. Erika Mustermann',
        given: 'Erika',
        family: 'Mustermann',
        org: 'Wikimedia',
        phones: [
          { value: '+49 221 9999123', type: 'work' },
          { value: '+49 221 1234567', type: 'home' },
        ],
        emails: [{ value: 'erika@mustermann.de' }],
        source: { file: EMPTY_LINES, line: 1 },
      },
    ]);
  });
});

describe('Outlook-style CSV (ragged rows)', () => {
  it('reads the full row and the two short rows, their missing fields empty', async () => {
    const r = await parse(OUTLOOK_CSV);
    expect(r.contacts).toEqual([
      {
        id: 'csv:google-shared-contacts-client__outlook.csv:2',
        name: 'Adam Glacius',
        org: 'Acme Inc.',
        note: 'Has 2 kids',
        phones: [
          { value: '+1 555 3227 8544', type: 'cell' },
          { value: '+1 555 3227 8543', type: 'pager' },
          { value: '+1 555 3227 8545', type: 'home' },
          { value: '+1 555 3227 8546', type: 'home' },
          { value: '+1 555 3227 8546', type: 'home,fax' },
          { value: '+1 555 3227 8547', type: 'work' },
          { value: '+1 555 3227 8548', type: 'work' },
          { value: '+1 555 3227 8549', type: 'work,fax' },
        ],
        emails: [{ value: 'adam.glacius@anycom.com' }, { value: 'adam.g@example.com' }, { value: 'ag@glacius.com' }],
        source: { file: OUTLOOK_CSV, line: 2 },
      },
      {
        id: 'csv:google-shared-contacts-client__outlook.csv:3',
        name: 'Daniel Ireland',
        phones: [{ value: '+1 555 3227 8543', type: 'cell' }],
        emails: [{ value: 'danielireland@restty.com' }],
        source: { file: OUTLOOK_CSV, line: 3 },
      },
      {
        id: 'csv:google-shared-contacts-client__outlook.csv:4',
        name: 'Duncan Amey',
        phones: [{ value: '+1 555 3227 8543', type: 'cell' }],
        emails: [{ value: 'duncanamey@dreamt.com' }],
        source: { file: OUTLOOK_CSV, line: 4 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });
});

describe('Google CSV (current layout: BOM, multi-line Notes, ::: values, * labels)', () => {
  it('reads the three rows at the lines they start on', async () => {
    const r = await parse(GOOGLE_CSV);
    expect(r.contacts).toEqual([
      {
        id: 'csv:google_contacts_new_format.csv:2',
        name: 'Иван Петров',
        given: 'Иван',
        family: 'Петров',
        org: 'ООО Ромашка',
        note: 'Многострочная\nзаметка, с запятой',
        phones: [
          { value: '+7 916 123-45-67', type: 'Mobile' },
          { value: '8 (916) 123-45-67', type: 'Mobile' },
          { value: '+7 495 000-00-00', type: 'Work' },
        ],
        emails: [
          { value: 'ivan@example.ru', type: 'Work' },
          { value: 'ivan.home@example.ru', type: 'Home' },
        ],
        source: { file: GOOGLE_CSV, line: 2 },
      },
      {
        id: 'csv:google_contacts_new_format.csv:5',
        name: 'Anna Müller',
        given: 'Anna',
        family: 'Müller',
        phones: [{ value: '+49 151 2345678', type: 'Mobile' }],
        emails: [],
        source: { file: GOOGLE_CSV, line: 5 },
      },
      {
        id: 'csv:google_contacts_new_format.csv:6',
        name: 'Acme Corp',
        org: 'Acme Corp',
        phones: [{ value: '+1 (555) 010-0000', type: 'Work' }],
        emails: [],
        source: { file: GOOGLE_CSV, line: 6 },
      },
    ]);
    expect(r.problems).toEqual([]);
  });
});
