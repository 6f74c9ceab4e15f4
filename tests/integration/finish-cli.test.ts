/** `pereezd report|cleanup|support-bundle` through the command's own entry (finishCommand), on an empty and a used config folder. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finishCommand } from '../../main/cli/report.js';

function io(cfg: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, env: { PEREEZD_CONFIG_DIR: cfg } } as never };
}

describe('pereezd report / cleanup / support-bundle', () => {
  it('report writes HTML and JSON, and exits 1 when nothing proves the migration complete', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-fcli-'));
    const x = io(path.join(d, 'cfg'));
    const code = await finishCommand('report', ['--out', path.join(d, 'out'), '--lang', 'ru', '--format', 'both'], 'usage', x.io);
    expect(code).toBe(1);
    const files = readdirSync(path.join(d, 'out')).sort();
    expect(files.some((f) => f.endsWith('.ru.html'))).toBe(true);
    expect(files.some((f) => f.endsWith('.json'))).toBe(true);
    expect(readFileSync(path.join(d, 'out', files.find((f) => f.endsWith('.html'))!), 'utf8')).toContain('Отчёт о переезде');
    expect(x.err.join('')).toMatch(/NOT proven complete/);
    expect(x.err.join('')).toMatch(/no backup is recorded/);
  });

  it('usage errors exit 2 and say what is wrong', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-fcli-'));
    const a = io(d);
    expect(await finishCommand('report', ['--lang', 'de'], 'usage', a.io)).toBe(2);
    expect(a.err.join('')).toMatch(/--lang must be ru or en \(got de\)/);
    const b = io(d);
    expect(await finishCommand('support-bundle', [], 'usage', b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/--out FILE is required/);
    const c = io(d);
    expect(await finishCommand('cleanup', ['/home'], 'usage', c.io)).toBe(2);
  });

  it('cleanup --dry-run lists and keeps; cleanup removes; support-bundle writes one redacted file', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pereezd-fcli-'));
    const cfg = path.join(d, 'cfg');
    const work = path.join(cfg, 'clean', 'fedcba9876543210');
    mkdirSync(work, { recursive: true });
    writeFileSync(path.join(work, 'messages.jsonl'), `${JSON.stringify({ sentAt: '2024-01-01T00:00:00Z', text: 'ping me at +44 20 7946 0958 tomorrow please' })}\n`);
    const dry = io(cfg);
    expect(await finishCommand('cleanup', ['--dry-run'], 'usage', dry.io)).toBe(0);
    expect(dry.out.join('')).toContain(`would remove  clean-work`);
    expect(existsSync(work)).toBe(true);
    const real = io(cfg);
    expect(await finishCommand('cleanup', [], 'usage', real.io)).toBe(0);
    expect(existsSync(work)).toBe(false);
    expect(real.err.join('')).toMatch(/no message data left/);
    const b = io(cfg);
    const file = path.join(d, 'bundle.json');
    expect(await finishCommand('support-bundle', ['--out', file], 'usage', b.io)).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'pereezd-support-bundle', status: { current: 'sources' } });
    expect(text).not.toContain('7946');
  });
});
