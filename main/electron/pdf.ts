/**
 * The report as PDF (ServiceDeps.printToPdf): the report's HTML is loaded from a private temporary file into a
 * hidden window with JavaScript off and the renderer sandboxed, printed with Chromium's printToPDF, and both the
 * window and the temporary file are gone afterwards — also when printing fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BrowserWindow } from 'electron';
import type { PrintToPdf } from '../engine/finish/report.js';

export function createPrintToPdf(): PrintToPdf {
  return async (html, options) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pereezd-pdf-'));
    const file = path.join(dir, 'report.html');
    let win: BrowserWindow | null = null;
    try {
      await writeFile(file, html, { mode: 0o600 });
      win = new BrowserWindow({
        show: false,
        webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, spellcheck: false },
      });
      await win.loadFile(file);
      const pdf = await win.webContents.printToPDF({
        pageSize: options.pageSize,
        printBackground: options.printBackground,
        landscape: options.landscape,
      });
      return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      if (win && !win.isDestroyed()) win.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  };
}
