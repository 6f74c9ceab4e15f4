/**
 * `pereezd backup | verify | restore | list | shred` end to end: the real CLI entry point (bundled
 * from source), the real keychain (Secret Service of scripts/with-keyring.sh), the age and unzip
 * reference tools for "restore without Pereezd".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTelegramExport, media, readTree } from '../helpers/backup-fixtures.js';
import { buildCli, repoRoot } from '../helpers/build-cli.js';
import { requireKeyringSession } from '../helpers/keyring-session.js';

let cli: string;
let dir: string;
let exportDir: string;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { config: string; env?: Record<string, string | undefined>; noBus?: boolean }): Run {
  const env: Record<string, string | undefined> = { ...process.env, PEREEZD_CLI_ENTRY: '1', PEREEZD_CONFIG_DIR: opts.config, ...opts.env };
  if (opts.noBus) delete env.DBUS_SESSION_BUS_ADDRESS;
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8', env: env as NodeJS.ProcessEnv, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function requireTools(): void {
  for (const tool of ['age', 'unzip', 'secret-tool']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: scripts/test.sh installs age, unzip and libsecret-tools`);
  }
}

beforeAll(async () => {
  requireKeyringSession();
  requireTools();
  cli = await buildCli();
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(path.dirname(cli), 'node_modules'));
  dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-cli-backup-'));
  exportDir = makeTelegramExport(path.join(dir, 'export'), [
    { id: 501, name: 'Мама', messages: [{ text: 'как дела?', photo: media('photos/cat.jpg', 90_000) }, { text: 'ok' }] },
    { id: 502, name: 'Team', type: 'private_group', messages: [{ text: 'see attached', file: media('files/plan.pdf', 3000) }] },
  ]);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (cli) rmSync(path.dirname(cli), { recursive: true, force: true });
});

describe('pereezd backup with the keychain', () => {
  let config: string;
  let out: string;
  let rk: string;
  let first: Run;
  beforeAll(() => {
    config = path.join(dir, 'config-main');
    out = path.join(dir, 'main.msgbak');
    rk = path.join(dir, 'recovery-key.txt');
    first = run(['backup', exportDir, '--out', out, '--recovery-key-out', rk], { config });
  });

  it('first backup: keychain key created, recovery key saved once (0600), never printed', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Backup written and verified: .*main\.msgbak/);
    expect(first.stdout).toContain("opens with: this computer's keychain key, your recovery key");
    expect(first.stderr).toContain(`Your recovery key was saved to ${rk}`);
    const key = readFileSync(rk, 'utf8');
    const identity = key.split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
    expect(identity).toHaveLength(74);
    expect(statSync(rk).mode & 0o777).toBe(0o600);
    expect(first.stdout + first.stderr).not.toContain(identity);
    // the secret of the keychain identity is in the Secret Service, the config has public keys only
    const secret = execFileSync('secret-tool', ['lookup', 'service', 'com.pereezd.backup', 'username', 'identity-v1:default'], { encoding: 'utf8' });
    expect(secret).toMatch(/^AGE-SECRET-KEY-1/);
    const cfg = readFileSync(path.join(config, 'backup-keys-default.json'), 'utf8');
    expect(cfg).not.toContain('AGE-SECRET-KEY');
    expect(JSON.parse(cfg).keychain.recipient).toMatch(/^age1/);
    expect(readdirSync(dir).filter((n) => n.startsWith('main.msgbak')).sort()).toEqual(['main.msgbak', 'main.msgbak.json']);
  });

  it('a second backup needs no recovery key output and shows no key', () => {
    const r = run(['backup', exportDir, '--out', path.join(dir, 'second.msgbak')], { config });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/AGE-SECRET-KEY/);
  });

  it('verifies quick (no key), full and sampled (keychain key), and lists the chats', () => {
    const quick = run(['verify', out], { config });
    expect(quick.code, quick.stderr).toBe(0);
    expect(quick.stdout).toMatch(/^OK: .*size and SHA-256 match the side file/);
    const full = run(['verify', out, '--full'], { config });
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toMatch(/every encrypted piece authenticates and all \d+ entries match their SHA-256/);
    const sample = run(['verify', out, '--sample', '2'], { config });
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toContain('2 random entries match their SHA-256');
    const list = run(['list', out, '--json'], { config });
    expect(list.code, list.stderr).toBe(0);
    const l = JSON.parse(list.stdout);
    expect(l.chats.map((c: { id: string; title: string }) => [c.id, c.title])).toEqual([
      ['tg:501', 'Мама'],
      ['tg:502', 'Team'],
    ]);
    expect(l.counts.attachments.referenced).toBe(2);
  });

  it('restores everything byte for byte, one chat, or the contacts; never over existing files', () => {
    const all = path.join(dir, 'restored-all');
    const r = run(['restore', out, '--to', all], { config });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Restored everything into .*: \d+ files/);
    const original = readTree(exportDir);
    const restored = readTree(path.join(all, 'originals/0-export'));
    expect([...restored.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [rel, bytes] of original) expect(sha(restored.get(rel)!), rel).toBe(sha(bytes));
    const again = run(['restore', out, '--to', all], { config });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists; restore into an empty folder/);
    const chat = run(['restore', out, '--to', path.join(dir, 'restored-chat'), '--chat', 'tg:501', '--identity', rk], { config });
    expect(chat.code, chat.stderr).toBe(0);
    expect(chat.stdout).toContain('Restored chat Мама');
    const files = readTree(path.join(dir, 'restored-chat'));
    const cat = [...files].find(([k]) => k.endsWith('media/photos/cat.jpg'));
    expect(cat && cat[1].equals(original.get('photos/cat.jpg')!)).toBe(true);
    const contacts = run(['restore', out, '--to', path.join(dir, 'restored-contacts'), '--contacts'], { config });
    expect(contacts.code, contacts.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'restored-contacts'))).toEqual(['contacts.jsonl']);
    const nochat = run(['restore', out, '--to', path.join(dir, 'nochat'), '--chat', 'tg:999'], { config });
    expect(nochat.code).toBe(1);
    expect(nochat.stderr).toMatch(/no chat with id tg:999/);
  });

  it('opens without Pereezd: age -d with the recovery key, then unzip, gives the manifest files with matching hashes', () => {
    const zip = path.join(dir, 'plain.zip');
    execFileSync('age', ['-d', '-i', rk, '-o', zip, out]);
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toMatch(/No errors detected/);
    const unz = path.join(dir, 'unzipped');
    execFileSync('unzip', ['-q', zip, '-d', unz]);
    const tree = readTree(unz);
    const manifest = JSON.parse(tree.get('manifest.json')!.toString('utf8'));
    expect([...tree.keys()].filter((k) => k !== 'manifest.json').sort()).toEqual(manifest.entries.map((e: { path: string }) => e.path).sort());
    for (const e of manifest.entries as { path: string; size: number; sha256: string }[]) {
      expect(tree.get(e.path)!.length, e.path).toBe(e.size);
      expect(sha(tree.get(e.path)!), e.path).toBe(e.sha256);
    }
    // and the originals can be put back by hand from the index, as README.txt explains: each row
    // names the entry with its bytes (by SHA-256, or numbered for a file no other has the size of)
    const rows = tree.get('index/originals.jsonl')!.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.length).toBe(manifest.counts.originalFiles);
    for (const row of rows) {
      expect(row.blob, row.path).toMatch(/^blobs\/(sha256\/[0-9a-f]{2}\/[0-9a-f]{64}|n\/\d{6})$/);
      expect(sha(tree.get(row.blob)!), row.path).toBe(row.sha256);
      if (row.blob.startsWith('blobs/sha256/')) expect(row.blob.endsWith(row.sha256)).toBe(true);
    }
    expect(tree.get('README.txt')!.toString('utf8')).toContain('copy the entry\nnamed in "blob"');
    expect(tree.get('README.txt')!.toString('utf8')).toContain('age -d -i recovery-key.txt backup.msgbak > backup.zip');
  });

  it('restores a backup that the age CLI encrypted to our recovery key', () => {
    const zip = path.join(dir, 'plain-again.zip');
    execFileSync('age', ['-d', '-i', rk, '-o', zip, out]);
    const recipient = JSON.parse(readFileSync(path.join(config, 'backup-keys-default.json'), 'utf8')).recovery.recipient;
    const theirs = path.join(dir, 'theirs.msgbak');
    execFileSync('age', ['-e', '-r', recipient, '-o', theirs, zip]);
    const to = path.join(dir, 'restored-theirs');
    const r = run(['restore', theirs, '--to', to, '--identity', rk], { config });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(path.join(to, 'originals/0-export/photos/cat.jpg')).equals(readFileSync(path.join(exportDir, 'photos/cat.jpg')))).toBe(true);
    const full = run(['verify', theirs, '--full', '--identity', rk], { config });
    expect(full.code, full.stdout).toBe(0);
  });

  it('shred deletes the keychain key and says honestly that the recovery key still opens the backup', () => {
    const copy = path.join(dir, 'to-shred.msgbak');
    expect(run(['backup', exportDir, '--out', copy], { config }).code).toBe(0);
    const r = run(['shred', copy], { config });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/deleted from the keychain: this computer can no longer open this backup/);
    expect(r.stdout).toMatch(/recovery key STILL opens this backup/);
    expect(spawnSync('secret-tool', ['lookup', 'service', 'com.pereezd.backup', 'username', 'identity-v1:default']).status).not.toBe(0);
    const noKey = run(['verify', copy, '--full'], { config });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/no keychain key for backups.*give your recovery key with --identity FILE/);
    expect(run(['verify', copy, '--full', '--identity', rk], { config }).code).toBe(0);
    const twice = run(['shred', copy], { config });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/holds no backup key/);
    // the next backup makes a new keychain key
    const next = run(['backup', exportDir, '--out', path.join(dir, 'after-shred.msgbak')], { config });
    expect(next.code, next.stderr).toBe(0);
    expect(next.stdout).toContain("this computer's keychain key");
  });
});

describe('pereezd backup without a keychain, and with a protected recovery key', () => {
  it('says plainly that the keychain cannot be reached and encrypts to the recovery key only', () => {
    const config = path.join(dir, 'config-nobus');
    const rk = path.join(dir, 'rk-nobus.txt');
    const out = path.join(dir, 'nobus.msgbak');
    const r = run(['backup', exportDir, '--out', out, '--recovery-key-out', rk], { config, noBus: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/The system keychain cannot be reached: there is no desktop session bus \(D-Bus\)/);
    expect(r.stderr).toContain('This backup is encrypted to your recovery key only');
    expect(r.stdout).toContain('opens with: your recovery key\n');
    expect(JSON.parse(readFileSync(`${out}.json`, 'utf8')).recipients.map((x: { role: string }) => x.role)).toEqual(['recovery']);
    expect(JSON.parse(readFileSync(path.join(config, 'backup-keys-default.json'), 'utf8')).keychain).toBeNull();
    // nothing secret was written anywhere but the recovery key file the user asked for
    for (const f of readdirSync(config)) expect(readFileSync(path.join(config, f), 'utf8')).not.toContain('AGE-SECRET-KEY');
    const list = run(['list', out], { config, noBus: true });
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/keychain cannot be reached.*give your recovery key with --identity FILE/);
    expect(run(['list', out, '--identity', rk], { config, noBus: true }).code).toBe(0);
  });

  it('saves the recovery key passphrase-protected and restores with it; a wrong passphrase is named', () => {
    const config = path.join(dir, 'config-pass');
    const rk = path.join(dir, 'rk.age');
    const out = path.join(dir, 'pass.msgbak');
    const env = { PEREEZD_PASSPHRASE: 'correct horse battery staple' };
    const r = run(['backup', exportDir, '--out', out, '--recovery-key-out', rk, '--protect-recovery-key'], { config, env, noBus: true });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(rk).subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    expect(readFileSync(rk).includes('AGE-SECRET-KEY')).toBe(false);
    const ok = run(['restore', out, '--to', path.join(dir, 'pass-restored'), '--contacts', '--identity', rk], { config, env, noBus: true });
    expect(ok.code, ok.stderr).toBe(0);
    const bad = run(['list', out, '--identity', rk], { config, env: { PEREEZD_PASSPHRASE: 'wrong' }, noBus: true });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/wrong passphrase for this recovery key file/);
  });

  it('refuses to create a recovery key it cannot show (no terminal, no --recovery-key-out) and keeps nothing', () => {
    const config = path.join(dir, 'config-notty');
    const out = path.join(dir, 'notty.msgbak');
    const r = run(['backup', exportDir, '--out', out], { config });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/must be shown to you once: run it in a terminal, or give --recovery-key-out FILE/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(config)).toBe(false);
  });

  it('reports a damaged backup in verify and restore with a clear message and exit code 1', () => {
    const config = path.join(dir, 'config-damage');
    const rk = path.join(dir, 'rk-damage.txt');
    const out = path.join(dir, 'damage.msgbak');
    expect(run(['backup', exportDir, '--out', out, '--recovery-key-out', rk], { config, noBus: true }).code).toBe(0);
    const bytes = readFileSync(out);
    bytes[bytes.length - 40]! ^= 0x20;
    const damaged = path.join(dir, 'damaged.msgbak');
    writeFileSync(damaged, bytes);
    const v = run(['verify', damaged, '--full', '--identity', rk], { config, noBus: true });
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/FAILED: .*\n {2}the backup file is truncated or was modified: its last encrypted piece \(\d+\) does not authenticate/);
    const rs = run(['restore', damaged, '--to', path.join(dir, 'damaged-restore'), '--identity', rk], { config, noBus: true });
    expect(rs.code).toBe(1);
    expect(rs.stderr).toMatch(/^pereezd restore: the backup file is truncated or was modified/);
  });

  it('lists the backup commands in --help', () => {
    const r = run(['--help'], { config: path.join(dir, 'unused') });
    expect(r.code).toBe(0);
    for (const c of ['pereezd backup PATH... --out FILE', 'pereezd verify FILE', 'pereezd restore FILE --to DIR', 'pereezd list FILE', 'pereezd shred FILE']) expect(r.stdout).toContain(c);
  });
});
