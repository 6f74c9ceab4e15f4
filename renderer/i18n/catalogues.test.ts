/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { ChatSummarySchema, FormatIdSchema } from '../../shared/model/source.js';
import { ProblemCodeSchema } from '../../shared/model/problem.js';
import { ChatTypeSchema } from '../../shared/model/chat.js';
import { STEPS } from '../stores/wizard-store.js';
import { en } from './en.js';
import { ru } from './ru.js';

type Tree = { [k: string]: string | Tree };
const catalogues = { en, ru } as unknown as Record<'en' | 'ru', Tree>;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const flat = { en: flatten(catalogues.en), ru: flatten(catalogues.ru) };
const vars = (s: string) => [...s.matchAll(/\{\{\s*([\w.-]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]).sort();

describe('i18n catalogues', () => {
  it('have exactly the same keys in Russian and English', () => {
    const enKeys = [...flat.en.keys()].sort();
    const ruKeys = [...flat.ru.keys()].sort();
    expect(ruKeys.filter((k) => !flat.en.has(k))).toEqual([]);
    expect(enKeys.filter((k) => !flat.ru.has(k))).toEqual([]);
    expect(enKeys.length).toBeGreaterThan(100);
  });

  it('have no empty messages', () => {
    for (const lng of ['en', 'ru'] as const) {
      const empty = [...flat[lng]].filter(([, v]) => !v.trim()).map(([k]) => `${lng}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('use the same interpolation variables in both languages', () => {
    const mismatched: string[] = [];
    for (const [key, enText] of flat.en) {
      const ruText = flat.ru.get(key) ?? '';
      if (JSON.stringify(vars(enText)) !== JSON.stringify(vars(ruText))) mismatched.push(`${key}: en ${vars(enText)} / ru ${vars(ruText)}`);
    }
    expect(mismatched).toEqual([]);
  });

  it('translate every problem code of the model (problem.<code>)', () => {
    for (const code of ProblemCodeSchema.options) {
      expect(flat.en.has(`problem.${code}`), `en problem.${code}`).toBe(true);
      expect(flat.ru.has(`problem.${code}`), `ru problem.${code}`).toBe(true);
    }
    // …and nothing else: a stale key means a code was renamed.
    const known = new Set<string>(ProblemCodeSchema.options);
    expect([...flat.en.keys()].filter((k) => k.startsWith('problem.') && !known.has(k.slice('problem.'.length)))).toEqual([]);
  });

  it('name every format, chat type and step the model and the wizard know', () => {
    for (const lng of ['en', 'ru'] as const) {
      for (const f of FormatIdSchema.options) expect(flat[lng].has(`format.${f}`), `${lng} format.${f}`).toBe(true);
      for (const c of ChatTypeSchema.options) expect(flat[lng].has(`chats.type.${c}`), `${lng} chats.type.${c}`).toBe(true);
      for (const s of STEPS) {
        expect(flat[lng].has(`steps.${s}`), `${lng} steps.${s}`).toBe(true);
        expect(flat[lng].has(`stepHint.${s}`), `${lng} stepHint.${s}`).toBe(true);
      }
    }
  });

  it('name every priority level and reason the engine can suggest', () => {
    const priority = ChatSummarySchema.shape.priority.unwrap();
    for (const lng of ['en', 'ru'] as const) {
      for (const l of priority.shape.level.options) expect(flat[lng].has(`priority.level.${l}`), `${lng} priority.level.${l}`).toBe(true);
      for (const r of priority.shape.reasons.element.options) expect(flat[lng].has(`priority.reason.${r}`), `${lng} priority.reason.${r}`).toBe(true);
    }
  });

  it('really is Russian in ru (no English left untranslated by accident)', () => {
    // Same-in-both values are allowed only where they are names, not sentences.
    const allowedSame = new Set(['language.en', 'language.ru', 'format.telegram-json', 'format.messenger-json', 'sources.kind.unknown']);
    const same = [...flat.en].filter(([k, v]) => flat.ru.get(k) === v && !allowedSame.has(k)).map(([k]) => k);
    expect(same).toEqual([]);
  });

  it('contain every literal key the renderer code uses', () => {
    const sources = import.meta.glob(['../**/*.tsx', '../**/*.ts', '!../**/*.test.ts', '!../i18n/en.ts', '!../i18n/ru.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    }) as Record<string, string>;
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    const used = new Set<string>();
    const mentioned = new Set<string>(); // any quoted 'a.b' literal: keys passed around before t() sees them
    for (const text of Object.values(sources)) {
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\bkey: '([a-zA-Z0-9_.-]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/'([a-zA-Z]+(?:\.[\w-]+)+)'/g)) mentioned.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !flat.en.has(k));
    expect(missing).toEqual([]);

    // …and no key is dead weight: each is used literally, or under a prefix the code builds keys from.
    const dynamic = ['steps.', 'stepHint.', 'problem.', 'format.', 'variant.', 'chats.type.', 'chats.col.', 'sources.kind.', 'language.',
      'error.action.', 'error.code.', 'problems.severity.', 'progress.counters.', 'inventory.totals.', 'status.host.',
      'priority.level.', 'priority.reason.'];
    const unused = [...flat.en.keys()].filter((k) => !used.has(k) && !mentioned.has(k) && !dynamic.some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });
});
