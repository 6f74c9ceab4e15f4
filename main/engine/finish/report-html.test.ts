import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, renderReportPdf } from './report.js';
import { renderReportHtml } from './report-html.js';

const hostile = '<img src=x onerror=alert(1)><script>alert("t")</script>';

async function model() {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-rh-'));
  const clean = path.join(d, 'clean');
  const src = path.join(d, 'src.txt');
  writeFileSync(src, 'x');
  await import('node:fs').then((fs) => fs.mkdirSync(clean));
  const tally = { in: 3, kept: 2, merged: 0, quarantined: 1, excluded: 0 };
  writeFileSync(path.join(clean, 'accounting.json'), JSON.stringify({ version: 1, contacts: { ...tally, quarantined: 0, kept: 3 }, participants: { ...tally, quarantined: 0, kept: 3 }, chats: { in: 1, kept: 1, merged: 0, quarantined: 0, excluded: 0 }, messages: { ...tally, restored: 0, byChat: { 'tg:1': { ...tally, restored: 0 } } }, problems: 0 }));
  writeFileSync(path.join(clean, 'chats.jsonl'), `${JSON.stringify({ id: 'tg:1', title: hostile, type: 'group' })}\n`);
  return buildReport({ workId: null, sources: [{ path: src, format: 'whatsapp-txt' }], cleanDir: clean, backups: [], upload: null, verify: null, auditFile: null, now: () => new Date('2026-01-02T03:04:05Z') });
}

describe('report HTML', () => {
  it('escapes untrusted titles, has no script and forbids scripts by CSP, in both languages', async () => {
    const m = await model();
    expect(m.chats[0]!.title).toBe(hostile);
    for (const lang of ['ru', 'en'] as const) {
      const html = renderReportHtml(m, lang);
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).toContain('&#60;script&#62;');
      expect(html).toContain("default-src 'none'");
      expect(html).toContain('@media print');
      expect(html).toContain(`lang="${lang}"`);
    }
    expect(renderReportHtml(m, 'ru')).toContain('Отчёт о переезде');
    expect(renderReportHtml(m, 'en')).toContain('Migration report');
    // the chat type is in words of the report's language
    expect(renderReportHtml(m, 'ru')).toMatch(/<td[^>]*>группа<\/td>/);
    expect(renderReportHtml(m, 'en')).toMatch(/<td[^>]*>group<\/td>/);
  });

  it('is not "nothing lost" without a read-back, and lists the quarantined message as a warning', async () => {
    const m = await model();
    expect(m.nothingLost).toBe(false);
    expect(m.discrepancies.find((d) => d.code === 'quarantined')).toMatchObject({ severity: 'warning', chatId: 'tg:1', count: 1 });
    expect(renderReportHtml(m, 'en')).toContain('data-nothing-lost="false"');
  });

  it('PDF goes through the host printer and must come back as a PDF', async () => {
    const m = await model();
    let seen = '';
    const pdf = await renderReportPdf(m, 'en', async (html, o) => {
      seen = html;
      expect(o.pageSize).toBe('A4');
      return new Uint8Array(Buffer.from('%PDF-1.7 fake'));
    });
    expect(Buffer.from(pdf).toString('latin1').startsWith('%PDF-')).toBe(true);
    expect(seen).toContain('Migration report');
    await expect(renderReportPdf(m, 'en', async () => new Uint8Array([1, 2, 3, 4, 5, 6]))).rejects.toThrow(/not return a PDF/);
  });
});
