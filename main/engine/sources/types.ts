/**
 * The contract between the registry and one parser per export format. A parser never touches the
 * file system directly: it reads through the Container it is given (a folder, a single file or,
 * from the sources issue on, a zip archive), so one parser works for every way a user hands over
 * an export.
 */
import type { Readable } from 'node:stream';
import type { Chat, Contact, FormatId, Message, Problem, SourceKind, SourceOptions, SourceQuestion } from '../../../shared/model/index.js';

export interface ContainerEntry {
  /** Path relative to the container root, with `/` separators. */
  path: string;
  size: number;
}

export interface Container {
  readonly kind: SourceKind;
  /** The path the user gave (absolute). */
  readonly path: string;
  /** Top-level entries (a single file container lists that file). */
  list(): Promise<ContainerEntry[]>;
  /**
   * Every file below the root, recursively (`channel/2024-01-01.json`), at most `limit` of them.
   * For exports made of many files (Slack, Discord package, Messenger). Unsafe entries and
   * symlinks are never listed.
   */
  listAll(limit?: number): Promise<ContainerEntry[]>;
  /** First `max` bytes of an entry (fewer if the entry is smaller). */
  readHead(rel: string, max: number): Promise<Buffer>;
  /** The whole entry as a byte stream, read lazily (never whole in memory). */
  open(rel: string, signal?: AbortSignal): Readable;
  /** Size of an entry, or null when it does not exist (used to link media to messages). */
  stat(rel: string): Promise<{ size: number } | null>;
  /** How to name an entry in problems and provenance (absolute path, or `archive.zip!/entry`). */
  display(rel: string): string;
  close(): Promise<void>;
}

export interface Detection {
  format: FormatId;
  /** 0..1: how sure the detector is. */
  confidence: number;
  /** The entry the parser will read (relative to the container). */
  entry: string;
  /** Variant inside the format (`single-chat`, `full-account`). */
  variant?: string;
  /** Set when only the user can settle how to read it (then `parse` needs the answer in options). */
  question?: SourceQuestion;
  /** Size in bytes of what `parse` will read, when the entry alone does not say (several files). */
  size?: number;
}

/** Where a parser delivers what it reads, one item at a time (exports can be larger than memory). */
export interface SourceSink {
  contact(c: Contact): void;
  /** Once per chat; may come before or after the chat's messages. */
  chat(c: Chat): void;
  message(m: Message): void;
  problem(p: Problem): void;
  /** The account owner's display name, when the export says. */
  owner?(name: string): void;
}

export interface ParseDeps {
  /** Bytes of the entry consumed so far (monotonic). */
  progress(bytesRead: number): void;
  /** The user's answers for this source (date order, time zone); empty when none were given. */
  options?: SourceOptions;
}

export interface SourceFormat {
  id: FormatId;
  /** Cheap: looks at names and the first bytes only. */
  detect(container: Container): Promise<Detection | null>;
  /**
   * Reads the detected entry into the sink. Problems go to `sink.problem`; it throws only on
   * cancellation (`signal.throwIfAborted()`), never on bad input.
   */
  parse(container: Container, detection: Detection, sink: SourceSink, deps: ParseDeps, signal: AbortSignal): Promise<void>;
}
