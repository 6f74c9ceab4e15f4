import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSig, type Header, HeaderTemplate, newHeader, scanHeader, SIG_BRACKET, weakEnd } from './header.js';

const NBSP = '\u00a0';
const NNBSP = '\u202f';
const LRM = '\u200e';
const RLM = '\u200f';
const BOM = '\ufeff';

/** The header's fields that tests care about, or null when the line is not a header. */
function read(line: string) {
  const h: Header = newHeader();
  if (!scanHeader(line, h)) return null;
  return { parts: [h.p1, h.p2, h.p3], time: [h.h, h.mi, h.s], body: line.slice(h.bodyStart), sig: h.sig, c1: h.c1, c3: h.c3, e1: h.e1, e3: h.e3, be: h.be, date: line.slice(h.dateStart, h.dateEnd) };
}

describe('whatsapp header: the variants of formats.md §2', () => {
  it('Android 24 h en-GB', () => {
    expect(read('23/03/2022, 13:32 - Elon: text')).toMatchObject({ parts: [23, 3, 2022], time: [13, 32, 0], body: 'Elon: text', c3: 1, date: '23/03/2022' });
  });
  it('Android en-US 12 h, with a plain space and with U+202F before PM', () => {
    expect(read('1/4/23, 7:02 PM - Person: text')).toMatchObject({ parts: [1, 4, 23], time: [19, 2, 0], body: 'Person: text', c3: 0 });
    expect(read(`1/4/23, 7:02${NNBSP}PM - Person: text`)).toMatchObject({ time: [19, 2, 0], body: 'Person: text' });
  });
  it('Android ru/de with dots, 2- and 4-digit years', () => {
    expect(read('02.06.21, 14:17 - Иван Петров: Й')).toMatchObject({ parts: [2, 6, 21], time: [14, 17, 0], body: 'Иван Петров: Й' });
    expect(read('23.03.2022, 13:31 - Alice: x')).toMatchObject({ parts: [23, 3, 2022], c3: 1 });
  });
  it('Android nl: dashes and no comma', () => {
    expect(read('18-03-2022 15:10 - Dmitry S: x')).toMatchObject({ parts: [18, 3, 2022], time: [15, 10, 0], body: 'Dmitry S: x' });
  });
  it('Android es 12 h: `p. m.` with NBSP inside', () => {
    expect(read(`20/6/2017 8:28 p.${NBSP}m. - Michelle: test`)).toMatchObject({ parts: [20, 6, 2017], time: [20, 28, 0], body: 'Michelle: test' });
    expect(read(`20/6/2017 8:28${NBSP}a.${NBSP}m. - Michelle: test`)).toMatchObject({ time: [8, 28, 0] });
  });
  it('Android fi: `klo` between date and time, dots in the time', () => {
    expect(read('13.6.2018 klo 21.25.15 - a: m')).toMatchObject({ parts: [13, 6, 2018], time: [21, 25, 15], body: 'a: m' });
  });
  it('iOS: brackets, seconds, U+200E before the bracket', () => {
    expect(read('[3/27/22, 21:41:35] Dmitry S: Hello')).toMatchObject({ parts: [3, 27, 22], time: [21, 41, 35], body: 'Dmitry S: Hello' });
    expect(read(`${LRM}[3/27/22, 21:41:55] Dmitry S: ${LRM}<attached: x.jpg>`)).toMatchObject({ time: [21, 41, 55], body: `Dmitry S: ${LRM}<attached: x.jpg>` });
  });
  it('iOS 12 h: `PM`, `a.m.`', () => {
    expect(read('[1/29/18, 12:24:05 PM] Ann: x')).toMatchObject({ time: [12, 24, 5] });
    expect(read('[31/12/2019, 2:14:40 a.m.] Ann: x')).toMatchObject({ parts: [31, 12, 2019], time: [2, 14, 40] });
  });
  it('iOS ar: RLM between the parts, Arabic-Indic digits, the Arabic comma, م for PM', () => {
    const line = `[١٨${RLM}/٣${RLM}/٢٠٢٢، ٢:٥٦:٠٠${NBSP}م] ‪+40${NBSP}521‬: x`;
    expect(read(line)).toMatchObject({ parts: [18, 3, 2022], time: [14, 56, 0], body: `‪+40${NBSP}521‬: x` });
    expect(read(`[١٨/٣/٢٠٢٢، ٩:٠٥:٠٠${NBSP}ص] A: x`)).toMatchObject({ time: [9, 5, 0] });
  });
  it('iOS th: Buddhist year with ` BE`', () => {
    expect(read('[3/18/2565 BE, 14:56:01] A: x')).toMatchObject({ parts: [3, 18, 2565], be: true, time: [14, 56, 1], date: '3/18/2565 BE' });
  });
  it('iOS ja: Japanese era year (R4, H30)', () => {
    expect(read('[3/18/R4, 14:56:01] A: x')).toMatchObject({ parts: [3, 18, 4], c3: 2, e3: 2019 });
    expect(read('[H30/3/18, 14:56:01] A: x')).toMatchObject({ parts: [30, 3, 18], c1: 2, e1: 1989 });
  });
  it('the "others" row: year first, spaced dots with a trailing dot, dotted time ended by `: `', () => {
    expect(read('[2018/06/13, 21:25:15] a: m')).toMatchObject({ parts: [2018, 6, 13], c1: 1, time: [21, 25, 15], body: 'a: m' });
    expect(read('13. 6. 2018. 21:25:15 a: m')).toMatchObject({ parts: [13, 6, 2018], time: [21, 25, 15], body: 'a: m' });
    expect(read('13.06.18 21.25.15: a: m')).toMatchObject({ parts: [13, 6, 18], time: [21, 25, 15], body: 'a: m' });
  });
  it('German `vorm.`/`nachm.` are read as 12 h markers, not as part of the author', () => {
    expect(read('29.01.18, 11:33 nachm. - Alice: x')).toMatchObject({ time: [23, 33, 0], body: 'Alice: x' });
    expect(read('29.01.18, 11:33 vorm. - Alice: x')).toMatchObject({ time: [11, 33, 0] });
  });
  it('Russian ДП/ПП; Korean marker before the time', () => {
    expect(read('02.06.21, 11:17 ПП - Иван: x')).toMatchObject({ time: [23, 17, 0], body: 'Иван: x' });
    expect(read('2018. 6. 13. 오후 9:25 - 민수: 안녕')).toMatchObject({ parts: [2018, 6, 13], time: [21, 25, 0], body: '민수: 안녕' });
  });
});

