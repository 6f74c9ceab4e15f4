/**
 * CRC-32 as used by zip, gzip and PNG (reflected polynomial 0xEDB88320, initial value and final
 * xor 0xFFFFFFFF). Node 20 has no `zlib.crc32`, so this is a table-driven implementation that
 * consumes eight bytes per step ("slicing by 8"): exports are several GB and every byte we inflate
 * goes through here, so the plain byte-at-a-time loop would be the bottleneck.
 */

const POLY = 0xedb88320;

/** TABLES[k * 256 + b]: the CRC contribution of byte `b` followed by `k` zero bytes. */
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 8; k++) {
      c = (c >>> 8) ^ t[c & 0xff]!;
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/**
 * Continues a running CRC over `data`. Start with `crc32(data)` (previous = 0) and feed chunks in
 * order: `crc32(b, crc32(a))` equals `crc32(concat(a, b))`.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  const t = TABLES;
  let crc = ~previous >>> 0;
  let i = 0;
  const len = data.length;
  const end8 = len - (len % 8);
  while (i < end8) {
    const lo = (crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    crc =
      t[7 * 256 + (lo & 0xff)]! ^
      t[6 * 256 + ((lo >>> 8) & 0xff)]! ^
      t[5 * 256 + ((lo >>> 16) & 0xff)]! ^
      t[4 * 256 + (lo >>> 24)]! ^
      t[3 * 256 + data[i + 4]!]! ^
      t[2 * 256 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
    i += 8;
  }
  while (i < len) {
    crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    i++;
  }
  return ~crc >>> 0;
}
