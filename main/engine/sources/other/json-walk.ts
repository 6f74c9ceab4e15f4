/**
 * Streaming reads of JSON exports (Slack day files, Skype messages.json, DiscordChatExporter,
 * Messenger message_N.json, Discord package messages.json) on top of the Telegram structural
 * scanner (../telegram/json-scanner.ts, reused as is).
 *
 * A format describes the part of the document it wants as a small tree (`Spec`): objects whose
 * small keys are captured whole and whose big keys are descended into, and arrays whose elements
 * are either captured one by one ("items", parsed in batches) or descended into. Everything else
 * is skipped at scanner speed, so memory stays bounded by the largest single item.
 *
 * `walkEntry` streams one container entry through such a walker: progress in bytes, cancellation
 * between chunks, a yield to the event loop every ~20 ms, and problems (truncated, syntax,
 * unreadable, too large, wrong shape) reported with the file and line. It throws only on
 * cancellation.
 */
import type { Problem } from '../../../../shared/model/index.js';
import {
  CAPTURE,
  type CapturedBatch,
  descendArray,
  descendObject,
  type Frame,
  JsonScanner,
  type ScanError,
  type ScanHandler,
  SKIP,
} from '../telegram/json-scanner.js';
import { pumpEntry as pump, Yielder } from '../pump.js';
import type { Container } from '../types.js';

export type { Frame } from '../telegram/json-scanner.js';

export interface ObjectSpec {
  readonly type: 'object';
  /** A name the callbacks can test (`frame` → `specOf(frame).name`). */
  readonly name?: string;
  /** Keys whose values are captured whole and handed to `field` (`true`: every key not descended into). */
  readonly capture?: readonly string[] | true;
  /** Keys whose values are descended into. */
  readonly children?: Readonly<Record<string, Spec>>;
}

export interface ArraySpec {
  readonly type: 'array';
  readonly name?: string;
  /** `'item'`: every element is captured and handed to `items`; a Spec: elements are descended into. */
  readonly element: Spec | 'item';
}

export type Spec = ObjectSpec | ArraySpec;

export interface WalkItem {
  value: unknown;
  /** 1-based line where the element starts. */
  line: number;
  /** 0-based byte offset of the element in the entry. */
  offset: number;
}

export interface WalkCallbacks<D> {
  /** A descended object or array starts (`parent` is null for the root). */
  open?(frame: Frame<D>, parent: Frame<D> | null, spec: Spec): void;
  /** A descended object or array ends (not called for containers cut short by truncation). */
  close?(frame: Frame<D>, spec: Spec): void;
  /** A captured key of an object (valid JSON only; invalid values are reported and skipped). */
  field?(frame: Frame<D>, key: string, value: unknown, line: number): void;
  /** Consecutive captured elements of an item array (invalid ones are reported and left out). */
  items?(frame: Frame<D>, items: WalkItem[]): void;
}

/** A value that is not valid JSON inside a batch (reported, then dropped). */
const INVALID: unique symbol = Symbol('invalid');

export class JsonWalker<D = unknown> {
  private readonly scanner: JsonScanner<D>;
  private readonly specs: Spec[] = [];
  private readonly roles = new Map<Spec, number>();
  private readonly bigInts: boolean;

  constructor(
    private readonly root: Spec,
    private readonly cb: WalkCallbacks<D>,
    private readonly file: string,
    private readonly report: (p: Problem) => void,
    options: { maxCapture?: number; bigIntsAsStrings?: boolean } = {},
  ) {
    this.bigInts = options.bigIntsAsStrings === true;
    this.index(root);
    this.scanner = new JsonScanner<D>(this.handler(), { maxCapture: options.maxCapture ?? 64 * 1024 * 1024 });
  }

  private index(spec: Spec): void {
    if (this.roles.has(spec)) return;
    this.roles.set(spec, this.specs.length);
    this.specs.push(spec);
    if (spec.type === 'object') for (const child of Object.values(spec.children ?? {})) this.index(child);
    else if (spec.element !== 'item') this.index(spec.element);
  }

  private action(spec: Spec): number {
    const role = this.roles.get(spec)!;
    return spec.type === 'object' ? descendObject(role) : descendArray(role);
  }

  /** The spec a frame was opened with. */
  specOf(frame: Frame<D>): Spec {
    return this.specs[frame.role]!;
  }

  get stopped(): boolean {
    return this.scanner.failed;
  }

  get currentLine(): number {
    return this.scanner.currentLine;
  }

  /** Containers open at the moment, root first (after a truncation: the ones cut short). */
  openFrames(): readonly Frame<D>[] {
    return this.scanner.openFrames();
  }

  push(chunk: Buffer): void {
    this.scanner.push(chunk);
  }

  end(): ScanError | null {
    return this.scanner.end();
  }

  private problem(code: Problem['code'], severity: Problem['severity'], line: number, offset: number, message: string): void {
    this.report({ file: this.file, line, offset, code, severity, message: `${this.file}: ${message}`, params: { line, offset } });
  }

