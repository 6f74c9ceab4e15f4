/**
 * The Content-Security-Policy every host sends with the UI: the Electron `app://` protocol handler
 * (main/electron/protocol.ts) and the loopback web host (main/web). Pure and Electron-free, so both
 * import the very same string (style.md §4 #6).
 *
 * - `default-src 'self'`: scripts, styles, fonts, fetch/WebSocket only from the app's own origin.
 * - `img-src 'self' data: blob:`: previews of avatars/attachments built in the renderer.
 * - `object-src 'none'`, `base-uri 'none'`, `form-action 'none'`, `frame-ancestors 'none'`: no
 *   plugins, no `<base>` hijack, no form posts anywhere, never framed.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
