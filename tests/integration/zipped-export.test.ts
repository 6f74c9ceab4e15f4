import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInventory } from '../../main/engine/pipeline/inventory.js';
import { noProgress } from '../../main/engine/progress.js';
import { openSource } from '../../main/engine/sources/registry.js';
import { writeZip } from '../helpers/zip-writer.js';
import { repoRoot } from '../helpers/build-cli.js';

const basic = path.join(repoRoot, 'tests/fixtures/telegram-json/single-chat-basic');

describe('a Telegram export handed over as a .zip', () => {
  it('is detected inside its single top folder, read as a stream, media linked from the archive, and unsafe entries reported, never opened', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pereezd-zipped-'));
    const zip = path.join(dir, 'Telegram Export.zip');
    const top = 'Telegram Desktop/ChatExport_2024-01-01/';
    await writeZip(zip, [
      { name: `${top}result.json`, data: readFileSync(path.join(basic, 'result.json')) },
      { name: `${top}photos/photo_1@01-01-2024_13-01-00.jpg`, data: readFileSync(path.join(basic, 'photos/photo_1@01-01-2024_13-01-00.jpg')) },
      { name: `${top}files/report (2).pdf`, data: readFileSync(path.join(basic, 'files/report (2).pdf')) },
      { name: `${top}../../evil.sh`, data: 'rm -rf ~' },
      { name: `${top}link`, data: '/etc/passwd', unixMode: 0o120777 },
    ]);
    const opened = await openSource(zip);
    await opened.container?.close();
    expect(opened.detected).toMatchObject({ kind: 'zip', format: 'telegram-json', entry: 'result.json', variant: 'single-chat' });
    const r = await runInventory({ paths: [zip] }, { progress: noProgress }, new AbortController().signal);
    const [s] = r.sources;
    // same counts as the unpacked fixture: 4 messages, 1 service entry, 3 attachments of which 1 missing
    expect(s).toMatchObject({ format: 'telegram-json', messages: 4, events: 1, attachments: 3, attachmentsMissing: 1 });
    const unsafe = s!.problems.filter((p) => p.code === 'unsafe-entry');
    expect(unsafe.map((p) => p.file).sort()).toEqual([`${zip}!/${top}../../evil.sh`, `${zip}!/${top}link`]);
    // the missing photo is named with its place inside the archive
    const missing = s!.problems.find((p) => p.code === 'media-missing');
    expect(missing?.file).toBe(`${zip}!/${top}result.json`);
  });
});
