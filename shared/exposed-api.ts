/**
 * What the desktop preload exposes as `window.pereezd`: the contract-derived PereezdApi plus one
 * Electron-only helper, `pathForFile`, which turns a dropped or picked `File` into its path on disk
 * (a sandboxed renderer has no other way to learn it; preload uses `webUtils.getPathForFile`).
 *
 * Why a type parameter for the file: shared/ compiles without the DOM lib (style.md §3), so `File`
 * does not exist here, and putting the type in preload/ would make the renderer import preload
 * (forbidden, and it would drag Electron's types into the renderer build). So the caller names
 * the type: preload implements `ExposedApi<File>` (checked against webUtils), the renderer
 * declares `window.pereezd: ExposedApi<File>`. The default `unknown` stays correct for anyone
 * else: any value may be passed, and preload throws for anything that is not a real File.
 */
import type { PereezdApi } from './api.js';

/** The global the preload exposes; only renderer/api-client.ts reads it (lint enforces). */
export const EXPOSED_API_KEY = 'pereezd';

export type ExposedApi<TFile = unknown> = PereezdApi & {
  /** Absolute path of a `File` from a drop or a file input; '' when the File is not backed by disk. */
  pathForFile(file: TFile): string;
};
