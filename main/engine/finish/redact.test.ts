import { describe, expect, it } from 'vitest';
import { createRedactor, redact } from './redact.js';

describe('redact', () => {
  const planted = {
    secret: 'AGE-SECRET-KEY-1QQQ5Y8R6G5FZ8ZKX3V0LNYJ6Y3R3W6N0M9S7TC4XJ2Z9U0AT9HSQ7DJ0K',
    matrix: 'syt_aXZhbg_hHkAbCdEfGhIjKlMnOpQr_1a2b3c',
    bearer: 'Authorization: Bearer abcDEF123456789xyz',
    phone: '+7 (912) 345-67-89',
    phone2: '8 912 345 67 89',
    email: 'ivan.petrov@example.org',
  };

  it('replaces secrets, tokens, phones and e-mails, keeps dates, versions and SHA-256 values', () => {
    const text = `key ${planted.secret} tok ${planted.matrix} ${planted.bearer} call ${planted.phone} or ${planted.phone2}, mail ${planted.email}; access_token=abcd1234efgh`;
    const out = redact(text);
    for (const v of [planted.secret, planted.matrix, 'abcDEF123456789xyz', planted.phone, planted.phone2, planted.email, 'abcd1234efgh']) expect(out).not.toContain(v);
    expect(out).toContain('[redacted:secret]');
    expect(out).toContain('[redacted:phone]');
    expect(out).toContain('[redacted:email]');
    const keep = `2024-01-31T09:00:00.000Z 1.2.3 ${'ab12'.repeat(16)} 123 messages`;
    expect(redact(keep)).toBe(keep);
  });

  it('replaces known names and titles anywhere, and whole values under personal keys', () => {
    const r = createRedactor({ known: ['Иван Петров', 'Секретный чат'], home: '/home/ivan', user: 'ivan' });
    const v = r.value({
      path: '/home/ivan/exports/Секретный чат/result.json', note: 'from Иван Петров', text: 'hello there', name: 'Anna', password: 'p@ss',
      nested: [{ body: 'привет' }, { count: 3 }],
    });
    const s = JSON.stringify(v);
    for (const x of ['Иван Петров', 'Секретный чат', 'hello there', 'Anna', 'p@ss', 'привет', '/home/ivan']) expect(s).not.toContain(x);
    expect(v.path).toBe('~/exports/[redacted:name]/result.json');
    expect((v.nested[1] as { count: number }).count).toBe(3);
    expect(r.counts.name).toBeGreaterThanOrEqual(3);
    expect(r.counts.text).toBe(2);
  });
});
