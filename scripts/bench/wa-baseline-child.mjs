// WhatsApp bench contender (a): whatsapp-chat-parser 4.0.2 (the benchmark baseline only): read the
// whole file into a string and `parseString` it, as its README shows. System lines are messages
// with author null there, so its count is messages + events.
// Prints one JSON line: { ms, bytes, messages, maxRssMb }.
import { readFileSync, statSync } from 'node:fs';
import { parseString } from 'whatsapp-chat-parser';

const file = process.argv[2];
const t0 = performance.now();
const messages = parseString(readFileSync(file, 'utf8')).length;
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, bytes: statSync(file).size, messages, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
