import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en.js';
import { ru } from '../../i18n/ru.js';
import { reasonText, splitValues, statusText, statusTone } from './reason-text.js';

/** The catalogue text for a key, with its values filled in, as i18next would. */
function render(catalogue: unknown, t: { key: string; params?: Record<string, string> }): string {
  let node: unknown = catalogue;
  for (const part of t.key.split('.')) node = (node as Record<string, unknown>)[part];
  expect(typeof node, t.key).toBe('string');
  return (node as string).replace(/\{\{(\w+)\}\}/g, (_, k: string) => t.params?.[k] ?? `{{${k}}}`);
}

describe('a group’s reasons in words', () => {
  it('says why, with the value as the user knows it, in both languages', () => {
    const phone = reasonText({ kind: 'phone', value: '+79161234567', display: '+7 916 123 45 67', members: [] });
    expect(render(en, phone)).toBe('same phone +7 916 123 45 67');
    expect(render(ru, phone)).toBe('общий телефон +7 916 123 45 67');
    const email = reasonText({ kind: 'email', value: 'ivan@example.ru', display: 'ivan@example.ru', members: [] });
    expect(render(en, email)).toBe('same e-mail ivan@example.ru');
    const account = reasonText({ kind: 'user-id', value: 'tg:user1001', display: 'user1001', network: 'Telegram', members: [] });
    expect(render(en, account)).toBe('same Telegram account user1001');
    expect(render(ru, account)).toBe('общий аккаунт в Telegram: user1001');
    const handle = reasonText({ kind: 'handle', value: 'tg:ivanp', display: '@ivanp', network: 'Telegram', members: [] });
    expect(render(en, handle)).toBe('same Telegram username @ivanp');
    const translit = reasonText({ kind: 'name', value: 'ivan petrov', display: 'Иван Петров ~ Ivan Petrov', transliterated: true, members: [] });
    expect(render(en, translit)).toBe('similar name in Cyrillic and Latin: Иван Петров ~ Ivan Petrov');
    expect(render(ru, translit)).toBe('похожее имя кириллицей и латиницей: Иван Петров ~ Ivan Petrov');
    const same = reasonText({ kind: 'name', value: 'ivan petrov', display: 'Иван Петров', transliterated: false, members: [] });
    expect(render(en, same)).toBe('similar name: Иван Петров');
  });

  it('says what happens to the group if the user does nothing more', () => {
    const cases: [Parameters<typeof statusText>[0], string, string][] = [
      [{ status: 'auto', decision: 'accept', by: 'auto' }, 'merged automatically', 'ok'],
      [{ status: 'pending', decision: 'proposed', by: 'auto' }, 'waiting for you', 'warn'],
      [{ status: 're-proposed', decision: 'proposed', by: 'auto' }, 'changed since you decided: please decide again', 'warn'],
      [{ status: 'decided', decision: 'accept', by: 'user' }, 'merged (your decision)', 'ok'],
      [{ status: 'decided', decision: 'reject', by: 'user' }, 'kept apart (your decision)', 'muted'],
      [{ status: 'decided', decision: 'edit', by: 'user' }, 'merged with your changes', 'ok'],
    ];
    for (const [g, text, tone] of cases) {
      expect(render(en, statusText(g))).toBe(text);
      expect(statusTone(g)).toBe(tone);
    }
  });

  it('reads phones and e-mails typed one per line (or with commas), blanks dropped', () => {
    expect(splitValues('+7 916 123-45-67\n\n 8 903 111 22 33 ,ivan@example.ru;')).toEqual(['+7 916 123-45-67', '8 903 111 22 33', 'ivan@example.ru']);
    expect(splitValues('   ')).toEqual([]);
  });
});
