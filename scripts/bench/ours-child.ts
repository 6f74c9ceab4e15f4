// Bench contender (b): the real entry point — registry detection, then the detected format's
// streaming parser — with a sink that only counts. Bundled by scripts/bench.mjs into .bench/.
// Prints one JSON line: { ms, bytes, messages, maxRssMb, problems }.
import { formatById, openSource } from '../../main/engine/sources/registry.js';

const file = process.argv[2]!;
const t0 = performance.now();
const opened = await openSource(file);
if (!opened.container || !opened.detection) {
  process.stderr.write(`not recognised: ${file} ${JSON.stringify(opened.detected.problem)}\n`);
  process.exit(2);
}
const format = formatById(opened.detection.format)!;
let messages = 0;
let problems = 0;
let bytes = 0;
await format.parse(
  opened.container,
  opened.detection,
  {
    message: () => void messages++,
    chat: () => {},
    contact: () => {},
    problem: () => void problems++,
  },
  { progress: (n) => void (bytes = n) },
  new AbortController().signal,
);
await opened.container.close();
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, bytes, messages, problems, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
