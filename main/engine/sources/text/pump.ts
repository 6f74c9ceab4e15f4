/**
 * Reads one container entry as a byte stream, chunk by chunk: reports progress, checks for
 * cancellation between chunks and gives the event loop a turn every ~20 ms, so a 100 MB file
 * neither blocks the host nor needs to fit in memory.
 */
import type { Container } from '../types.js';

export interface PumpResult {
  bytes: number;
  /** Set when reading failed part-way (I/O error, missing entry): what was read before still counts. */
  error?: { reason: string; offset: number };
}

const YIELD_MS = 20;

export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Feeds every chunk of `entry` to `onChunk` (synchronously, in order). Throws only when `signal`
 * is aborted; a read error ends the pump and is returned.
 */
export async function pumpEntry(
  container: Container,
  entry: string,
  signal: AbortSignal,
  onChunk: (chunk: Buffer) => void,
  onProgress: (bytesRead: number) => void,
): Promise<PumpResult> {
  signal.throwIfAborted();
  let bytes = 0;
  let last = Date.now();
  let stream;
  try {
    stream = container.open(entry, signal);
  } catch (err) {
    return { bytes, error: { reason: reasonOf(err), offset: 0 } };
  }
  try {
    for await (const raw of stream) {
      const chunk: Buffer = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : (raw as Buffer);
      onChunk(chunk);
      bytes += chunk.length;
      onProgress(bytes);
      signal.throwIfAborted();
      const now = Date.now();
      if (now - last >= YIELD_MS) {
        await yieldToLoop();
        signal.throwIfAborted();
        last = Date.now();
      }
    }
  } catch (err) {
    signal.throwIfAborted();
    return { bytes, error: { reason: reasonOf(err), offset: bytes } };
  } finally {
    stream.destroy();
  }
  return { bytes };
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  return e?.code ?? e?.message ?? 'error';
}
