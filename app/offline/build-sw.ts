// `npm run build`, after `remix build`: bundles the service worker (app/offline/sw.ts) with esbuild and
// lets Workbox's injectManifest write this build's scripts and styles into it as the precache list,
// to public/sw.js (served with `Cache-Control: no-cache`, decision 025).
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
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

// The app shell: Remix's manifest, the entry and the root route with the chunks they import, and the
// styles. Route modules are kept as pages load them (the worker's /build route), not downloaded up front:
// a phone on a weak signal pays for what it opens.
const remixManifest = readdirSync("public/build").find((f) => /^manifest-[A-Z0-9]+\.js$/.test(f));
if (!remixManifest) throw new Error("public/build has no Remix manifest: run `remix build` first");
const { entry, routes } = JSON.parse(readFileSync(`public/build/${remixManifest}`, "utf8").replace(/^window\.__remixManifest=/, "").replace(/;\s*$/, "")) as {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { module: string; imports?: string[] }>;
};
const root = routes.root!;
const shell = [`/build/${remixManifest}`, entry.module, ...(entry.imports ?? []), root.module, ...(root.imports ?? [])].map((url) => url.replace(/^\//, ""));

const { count, size, warnings } = await injectManifest({
  swSrc: bundled,
  swDest: "public/sw.js",
  globDirectory: "public",
  globPatterns: [...shell, "build/_assets/**/*.css"],
  // Remix names every file by its content: the name is the revision.
  dontCacheBustURLsMatching: /-[A-Z0-9]{8}\.(js|css)$/,
  maximumFileSizeToCacheInBytes: 2 * 1024 * 1024,
});
for (const warning of warnings) console.warn(`service worker: ${warning}`);
console.log(`service worker: public/sw.js precaches ${count} files, ${Math.round(size / 1024)} KiB`);
