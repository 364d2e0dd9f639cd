// Draws the toolbar icons (a bridge arc over a rounded square) as PNGs without any image library.
// Run once with `node tools/make-icons.mjs`; the PNGs are committed.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function icon(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0];
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      const v = (y + 0.5) / size;
      // Rounded square background.
      const r = 0.2;
      const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
      const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
      const inside = dx * dx + dy * dy <= r * r;
      // Bridge: an arc plus a deck and two pillars, in white.
      const arcDist = Math.abs(Math.hypot(u - 0.5, v - 0.95) - 0.38);
      const deck = v > 0.6 && v < 0.68 && u > 0.12 && u < 0.88;
      const pillar = (Math.abs(u - 0.3) < 0.045 || Math.abs(u - 0.7) < 0.045) && v > 0.62 && v < 0.86;
      const white = (arcDist < 0.05 && v < 0.95) || deck || pillar;
      if (!inside) row.push(0, 0, 0, 0);
      else if (white) row.push(255, 255, 255, 255);
      else row.push(0xd1, 0x5b, 0x0a, 255); // deep orange
    }
    rows.push(Buffer.from(row));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  writeFileSync(new URL(`../icons/icon-${size}.png`, import.meta.url), png);
}
for (const size of [16, 32, 48, 128]) icon(size);
