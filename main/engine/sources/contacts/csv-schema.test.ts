import { describe, expect, it } from 'vitest';
import { detectSchema, normalizeHeader, schemaConfidence } from './csv-schema.js';
import { cleanCell, isFiller, splitMulti, stripLabel } from './csv-contacts.js';

const GOOGLE_NEW =
  'First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value'.split(',');
const GOOGLE_LEGACY = 'Name,Given Name,Additional Name,Family Name,Yomi Name,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Name'.split(',');
const OUTLOOK = ['Title', 'First Name', 'Middle Name', 'Last Name', 'Suffix', 'Company', 'E-mail Address', 'E-mail Type', 'Mobile Phone', 'Business Phone', 'Home Phone', 'Notes', 'Birthday', 'Categories'];
const OUTLOOK_RU = ['Обращение', 'Имя', 'Отчество', 'Фамилия', 'Организация', 'Рабочий телефон', 'Домашний телефон', 'Телефон переносной', 'День рождения', 'Заметки', 'Адрес эл. почты', 'Тип эл. почты'];

describe('detectSchema', () => {
  it('recognises Google (current)', () => {
    const m = detectSchema(GOOGLE_NEW);
    expect(m.schema).toBe('google');
    expect(m.matched).toBe(GOOGLE_NEW.length);
    expect(m.roles[GOOGLE_NEW.indexOf('Phone 1 - Value')]).toEqual({ kind: 'phone-value', group: 1 });
    expect(m.roles[GOOGLE_NEW.indexOf('E-mail 1 - Label')]).toEqual({ kind: 'email-label', group: 1 });
  });

  it('recognises Google (legacy)', () => {
    const m = detectSchema(GOOGLE_LEGACY);
    expect(m.schema).toBe('google-legacy');
    expect(m.roles[0]).toEqual({ kind: 'full' });
    expect(m.roles[GOOGLE_LEGACY.indexOf('Phone 1 - Type')]).toEqual({ kind: 'phone-label', group: 1 });
  });

  it('recognises Outlook in English, with typed phone columns', () => {
    const m = detectSchema(OUTLOOK);
    expect(m.schema).toBe('outlook');
    expect(m.roles[OUTLOOK.indexOf('Mobile Phone')]).toEqual({ kind: 'phone', type: 'cell' });
    expect(m.roles[OUTLOOK.indexOf('Business Phone')]).toEqual({ kind: 'phone', type: 'work' });
  });

  it('recognises Outlook with a Russian UI', () => {
    const m = detectSchema(OUTLOOK_RU);
    expect(m.schema).toBe('outlook-ru');
    expect(m.roles[OUTLOOK_RU.indexOf('Телефон переносной')]).toEqual({ kind: 'phone', type: 'cell' });
    expect(m.roles[OUTLOOK_RU.indexOf('Адрес эл. почты')]).toEqual({ kind: 'email' });
  });

  it('handles quotes, BOM, case and spacing in header cells', () => {
    expect(normalizeHeader('\uFEFF"First  Name" ')).toBe('first name');
    expect(detectSchema(OUTLOOK.map((h) => h.toUpperCase())).schema).toBe('outlook');
  });

  it('maps obvious columns of an unknown layout and says how sure it is', () => {
    const m = detectSchema(['ФИО', 'Телефон', 'Почта', 'Город']);
    expect(m.schema).toBe('unknown');
    expect(m.roles).toEqual([{ kind: 'full' }, { kind: 'phone' }, { kind: 'email' }, null]);
    expect(schemaConfidence(m)).toBe(0.35);
    expect(schemaConfidence(detectSchema(['ID', 'Timestamp', 'Contents', 'Attachments']))).toBe(0);
    expect(schemaConfidence(detectSchema(OUTLOOK))).toBe(0.95);
  });
});

describe('cell conventions', () => {
  it('ignores placeholder empties: 0.0.00, 0/0/00, Ложь, False', () => {
    for (const p of ['0.0.00', '0/0/00', 'Ложь', 'False', ' false ']) expect(cleanCell(p), p).toBe('');
    expect(cleanCell('Falsetto')).toBe('Falsetto');
  });

  it('splits ::: multi-values and strips the * label prefix', () => {
    expect(splitMulti('+79160000001 ::: +79030000002')).toEqual(['+79160000001', '+79030000002']);
    expect(splitMulti('* myContacts ::: * starred').map(stripLabel)).toEqual(['myContacts', 'starred']);
    expect(stripLabel('* Work')).toBe('Work');
    expect(stripLabel('Work')).toBe('Work');
  });

  it('treats layout fillers and system labels as saying nothing about the contact', () => {
    for (const f of ['', 'Normal', 'Unspecified', 'Не определен', 'Обычная', '* myContacts ::: * starred', '0.0.00']) expect(isFiller(f), f).toBe(true);
    for (const f of ['Ivan', '* myContacts ::: Friends', '+7 916']) expect(isFiller(f), f).toBe(false);
  });
});
