/**
 * Why a group exists and where it stands, as catalogue keys with their values: "same phone
 * +7 916 123 45 67", "similar name Иван Петров ~ Ivan Petrov". Pure, so it is tested without a page.
 */
import type { CleanGroupReason, CleanGroupView } from '../../../shared/ipc/clean.js';

export interface Text {
  key: string;
  params?: Record<string, string>;
}

export function reasonText(r: CleanGroupReason): Text {
  switch (r.kind) {
    case 'phone':
      return { key: 'clean.reason.phone', params: { value: r.display } };
    case 'email':
      return { key: 'clean.reason.email', params: { value: r.display } };
    case 'handle':
      return { key: 'clean.reason.handle', params: { value: r.display, network: r.network ?? '' } };
    case 'user-id':
      return { key: 'clean.reason.userId', params: { value: r.display, network: r.network ?? '' } };
    case 'name':
      return { key: r.transliterated ? 'clean.reason.nameTranslit' : 'clean.reason.name', params: { value: r.display } };
  }
}

/** The state of a group in words: what happens to it if the user does nothing more. */
export function statusText(g: Pick<CleanGroupView, 'status' | 'decision' | 'by'>): Text {
  if (g.by === 'user') {
    if (g.decision === 'accept') return { key: 'clean.status.accepted' };
    if (g.decision === 'reject') return { key: 'clean.status.rejected' };
    if (g.decision === 'edit') return { key: 'clean.status.edited' };
  }
  if (g.status === 're-proposed') return { key: 'clean.status.reProposed' };
  if (g.decision === 'accept') return { key: 'clean.status.auto' };
  return { key: 'clean.status.pending' };
}

/** Short tone for the badge colour (never the only signal: the words say it too). */
export function statusTone(g: Pick<CleanGroupView, 'status' | 'decision' | 'by'>): 'ok' | 'warn' | 'muted' {
  if (g.decision === 'reject') return 'muted';
  if (g.by === 'auto' && (g.status === 'pending' || g.status === 're-proposed')) return 'warn';
  return 'ok';
}

/** Splits a text area into values: one per line (commas and semicolons also separate), blanks dropped. */
export function splitValues(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
