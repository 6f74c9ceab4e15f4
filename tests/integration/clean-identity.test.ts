/**
 * Identities end to end (`pereezd clean`, the real CLI): tests/fixtures/identity/three-plus-chats has
 * the same people in Telegram, a vCard file, a Google CSV, a WhatsApp chat, a Slack workspace and a
 * Discord channel (its README lists the 12 identities expected, by hand). Shown here:
 *   - exactly those identities, with their contacts and sender keys; every sender of messages.jsonl
 *     resolves to one of them;
 *   - accounts stored in the identity map (config folder) come back on a re-run that adds a source,
 *     although the person's identity id changes (the map is keyed by phones, e-mails and ids);
 *   - `--map FILE` imports a helpdesk's CSV (Russian headers), bad files are refused with file:line,
 *     a damaged stored map is reported and never overwritten;
 *   - every real sample in ../shared/fixtures/real gives valid identities.jsonl and plan.json, and
 *     every sender of its timeline resolves or is listed as unresolved with a reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { IdentitySchema, PlanSchema, type Identity } from '../../shared/model/index.js';
import { runClean } from '../../main/engine/clean/clean.js';
import { readIdentityMap, setIdentityAccount } from '../../main/engine/clean/identity-map.js';
import { readIdentities, senderAccounts, senderKeyOf } from '../../main/engine/clean/identity.js';
import type { MessageLine } from '../../main/engine/clean/types.js';
import { openSource } from '../../main/engine/sources/registry.js';
import { buildCli, repoRoot } from '../helpers/build-cli.js';

let cli: string;
beforeAll(async () => {
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
});
const tmp = (what: string) => mkdtempSync(path.join(os.tmpdir(), `pereezd-${what}-`));
const run = (config: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot, encoding: 'utf8', env: { ...process.env, PEREEZD_CLI_ENTRY: '1', PEREEZD_CONFIG_DIR: config },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const jsonl = <T,>(file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

const root = path.join(repoRoot, 'tests/fixtures/identity');
const set = path.join(root, 'three-plus-chats');
const SOURCES = [
  path.join(set, 'telegram'), path.join(set, 'contacts.vcf'), path.join(set, 'google.csv'), path.join(set, 'whatsapp/WhatsApp Chat with Семья.txt'),
  path.join(set, 'slack'), path.join(set, 'discord/Pereezd - general [900000000000000010].json'),
];
const LATER = path.join(root, 'later/work-phone.vcf');
const clean = (config: string, out: string, ...more: string[]) => run(config, 'clean', ...SOURCES, '--out', out, '--region', 'RU', '--tz', 'Europe/Moscow', ...more);

/** What the README expects of each identity. */
interface Expected {
  name: string;
  contacts: string[];
  senders: string[];
  self?: boolean;
}
const EXPECTED: Expected[] = [
  { name: 'Мария Соколова', contacts: ['slack:U03MARIA', 'tg-contact:user5000'], senders: ['slack:U03MARIA', 'tg:user5000'], self: true },
  {
    name: 'Иван Петров', contacts: ['csv:google.csv:2', 'slack:U01IVAN', 'tg-contact:user1001', 'vcard:contacts.vcf:0'],
    senders: ['slack:U01IVAN', 'tg:user1001', 'wa:name:+7 916 123-45-67'],
  },
  { name: 'Ольга Смирнова', contacts: ['tg-contact:user1002', 'vcard:contacts.vcf:1'], senders: [] },
  { name: 'John Smith', contacts: ['tg-contact:user1003'], senders: ['tg:user1003'] },
  { name: 'Анна Кузнецова', contacts: ['vcard:contacts.vcf:2'], senders: [] },
  { name: 'John Smith', contacts: [], senders: ['discord:800000000000000042'] },
  { name: 'A.tsvetkov', contacts: [], senders: ['discord:800000000000000043'] },
  { name: '', contacts: [], senders: ['slack:U09EXT'] },
  { name: 'Алексей Цветков', contacts: [], senders: ['tg:user1006'] },
  { name: '', contacts: [], senders: ['tg:user1099'] },
  { name: 'Оля', contacts: [], senders: ['wa:name:оля'] },
  { name: 'Мария Соколова', contacts: [], senders: ['wa:name:мария соколова'] },
];
const shape = (i: Identity): Expected => ({
  name: i.name, contacts: [...i.contacts].sort(), senders: [...i.senders].sort(), ...(i.self ? { self: true } : {}),
});
const bySender = (ids: Identity[], sender: string) => ids.find((i) => i.senders.includes(sender))!;