  private text(b: CapturedBatch, start: number, end: number): string {
    const s = b.buf.toString('utf8', start, end);
    return this.bigInts && /\d{16}/.test(s) ? quoteBigInts(s) : s;
  }

  private parse(b: CapturedBatch): unknown[] {
    if (b.count > 1) {
      try {
        const arr = JSON.parse(`[${this.text(b, b.starts[0]!, b.ends[b.count - 1]!)}]`) as unknown[];
        if (arr.length === b.count) return arr;
      } catch {
        // one of them is malformed: parse them one by one
      }
    }
    const out: unknown[] = new Array(b.count);
    for (let i = 0; i < b.count; i++) {
      try {
        out[i] = JSON.parse(this.text(b, b.starts[i]!, b.ends[i]!));
      } catch {
        out[i] = INVALID;
        const line = b.lines[i]!;
        const offset = b.base + b.starts[i]!;
        this.problem('syntax', 'warning', line, offset, `the entry at line ${line} (byte ${offset}) is not valid JSON; it was skipped`);
      }
    }
    return out;
  }

  private handler(): ScanHandler<D> {
    const specs = this.specs;
    return {
      root: () => this.action(this.root),
      key: (parent, key) => {
        const spec = specs[parent.role];
        if (!spec || spec.type !== 'object') return SKIP;
        const child = spec.children?.[key];
        if (child) return this.action(child);
        if (spec.capture === true || spec.capture?.includes(key)) return CAPTURE;
        return SKIP;
      },
      element: (parent) => {
        const spec = specs[parent.role];
        if (!spec || spec.type !== 'array') return SKIP;
        return spec.element === 'item' ? CAPTURE : this.action(spec.element);
      },
      open: (frame, parent) => this.cb.open?.(frame, parent, specs[frame.role]!),
      close: (frame) => this.cb.close?.(frame, specs[frame.role]!),
      captured: (parent, key, b) => {
        if (!parent) return;
        const values = this.parse(b);
        if (parent.isArray) {
          const items: WalkItem[] = [];
          for (let i = 0; i < values.length; i++) {
            if (values[i] !== INVALID) items.push({ value: values[i], line: b.lines[i]!, offset: b.base + b.starts[i]! });
          }
          if (items.length > 0) this.cb.items?.(parent, items);
        } else if (key !== null && values[0] !== INVALID) this.cb.field?.(parent, key, values[0], b.lines[0]!);
      },
      unexpected: (parent, key, expected, line, offset) => {
        const where = parent ? (key !== null ? `"${key}"` : 'a list entry') : 'the document';
        this.problem('bad-value', parent ? 'warning' : 'error', line, offset, `${where} at line ${line} should be an ${expected}; it was skipped`);
      },
      tooLarge: (_parent, _key, line, offset) => {
        this.problem('too-large', 'warning', line, offset, `the entry at line ${line} is too large to read; it was skipped`);
      },
    };
  }
}

/**
 * Puts quotes around integer literals of 16 digits or more in JSON text (outside strings), so
 * `JSON.parse` keeps ids such as Discord snowflakes exactly instead of rounding them to a double.
 */
export function quoteBigInts(s: string): string {
  let out = '';
  let last = 0;
  const n = s.length;
  const digit = (k: number) => {
    const c = s.charCodeAt(k);
    return c >= 0x30 && c <= 0x39;
  };
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string.
      for (i++; i < n; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      continue;
    }
    if (!(digit(i) || (c === 0x2d && i + 1 < n && digit(i + 1)))) continue;
    const start = i;
    let j = c === 0x2d ? i + 1 : i;
    while (j < n && digit(j)) j++;
    const intDigits = j - (c === 0x2d ? start + 1 : start);
    let fraction = false;
    while (j < n && /[0-9.eE+-]/.test(s[j]!)) {
      fraction = true;
      j++;
    }
    if (!fraction && intDigits >= 16) {
      out += `${s.slice(last, start)}"${s.slice(start, j)}"`;
      last = j;
    }
    i = j - 1;
  }
  return last === 0 ? s : out + s.slice(last);
}

export interface WalkOptions {
  signal: AbortSignal;
  /** Integers of 16 digits or more are read as strings (exact ids). */
  bigIntsAsStrings?: boolean;
  /** Shared across the files of one source, so many small files still yield every ~20 ms. */
  yielder?: Yielder;
  /** Bytes of this entry read so far (monotonic). */
  progress?(bytesRead: number): void;
  /** Called after each chunk (async work the callbacks queued, e.g. media lookups). */
  drain?(): Promise<void>;
  maxCapture?: number;
}

export interface WalkResult {
  /** True when the document was read to its end without a structural error. */
  complete: boolean;
  bytes: number;
  /** Containers still open when reading stopped (cut short by truncation or an error). */
  open: readonly Frame<unknown>[];
}

export { Yielder };

