/**
 * Text encodings of contact exports (formats.md §3, §4): a byte-order mark decides; without one,
 * strict UTF-8; when the bytes are not UTF-8, windows-1251 or windows-1252, chosen by how
 * Cyrillic the non-ASCII letters look. Everything here works incrementally, so a stream split
 * anywhere (even inside a multi-byte character) decodes to the same text.
 */

import { TextDecoder } from 'node:util';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1251' | 'windows-1252';
export type LegacyEncoding = 'windows-1251' | 'windows-1252';

/** How the encoding was settled: a BOM, the bytes were valid UTF-8, a guess, or UTF-16 by its zero bytes. */
export type EncodingReason = 'bom' | 'utf-8' | 'guess' | 'zeros';

export interface Bom {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  length: number;
}

const BOMS: readonly { bytes: readonly number[]; encoding: Bom['encoding'] }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/** The byte-order mark at the start of `b`, if any. */
export function sniffBom(b: Uint8Array): Bom | null {
  for (const bom of BOMS) {
    if (b.length >= bom.bytes.length && bom.bytes.every((x, i) => b[i] === x)) return { encoding: bom.encoding, length: bom.bytes.length };
  }
  return null;
}

/** True while `b` could still grow into a BOM (so a reader must wait for more bytes before deciding). */
export function couldBeBomPrefix(b: Uint8Array): boolean {
  return BOMS.some((bom) => b.length < bom.bytes.length && b.every((x, i) => bom.bytes[i] === x));
}

/**
 * Strict UTF-8 validation, one chunk at a time (the WHATWG decoder's rules: no overlong forms, no
 * surrogates, nothing above U+10FFFF). `invalid` counts bad sequences; `pending` is true when the
 * bytes so far end inside a character.
 */
export class Utf8Validator {
  private need = 0;
  private lower = 0x80;
  private upper = 0xbf;
  invalid = 0;
  /** Stream offset of the first bad byte, or -1. */
  firstInvalid = -1;
  private offset = 0;
  /** Stream offset where the current multi-byte sequence started. */
  private seqStart = 0;

  get pending(): boolean {
    return this.need > 0;
  }

  push(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) {
      const x = b[i]!;
      if (this.need === 0) {
        if (x < 0x80) continue;
        this.seqStart = this.offset + i;
        if (x >= 0xc2 && x <= 0xdf) this.need = 1;
        else if (x >= 0xe0 && x <= 0xef) {
          if (x === 0xe0) this.lower = 0xa0;
          if (x === 0xed) this.upper = 0x9f;
          this.need = 2;
        } else if (x >= 0xf0 && x <= 0xf4) {
          if (x === 0xf0) this.lower = 0x90;
          if (x === 0xf4) this.upper = 0x8f;
          this.need = 3;
        } else this.bad(i);
        continue;
      }
      if (x < this.lower || x > this.upper) {
        // The sequence is broken (reported where it started); this byte starts afresh.
        this.reset();
        this.badAt(this.seqStart);
        i--;
        continue;
      }
      this.lower = 0x80;
      this.upper = 0xbf;
      this.need--;
    }
    this.offset += b.length;
  }

  /** End of input: a character cut off at the end is one more bad sequence. */
  end(): void {
    if (this.need > 0) {
      this.reset();
      this.badAt(this.seqStart);
    }
  }

  private reset(): void {
    this.need = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }

  private bad(i: number): void {
    this.badAt(this.offset + i);
  }

  private badAt(offset: number): void {
    this.invalid++;
    if (this.firstInvalid < 0) this.firstInvalid = offset;
  }
}

/**
 * Whether `b` is valid UTF-8. With `complete: false` the bytes are a head of something longer,
 * so a character cut off at the very end does not count against it.
 */
export function isUtf8(b: Uint8Array, complete = true): boolean {
  const v = new Utf8Validator();
  v.push(b);
  if (complete) v.end();
  return v.invalid === 0;
}

/**
 * Bytes that are letters in windows-1251 (А–я 0xC0–0xFF, Ё ё, Ukrainian/Belarusian letters) or in
 * windows-1252 (À–ÿ, Š Œ Ž š œ ž Ÿ ª º). Other high bytes (quotes, dashes, №, €) separate words.
 */
