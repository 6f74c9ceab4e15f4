/**
 * The report as one self-contained HTML page: no scripts (a CSP meta tag forbids them, and anything else not
 * inline), no external resources, print CSS for A4. Every value goes through `esc()` — chat titles, paths and
 * ids come from exports and are untrusted.
 */
import type { ReportLang, ReportModel, ReportTally } from '../../../shared/model/index.js';
import { chatTypeText, discrepancyKey, formatBytes, formatDate, formatDuration, tr, type TextKey } from './texts.js';

export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root{color-scheme:light}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1b1f24;margin:2rem auto;max-width:70rem;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.75rem 0 .5rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
.meta{color:#555}.verdict{padding:.75rem 1rem;border-radius:6px;font-weight:600;margin:1rem 0}
.ok{background:#e6f4ea;border:1px solid #1e7b34;color:#124d21}.bad{background:#fdecea;border:1px solid #b3261e;color:#6d1610}
table{border-collapse:collapse;width:100%;margin:.25rem 0 1rem}th,td{border:1px solid #d0d4da;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f1f3f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,.hash{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.82em;word-break:break-all}
.wrap{overflow-wrap:anywhere}.sev-loss{color:#b3261e;font-weight:600}.sev-warning{color:#8a5a00}
.note{color:#555;font-size:.9em}details summary{cursor:default}
@page{size:A4;margin:14mm}
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}tr,.verdict{break-inside:avoid}details>*{display:block}th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
`;

const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

export function renderReportHtml(m: ReportModel, lang: ReportLang): string {
  const t = (k: TextKey, vars?: Record<string, string | number>) => esc(tr(lang, k, vars));
  const out: string[] = [];
  const row = (cells: string[], head = false) => `<tr>${cells.map((c) => (head ? `<th>${c}</th>` : c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`;
  const num = (v: number | null | undefined) => `<td class="n">${esc(n(v))}</td>`;

  out.push(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8">`);
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
  out.push(`<meta name="viewport" content="width=device-width,initial-scale=1"><title>${t('title')}</title><style>${CSS}</style></head><body>`);
  out.push(`<h1>${t('title')}</h1><p class="meta">${t('generated')}: ${esc(formatDate(m.generatedAt, lang))} · ${t('appVersion')}: ${esc(m.app.version)}</p>`);
  out.push(`<div class="verdict ${m.nothingLost ? 'ok' : 'bad'}" data-nothing-lost="${m.nothingLost}">${t(m.nothingLost ? 'verdictOk' : 'verdictBad')}</div>`);

  // Summary
  out.push(`<h2>${t('summary')}</h2><table>`);
  out.push(row([t('kind'), t('in'), t('kept'), t('merged'), t('quarantined'), t('excluded'), t('balanced')], true));
  const tallyRow = (label: TextKey, x: ReportTally | null) => {
    if (!x) return row([t(label), ...Array(6).fill('—')]);
    const ok = x.in === x.kept + x.merged + x.quarantined + x.excluded;
    return row([t(label), num(x.in), num(x.kept), num(x.merged), num(x.quarantined), num(x.excluded), t(ok ? 'yes' : 'no')]);
  };
  out.push(tallyRow('contacts', m.totals.contacts), tallyRow('participants', m.totals.participants), tallyRow('chats', m.totals.chats), tallyRow('messages', m.totals.messages));
  out.push(`</table><p class="note">${t('problems')}: ${esc(m.totals.problems)}</p>`);
  const tt = m.totals.target;
  if (tt || m.target) {
    out.push(`<table>`);
    if (m.target) out.push(row([t('homeserver'), `<span class="wrap">${esc(m.target.homeserver ?? '—')}</span>`]), row([t('account'), esc(m.target.userId ?? '—')]));
    if (tt) {
      out.push(row([t('expected'), num(tt.expected)]), row([t('uploaded'), num(tt.uploaded)]), row([t('verified'), num(tt.verified)]), row([t('missing'), num(tt.missing)]));
      out.push(row([t('duplicates'), num(tt.duplicates)]), row([t('mediaChecked'), num(tt.mediaChecked)]), row([t('mediaMismatched'), num(tt.mediaMismatched)]));
    }
    out.push(`</table>`);
  }

  // Discrepancies
  out.push(`<h2>${t('discrepancies')}</h2>`);
  if (!m.discrepancies.length) out.push(`<p>${t('noDiscrepancies')}</p>`);
  else {
    out.push(`<table>${row([t('status'), t('chat'), t('kind'), t('ids')], true)}`);
    const titleOf = new Map(m.chats.map((c) => [c.id, c.title]));
    for (const d of m.discrepancies) {
      const chat = d.chatId ? `${esc(titleOf.get(d.chatId) ?? d.chatId)}<br><code>${esc(d.chatId)}</code>` : '—';
      out.push(row([
        `<td class="sev-${d.severity}">${t(discrepancyKey(d.code))}<br><span class="note">${t(d.severity === 'loss' ? 'severityLoss' : 'severityWarning')}</span></td>`,
        `<td class="wrap">${chat}</td>`, num(d.count), `<td class="hash">${esc(d.ids.join(', ')) || '—'}</td>`,
      ]));
    }
    out.push(`</table>`);
  }

  // Per chat
  out.push(`<h2>${t('perChat')}</h2><p class="note">${t('partsNote')}</p><table>`);
  out.push(row([t('chat'), t('type'), t('in'), t('kept'), t('merged'), t('quarantined'), t('excluded'), t('uploaded'), t('verified'), t('missing'), t('status')], true));
  for (const c of m.chats) {
    const status = c.target ? t(`status${c.target.status[0]!.toUpperCase()}${c.target.status.slice(1)}` as TextKey) : '—';
    out.push(row([
      `<td class="wrap">${esc(c.title)}<br><code>${esc(c.id)}</code></td>`, esc(chatTypeText(lang, c.type)), num(c.messages.in), num(c.messages.kept), num(c.messages.merged), num(c.messages.quarantined),
      num(c.messages.excluded), num(c.target?.uploaded), num(c.target?.verified), num(c.target?.missing), `${status}${c.balanced ? '' : ` · ${t('no')} ${t('balanced')}`}`,
    ]));
  }
  out.push(`</table>`);

  // Sources
  out.push(`<h2>${t('sources')}</h2>`);
  for (const s of m.sources) {
    out.push(`<table>${row([t('source'), `<span class="wrap">${esc(s.path)}</span>`])}${row([t('format'), esc(s.format ?? '—')])}`);
    out.push(`${row([t('files'), `${esc(s.files.length + s.filesOmitted)} · ${esc(formatBytes(s.bytes, lang))}`])}${row([t('digest'), `<span class="hash">${esc(s.digest ?? '—')}</span>`])}</table>`);
    out.push(`<details open><summary>${t('fileHashes')}</summary><table>${row([t('file'), t('size'), 'SHA-256'], true)}`);
    for (const f of s.files) out.push(row([`<td class="wrap">${esc(f.path)}</td>`, num(f.size), `<td class="hash">${f.sha256 ? esc(f.sha256) : `${t('unreadable')}: ${esc(f.error ?? '')}`}</td>`]));
    out.push(`</table>${s.filesOmitted ? `<p class="note">${t('filesOmitted', { n: s.filesOmitted })}</p>` : ''}</details>`);
  }

  // Backups
  out.push(`<h2>${t('backups')}</h2>`);
  if (!m.backups.length) out.push(`<p>${t('noBackups')}</p>`);
  for (const b of m.backups) {
    const checks = ([['written', 'checkWritten'], ['quick', 'checkQuick'], ['full', 'checkFull'], ['sample', 'checkSample']] as const)
      .filter(([k]) => b.checks[k]).map(([k, label]) => `${t(label)}: ${esc(formatDate(b.checks[k], lang))}`);
    if (b.recoveryTestedAt) checks.push(`${t('recoveryTested')}: ${esc(formatDate(b.recoveryTestedAt, lang))}`);
    out.push(`<table>${row([t('file'), `<span class="wrap">${esc(b.file)}</span>${b.exists ? '' : ` (${t('notFound')})`}`])}${row([t('size'), esc(formatBytes(b.size, lang))])}`);
    out.push(`${row(['SHA-256', `<span class="hash">${esc(b.sha256)}</span>`])}${row([t('created'), esc(formatDate(b.created, lang))])}${row([t('checks'), checks.join('<br>') || t('notVerified')])}`);
    for (const c of b.copies) out.push(row([t('copy'), `<span class="wrap">${esc(c.file)}</span>${c.exists ? '' : ` (${t('notFound')})`} · ${esc(formatDate(c.verifiedAt, lang))}`]));
    out.push(`</table>`);
  }

  // Steps
  out.push(`<h2>${t('steps')}</h2><table>${row([t('step'), t('finishedAt'), t('duration')], true)}`);
  for (const [k, label] of [['clean', 'stepClean'], ['backup', 'stepBackup'], ['upload', 'stepUpload'], ['verify', 'stepVerify']] as const) {
    out.push(row([t(label), esc(formatDate(m.steps[k].finishedAt, lang)), esc(formatDuration(m.steps[k].seconds, lang))]));
  }
  out.push(`</table>`);

  // Audit + clean-up
  out.push(`<h2>${t('audit')}</h2><p class="${m.audit.ok ? '' : 'sev-loss'}">`);
  out.push(!m.audit.ok ? t('auditBroken', { line: m.audit.firstBroken ?? 0, reason: m.audit.reason ?? '' }) : m.audit.records ? t('auditOk', { n: m.audit.records, head: m.audit.head ?? '' }) : t('auditEmpty'));
  out.push(`</p><h2>${t('cleanup')}</h2>`);
  if (!m.cleanup) out.push(`<p>${t('cleanupNone')}</p>`);
  else {
    out.push(`<p>${t('cleanupDone', { n: m.cleanup.removed.length, size: formatBytes(m.cleanup.bytes, lang), at: formatDate(m.cleanup.at, lang) })}</p>`);
    if (m.cleanup.scan) out.push(`<p>${m.cleanup.scan.hits.length ? t('cleanupScanHits', { n: m.cleanup.scan.hits.length }) : t('cleanupScanClean', { n: m.cleanup.scan.filesScanned })}</p>`);
    if (m.cleanup.removed.length) {
      out.push(`<table>${row([t('file'), t('kind'), t('size')], true)}`);
      for (const r of m.cleanup.removed) out.push(row([`<td class="wrap">${esc(r.path)}</td>`, esc(r.kind), esc(formatBytes(r.bytes, lang))]));
      out.push(`</table>`);
    }
  }
  out.push(`</body></html>\n`);
  return out.join('');
}
