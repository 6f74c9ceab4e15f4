/**
 * The one loop every parser reads a container entry with: chunk by chunk, progress after each,
 * cancellation checked between chunks, and a turn for the event loop every ~20 ms — a stream that
 * always has data ready (memory, zip) resolves through microtasks only, so without that turn a
 * cancel from a timer or IPC could never arrive.
 */
import type { Container } from './types.js';

export interface PumpResult {
  bytes: number;
  /** Set when reading failed part-way (I/O error, missing entry): what was read before still counts. */
  error?: { cause: unknown; reason: string; offset: number; /** The entry could not even be opened. */ atOpen?: true };
}

/** Yields to the event loop when more than ~20 ms passed since the last yield (shareable across files). */
export class Yielder {
  private last = performance.now();
  async maybe(signal: AbortSignal): Promise<void> {
    if (performance.now() - this.last > 20) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.last = performance.now();
    }
    signal.throwIfAborted();
  }
}

/**
 * Feeds every chunk of `entry` to `onChunk`, in order; `onChunk` returning false stops the read.
 * Throws only when `signal` is aborted (or `onChunk` throws); a read error ends the pump and is
 * returned with the offset it happened at.
 */
export async function pumpEntry(
  container: Container,
  entry: string,
  signal: AbortSignal,
  onChunk: (chunk: Buffer) => boolean | void | Promise<boolean | void>,
  onProgress: (bytesRead: number) => void,
  yielder: Yielder = new Yielder(),
): Promise<PumpResult> {
  signal.throwIfAborted();
  let bytes = 0;
  const failed = (cause: unknown, atOpen = false): PumpResult => ({
    bytes,
    error: { cause, reason: reasonOf(cause), offset: bytes, ...(atOpen ? { atOpen: true as const } : {}) },
  });
  let stream;
  try {
    stream = container.open(entry, signal);
  } catch (err) {
    return failed(err, true);
  }
  const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  try {
    for (;;) {
      let step: IteratorResult<Buffer | string>;
      try {
        step = await it.next();
      } catch (err) {
        signal.throwIfAborted();
        if ((err as Error)?.name === 'AbortError') throw err;
        return failed(err);
      }
      if (step.done) break;
      signal.throwIfAborted();
      const chunk = typeof step.value === 'string' ? Buffer.from(step.value, 'utf8') : step.value;
      const go = (await onChunk(chunk)) !== false;
      bytes += chunk.length;
      onProgress(bytes);
      if (!go) break;
      await yielder.maybe(signal);
    }
  } finally {
    stream.destroy();
  }
  return { bytes };
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code ?? e?.message ?? 'error';
}
