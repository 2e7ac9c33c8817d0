// Makes the installable site's icons (public/icons/*.png, committed): the favicon's 百 on the brand
// green (app/styles: --c-primary), drawn from Noto Serif SC Bold's outline so no system font is needed.
// Run once after changing the design: `npx tsx app/offline/make-icons.ts`.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import * as fontkit from "fontkit";
import sharp from "sharp";

const require = createRequire(import.meta.url);
const fontFile = require.resolve("@expo-google-fonts/noto-serif-sc/700Bold/NotoSerifSC_700Bold.ttf");
const font = fontkit.openSync(fontFile) as fontkit.Font;
const glyph = font.glyphsForString("百")[0]!;
const unitsPerEm = font.unitsPerEm;
const box = glyph.bbox;

/** The icon at `size` px; `maskable` keeps the mark inside the safe circle (80 %) on a full square. */
function svg(size: number, maskable: boolean): string {
  const markShare = maskable ? 0.46 : 0.56;
  const scale = (size * markShare) / unitsPerEm;
  const width = (box.maxX - box.minX) * scale;
  const height = (box.maxY - box.minY) * scale;
  const x = (size - width) / 2 - box.minX * scale;
  const y = (size + height) / 2 + box.minY * scale;
  const background = maskable ? `<rect width="${size}" height="${size}" fill="#0f6b5c"/>` : `<circle cx="${size / 2}" cy="${size / 2}" r="${size / 2}" fill="#0f6b5c"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${background}<path transform="translate(${x} ${y}) scale(${scale} ${-scale})" d="${glyph.path.toSVG()}" fill="#fff"/></svg>`;
}

mkdirSync("public/icons", { recursive: true });
for (const size of [192, 512]) {
  await sharp(Buffer.from(svg(size, false))).png({ compressionLevel: 9 }).toFile(`public/icons/icon-${size}.png`);
  await sharp(Buffer.from(svg(size, true))).png({ compressionLevel: 9 }).toFile(`public/icons/maskable-${size}.png`);
}
await sharp(Buffer.from(svg(180, true))).png({ compressionLevel: 9 }).toFile("public/icons/apple-touch-icon.png");
console.log("public/icons: icon-192, icon-512, maskable-192, maskable-512, apple-touch-icon");
