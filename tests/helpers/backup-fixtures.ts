/**
 * Synthetic Telegram Desktop "full account" exports for the backup tests (never real data):
 * result.json with contacts and chats, and the media files the messages reference.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FakeMedia {
  /** Path relative to the export folder (`photos/p1.jpg`). */
  rel: string;
  bytes: Buffer;
}

export interface FakeMessage {
  text: string;
  photo?: FakeMedia;
  file?: FakeMedia;
}

export interface FakeChat {
  id: number;
  name: string;
  type?: 'personal_chat' | 'private_group' | 'public_channel';
  messages: FakeMessage[];
}

export function media(rel: string, size: number, seed?: string): FakeMedia {
  // Deterministic when seeded (identical contents across chats test deduplication).
  if (seed === undefined) return { rel, bytes: randomBytes(size) };
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += 32) {
    block.copy(out, i, 0, Math.min(32, size - i));
    block = createHash('sha256').update(block).digest();
  }
  return { rel, bytes: out };
}

/** Writes a full-account export into `dir` (created) and returns it. */
export function makeTelegramExport(dir: string, chats: FakeChat[], contacts = 2): string {
  mkdirSync(dir, { recursive: true });
  let when = Date.UTC(2024, 0, 1, 9, 0, 0) / 1000;
  const list = chats.map((c) => ({
    name: c.name,
    type: c.type ?? 'personal_chat',
    id: c.id,
    messages: c.messages.map((m, i) => {
      when += 60;
      const base: Record<string, unknown> = {
        id: i + 1,
        type: 'message',
        date: new Date(when * 1000).toISOString().slice(0, 19),
        date_unixtime: String(when),
        from: i % 2 ? 'Me' : c.name,
        from_id: i % 2 ? 'user1' : `user${c.id}`,
        text: m.text,
        text_entities: [{ type: 'plain', text: m.text }],
      };
      for (const [key, f] of [['photo', m.photo] as const, ['file', m.file] as const]) {
        if (!f) continue;
        mkdirSync(path.join(dir, path.dirname(f.rel)), { recursive: true });
        writeFileSync(path.join(dir, f.rel), f.bytes);
        base[key] = f.rel;
        if (key === 'photo') Object.assign(base, { photo_file_size: f.bytes.length, width: 10, height: 10 });
        else Object.assign(base, { file_name: path.basename(f.rel), file_size: f.bytes.length, mime_type: 'application/octet-stream' });
      }
      return base;
    }),
  }));
  const result = {
    about: 'synthetic export for tests',
    personal_information: { user_id: 1, first_name: 'Test', last_name: 'Owner', phone_number: '+7 900 000 0000' },
    contacts: {
      about: 'synthetic',
      list: Array.from({ length: contacts }, (_, i) => ({ user_id: 100 + i, first_name: `Имя${i}`, last_name: `Фамилия${i}`, phone_number: `+7 900 000 00${String(i).padStart(2, '0')}`, date: '2020-01-01T00:00:00', date_unixtime: '1577836800' })),
    },
    chats: { about: 'synthetic', list },
  };
  writeFileSync(path.join(dir, 'result.json'), JSON.stringify(result, null, 1));
  return dir;
}

/** Every file below `dir`: relative path → bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (rel: string) => {
    for (const d of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(child);
      else if (d.isFile()) out.set(child, readFileSync(path.join(dir, child)));
    }
  };
  walk('');
  return out;
}

export function mtimeOf(file: string): number {
  return Math.floor(statSync(file).mtimeMs / 1000);
}
