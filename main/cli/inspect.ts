/** `pereezd inspect PATH... [--json]`: what is in these exports, without changing anything. */
import type { InventoryResult, JobProgress, SourceOptions } from '../../shared/model/index.js';
import { runInventory } from '../engine/pipeline/inventory.js';
import type { IProgress } from '../engine/progress.js';

/**
 * The stable `--json` shape. Later issues may add keys, never remove or rename these.
 * `line` is null when the format has no lines or the position is unknown.
 */
export function toInspectJson(r: InventoryResult) {
  return {
    sources: r.sources.map((s) => ({
      path: s.path,
      format: s.format,
      contacts: s.contacts,
      chats: s.chats,
      messages: s.messages,
      events: s.events,
      attachments: s.attachments,
      attachmentsMissing: s.attachmentsMissing,
      problems: s.problems.map((p) => ({ file: p.file, line: p.line ?? null, code: p.code, message: p.message })),
    })),
    totals: {
      contacts: r.totals.contacts,
      chats: r.totals.chats,
      messages: r.totals.messages,
      events: r.totals.events,
      attachments: r.totals.attachments,
      attachmentsMissing: r.totals.attachmentsMissing,
    },
  };
}

const fmt = new Intl.NumberFormat('en-US');

export function formatInspectText(r: InventoryResult): string {
  const lines: string[] = [];
  for (const s of r.sources) {
    lines.push(`${s.path}`);
    lines.push(`  format: ${s.format ?? 'not recognised'}${s.variant ? ` (${s.variant})` : ''}${s.partial ? '  [partial: reading was cancelled]' : ''}`);
    if (s.format) {
      lines.push(
        `  contacts ${fmt.format(s.contacts)} · chats ${fmt.format(s.chats)} · messages ${fmt.format(s.messages)} · events ${fmt.format(s.events)} · attachments ${fmt.format(s.attachments)} (missing ${fmt.format(s.attachmentsMissing)})`,
      );
      const top = [...s.chatList].sort((a, b) => b.messages - a.messages).slice(0, 20);
      for (const c of top) {
        const range = c.firstAt && c.lastAt ? `${c.firstAt.slice(0, 10)} … ${c.lastAt.slice(0, 10)}` : 'no dates';
        lines.push(`    ${c.type.padEnd(8)} ${String(c.messages).padStart(8)} msg ${String(c.attachments).padStart(6)} media  ${range}  ${c.title}`);
      }
      if (s.chatList.length > top.length) lines.push(`    … and ${s.chatList.length - top.length} more chats`);
    }
    for (const p of s.problems.slice(0, 50)) {
      lines.push(`  ${p.severity}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message} [${p.code}]`);
    }
    if (s.problems.length > 50) lines.push(`  … and ${s.problems.length - 50} more problems`);
  }
  const t = r.totals;
  lines.push(
    `total: contacts ${fmt.format(t.contacts)} · chats ${fmt.format(t.chats)} · messages ${fmt.format(t.messages)} · events ${fmt.format(t.events)} · attachments ${fmt.format(t.attachments)} (missing ${fmt.format(t.attachmentsMissing)})`,
  );
  return lines.join('\n') + '\n';
}

/** A progress line on stderr, redrawn at most 5 times a second, only on a terminal. */
export function stderrProgress(stream: NodeJS.WriteStream = process.stderr): IProgress<JobProgress> & { end(): void } {
  let last = 0;
  let shown = false;
  return {
    report(p) {
      if (!stream.isTTY) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const pct = p.total ? ` ${((p.done / p.total) * 100).toFixed(1)}%` : '';
      const mb = (n: number) => (n / 1048576).toFixed(1);
      stream.write(`\r\x1b[2Kreading${pct} (${mb(p.done)}${p.total ? ` of ${mb(p.total)}` : ''} MB, ${fmt.format(p.counters?.messages ?? 0)} messages)`);
      shown = true;
    },
    end() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}

export async function inspectCommand(
  paths: string[],
  json: boolean,
  signal: AbortSignal,
  out: NodeJS.WritableStream = process.stdout,
  options: SourceOptions = {},
): Promise<number> {
  const progress = stderrProgress();
  const result = await runInventory({ paths, options: Object.fromEntries(paths.map((p) => [p, options])) }, { progress }, signal);
  progress.end();
  out.write(json ? JSON.stringify(toInspectJson(result), null, 2) + '\n' : formatInspectText(result));
  const anyRead = result.sources.some((s) => s.format !== null);
  return anyRead ? 0 : 1;
}
