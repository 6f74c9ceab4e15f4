/**
 * Slack "mrkdwn" (the `text` of exported messages) → plain text.
 *
 * Slack escapes only `&`, `<` and `>` in message text, and writes everything special between
 * `<` and `>`: user mentions `<@U123>` / `<@U123|name>`, channel links `<#C123|general>`, special
 * mentions `<!here>`, `<!subteam^S1|@team>`, dates `<!date^…|fallback>`, and links
 * `<https://x|label>` / `<mailto:a@b|a@b>`. Emphasis markers (`*bold*`, `_italic_`, `~strike~`,
 * backticks) are ordinary characters in plain text and are kept as typed.
 */
import { nfc } from './text.js';

export interface MrkdwnNames {
  /** Display name of a user id, or null when unknown. */
  user(id: string): string | null;
  /** Name of a channel id, or null when unknown. */
  channel(id: string): string | null;
}

const ENTITY: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const unescape = (s: string): string => (s.includes('&') ? s.replace(/&(amp|lt|gt);/g, (m) => ENTITY[m]!) : s);

function token(body: string, names: MrkdwnNames): string {
  const bar = body.indexOf('|');
  const target = bar === -1 ? body : body.slice(0, bar);
  const label = bar === -1 ? null : unescape(body.slice(bar + 1));
  switch (target[0]) {
    case '@': {
      const id = target.slice(1);
      const name = names.user(id);
      return `@${name ?? (label ? label.replace(/^@/, '') : id)}`;
    }
    case '#': {
      const id = target.slice(1);
      return `#${label || names.channel(id) || id}`;
    }
    case '!': {
      // <!here>, <!channel>, <!everyone>; <!subteam^S1|@team> and <!date^…|fallback> carry a label.
      if (label) return label;
      return `@${target.slice(1).split('^')[0]!}`;
    }
    default: {
      const url = unescape(target);
      if (label === null || label === '') return url.replace(/^mailto:/i, '');
      // Auto-linked text (`<http://x.com|x.com>`, `<mailto:a@b|a@b>`) reads as what was typed.
      const bare = (u: string) => u.replace(/^[a-z][a-z0-9+.-]*:(\/\/)?/i, '').replace(/\/$/, '');
      if (label === url || bare(label) === bare(url)) return label;
      return `${label} (${url})`;
    }
  }
}

/** What can stand between `<` and `>`: a mention, a channel, a special command, or a URL. */
const TOKEN = /^(?:[@#!][^\s|]|[a-z][a-z0-9+.-]*:[^\s|])/i;

/** Decodes one mrkdwn string to plain text (NFC). */
export function mrkdwnToText(s: string, names: MrkdwnNames): string {
  if (!s.includes('<') && !s.includes('&')) return nfc(s);
  let out = '';
  let i = 0;
  for (;;) {
    const lt = s.indexOf('<', i);
    if (lt === -1) break;
    const gt = s.indexOf('>', lt + 1);
    if (gt === -1) break;
    const inner = s.indexOf('<', lt + 1);
    const body = s.slice(lt + 1, gt);
    if ((inner !== -1 && inner < gt) || !TOKEN.test(body)) {
      // A stray '<' (Slack would have escaped it): text.
      out += unescape(s.slice(i, lt + 1));
      i = lt + 1;
      continue;
    }
    out += unescape(s.slice(i, lt)) + token(body, names);
    i = gt + 1;
  }
  out += unescape(s.slice(i));
  return nfc(out);
}
