import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CleanEdit, CleanGroupView } from '../../../shared/ipc/clean.js';
import { formatDate } from '../../i18n/format.js';
import { decide } from './clean-actions.js';
import { useCleanStore } from './clean-store.js';
import { reasonText, splitValues, statusText, statusTone } from './reason-text.js';

const FIELD_TEXT = {
  name: 'clean.detail.field.name',
  phones: 'clean.detail.field.phones',
  emails: 'clean.detail.field.emails',
  org: 'clean.detail.field.org',
  note: 'clean.detail.field.note',
  given: 'clean.detail.field.name',
  family: 'clean.detail.field.name',
} as const;

interface Props {
  group: CleanGroupView;
  /** A run is going: decisions wait for it. */
  locked: boolean;
}

/**
 * One duplicate group, field by field: a column per record (where it comes from), a row per field,
 * the disagreements marked, and what the merge keeps. Merge, keep apart, or edit and merge.
 */
export function GroupDetail({ group, locked }: Props) {
  const { t, i18n } = useTranslation();
  const baseId = useId();
  const busy = useCleanStore((s) => s.busy);
  const select = useCleanStore((s) => s.select);
  // The edit form belongs to one group: showing another leaves it.
  const [editingId, setEditingId] = useState<string | null>(null);
  const editing = editingId === group.id;
  const setEditing = (on: boolean) => setEditingId(on ? group.id : null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const disabled = locked || busy !== null;
  const status = statusText(group);
  const rejected = group.decision === 'reject';

  return (
    <section className="clean-detail" aria-labelledby={`${baseId}-title`} data-testid="group-detail" data-group-id={group.id} data-decision={group.decision}>
      <div className="clean-detail__head">
        <h4 id={`${baseId}-title`} ref={headingRef} tabIndex={-1}>
          {group.name || t('clean.groups.noName')}
        </h4>
        <span className={`clean-badge clean-badge--${group.strength}`}>{t(group.strength === 'strong' ? 'clean.strength.strong' : 'clean.strength.weak')}</span>
        <span className={`clean-badge clean-badge--${statusTone(group)}`} data-testid="detail-status">
          {t(status.key)}
          {!group.applied && <span className="clean-badge__note"> · {t('clean.status.notApplied')}</span>}
        </span>
        <button type="button" className="button button--quiet button--small clean-detail__close" data-testid="detail-close" onClick={() => select(null)}>
          {t('clean.detail.close')}
        </button>
      </div>
      <p className="muted">{t(group.strength === 'strong' ? 'clean.strength.strongHint' : 'clean.strength.weakHint')}</p>
      <ul className="clean-detail__reasons" data-testid="detail-reasons">
        {group.reasons.map((r, i) => {
          const x = reasonText(r);
          return <li key={i}>{t(x.key, x.params)}</li>;
        })}
      </ul>
      {group.decidedAt && group.by === 'user' && (
        <p className="muted" data-testid="detail-decided">
          {t('clean.detail.decidedAt', { date: formatDate(group.decidedAt, i18n.language) })}
        </p>
      )}

      {/* Focusable, so the records beyond the right edge can be scrolled to with the keyboard. */}
      <div className="clean-table-wrap" tabIndex={0} role="region" aria-label={t('clean.detail.fieldsCaption')}>
        <table className="clean-fields" data-testid="detail-fields">
          <caption className="visually-hidden">{t('clean.detail.fieldsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('clean.detail.field.field')}</th>
              <th scope="col" className="clean-fields__merged">
                {rejected ? t('clean.detail.keptApartCol') : t('clean.detail.merged')}
              </th>
              {group.members.map((m) => (
                <th key={m.key} scope="col" title={`${m.source.file}${m.source.line ? `:${m.source.line}` : ''}`}>
                  <span className="clean-fields__kind">{t(m.kind === 'contact' ? 'clean.detail.kind.contact' : 'clean.detail.kind.participant')}</span>
                  <span className="clean-fields__where">
                    {m.source.line ? t('clean.detail.whereLine', { where: m.where, line: m.source.line }) : m.where}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {group.fields.map((f) => (
              <tr key={f.field} className={f.conflict ? 'is-conflict' : ''} data-testid="field-row" data-field={f.field} data-conflict={f.conflict}>
                <th scope="row">
                  {t(FIELD_TEXT[f.field])}
                  {f.conflict && <span className="clean-conflict"> — {t('clean.detail.conflict')}</span>}
                </th>
                <td className="clean-fields__merged" data-testid="field-merged">
                  {rejected ? <span className="muted">—</span> : <Values field={f.field} text={f.merged} />}
                </td>
                {f.values.map((v, i) => (
                  <td key={i}>
                    <Values field={f.field} text={v} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rejected && <p className="note note--info">{t('clean.detail.keptApart')}</p>}

      {editing ? (
        <EditForm
          group={group}
          disabled={disabled}
          onCancel={() => {
            setEditing(false);
            headingRef.current?.focus();
          }}
          onSaved={() => {
            setEditing(false);
            headingRef.current?.focus();
          }}
        />
      ) : (
        <div className="clean-detail__actions" role="group" aria-label={t('clean.detail.actions')}>
          <button
            type="button"
            className={`button${group.decision === 'proposed' ? ' button--primary' : ''}`}
            data-testid="decide-accept"
            disabled={disabled}
            aria-pressed={group.by === 'user' && group.decision === 'accept'}
            onClick={() => void decide('accept', group.id)}
          >
            {t('clean.detail.accept')}
          </button>
          <button
            type="button"
            className="button"
            data-testid="decide-reject"
            disabled={disabled}
            aria-pressed={group.by === 'user' && group.decision === 'reject'}
            onClick={() => void decide('reject', group.id)}
          >
            {t('clean.detail.reject')}
          </button>
          <button type="button" className="button" data-testid="decide-edit" disabled={disabled} onClick={() => setEditing(true)}>
            {t('clean.detail.edit')}
          </button>
          {locked && <p className="muted">{t('clean.detail.locked')}</p>}
        </div>
      )}
    </section>
  );
}

/** A cell's value; phones and e-mails one per line, a phone never broken inside. */
function Values({ field, text }: { field: string; text: string }) {
  if (!text) return <span className="muted">—</span>;
  if (field !== 'phones' && field !== 'emails') return <>{text}</>;
  return (
    <>
      {text.split(', ').map((v, i) => (
        <span key={i} className={`clean-fields__value${field === 'phones' ? ' nowrap' : ''}`}>
          {v}
        </span>
      ))}
    </>
  );
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Edit the merged name, phones, e-mails and organisation, then merge with them. Escape cancels. */
function EditForm({ group, disabled, onCancel, onSaved }: { group: CleanGroupView; disabled: boolean; onCancel: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const baseId = useId();
  const start = group.merged;
  const [name, setName] = useState(start.name);
  const [phones, setPhones] = useState(start.phones.join('\n'));
  const [emails, setEmails] = useState(start.emails.join('\n'));
  const [org, setOrg] = useState(start.org ?? '');
  const [error, setError] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => nameRef.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setError(true);
      nameRef.current?.focus();
      return;
    }
    const edited: CleanEdit = {};
    if (name.trim() !== start.name) edited.name = name.trim();
    const p = splitValues(phones);
    if (!sameList(p, start.phones)) edited.phones = p;
    const m = splitValues(emails);
    if (!sameList(m, start.emails)) edited.emails = m;
    if (org.trim() !== (start.org ?? '')) edited.org = org.trim() || null;
    // Nothing changed: that is a plain merge.
    const ok = Object.keys(edited).length ? await decide('edit', group.id, edited) : await decide('accept', group.id);
    if (ok) onSaved();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  };

  return (
    <form className="clean-edit" aria-labelledby={`${baseId}-title`} data-testid="edit-form" onSubmit={(e) => void submit(e)} onKeyDown={onKeyDown}>
      <h5 id={`${baseId}-title`}>{t('clean.edit.title')}</h5>
      <p className="muted">{t('clean.edit.hint')}</p>
      <label className="field">
        <span className="field__label">{t('clean.edit.name')}</span>
        <input
          ref={nameRef}
          className="input"
          value={name}
          maxLength={500}
          aria-invalid={error}
          aria-describedby={error ? `${baseId}-err` : undefined}
          data-testid="edit-name"
          onChange={(e) => {
            setName(e.target.value);
            setError(false);
          }}
        />
      </label>
      {error && (
        <p className="field__error" id={`${baseId}-err`} role="alert">
          {t('clean.edit.nameRequired')}
        </p>
      )}
      <label className="field">
        <span className="field__label">{t('clean.edit.phones')}</span>
        <textarea className="input" rows={3} value={phones} data-testid="edit-phones" onChange={(e) => setPhones(e.target.value)} />
      </label>
      <label className="field">
        <span className="field__label">{t('clean.edit.emails')}</span>
        <textarea className="input" rows={2} value={emails} data-testid="edit-emails" onChange={(e) => setEmails(e.target.value)} />
      </label>
      <label className="field">
        <span className="field__label">{t('clean.edit.org')}</span>
        <input className="input" value={org} maxLength={500} data-testid="edit-org" onChange={(e) => setOrg(e.target.value)} />
      </label>
      <div className="clean-edit__actions">
        <button type="submit" className="button button--primary" data-testid="edit-save" disabled={disabled}>
          {t('clean.edit.save')}
        </button>
        <button type="button" className="button" data-testid="edit-cancel" onClick={onCancel}>
          {t('clean.edit.cancel')}
        </button>
      </div>
    </form>
  );
}
