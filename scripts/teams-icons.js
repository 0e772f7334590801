// Draws the Teams app icons into manifests/teams/: color.png (192×192, full colour) and
// outline.png (32×32, white on transparent), the sizes the app manifest requires
// (learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package#app-icons).
// Run: node scripts/teams-icons.js
import { writeFileSync } from 'node:fs';
import { encodePng } from './teams/png.js';

const ACCENT = [15, 118, 110, 255]; // #0F766E, the manifest's accentColor
const WHITE = [255, 255, 255, 255];
const CLEAR = [0, 0, 0, 0];

/** Three rising bars on a baseline: the product's "usage is climbing" mark, in a unit square. */
function mark(u, v) {
  const bars = [
    [0.2, 0.34, 0.58],
    [0.43, 0.57, 0.42],
    [0.66, 0.8, 0.24],
  ];
  if (v >= 0.76 && v <= 0.82 && u >= 0.16 && u <= 0.84) return true; // baseline
  return bars.some(([x0, x1, top]) => u >= x0 && u <= x1 && v >= top && v < 0.76);
}

// Solid background: Teams draws its own rounded frame around the colour icon.
const color = encodePng(192, 192, (x, y) => (mark((x + 0.5) / 192, (y + 0.5) / 192) ? WHITE : ACCENT));
const outline = encodePng(32, 32, (x, y) => (mark((x + 0.5) / 32, (y + 0.5) / 32) ? WHITE : CLEAR));

writeFileSync(new URL('../manifests/teams/color.png', import.meta.url), color);
writeFileSync(new URL('../manifests/teams/outline.png', import.meta.url), outline);
console.log('wrote manifests/teams/color.png (192×192) and outline.png (32×32)');
