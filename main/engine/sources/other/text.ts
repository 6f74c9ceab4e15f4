/**
 * Text repair shared by the non-Telegram parsers: Facebook/Instagram mojibake, HTML/XML markup to
 * plain text (Skype), and NFC.
 */
import { isUtf8 } from 'node:buffer';

/** NFC, skipping the work for pure ASCII. */
export function nfc(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u007f]*$/.test(s) ? s : s.normalize('NFC');
}

/**
 * Facebook and Instagram write every string as its UTF-8 bytes, one `\u00XX` escape per byte
 * (`"\u00d0\u009c"` for "М"). Re-decodes such a string: only when every code point is ≤ 0xFF and
 * the bytes are valid UTF-8 (so real Latin-1 text such as "café" is left alone). NFC either way.
 */
export function repairMojibake(s: string): string {
  let high = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return nfc(s);
    if (c >= 0x80) high = true;
  }
  if (!high) return s;
  const bytes = Buffer.from(s, 'latin1');
  return isUtf8(bytes) ? nfc(bytes.toString('utf8')) : nfc(s);
}

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', laquo: '«', raquo: '»', hellip: '…', ndash: '–',
  mdash: '—', copy: '©', reg: '®', trade: '™', euro: '€', shy: '\u00ad', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
};

/** Decodes HTML character references (named ones from a small table, all numeric ones). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED[ref] ?? NAMED[ref.toLowerCase()] ?? m;
  });
}

const BLOCK_BREAK = new Set(['br', 'p', 'div', 'li', 'tr', 'blockquote']);
/** Elements whose content is never text (dropped entirely). */
const DROPPED = new Set(['script', 'style', 'e_m', 'head', 'title', 'meta']);

/**
 * HTML/XML markup (Skype `content`) → plain text: tags removed (their text kept), `<br>` and block
 * ends as new lines, links as "text (url)" when the text differs from the url, entities decoded.
 * Never returns markup: whatever `<`…`>` survives is text that was escaped in the source.
 */
export function htmlToText(html: string): string {
  if (!html.includes('<') && !html.includes('&')) return nfc(html);
  let out = '';
  let i = 0;
  const n = html.length;
  /** Open elements whose text is dropped, by name. */
  let dropDepth = 0;
  let dropName = '';
  const links: { href: string; start: number }[] = [];
  while (i < n) {
    const lt = html.indexOf('<', i);
    const chunk = lt === -1 ? html.slice(i) : html.slice(i, lt);
    if (dropDepth === 0) out += decodeEntities(chunk);
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    if (html.startsWith('<![CDATA[', lt)) {
      const end = html.indexOf(']]>', lt + 9);
      if (dropDepth === 0) out += html.slice(lt + 9, end === -1 ? n : end);
      i = end === -1 ? n : end + 3;
      continue;
    }
    // A tag starts with '<' right before a letter (or '/' and a letter), as in HTML; '< 3' is text.
    const m = /^<(\/?)([a-zA-Z][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/.exec(html.slice(lt, lt + 4096));
    if (!m) {
      // A lone '<' that starts no tag is text.
      if (dropDepth === 0) out += '<';
      i = lt + 1;
      continue;
    }
    i = lt + m[0].length;
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    const attrs = m[3] ?? '';
    const selfClosing = /\/\s*$/.test(attrs);
    if (dropDepth > 0) {
      if (name === dropName) dropDepth += closing ? -1 : selfClosing ? 0 : 1;
      continue;
    }
    if (DROPPED.has(name)) {
      if (!closing && !selfClosing) {
        dropDepth = 1;
        dropName = name;
      }
      continue;
    }
    if (BLOCK_BREAK.has(name) && (name === 'br' || closing) && !out.endsWith('\n')) out += '\n';
    if (name === 'a') {
      if (!closing) {
        const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(attrs);
        links.push({ href: decodeEntities(href?.[1] ?? href?.[2] ?? ''), start: out.length });
      } else {
        const link = links.pop();
        if (link && link.href) {
          const label = out.slice(link.start);
          if (label.trim() === '') out += link.href;
          else if (label.trim() !== link.href && label.trim() !== link.href.replace(/^[a-z]+:\/\//i, '')) out += ` (${link.href})`;
        }
      }
    }
  }
  return nfc(out.replace(/\n{3,}/g, '\n\n').trim());
}
