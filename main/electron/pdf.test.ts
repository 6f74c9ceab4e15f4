// The PDF printer with a stand-in for Electron's BrowserWindow: a hidden, sandboxed window with JavaScript
// off prints the report; the window and the temporary HTML are gone afterwards, also when printing fails.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  made: [] as { options: Record<string, unknown>; loaded: string | null; html: string | null; mode: number | null; destroyed: boolean }[],
  fail: false,
}));

vi.mock('electron', async () => {
  const fs = await import('node:fs');
  class BrowserWindow {
    rec: (typeof h.made)[number];
    webContents: { printToPDF: (o: Record<string, unknown>) => Promise<Buffer> };
    constructor(options: Record<string, unknown>) {
      this.rec = { options, loaded: null, html: null, mode: null, destroyed: false };
      h.made.push(this.rec);
      this.webContents = {
        printToPDF: async (o) => {
          if (h.fail) throw new Error('printing failed');
          return Buffer.from(`%PDF-1.7 ${JSON.stringify(o)}`);
        },
      };
    }
    async loadFile(f: string) {
      this.rec.loaded = f;
      this.rec.html = fs.readFileSync(f, 'utf8');
      this.rec.mode = fs.statSync(f).mode & 0o777;
    }
    isDestroyed() {
      return this.rec.destroyed;
    }
    destroy() {
      this.rec.destroyed = true;
    }
  }
  return { BrowserWindow };
});

const { createPrintToPdf } = await import('./pdf.js');

beforeEach(() => {
  h.made.length = 0;
  h.fail = false;
});

describe('printToPdf (Electron host)', () => {
  it('prints the HTML in a hidden sandboxed window without JavaScript, then removes the window and the temp file', async () => {
    const print = createPrintToPdf();
    const pdf = await print('<!doctype html><p>Отчёт</p>', { pageSize: 'A4', printBackground: true, landscape: false });
    const text = Buffer.from(pdf).toString('utf8');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(JSON.parse(text.slice('%PDF-1.7 '.length))).toEqual({ pageSize: 'A4', printBackground: true, landscape: false });
    expect(h.made).toHaveLength(1);
    const w = h.made[0]!;
    expect(w.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    expect(w.html).toBe('<!doctype html><p>Отчёт</p>');
    expect(w.mode).toBe(0o600);
    expect(w.destroyed).toBe(true);
    expect(existsSync(path.dirname(w.loaded!))).toBe(false);
  });

  it('cleans up when printing fails, and the error reaches the caller', async () => {
    h.fail = true;
    await expect(createPrintToPdf()('<p>x</p>', { pageSize: 'A4', printBackground: true, landscape: false })).rejects.toThrow('printing failed');
    expect(h.made[0]!.destroyed).toBe(true);
    expect(existsSync(path.dirname(h.made[0]!.loaded!))).toBe(false);
  });
});
