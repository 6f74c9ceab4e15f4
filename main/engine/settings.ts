/**
 * The user's choices as one small JSON file in the config folder (mode 0600, written atomically).
 * Chat ids only: no titles, names or message text. A damaged file is set aside, never fatal.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsPatch } from '../../shared/model/index.js';
import { writeFileAtomic } from './backup/age-file.js';

export interface SettingsStore {
  get(): Promise<Settings>;
  set(patch: SettingsPatch): Promise<Settings>;
}

export function createSettingsStore(dir: string): SettingsStore {
  const file = path.join(dir, 'settings.json');
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<Settings> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return { ...DEFAULT_SETTINGS };
    }
    try {
      const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(JSON.parse(text) as object) });
      if (parsed.success) return parsed.data;
    } catch {
      // fall through: not JSON
    }
    await rename(file, `${file}.damaged-${Date.now()}`).catch(() => undefined);
    return { ...DEFAULT_SETTINGS };
  };
  return {
    get: read,
    set(patch) {
      // Serialised: two quick toggles must not lose one another.
      const next = queue.then(async () => {
        const merged = SettingsSchema.parse({ ...(await read()), ...patch });
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFileAtomic(file, JSON.stringify(merged) + '\n', 0o600);
        return merged;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
