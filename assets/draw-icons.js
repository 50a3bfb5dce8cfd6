#!/usr/bin/env node
// Draws the manifests' icons (a shield with a tick) as PNGs, with Node's zlib only: `node assets/draw-icons.js`
// rewrites assets/icon-<size>.png at every size manifest.xml names, and the app package's two icons
// (assets/color-192.png, full colour; assets/outline-32.png, the shape's outline in white on transparent, as
// Microsoft 365 requires). Shapes are sampled 4×4 per pixel for smooth edges.
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

/**
 * Samples each pixel 4×4 and colours it by the share of samples that fall in each part of the picture:
 * `paint(x, y)` names the part a point in unit coordinates belongs to (a key of `colours`), or undefined.
 */
function draw(size, colours, paint) {
  const rgba = Buffer.alloc(size * size * 4);
  const samples = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const hits = {};
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const part = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (part === undefined) continue;
          hits[part] = (hits[part] ?? 0) + 1;
          covered++;
        }
      }
      const i = (py * size + px) * 4;
      // A fully transparent pixel keeps the first colour, as the icons have always been written.
      const [first] = Object.values(colours);
      for (let c = 0; c < 3; c++) {
        let mixed = 0;
        for (const [part, count] of Object.entries(hits)) mixed += colours[part][c] * count;
        rgba[i + c] = covered === 0 ? first[c] : Math.round(mixed / covered);
      }
      rgba[i + 3] = Math.round((covered / (samples * samples)) * 255);
    }
  }
  return png(size, rgba);
}

/** The full-colour picture: a blue shield with a white tick. */
const colourIcon = (size) =>
  draw(size, { shield: SHIELD, tick: TICK }, (x, y) =>
    inShield(x, y) ? (inTick(x, y) ? 'tick' : 'shield') : undefined,
  );

/** The outline: the shield's rim and the tick in white, everything else transparent. */
const outlineIcon = (size) =>
  draw(size, { line: TICK }, (x, y) => {
    const rim = 0.07;
    const onRim =
      inShield(x, y) && !inShield((x - 0.5) / (1 - 2 * rim) + 0.5, (y - 0.5) / (1 - 2 * rim) + 0.5);
    return onRim || inTick(x, y) ? 'line' : undefined;
  });

for (const size of SIZES) writeFileSync(join(__dirname, `icon-${size}.png`), colourIcon(size));
writeFileSync(join(__dirname, 'color-192.png'), colourIcon(192));
writeFileSync(join(__dirname, 'outline-32.png'), outlineIcon(32));