describe('identities of the same people in six sources', () => {
  it('are exactly the twelve of the README, and every message sender resolves to one', () => {
    const config = tmp('cfg');
    const out = tmp('identity');
    const r = clean(config, out);
    expect(r.code, r.stderr).toBe(0);
    const ids = readIdentities(out);
    for (const i of ids) expect(IdentitySchema.safeParse(i).success, JSON.stringify(i)).toBe(true);
    expect(ids.map(shape)).toEqual(expect.arrayContaining(EXPECTED));
    expect(ids).toHaveLength(EXPECTED.length);
    const ivan = bySender(ids, 'tg:user1001');
    expect(ivan).toMatchObject({
      names: ['Иван Петров', 'Ivan Petrov'], phones: ['+79161234567'], emails: ['Ivan.Petrov@example.ru'], userIds: ['tg:user1001', 'slack:U01IVAN'],
      networks: ['tg', 'vcard', 'csv', 'slack', 'wa'], messages: 8, chats: 5, account: null, line: { file: 'contacts' },
    });
    expect(bySender(ids, 'tg:user5000')).toMatchObject({ self: true, phones: ['+79990000001'], messages: 4, chats: 5 });
    expect(bySender(ids, 'wa:name:оля')).toMatchObject({ keys: ['sender:wa:name:оля'], mapKeys: ['sender:wa:name:оля'], line: { file: 'participants' } });
    const anna = ids.find((i) => i.name === 'Анна Кузнецова')!;
    expect(anna.mapKeys).toHaveLength(1);
    expect(anna.mapKeys[0]).toMatch(/^name:/);
    // every entry of the cleaned timeline: a sender that is one identity's, or no sender at all (the WhatsApp notice)
    const owner = new Map<string, string>();
    for (const i of ids) for (const s of i.senders) owner.set(s, i.id);
    const messages = jsonl<MessageLine>(path.join(out, 'messages.jsonl'));
    expect(messages).toHaveLength(23);
    const unresolved = messages.filter((m) => {
      const k = senderKeyOf(m.chat, m.sender);
      return k === null ? m.kind !== 'event' : !owner.has(k);
    });
    expect(unresolved).toEqual([]);
    expect(messages.filter((m) => senderKeyOf(m.chat, m.sender) === null).map((m) => [m.kind, m.chat.slice(0, 3)])).toEqual([['event', 'wa:']]);
    expect(r.stdout).toMatch(/identities {4}12 people \(5 in contact lists, 7 only seen in chats\)/);
    expect(r.stdout).toMatch(/senders {7}22 entries by a known person, 1 system notices, 0 unresolved/);
    expect(r.stdout).toMatch(/contacts {6}10 in → 5 kept, 5 merged, 0 quarantined/); // the accounting line stays
  });

  it('re-attaches stored accounts on a later run with an added source, by keys, not by ids', async () => {
    const config = tmp('cfg');
    const mapFile = path.join(config, 'identity-map.json');
    const out = tmp('identity');
    expect(clean(config, out).code).toBe(0);
    const first = readIdentities(out);
    const ivan = bySender(first, 'tg:user1001');
    const olya = bySender(first, 'wa:name:оля');
    const anna = first.find((i) => i.name === 'Анна Кузнецова')!;
    const stranger = bySender(first, 'slack:U09EXT');
    await setIdentityAccount(mapFile, ivan, '@ivan:example.org');
    await setIdentityAccount(mapFile, olya, '@olga:example.org');
    await setIdentityAccount(mapFile, anna, '@anna:example.org');
    await setIdentityAccount(mapFile, stranger, 'partner@xmpp.example.com');
    expect(statSync(mapFile).mode & 0o777).toBe(0o600);
    // the map holds keys only: phones, e-mails, ids, the WhatsApp name, Анна's name — no run-local identity ids
    const stored = JSON.stringify(await readIdentityMap(mapFile));
    expect(stored).not.toMatch(/i-[0-9a-f]{16}|g-[0-9a-f]{16}/);

    const later = tmp('identity');
    const r = clean(config, later, LATER);
    expect(r.code, r.stderr).toBe(0);
    const again = readIdentities(later);
    const ivan2 = bySender(again, 'tg:user1001');
    expect(ivan2.contacts).toContain('vcard:work-phone.vcf:0');
    expect(ivan2.phones).toEqual(['+79161234567', '+74957654321']);
    expect(ivan2.id).not.toBe(ivan.id); // more people in the group: another id
    expect(ivan2).toMatchObject({ account: '@ivan:example.org', mapping: { by: 'user' } });
    expect(ivan2.mapping!.matchedBy).toEqual(expect.arrayContaining(['phone:+79161234567', 'user:tg:user1001']));
    expect(bySender(again, 'wa:name:оля').account).toBe('@olga:example.org');
    expect(again.find((i) => i.name === 'Анна Кузнецова')!.account).toBe('@anna:example.org');
    expect(bySender(again, 'slack:U09EXT').account).toBe('partner@xmpp.example.com');
    expect(again.filter((i) => i.account).length).toBe(4);
    expect(r.stdout).toMatch(/accounts {6}4 mapped to accounts of the new service/);
    // what the upload step gets: every sender key of a mapped person → the account
    expect(senderAccounts(again)).toEqual({
      'slack:U01IVAN': '@ivan:example.org', 'tg:user1001': '@ivan:example.org', 'wa:name:+7 916 123-45-67': '@ivan:example.org',
      'wa:name:оля': '@olga:example.org', 'slack:U09EXT': 'partner@xmpp.example.com',
    });
  });

  it('--map imports a helpdesk CSV into the stored map; the empty account forgets; a bad file is refused with its line', () => {
    const config = tmp('cfg');
    const mapFile = path.join(config, 'identity-map.json');
    writeFileSync(
      mapFile,
      JSON.stringify({ version: 1, entries: [{ keys: ['phone:+79031112233'], account: '@olga.old:example.org', by: 'user', at: '2025-01-01T00:00:00.000Z' }] }),
    );
    const out = tmp('identity');
    const r = clean(config, out, '--map', path.join(root, 'accounts.csv'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`imported ${path.join(root, 'accounts.csv')} into ${mapFile}: 4 account(s) set, 1 cleared, 1 stored mapping(s) replaced`);
    const ids = readIdentities(out);
    expect(bySender(ids, 'tg:user1001').account).toBe('@ivan:example.org');
    expect(bySender(ids, 'tg:user5000').account).toBe('@maria:example.org');
    // one line, two ids: both John Smiths (the Telegram contact, the Discord author) are @john
    expect(bySender(ids, 'tg:user1003').account).toBe('@john:example.org');
    expect(bySender(ids, 'discord:800000000000000042').account).toBe('@john:example.org');
    expect(bySender(ids, 'tg:user1006').account).toBe('@alexey:example.org');
    expect(ids.find((i) => i.contacts.includes('tg-contact:user1002'))!.account).toBeNull();
    expect(ids.filter((i) => i.account)).toHaveLength(5);

    const bad = path.join(tmp('bad'), 'accounts.csv');
    writeFileSync(bad, 'phone,account\n+7 916 123-45-67,@ivan:example.org\n12,@nobody:example.org\n');
    const before = readFileSync(mapFile, 'utf8');
    const refused = clean(config, tmp('identity'), '--map', bad);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--map: ${bad}:3: phone 12: not a number that can be written in international form`);
    expect(readFileSync(mapFile, 'utf8')).toBe(before);
  });

  it('two stored accounts for one person are a conflict (no account, a warning); a damaged map is reported and left as it is', () => {
    const config = tmp('cfg');
    const mapFile = path.join(config, 'identity-map.json');
    const at = '2025-01-01T00:00:00.000Z';
    writeFileSync(
      mapFile,
      JSON.stringify({
        version: 1,
        entries: [
          { keys: ['phone:+79161234567'], account: '@ivan:example.org', by: 'user', at },
          { keys: ['email:ivan.petrov@example.ru'], account: '@i.petrov:example.org', by: 'import', at },
        ],
      }),
    );
    const out = tmp('identity');
    const r = clean(config, out);
    expect(r.code, r.stderr).toBe(0);
    expect(bySender(readIdentities(out), 'tg:user1001')).toMatchObject({ account: null, conflict: ['@i.petrov:example.org', '@ivan:example.org'] });
    expect(r.stdout).toMatch(/0 mapped to accounts of the new service, 1 with conflicting accounts \(not used\)/);
    expect(r.stderr).toContain('1 person(s) match identity-map entries with different accounts');

    writeFileSync(mapFile, '{"version":1,"entries":[');
    const damaged = clean(config, tmp('identity'));
    expect(damaged.code, damaged.stderr).toBe(0);
    expect(damaged.stderr).toContain(`warning: ${mapFile}: not valid JSON`);
    expect(damaged.stderr).toContain('identities get no accounts in this run');
    expect(readFileSync(mapFile, 'utf8')).toBe('{"version":1,"entries":[');
  });
});

// ---- every real sample ---------------------------------------------------------------------------

const realRoot = path.resolve(repoRoot, '../shared/fixtures/real');
async function readableRealFixtures(): Promise<{ name: string; file: string }[]> {
  const out: { name: string; file: string }[] = [];
  for (const dir of readdirSync(realRoot).sort()) {
    const full = path.join(realRoot, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full).sort()) {
      const p = path.join(full, f);
      const opened = await openSource(p);
      await opened.container?.close();
      if (opened.detected.format !== null) out.push({ name: `${dir}/${f}`, file: p });
    }
  }
  return out;
}
const real = await readableRealFixtures();

describe('every real sample', () => {
  it('is read (at least one per format folder)', () => {
    const folders = new Set(real.map((r) => r.name.split('/')[0]));
    expect([...folders].sort()).toEqual(['csv', 'discord', 'messenger', 'slack', 'telegram', 'vcard', 'whatsapp']);
  });

  it.each(real)('$name: identities and plan without error; every sender resolves or is listed with a reason', async ({ file }) => {
    const out = tmp('real-identity');
    const r = await runClean(
      { paths: [file], outDir: out, region: 'RU', options: { timeZone: 'UTC', dateOrder: 'dmy' }, identityMap: path.join(tmp('cfg'), 'identity-map.json') },
      { progress: { report() {} } }, new AbortController().signal,
    );
    const ids = readIdentities(out);
    for (const i of ids) expect(IdentitySchema.safeParse(i).success, JSON.stringify(i)).toBe(true);
    expect(ids).toHaveLength(r.identities.total);
    expect(r.identities.total).toBe(r.accounting.contacts.kept + r.accounting.participants.kept);
    const plan = PlanSchema.parse(JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')));
    expect(plan).toEqual(r.plan);
    const messages = existsSync(path.join(out, 'messages.jsonl')) ? jsonl<MessageLine>(path.join(out, 'messages.jsonl')) : [];
    const owner = new Map<string, string>();
    for (const i of ids) for (const s of i.senders) owner.set(s, i.id);
    let resolved = 0;
    let system = 0;
    const unresolved = new Map<string, number>();
    for (const m of messages) {
      const k = senderKeyOf(m.chat, m.sender);
      if (k !== null && owner.has(k)) resolved++;
      else if (k === null && m.kind === 'event') system++;
      else unresolved.set(`${m.chat} ${k}`, (unresolved.get(`${m.chat} ${k}`) ?? 0) + 1);
    }
    expect(r.identities.senders).toEqual({ resolved, system, unresolved: [...unresolved.values()].reduce((a, b) => a + b, 0) });
    // each unresolved sender is listed, with its reason, in the summary and in problems.jsonl
    expect(r.identities.unresolved.map((u) => [`${u.chat} ${u.sender}`, u.messages]).sort()).toEqual([...unresolved.entries()].sort());
    const problems = jsonl<{ message: string }>(path.join(out, 'problems.jsonl'));
    for (const u of r.identities.unresolved) expect(problems.some((p) => p.message.startsWith(`chat ${u.chat}: ${u.messages} message(s)`))).toBe(true);
    // the plan covers every kept chat and every kept entry
    expect(plan.chats).toHaveLength(r.accounting.chats.kept);
    expect(plan.chats.reduce((n, c) => n + c.entries, 0)).toBe(messages.length);
    expect(plan.totals.messages + plan.totals.events).toBe(messages.length);
  });
});
