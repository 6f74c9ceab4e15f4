/**
 * A resumable, path-aware structural scanner for one large JSON document fed as Buffer chunks.
 *
 * It never builds the whole document. A handler decides, for every value inside a container the
 * scanner was told to descend into, whether to descend into it as well, to capture its bytes (the
 * caller then runs `JSON.parse` on just that slice), or to skip it. Skipping and capturing only
 * track brackets and strings (jumping through strings with `indexOf`), so they run close to memory
 * speed. Consecutive captured elements of one array are handed over as one batch: they are
 * contiguous in the buffer (only commas and whitespace between them), so the caller can parse them
 * with a single `JSON.parse('[' + slice + ']')`.
 *
 * Line numbers count raw newlines outside strings (valid JSON has none inside strings). Offsets are
 * 0-based byte offsets from the start of the input.
 *
 * The scanner never throws on bad input: the first structural error stops it and is available as
 * `error`; `end()` reports a document cut short as `truncated`.
 */

/** Handler actions for a value about to start. */
export const SKIP = 0;
export const CAPTURE = 1;
const DESCEND_OBJECT = 2;
const DESCEND_ARRAY = 3;
/** Descend into an object value, giving its frame `role`. */
export const descendObject = (role: number): number => (role << 2) | DESCEND_OBJECT;
/** Descend into an array value, giving its frame `role`. */
export const descendArray = (role: number): number => (role << 2) | DESCEND_ARRAY;

// Frame states.
const OBJ_KEY_OR_END = 0;
const OBJ_KEY = 1;
const OBJ_COLON = 2;
const OBJ_VALUE = 3;
const OBJ_COMMA_OR_END = 4;
const ARR_VALUE_OR_END = 5;
const ARR_VALUE = 6;
const ARR_COMMA_OR_END = 7;

// Modes.
const M_STRUCT = 0; // between tokens of a descended container
const M_KEY = 1; // inside a key of a descended object
const M_VALUE = 2; // inside a value being skipped or captured

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Bytes that may appear in a number or in true/false/null. */
const PRIMITIVE = new Uint8Array(256);
for (const ch of '0123456789-+.eEtrufalsn') PRIMITIVE[ch.charCodeAt(0)] = 1;
const PRIMITIVE_START = new Uint8Array(256);
for (const ch of '0123456789-tfn') PRIMITIVE_START[ch.charCodeAt(0)] = 1;

export interface Frame<D> {
  readonly isArray: boolean;
  readonly role: number;
  /** Key of this container in its parent object (null for array elements and the root). */
  readonly key: string | null;
  /** Index in the parent array (-1 when the parent is an object or there is none). */
  readonly index: number;
  /** 1-based line and 0-based byte offset of the opening bracket. */
  readonly line: number;
  readonly offset: number;
  /** Keys (objects) or elements (arrays) started so far. */
  count: number;
  /** Free slot for the handler. */
  data: D | undefined;
  /** @internal */
  state: number;
  /** @internal key whose value comes next */
  pendingKey: string | null;
  /** @internal action for that value */
  pendingAction: number;
}

/**
 * Captured values, valid only during the `captured` call (the buffer is reused afterwards).
 * `starts[i]..ends[i]` are byte ranges in `buf`; `base + starts[i]` is the absolute offset.
 */
export interface CapturedBatch {
  buf: Buffer;
  base: number;
  count: number;
  starts: number[];
  ends: number[];
  lines: number[];
}

export interface ScanHandler<D> {
  /** Action for the root value (usually `descendObject(role)`). */
  root(): number;
  /** Action for the value of `key` in a descended object. */
  key(parent: Frame<D>, key: string): number;
  /** Action for the next element (index `parent.count`) of a descended array. */
  element(parent: Frame<D>): number;
  open(frame: Frame<D>, parent: Frame<D> | null): void;
  close(frame: Frame<D>): void;
  /**
   * Captured values. For an array parent, one or more consecutive elements; for an object parent
   * (or the root), exactly one value with `key`.
   */
  captured(parent: Frame<D> | null, key: string | null, batch: CapturedBatch): void;
  /** A value the handler wanted to descend into is not an object/array; it is skipped. */
  unexpected(parent: Frame<D> | null, key: string | null, expected: 'object' | 'array', line: number, offset: number): void;
  /** A value to capture is larger than `maxCapture`; it is skipped. */
  tooLarge(parent: Frame<D> | null, key: string | null, line: number, offset: number): void;
}

