// Bench contender (a): read the whole file into a string, JSON.parse it, count the messages.
// Prints one JSON line: { ms, bytes, messages, maxRssMb }.
import { readFileSync, statSync } from 'node:fs';

const file = process.argv[2];
const t0 = performance.now();
const doc = JSON.parse(readFileSync(file, 'utf8'));
let messages = 0;
const chats = [...(doc.chats?.list ?? []), ...(doc.left_chats?.list ?? [])];
if (Array.isArray(doc.messages)) chats.push(doc);
for (const chat of chats) messages += Array.isArray(chat.messages) ? chat.messages.length : 0;
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, bytes: statSync(file).size, messages, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