/**
 * Streams `entry` of `container` through `chunk`. Returns the bytes read and the read error, if
 * any (then a problem was reported). Throws only on cancellation.
 */
export async function pumpEntry(
  container: Container,
  entry: string,
  chunk: (b: Buffer) => boolean | void,
  report: (p: Problem) => void,
  options: WalkOptions,
  line: () => number | undefined = () => undefined,
): Promise<{ bytes: number; failed: boolean }> {
  const { signal } = options;
  signal.throwIfAborted();
  const file = container.display(entry);
  let read = 0;
  const fail = (err: unknown): void => {
    const reason = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? 'error';
    const l = line();
    report({
      file,
      ...(l ? { line: l } : {}),
      offset: read,
      code: 'unreadable',
      severity: 'error',
      message: `${file}: reading stopped at byte ${read} (${reason})`,
      params: { reason: String(reason), offset: read },
    });
  };
  const r = await pump(
    container,
    entry,
    signal,
    async (buf) => {
      const stop = chunk(buf) === false;
      if (options.drain) await options.drain();
      return !stop;
    },
    (n) => {
      read = n;
      options.progress?.(n);
    },
    options.yielder ?? new Yielder(),
  );
  if (r.error) {
    fail(r.error.cause);
    return { bytes: r.bytes, failed: true };
  }
  return { bytes: r.bytes, failed: false };
}

/** Streams one JSON entry through a walker built from `spec`; see the module comment. */
export async function walkEntry<D>(
  container: Container,
  entry: string,
  spec: Spec,
  cb: WalkCallbacks<D>,
  report: (p: Problem) => void,
  options: WalkOptions,
): Promise<WalkResult> {
  const file = container.display(entry);
  const walker = new JsonWalker<D>(spec, cb, file, report, {
    ...(options.maxCapture ? { maxCapture: options.maxCapture } : {}),
    ...(options.bigIntsAsStrings ? { bigIntsAsStrings: true } : {}),
  });
  const { bytes, failed } = await pumpEntry(
    container,
    entry,
    (b) => {
      walker.push(b);
      return !walker.stopped;
    },
    report,
    options,
    () => walker.currentLine,
  );
  const err = walker.end();
  if (options.drain) await options.drain();
  if (err && !(failed && err.kind === 'truncated')) {
    if (err.kind === 'truncated') {
      report({
        file,
        line: err.line,
        offset: err.offset,
        code: 'truncated',
        severity: 'error',
        message: `${file}: the file ends early (line ${err.line}, byte ${err.offset}); everything before that point was read`,
        params: { line: err.line, offset: err.offset },
      });
    } else {
      report({
        file,
        line: err.line,
        offset: err.offset,
        code: 'syntax',
        severity: 'error',
        message: `${file}: malformed JSON at line ${err.line}, byte ${err.offset} (${err.message}); reading stopped there`,
        params: { line: err.line, offset: err.offset },
      });
    }
  }
  return { complete: !err && !failed, bytes, open: err || failed ? (walker.openFrames() as readonly Frame<unknown>[]) : [] };
}

/** Reads the root keys (and, for item arrays named in `firstOf`, the first element) from a head. */
export function sniffJsonHead(head: Buffer, firstOf: readonly string[] = []): { rootIsObject: boolean; rootIsArray: boolean; keys: Set<string>; first: Map<string, unknown>; firstElement: unknown } {
  const keys = new Set<string>();
  const first = new Map<string, unknown>();
  let rootIsObject = false;
  let rootIsArray = false;
  let firstElement: unknown;
  const ROOT_OBJECT = 1;
  const ROOT_ARRAY = 2;
  const FIRST_OF = 3;
  const handler: ScanHandler<string> = {
    root: () => (head.subarray(0, 16).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('[') ? descendArray(ROOT_ARRAY) : descendObject(ROOT_OBJECT)),
    key: (parent, key) => {
      if (parent.role !== ROOT_OBJECT) return SKIP;
      keys.add(key);
      return firstOf.includes(key) ? descendArray(FIRST_OF) : SKIP;
    },
    element: (parent) => (parent.count === 0 && (parent.role === FIRST_OF || parent.role === ROOT_ARRAY) ? CAPTURE : SKIP),
    open: (frame) => {
      if (frame.role === ROOT_OBJECT) rootIsObject = true;
      if (frame.role === ROOT_ARRAY) rootIsArray = true;
    },
    close: () => {},
    captured: (parent, _key, b) => {
      try {
        const v: unknown = JSON.parse(b.buf.toString('utf8', b.starts[0], b.ends[0]));
        if (parent?.role === ROOT_ARRAY) firstElement = v;
        else if (parent?.key) first.set(parent.key, v);
      } catch {
        // not decisive
      }
    },
    unexpected: () => {},
    tooLarge: () => {},
  };
  const scanner = new JsonScanner(handler, { maxCapture: head.length + 1 });
  scanner.push(head);
  scanner.end();
  return { rootIsObject, rootIsArray, keys, first, firstElement };
}