export interface ScanError {
  kind: 'syntax' | 'truncated';
  line: number;
  offset: number;
  message: string;
}

export interface ScannerOptions {
  /** Largest single captured value kept in memory (bytes); bigger ones are skipped and reported. */
  maxCapture?: number;
  /** Deepest nesting accepted inside a skipped or captured value. */
  maxDepth?: number;
}

export class JsonScanner<D = unknown> {
  /** The first structural error (scanning stops there), or the truncation found by `end()`. */
  error: ScanError | null = null;
  /** True once the root value has been read completely. */
  rootDone = false;

  private readonly maxCapture: number;
  private readonly maxDepth: number;
  private readonly stack: Frame<D>[] = [];

  private buf: Buffer = Buffer.alloc(0);
  /** Owned storage used when bytes must be kept across chunks. */
  private own: Buffer | null = null;
  private bufIsOwn = false;
  /** Absolute offset of buf[0]. */
  private base = 0;
  private pos = 0;
  private line = 1;
  private mode = M_STRUCT;
  private started = false;

  // The value being skipped or captured.
  private vCapture = false;
  private vPrim = false;
  private vInStr = false;
  private vDepth = 0;
  private vStack = new Uint8Array(64);
  private vStart = 0;
  private vLine = 1;
  private vParent: Frame<D> | null = null;
  private vKey: string | null = null;
  /** Backslashes before this index belong to an earlier, already-decided part of the string. */
  private strFloor = 0;

  // The key being read.
  private keyStart = 0;

  // The pending batch of captured array elements.
  private readonly batch: CapturedBatch = { buf: this.buf, base: 0, count: 0, starts: [], ends: [], lines: [] };
  private batchFrame: Frame<D> | null = null;
  private readonly single: CapturedBatch = { buf: this.buf, base: 0, count: 1, starts: [0], ends: [0], lines: [0] };

  constructor(private readonly handler: ScanHandler<D>, options: ScannerOptions = {}) {
    this.maxCapture = options.maxCapture ?? 64 * 1024 * 1024;
    this.maxDepth = options.maxDepth ?? 100_000;
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.base + this.buf.length;
  }

  /** Containers open at the moment (root first). */
  openFrames(): readonly Frame<D>[] {
    return this.stack;
  }

  /** Current 1-based line. */
  get currentLine(): number {
    return this.line;
  }

  /** True once scanning stopped on a syntax error. */
  get failed(): boolean {
    return this.error !== null;
  }

  push(chunk: Buffer): void {
    if (this.error || chunk.length === 0) return;
    this.swapIn(chunk);
    this.run();
    this.flush();
  }

  /** Call after the last chunk. Sets `error` to a truncation if the root is not complete. */
  end(): ScanError | null {
    if (this.error) return this.error;
    // Only a scalar root can end at the end of input; inside a container it may have been cut.
    if (this.mode === M_VALUE && this.vPrim && this.stack.length === 0) this.valueDone(this.buf.length);
    this.flush();
    if (this.error) return this.error;
    if (!this.rootDone) {
      const offset = this.base + this.buf.length;
      this.error = {
        kind: 'truncated',
        line: this.line,
        offset,
        message: this.started ? `the data ends early, at byte ${offset}` : 'there is no data',
      };
    }
    return this.error;
  }

