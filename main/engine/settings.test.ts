import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSettingsStore } from './settings.js';

const dir = () => mkdtempSync(path.join(os.tmpdir(), 'pereezd-settings-'));

describe('settings store', () => {
  it('starts empty, saves a patch as an owner-only file, and reads it back in a new store', async () => {
    const d = dir();
    const a = createSettingsStore(d);
    expect(await a.get()).toEqual({ excludedChats: [], language: null });
    expect(await a.set({ excludedChats: ['tg:1', 'wa:2'] })).toEqual({ excludedChats: ['tg:1', 'wa:2'], language: null });
    expect(await a.set({ language: 'ru' })).toEqual({ excludedChats: ['tg:1', 'wa:2'], language: 'ru' });
    expect(await createSettingsStore(d).get()).toEqual({ excludedChats: ['tg:1', 'wa:2'], language: 'ru' });
    expect(statSync(path.join(d, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('applies quick successive changes in order without losing one', async () => {
    const s = createSettingsStore(dir());
    await Promise.all([s.set({ excludedChats: ['a'] }), s.set({ language: 'en' }), s.set({ excludedChats: ['a', 'b'] })]);
    expect(await s.get()).toEqual({ excludedChats: ['a', 'b'], language: 'en' });
  });

  it('sets a damaged file aside instead of failing, and starts again from defaults', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'settings.json'), '{"excludedChats": 42');
    const s = createSettingsStore(d);
    expect(await s.get()).toEqual({ excludedChats: [], language: null });
    expect(readdirSync(d).some((f) => f.startsWith('settings.json.damaged-'))).toBe(true);
    await s.set({ excludedChats: ['x'] });
    expect(JSON.parse(readFileSync(path.join(d, 'settings.json'), 'utf8'))).toEqual({ excludedChats: ['x'], language: null });
  });

  it('refuses values the schema does not allow', async () => {
    const s = createSettingsStore(dir());
    await expect(s.set({ excludedChats: [''] })).rejects.toThrow();
    expect(await s.get()).toEqual({ excludedChats: [], language: null });
  });
});
