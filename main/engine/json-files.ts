/**
 * The engine's own JSON files, read leniently: a record or a line that cannot be read is the business of
 * whoever wrote it (it reported its own problems), so readers here skip it instead of failing.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LineReader } from './clean/line-reader.js';

/** A JSON file's value, or null when it is missing or not JSON. */
export async function readJsonFile<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/**
 * Each line of a JSON Lines file, parsed, in order, through a fixed buffer (LineReader). A line that is not
 * JSON, or whose value `onLine` cannot take (it throws), goes to `onBad` (default: ignored). `onLine`
 * returning false stops the reading. A missing file has no lines.
 */
export function forEachJsonLine<T>(file: string, onLine: (value: T) => unknown, onBad?: (line: string) => void): void {
  if (!existsSync(file)) return;
  const r = new LineReader(file);
  try {
    for (let l = r.next(); l !== null; l = r.next()) {
      let more: unknown;
      try {
        more = onLine(JSON.parse(l) as T);
      } catch {
        onBad?.(l);
        continue;
      }
      if (more === false) return;
    }
  } finally {
    r.close();
  }
}
