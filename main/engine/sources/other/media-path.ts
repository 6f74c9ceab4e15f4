/**
 * Media paths that exports write relative to *their* root (Messenger `uri`:
 * `messages/inbox/x_1/photos/1.jpg`, or `your_facebook_activity/messages/…`), resolved against a
 * container that may be rooted elsewhere: at the export root, at a thread folder, at a single file
 * somewhere on disk, or inside a zip whose single top folder was stripped.
 */
import path from 'node:path';
import type { Container } from '../types.js';

/** The folders above the container root, as far as they are known (none for a zip). */
export function outerSegments(container: Container): string[] {
  if (container.kind === 'zip') return [];
  const folder = container.kind === 'file' ? path.dirname(container.path) : container.path;
  return folder.split(/[\\/]+/).filter((s) => s !== '');
}

/**
 * Container-relative paths to try for `uri`, best first. `entryDir` is the folder (relative to the
 * container) of the file that named the media; `outer` the folders above the container root.
 *
 * 1. The export root is the folder above the last occurrence of the uri's first segment in the
 *    entry's own path (`…/messages/inbox/x_1/message_1.json` + `messages/…` → the folder holding
 *    `messages/`); when that root lies above the container root, the uri's leading folders that
 *    lie above it are dropped.
 * 2. Otherwise the uri from the container root, then with its leading folders dropped one by one
 *    (a container rooted inside the export), never down to the bare file name.
 */
export function mediaCandidates(uri: string, entryDir: string, outer: readonly string[]): string[] {
  const u = uri.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (u.length === 0) return [];
  const d = entryDir === '' ? [] : entryDir.split('/');
  const abs = [...outer, ...d];
  const out: string[] = [];
  for (let i = abs.length - 1; i >= 0; i--) {
    if (abs[i] !== u[0]) continue;
    if (i >= outer.length) out.push([...d.slice(0, i - outer.length), ...u].join('/'));
    else {
      const above = outer.length - i;
      if (above < u.length && u.slice(0, above).every((s, k) => s === outer[i + k])) out.push(u.slice(above).join('/'));
    }
    break;
  }
  for (let j = 0; j < Math.max(1, u.length - 1); j++) out.push(u.slice(j).join('/'));
  return [...new Set(out)];
}

/** Resolves `uri` through `container.stat`: the first candidate that exists, with its size. */
export async function resolveMedia(
  container: Container,
  uri: string,
  entryDir: string,
  outer: readonly string[],
): Promise<{ rel: string; size: number } | null> {
  for (const rel of mediaCandidates(uri, entryDir, outer)) {
    const st = await container.stat(rel).catch(() => null);
    if (st) return { rel, size: st.size };
  }
  return null;
}
