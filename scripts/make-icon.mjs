// Draws the app icon (a house with an arrow: "moving house") into assets/icon.png, 512×512 RGBA.
// Deterministic and dependency-free, so the icon can be regenerated anywhere: node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const S = 512;
const px = Buffer.alloc(S * S * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * S + x) * 4;
  px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a;
};
const blue = [30, 77, 183, 255], white = [255, 255, 255, 255], amber = [245, 166, 35, 255];
const inRounded = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), S - 1 - r), cy = Math.min(Math.max(y, r), S - 1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
  if (!inRounded(x, y, 96)) { set(x, y, [0, 0, 0, 0]); continue; }
  set(x, y, blue);
  // roof: triangle apex (256,110), base y=250 from x=106..406
  const roof = y >= 110 && y <= 250 && Math.abs(x - 256) <= ((y - 110) / 140) * 150;
  // body
  const body = x >= 146 && x <= 366 && y >= 240 && y <= 400;
  // door
  const door = x >= 232 && x <= 280 && y >= 320 && y <= 400;
  if ((roof || body) && !door) set(x, y, white);
  // arrow to the right, under the house
  const shaft = y >= 424 && y <= 440 && x >= 160 && x <= 330;
  const head = x >= 330 && x <= 370 && Math.abs(y - 432) <= (370 - x) * 0.8;
  if (shaft || head) set(x, y, amber);
}
const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const t = Buffer.from(type, 'ascii');
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0); t.copy(out, 4); data.copy(out, 8);
  out.writeUInt32BE(crc(Buffer.concat([t, data])), 8 + data.length);
  return out;
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) { raw[y * (S * 4 + 1)] = 0; px.copy(raw, y * (S * 4 + 1) + 1, y * S * 4, (y + 1) * S * 4); }
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('../assets/icon.png', import.meta.url), png);
console.log('assets/icon.png', png.length, 'bytes');
