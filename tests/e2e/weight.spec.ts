import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { demo, expect, signIn, test } from "./fixtures";
import { learnerPages, measurePageWeight } from "../support/page-weight";

// A trainee in a county town opens these on a phone over a weak signal: the first load must stay
// light. Sizes, not times (times belong to `npm run perf`).
const scriptBudget = 200 * 1024;

test("learner pages load under 200 KB of compressed JavaScript, with compressed HTML", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "bytes are the same on both profiles");
  await signIn(page, demo.campusTrainee);
  for (const url of learnerPages) {
    // A new page in a new context would lose the session; clear the HTTP cache instead.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.clearBrowserCache");
    const weight = await measurePageWeight(page, url);
    expect.soft(weight.scriptBytes, `${url}: ${weight.scriptFiles} scripts`).toBeLessThan(scriptBudget);
    expect.soft(weight.scriptFiles, url).toBeGreaterThan(0);
    expect.soft(weight.htmlEncoding, url).toMatch(/^(br|gzip)$/);
  }
});

test("no browser bundle of this build carries a server-side validator", () => {
  // The newest manifest names every file the browser can load (older builds may linger beside it).
  const manifest = readdirSync("public/build")
    .filter((f) => /^manifest-.*\.js$/.test(f))
    .map((f) => path.join("public/build", f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  const files = new Set([...readFileSync(manifest, "utf8").matchAll(/\/build\/[^"]+\.js/g)].map((m) => `public${m[0]}`));
  expect(files.size).toBeGreaterThan(10);
  const withZod = [...files].filter((f) => readFileSync(f, "utf8").includes("ZodDiscriminatedUnion"));
  expect(withZod).toEqual([]);
});