  /** Makes `buf` the bytes to scan next, keeping whatever a value or key in progress needs. */
  private swapIn(chunk: Buffer): void {
    const old = this.buf;
    let keep = -1;
    if (this.mode === M_VALUE && this.vCapture) keep = this.vStart;
    else if (this.mode === M_KEY) keep = this.keyStart;

    if (keep >= 0 && this.mode === M_VALUE && this.vCapture && old.length - keep + chunk.length > this.maxCapture) {
      // Too large to keep: skip the rest of it.
      this.handler.tooLarge(this.vParent, this.vKey, this.vLine, this.base + this.vStart);
      this.vCapture = false;
      keep = -1;
    }
    if (keep >= 0 && this.mode === M_KEY && old.length - keep + chunk.length > this.maxCapture) {
      this.fail('a key is too long', this.base + this.keyStart);
      return;
    }

    if (keep < 0) {
      let escaped = false;
      if (this.mode === M_VALUE && this.vInStr) {
        // An odd run of backslashes at the very end escapes the first byte of the next chunk.
        let k = old.length - 1;
        while (k >= this.strFloor && old[k] === BACKSLASH) k--;
        escaped = ((old.length - 1 - k) & 1) === 1;
      }
      this.base += old.length;
      this.buf = chunk;
      this.bufIsOwn = false;
      this.pos = escaped ? 1 : 0;
      this.strFloor = this.pos;
      return;
    }

    const keptLen = old.length - keep;
    const need = keptLen + chunk.length;
    let own = this.own;
    if (this.bufIsOwn && own && own.length >= need) {
      if (keep > 0) own.copyWithin(0, keep, old.length);
    } else {
      const fresh = Buffer.allocUnsafe(Math.max(need * 2, 1 << 16));
      old.copy(fresh, 0, keep);
      own = this.own = fresh;
    }
    chunk.copy(own, keptLen);
    this.buf = own.subarray(0, need);
    this.bufIsOwn = true;
    this.base += keep;
    this.pos -= keep;
    this.vStart -= keep;
    this.keyStart -= keep;
    this.strFloor -= keep;
    if (this.strFloor < 0) this.strFloor = 0;
  }

  private run(): void {
    const n = this.buf.length;
    while (this.pos < n && !this.error) {
      if (this.mode === M_VALUE) this.scanValue();
      else if (this.mode === M_STRUCT) this.scanStruct();
      else this.scanKey();
    }
  }

  private fail(message: string, offset: number): void {
    if (this.error) return;
    this.flush();
    this.error = { kind: 'syntax', line: this.line, offset, message };
  }

  /** Hands over the pending batch of captured elements. */
  private flush(): void {
    const b = this.batch;
    if (b.count === 0) return;
    b.buf = this.buf;
    b.base = this.base;
    const parent = this.batchFrame;
    try {
      this.handler.captured(parent, null, b);
    } finally {
      b.count = 0;
      b.starts.length = 0;
      b.ends.length = 0;
      b.lines.length = 0;
      this.batchFrame = null;
    }
  }

