// Writes a Telegram-Desktop-shaped full-account export of any size WITH backpressure (the shared
// generator queues every write in memory, and its single writev fails past 2 GiB).
// usage: node gen-big-telegram.mjs OUT_DIR MESSAGES [CHATS]
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';

const [out, nArg, cArg] = process.argv.slice(2);
const total = Number(nArg);
const chats = Number(cArg ?? 200);
if (!out || !Number.isInteger(total) || total <= 0) {
  console.error('usage: gen-big-telegram.mjs OUT_DIR MESSAGES [CHATS]');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const file = path.join(out, 'result.json');
const ws = createWriteStream(file);
let pending = [];
let pendingSize = 0;
async function put(s) {
  pending.push(s);
  pendingSize += s.length;
  if (pendingSize > 1 << 20) {
    const chunk = pending.join('');
    pending = [];
    pendingSize = 0;
    if (!ws.write(chunk)) await once(ws, 'drain');
  }
}
const people = ['Мария Соколова', 'Pavel Orlov', 'Jane Roe', 'Łukasz Nowak', 'Сергей 🚀', 'Ana "Ani" Lima'];
let state = 7;
const next = () => (state = (state * 48271) % 2147483647) / 2147483647;

await put('{\n "about": "synthetic export for benchmarks",\n "personal_information": {"user_id": 1, "first_name": "Bench", "last_name": "Owner", "phone_number": "+7 900 000 0000"},\n');
await put(' "contacts": {"about": "", "list": [\n');
for (let i = 0; i < 300; i++) {
  await put(`  {"user_id": ${100 + i}, "first_name": ${JSON.stringify(people[i % people.length])}, "last_name": "", "phone_number": "+7 901 ${String(1000000 + i).slice(1)}", "date": "2021-05-01T09:00:00", "date_unixtime": "1619859600"}${i < 299 ? ',' : ''}\n`);
}
await put(' ]},\n "chats": {"about": "", "list": [\n');
const perChat = Math.ceil(total / chats);
let written = 0;
let t = 1600000000;
for (let c = 0; c < chats && written < total; c++) {
  await put(`  {"name": ${JSON.stringify(`Bench chat ${c}`)}, "type": "${c % 4 === 0 ? 'private_supergroup' : 'personal_chat'}", "id": ${900000 + c}, "messages": [\n`);
  const n = Math.min(perChat, total - written);
  for (let m = 0; m < n; m++) {
    written++;
    t += 1 + Math.floor(next() * 300);
    const who = Math.floor(next() * people.length);
    const text = next() < 0.8
      ? JSON.stringify(`Сообщение ${written}: договорились на завтра, see you ${'·'.repeat(Math.floor(next() * 60))}`)
      : JSON.stringify(['Link: ', { type: 'link', text: `https://example.com/${written}` }, ' ', { type: 'italic', text: 'срочно' }]);
    const d = new Date(t * 1000).toISOString().slice(0, 19);
    await put(`   {"id": ${written}, "type": "message", "date": "${d}", "date_unixtime": "${t}", "from": ${JSON.stringify(people[who])}, "from_id": "user${100 + who}", "text": ${text}}${m < n - 1 ? ',' : ''}\n`);
  }
  await put(`  ]}${c < chats - 1 && written < total ? ',' : ''}\n`);
}
await put(' ]}\n}\n');
if (pending.length) ws.write(pending.join(''));
ws.end();
await once(ws, 'finish');
console.log(`wrote ${file}: ${written} messages`);