describe('whatsapp header: 12 h arithmetic', () => {
  it('12 AM is 00, 12 PM is 12, 0 PM (old Android) is 12, 00 AM is 00', () => {
    expect(read('1/30/18, 12:00 AM - A: x')!.time).toEqual([0, 0, 0]);
    expect(read('1/30/18, 12:05 PM - A: x')!.time).toEqual([12, 5, 0]);
    expect(read('1/29/18, 0:24 PM - A: x')!.time).toEqual([12, 24, 0]);
    expect(read('1/30/18, 00:04 AM - A: x')!.time).toEqual([0, 4, 0]);
    expect(read('1/30/18, 11:59 PM - A: x')!.time).toEqual([23, 59, 0]);
  });
  it('am/pm in any case', () => {
    expect(read('1/30/18, 1:00 pm - A: x')!.time).toEqual([13, 0, 0]);
    expect(read('1/30/18, 1:00 Am - A: x')!.time).toEqual([1, 0, 0]);
  });
  it('a name starting like a marker is not a marker', () => {
    // "am" followed by a letter: `amanda` is the start of the body (bare-space dialect).
    expect(read('13.06.18 21.25.15 amanda: hi')).toMatchObject({ time: [21, 25, 15], body: 'amanda: hi' });
  });
});

describe('whatsapp header: invisible characters and odd spaces', () => {
  it('BOM and U+FEFF at the line start, U+200E/U+200F/U+202A–U+202E in the header, U+00A0/U+202F/U+2009 as spaces', () => {
    expect(read(`${BOM}14/02/2021, 10:00 - Ann: x`)).toMatchObject({ parts: [14, 2, 2021], body: 'Ann: x' });
    expect(read(`${LRM}${RLM}\u202b14/02/2021,\u2009\u202c10:00 - Ann: x`)).toMatchObject({ time: [10, 0, 0], body: 'Ann: x' });
    expect(read(`14/02/2021,${NNBSP}10:00${NBSP}- Ann: x`)).toMatchObject({ body: 'Ann: x' });
  });
});

describe('whatsapp header: not headers', () => {
  it('text, partial dates, impossible times, run-on digits', () => {
    for (const line of [
      'hello',
      '',
      '30/6/2023 is the deadline',
      '12/03/2022',
      '12/03/2022, 25:00 - A: x',
      '12/03/2022, 10:75 - A: x',
      '12/03/2022, 10:0 - A: x',
      '12/03/20221, 10:00 - A: x',
      '12/03-2022, 10:00 - A: x',
      '[12/03/2022, 10:00 A: x',
      '12/03/2022,10:00- A: x',
    ]) {
      expect(read(line), line).toBeNull();
    }
  });
  it('an empty body after the separator is still a header', () => {
    expect(read('12/9/20, 23:55 -')).toMatchObject({ body: '' });
    expect(read('[12/9/20, 23:55:00]')).toMatchObject({ body: '' });
  });
  it('stops at a line break when scanning inside a larger text', () => {
    const text = 'x\n12/9/20, 23:55 -\n12/9/20, 23:56 - A: b';
    const h = newHeader();
    expect(scanHeader(text, h, 2)).toBe(true);
    expect(h.bodyStart).toBe(text.indexOf('\n', 2));
    expect(scanHeader(text, h, text.indexOf('\n', 2) + 1)).toBe(true);
    expect(text.slice(h.bodyStart)).toBe('A: b');
  });
});

