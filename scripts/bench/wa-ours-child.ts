// WhatsApp bench contender (b): the real entry point — registry detection (which includes the
// whole-file date-order scan), then the detected format's streaming parser — with a sink that only
// counts. Bundled by scripts/bench.mjs into .bench/.
// Prints one JSON line: { ms, bytes, messages, authored, events, maxRssMb, problems, format }.
import { formatById, openSource } from '../../main/engine/sources/registry.js';

const file = process.argv[2]!;
const t0 = performance.now();
const opened = await openSource(file);
if (!opened.container || !opened.detection) {
  process.stderr.write(`not recognised: ${file} ${JSON.stringify(opened.detected.problem)}\n`);
  process.exit(2);
}
const format = formatById(opened.detection.format)!;
let authored = 0;
let events = 0;
let problems = 0;
let bytes = 0;
await format.parse(
  opened.container,
  opened.detection,
  {
    message: (m) => void (m.kind === 'message' ? authored++ : events++),
    chat: () => {},
    contact: () => {},
    problem: () => void problems++,
  },
  { progress: (n) => void (bytes = n), options: { timeZone: 'Europe/Moscow' } },
  new AbortController().signal,
);
await opened.container.close();
const ms = performance.now() - t0;
const out = { ms, bytes, messages: authored + events, authored, events, problems, format: opened.detection.format, maxRssMb: process.resourceUsage().maxRSS / 1024 };
process.stdout.write(`${JSON.stringify(out)}\n`);
