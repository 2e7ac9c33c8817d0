// `npm run build`, after `remix build`: bundles the service worker (app/offline/sw.ts) with esbuild and
// lets Workbox's injectManifest write this build's scripts and styles into it as the precache list,
// to public/sw.js (served with `Cache-Control: no-cache`, decision 025).
import { mkdirSync } from "node:fs";
import { build } from "esbuild";
import { injectManifest } from "workbox-build";

const bundled = ".cache/sw.bundle.js";
mkdirSync(".cache", { recursive: true });
await build({
  entryPoints: ["app/offline/sw.ts"],
  bundle: true,
  format: "iife",
  target: "es2020",
  minify: true,
  outfile: bundled,
  tsconfig: "tsconfig.json",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});

const { count, size, warnings } = await injectManifest({
  swSrc: bundled,
  swDest: "public/sw.js",
  globDirectory: "public",
  // The shell of the learner's pages; staff pages' modules are not worth a phone's bytes.
  globPatterns: ["build/*.js", "build/_shared/**/*.js", "build/_assets/**/*.css", "build/routes/{_index,learn,tasks,my-work,notifications,profile,$}*.js"],
  // Remix names every file by its content: the name is the revision.
  dontCacheBustURLsMatching: /-[A-Z0-9]{8}\.(js|css)$/,
  maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
});
for (const warning of warnings) console.warn(`service worker: ${warning}`);
console.log(`service worker: public/sw.js precaches ${count} files, ${Math.round(size / 1024)} KiB`);