function isHighLetter(x: number): boolean {
  if (x >= 0xc0) return true;
  switch (x) {
    case 0xa8: case 0xb8: case 0xaa: case 0xba: case 0xaf: case 0xbf: case 0xb2: case 0xb3: case 0xa5: case 0xb4:
    case 0x8a: case 0x8c: case 0x8e: case 0x9a: case 0x9c: case 0x9e: case 0x9f:
      return true;
    default:
      return false;
  }
}

const isAsciiLetter = (x: number) => (x >= 0x41 && x <= 0x5a) || (x >= 0x61 && x <= 0x7a);

/** Word counts behind the windows-1251 / windows-1252 choice. */
export interface LegacyScore {
  /** Words made only of high letters, two or more: Russian words in windows-1251 ("Иван"). */
  cyrillic: number;
  /** Words mixing ASCII letters with high letters: accented Western words in windows-1252 ("Müller"). */
  latin: number;
}

export function emptyScore(): LegacyScore {
  return { cyrillic: 0, latin: 0 };
}

/**
 * Scores bytes that are not UTF-8. In windows-1251 Russian text every letter of a word is a high
 * byte; in windows-1252 text (German, French…) the accented letters sit between ASCII letters.
 */
export function scoreLegacy(b: Uint8Array, into: LegacyScore = emptyScore()): LegacyScore {
  let ascii = 0;
  let high = 0;
  const flush = () => {
    if (high > 0) {
      if (ascii > 0) into.latin++;
      else if (high >= 2) into.cyrillic++;
    }
    ascii = 0;
    high = 0;
  };
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    if (isAsciiLetter(x)) ascii++;
    else if (x >= 0x80 && isHighLetter(x)) high++;
    else flush();
  }
  flush();
  return into;
}

/** windows-1251 unless the words clearly look Western (Pereezd's users mostly write Russian). */
export function chooseLegacy(score: LegacyScore): LegacyEncoding {
  return score.latin > score.cyrillic ? 'windows-1252' : 'windows-1251';
}

/** TextDecoder for a label a file names (`CHARSET=windows-1251`), or null when Node does not know it. */
export function decoderFor(label: string, fatal = false): TextDecoder | null {
  try {
    return new TextDecoder(label.trim(), { fatal });
  } catch {
    return null;
  }
}

/** Count of U+FFFD in a string (replacement characters a non-fatal decoder produced). */
export function countReplacements(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\uFFFD'); i !== -1; i = s.indexOf('\uFFFD', i + 1)) n++;
  return n;
}

export interface AdaptiveDecoderOptions {
  /** Bytes looked at, from the first non-ASCII byte on, before choosing between UTF-8 and legacy. */
  window?: number;
}

const DEFAULT_WINDOW = 64 * 1024;
const ZERO_SNIFF = 64;

/**
 * Decodes a byte stream whose encoding is not declared. ASCII passes through untouched until the
 * first non-ASCII byte (every candidate encoding agrees on ASCII); from there a window of bytes
 * decides: a BOM, else valid UTF-8, else windows-1251 / windows-1252 by `scoreLegacy`. Bytes that
 * are invalid in the chosen encoding become U+FFFD and are counted in `invalid`.
 *
 * The decision depends only on the bytes, never on how they were chunked.
 */
export class AdaptiveDecoder {
  private readonly window: number;
  private state: 'start' | 'ascii' | 'window' | 'decided' = 'start';
  private held: Buffer[] = [];
  private heldLen = 0;
  private decoder: TextDecoder | null = null;
  private validator: Utf8Validator | null = null;
  private _encoding: TextEncodingName | null = null;
  private _reason: EncodingReason | null = null;
  private replacementsFromDecoder = 0;

  constructor(opts: AdaptiveDecoderOptions = {}) {
    this.window = Math.max(4, opts.window ?? DEFAULT_WINDOW);
  }

  /** The chosen encoding; null while the text has been ASCII only (it is then valid in all of them). */
  get encoding(): TextEncodingName | null {
    return this._encoding;
  }

  get reason(): EncodingReason | null {
    return this._reason;
  }

  /** Bad byte sequences replaced by U+FFFD so far. */
  get invalid(): number {
    return (this.validator?.invalid ?? 0) + this.replacementsFromDecoder;
  }