  private scanStruct(): void {
    const buf = this.buf;
    const n = buf.length;
    let pos = this.pos;
    while (pos < n) {
      const c = buf[pos]!;
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        pos++;
        continue;
      }
      if (c === 0x0a) {
        this.line++;
        pos++;
        continue;
      }
      if (!this.started && this.base + pos < 3 && (c === 0xef || c === 0xbb || c === 0xbf)) {
        pos++; // a UTF-8 byte order mark before the document
        continue;
      }
      const f = this.stack.length > 0 ? this.stack[this.stack.length - 1]! : null;
      if (!f) {
        this.pos = pos;
        if (this.rootDone) return this.fail('unexpected data after the end of the document', this.base + pos);
        this.started = true;
        this.beginValue(null, null, this.handler.root(), c);
        return;
      }
      switch (f.state) {
        case OBJ_KEY_OR_END:
        case OBJ_KEY:
          if (c === 0x7d && f.state === OBJ_KEY_OR_END) {
            this.pos = pos + 1;
            this.closeFrame();
            return;
          }
          if (c === QUOTE) {
            this.keyStart = pos;
            this.pos = pos + 1;
            this.strFloor = pos + 1;
            this.mode = M_KEY;
            return;
          }
          this.pos = pos;
          return this.fail(`expected a key, found ${describe(c)}`, this.base + pos);
        case OBJ_COLON:
          if (c === 0x3a) {
            f.state = OBJ_VALUE;
            pos++;
            continue;
          }
          this.pos = pos;
          return this.fail(`expected ':', found ${describe(c)}`, this.base + pos);
        case OBJ_VALUE:
          this.pos = pos;
          f.state = OBJ_COMMA_OR_END;
          this.beginValue(f, f.pendingKey, f.pendingAction, c);
          return;
        case OBJ_COMMA_OR_END:
          if (c === 0x2c) {
            f.state = OBJ_KEY;
            pos++;
            continue;
          }
          if (c === 0x7d) {
            this.pos = pos + 1;
            this.closeFrame();
            return;
          }
          this.pos = pos;
          return this.fail(`expected ',' or '}', found ${describe(c)}`, this.base + pos);
        case ARR_VALUE_OR_END:
        case ARR_VALUE: {
          if (c === 0x5d && f.state === ARR_VALUE_OR_END) {
            this.pos = pos + 1;
            this.closeFrame();
            return;
          }
          this.pos = pos;
          f.state = ARR_COMMA_OR_END;
          const action = this.handler.element(f);
          f.count++;
          this.beginValue(f, null, action, c);
          return;
        }
        case ARR_COMMA_OR_END:
          if (c === 0x2c) {
            f.state = ARR_VALUE;
            pos++;
            continue;
          }
          if (c === 0x5d) {
            this.pos = pos + 1;
            this.closeFrame();
            return;
          }
          this.pos = pos;
          return this.fail(`expected ',' or ']', found ${describe(c)}`, this.base + pos);
        default:
          this.pos = pos;
          return this.fail('internal scanner state', this.base + pos);
      }
    }
    this.pos = pos;
  }

  private closeFrame(): void {
    const f = this.stack[this.stack.length - 1]!;
    if (this.batchFrame === f) this.flush();
    this.stack.pop();
    this.handler.close(f);
    if (this.stack.length === 0) this.rootDone = true;
  }

  private beginValue(parent: Frame<D> | null, key: string | null, action: number, c: number): void {
    const pos = this.pos;
    if (this.batch.count > 0 && (action !== CAPTURE || parent !== this.batchFrame)) this.flush();
    const kind = action & 3;
    if (kind === DESCEND_OBJECT || kind === DESCEND_ARRAY) {
      const isArray = kind === DESCEND_ARRAY;
      if (c === (isArray ? 0x5b : 0x7b)) {
        const frame: Frame<D> = {
          isArray,
          role: action >> 2,
          key,
          index: parent && parent.isArray ? parent.count - 1 : -1,
          line: this.line,
          offset: this.base + pos,
          count: 0,
          data: undefined,
          state: isArray ? ARR_VALUE_OR_END : OBJ_KEY_OR_END,
          pendingKey: null,
          pendingAction: SKIP,
        };
        this.stack.push(frame);
        this.pos = pos + 1;
        this.mode = M_STRUCT;
        this.handler.open(frame, parent);
        return;
      }
      this.handler.unexpected(parent, key, isArray ? 'array' : 'object', this.line, this.base + pos);
      action = SKIP;
    }
    this.vCapture = action === CAPTURE;
    this.vParent = parent;
    this.vKey = key;
    this.vStart = pos;
    this.vLine = this.line;
    if (c === 0x7b || c === 0x5b) {
      this.vStack[0] = c;
      this.vDepth = 1;
      this.vInStr = false;
      this.vPrim = false;
      this.pos = pos + 1;
    } else if (c === QUOTE) {
      this.vDepth = 0;
      this.vInStr = true;
      this.vPrim = false;
      this.pos = pos + 1;
      this.strFloor = pos + 1;
    } else if (PRIMITIVE_START[c] === 1) {
      this.vDepth = 0;
      this.vInStr = false;
      this.vPrim = true;
    } else {
      return this.fail(`unexpected ${describe(c)}`, this.base + pos);
    }
    this.mode = M_VALUE;
  }

  /** The hot loop: skips or delimits one value, jumping through strings with indexOf. */
  private scanValue(): void {
    const buf = this.buf;
    const n = buf.length;
    let pos = this.pos;
    if (this.vPrim) {
      while (pos < n) {
        const c = buf[pos]!;
        if (c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          this.pos = pos;
          this.valueDone(pos);
          return;
        }
        if (PRIMITIVE[c] !== 1) {
          this.pos = pos;
          return this.fail(`unexpected ${describe(c)} in a value`, this.base + pos);
        }
        pos++;
      }
      this.pos = pos;
      return;
    }
    let depth = this.vDepth;
    let inStr = this.vInStr;
    let floor = this.strFloor;
    let line = this.line;
    let stack = this.vStack;
    while (pos < n) {
      if (inStr) {
        const j = buf.indexOf(QUOTE, pos);
        if (j === -1) {
          pos = n;
          break;
        }
        let k = j - 1;
        while (k >= floor && buf[k] === BACKSLASH) k--;
        pos = j + 1;
        if (((j - 1 - k) & 1) === 1) continue; // an escaped quote
        inStr = false;
        if (depth === 0) {
          this.line = line;
          this.vInStr = false;
          this.pos = pos;
          this.valueDone(pos);
          return;
        }
        continue;
      }
      const c = buf[pos++]!;
      if (c === QUOTE) {
        inStr = true;
        floor = pos;
      } else if (c === 0x7b || c === 0x5b) {
        if (depth === stack.length) {
          if (depth >= this.maxDepth) {
            this.line = line;
            this.pos = pos;
            return this.fail('nesting is too deep', this.base + pos - 1);
          }
          const bigger = new Uint8Array(stack.length * 2);
          bigger.set(stack);
          stack = this.vStack = bigger;
        }
        stack[depth++] = c;
      } else if (c === 0x7d || c === 0x5d) {
        if (stack[depth - 1] !== c - 2) {
          this.line = line;
          this.pos = pos;
          return this.fail(`unexpected ${describe(c)}`, this.base + pos - 1);
        }
        if (--depth === 0) {
          this.line = line;
          this.vDepth = 0;
          this.vInStr = false;
          this.pos = pos;
          this.valueDone(pos);
          return;
        }
      } else if (c === 0x0a) line++;
    }
    this.pos = pos;
    this.line = line;
    this.vDepth = depth;
    this.vInStr = inStr;
    this.strFloor = floor;
  }

  private valueDone(end: number): void {
    const parent = this.vParent;
    this.mode = M_STRUCT;
    if (!parent) this.rootDone = true;
    if (!this.vCapture) return;
    if (parent && parent.isArray) {
      const b = this.batch;
      this.batchFrame = parent;
      b.starts.push(this.vStart);
      b.ends.push(end);
      b.lines.push(this.vLine);
      b.count++;
      return;
    }
    const s = this.single;
    s.buf = this.buf;
    s.base = this.base;
    s.starts[0] = this.vStart;
    s.ends[0] = end;
    s.lines[0] = this.vLine;
    this.handler.captured(parent, this.vKey, s);
  }

  private scanKey(): void {
    const buf = this.buf;
    const n = buf.length;
    let pos = this.pos;
    const floor = this.strFloor;
    for (;;) {
      const j = buf.indexOf(QUOTE, pos);
      if (j === -1) {
        this.pos = n;
        return;
      }
      let k = j - 1;
      while (k >= floor && buf[k] === BACKSLASH) k--;
      pos = j + 1;
      if (((j - 1 - k) & 1) === 1) continue;
      break;
    }
    const start = this.keyStart;
    let key: string;
    const bs = buf.indexOf(BACKSLASH, start);
    if (bs !== -1 && bs < pos - 1) {
      try {
        key = JSON.parse(buf.toString('utf8', start, pos)) as string;
      } catch {
        this.pos = pos;
        return this.fail('a key is not a valid string', this.base + start);
      }
    } else key = buf.toString('utf8', start + 1, pos - 1);
    const f = this.stack[this.stack.length - 1]!;
    f.count++;
    f.pendingKey = key;
    f.state = OBJ_COLON;
    this.pos = pos;
    this.mode = M_STRUCT;
    f.pendingAction = this.handler.key(f, key);
  }
}

function describe(c: number): string {
  if (c >= 0x21 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