describe('whatsapp header: dialect signatures', () => {
  it('same shape → same signature; different year width, brackets or separators → different', () => {
    const sig = (l: string) => read(l)!.sig;
    expect(sig('6/30/23, 16:13 - A: x')).toBe(sig('7/1/23, 08:00 - B: y'));
    expect(sig('6/30/23, 16:13 - A: x')).not.toBe(sig('30/6/2023, 16:15 - A: x'));
    expect(sig('6/30/23, 16:13 - A: x')).not.toBe(sig('[6/30/23, 16:13:00] A: x'));
    expect(sig('30.6.2023, 16:15 - A: x')).not.toBe(sig('30/6/2023, 16:15 - A: x'));
    expect(sig('[6/30/23, 16:13:00] A: x') & SIG_BRACKET).toBe(SIG_BRACKET);
  });
  it('weak ends (`: ` and a bare space) are flagged, and signatures describe themselves', () => {
    expect(weakEnd(read('13.06.18 21.25.15: a: m')!.sig)).toBe(true);
    expect(weakEnd(read('13. 6. 2018. 21:25:15 a: m')!.sig)).toBe(true);
    expect(weakEnd(read('13.06.18, 21:25 - a: m')!.sig)).toBe(false);
    expect(describeSig(read('[3/27/22, 21:41:35] D: x')!.sig)).toBe('[nn/nn/nn, hh:mm:ss] ');
    expect(describeSig(read('23/03/2022, 13:32 - E: t')!.sig)).toBe('nn/nn/nnnn, hh:mm - ');
  });
});

describe('whatsapp header: the template fast path', () => {
  const learnFrom = (line: string) => {
    const t = new HeaderTemplate();
    const h = newHeader();
    if (scanHeader(line, h)) t.learn(line, 0, h);
    return t;
  };
  it('reads lines of the same shape, refuses others', () => {
    const t = learnFrom('18/03/2022, 15:10 - Ann: A');
    const h = newHeader();
    expect(t.match('19/04/2023, 09:59 - Ben: B', 0, h)).toBe(true);
    expect([h.p1, h.p2, h.p3, h.h, h.mi, h.s, '19/04/2023, 09:59 - Ben: B'.slice(h.bodyStart)]).toEqual([19, 4, 2023, 9, 59, 0, 'Ben: B']);
    expect(t.match('19/04/2023, 9:59 - Ben: B', 0, h)).toBe(false); // one-digit hour: another shape
    expect(t.match('19/04/2023, 09:75 - Ben: B', 0, h)).toBe(false); // no minute 75
    expect(t.match('19/04/2023, 09:59 -Ben: B', 0, h)).toBe(false);
    const pm = learnFrom('1/29/18, 11:33 PM - Alice: x');
    expect(pm.match('1/30/18, 12:05 PM - Bob: y', 0, h)).toBe(true);
    expect(h.h).toBe(12);
    expect(pm.match('1/30/18, 11:05 AM - Bob: y', 0, h)).toBe(false); // AM is another shape
  });
  it('is not learned from weak ends or from non-ASCII headers', () => {
    const h = newHeader();
    expect(learnFrom('13.06.18 21.25.15: a: m').match('13.06.18 21.25.16: a: m', 0, h)).toBe(false);
    expect(learnFrom('13. 6. 2018. 21:25:15 a: m').match('13. 6. 2018. 21:25:16 a: m', 0, h)).toBe(false);
    expect(learnFrom('1/4/23, 7:02\u202fPM - P: t').match('1/4/23, 7:03\u202fPM - P: t', 0, h)).toBe(false);
  });
  it('whenever it matches, it reads exactly what scanHeader reads (property)', () => {
    const seeds = [
      '18/03/2022, 15:10 - Ann: A',
      '[3/27/22, 21:41:35] Dmitry S: Hello',
      '[1/29/18, 12:24:05 PM] Ann: x',
      '1/29/18, 11:33 PM - Alice: x',
      '13.6.2018 klo 21.25.15 - a: m',
      '[3/18/2565 BE, 14:56:01] A: x',
      '[3/18/R4, 14:56:01] A: x',
      '18-03-2022 15:10 - Dmitry S: x',
      '29.01.18, 11:33 nachm. - Alice: x',
      '[2018/06/13, 21:25:15] a: m',
    ];
    const pieces = ['0', '1', '2', '9', '/', '.', '-', ' ', ',', ':', ']', '[', 'P', 'A', 'M', 'a', 'p', '.', '\u00a0', 'x'];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...pieces), fc.boolean()), { maxLength: 4 }),
        (teach, base, edits) => {
          let line = base;
          for (const [at, piece, replace] of edits) {
            const i = at % (line.length + 1);
            line = line.slice(0, i) + piece + line.slice(replace ? i + 1 : i);
          }
          const t = learnFrom(teach);
          const fast = newHeader();
          if (!t.match(line, 0, fast)) return;
          const full = newHeader();
          expect(scanHeader(line, full)).toBe(true);
          expect(fast).toEqual(full);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