  push(chunk: Uint8Array): string {
    if (chunk.length === 0) return '';
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    switch (this.state) {
      case 'decided':
        return this.decode(buf, false);
      case 'start':
        this.hold(buf);
        return this.afterStart(false);
      case 'ascii':
        return this.ascii(buf, false);
      case 'window':
        this.hold(buf);
        if (this.heldLen >= this.window) return this.decideWindow(false);
        return '';
    }
  }

  end(): string {
    let out = '';
    if (this.state === 'start') out += this.afterStart(true);
    if (this.state === 'window') out += this.decideWindow(true);
    if (this.state === 'decided') out += this.decode(Buffer.alloc(0), true);
    return out;
  }

  private hold(b: Buffer): void {
    this.held.push(b);
    this.heldLen += b.length;
  }

  private takeHeld(): Buffer {
    const all = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldLen);
    this.held = [];
    this.heldLen = 0;
    return all;
  }

  /** Waits for enough bytes to rule out a BOM and to see whether zero bytes mark UTF-16. */
  private afterStart(final: boolean): string {
    // Enough bytes to see a BOM and the zero-byte pattern of UTF-16; fewer only at the end.
    if (!final && this.heldLen < ZERO_SNIFF) return '';
    const all = this.takeHeld();
    const bom = sniffBom(all);
    if (bom) {
      this.decide(bom.encoding, 'bom');
      return this.decode(all.subarray(bom.length), final);
    }
    const zeros = utf16ByZeros(all.subarray(0, ZERO_SNIFF));
    if (zeros) {
      this.decide(zeros, 'zeros');
      return this.decode(all, final);
    }
    this.state = 'ascii';
    return this.ascii(all, final);
  }

  private ascii(b: Buffer, final: boolean): string {
    let i = 0;
    while (i < b.length && b[i]! < 0x80) i++;
    const text = b.toString('latin1', 0, i);
    if (i === b.length) return text;
    this.state = 'window';
    this.hold(b.subarray(i));
    if (final || this.heldLen >= this.window) return text + this.decideWindow(final);
    return text;
  }

  private decideWindow(final: boolean): string {
    const all = this.takeHeld();
    const sample = all.subarray(0, this.window);
    const complete = final && sample.length === all.length;
    if (isUtf8(sample, complete)) this.decide('utf-8', 'utf-8');
    else this.decide(chooseLegacy(scoreLegacy(sample)), 'guess');
    return this.decode(all, final);
  }

  private decide(enc: TextEncodingName, reason: EncodingReason): void {
    this._encoding = enc;
    this._reason = reason;
    this.state = 'decided';
    this.decoder = new TextDecoder(enc, { fatal: false, ignoreBOM: true });
    if (enc === 'utf-8') this.validator = new Utf8Validator();
  }

  private decode(b: Buffer, final: boolean): string {
    const d = this.decoder!;
    if (this.validator) {
      this.validator.push(b);
      if (final) this.validator.end();
      return d.decode(b, { stream: !final });
    }
    const s = d.decode(b, { stream: !final });
    // UTF-16: unpaired surrogates and a lone last byte come out as U+FFFD.
    if (this._encoding === 'utf-16le' || this._encoding === 'utf-16be') this.replacementsFromDecoder += countReplacements(s);
    return s;
  }
}

/** UTF-16 without a BOM: ASCII text then has a zero byte in every other position. */
export function utf16ByZeros(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(b.length / 2);
  if (pairs < 4) return null;
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < b.length; i += 2) {
    if (b[i] === 0 && b[i + 1] !== 0) even++;
    if (b[i + 1] === 0 && b[i] !== 0) odd++;
  }
  if (odd >= pairs * 0.6 && even === 0) return 'utf-16le';
  if (even >= pairs * 0.6 && odd === 0) return 'utf-16be';
  return null;
}

/** Decodes a whole buffer the same way (for detection heads and tests). */
export function decodeAll(b: Uint8Array, opts?: AdaptiveDecoderOptions): { text: string; encoding: TextEncodingName | null; reason: EncodingReason | null; invalid: number } {
  const d = new AdaptiveDecoder(opts);
  const text = d.push(b) + d.end();
  return { text, encoding: d.encoding, reason: d.reason, invalid: d.invalid };
}
