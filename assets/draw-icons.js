#!/usr/bin/env node
// Draws the manifest's icons (a shield with a tick) as PNGs at every size it names, with Node's zlib only:
// `node assets/draw-icons.js` rewrites assets/icon-<size>.png. Shapes are sampled 4×4 per pixel for smooth edges.
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { deflateSync } = require('node:zlib');

const SIZES = [16, 32, 64, 80, 128];
const SHIELD = [15, 98, 190]; // #0f62be
const TICK = [255, 255, 255];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The shield in unit coordinates: flat top with rounded shoulders, sides curving to a point at the bottom. */
function inShield(x, y) {
  if (y < 0.08 || y > 0.94) return false;
  const halfWidth = y < 0.55 ? 0.4 : 0.4 * Math.sqrt(Math.max(0, 1 - ((y - 0.55) / 0.39) ** 2));
  return Math.abs(x - 0.5) <= halfWidth;
}
/** The tick: two thick strokes. */
function inTick(x, y) {
  const near = (ax, ay, bx, by) => {
    const t = Math.max(
      0,
      Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)),
    );
    return Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) < 0.065;
  };
  return near(0.31, 0.5, 0.45, 0.65) || near(0.45, 0.65, 0.7, 0.34);
}

function draw(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let shield = 0;
      let tick = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          if (!inShield(x, y)) continue;
          if (inTick(x, y)) tick++;
          else shield++;
        }
      }
      const total = samples * samples;
      const alpha = (shield + tick) / total;
      const mix = shield + tick === 0 ? 0 : tick / (shield + tick);
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(SHIELD[c] * (1 - mix) + TICK[c] * mix);
      rgba[i + 3] = Math.round(alpha * 255);
    }
  }
  return png(size, rgba);
}

for (const size of SIZES) writeFileSync(join(__dirname, `icon-${size}.png`), draw(size));
