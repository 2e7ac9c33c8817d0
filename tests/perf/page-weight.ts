// Benchmark: what a trainee's first visit costs on a phone over Fast 3G. For each learner page it
// prints the compressed JavaScript and HTML of a first load, the same page's bytes uncompressed
// (the baseline, measured in the same run), and the time to `load` under DevTools' Fast 3G profile.
import { spawn } from "node:child_process";
import { chromium } from "@playwright/test";
import { existsSync } from "node:fs";
import { learnerPages, measurePageWeight } from "../support/page-weight";
import { waitFor } from "../support/wait";

const port = Number(process.env.PERF_PORT ?? 3200);
const base = `http://127.0.0.1:${port}`;
const fast3g = { offline: false, latency: 562.5, downloadThroughput: (1.44 * 1_000_000) / 8, uploadThroughput: (0.675 * 1_000_000) / 8 };

const server = spawn("npx", ["tsx", "tests/e2e/serve.ts"], {
  env: { ...process.env, E2E_PORT: String(port) },
  stdio: ["ignore", "ignore", "inherit"],
  detached: true,
});
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"] });
try {
  await waitFor("the app's /healthz", () => fetch(`${base}/healthz`).then((r) => (r.ok ? true : undefined), () => undefined), { timeoutMs: 60_000, everyMs: 250 });
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
  const figures = async (acceptEncoding: string | null, throttle: boolean) => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 390, height: 844 }, isMobile: true, extraHTTPHeaders: acceptEncoding ? { "Accept-Encoding": acceptEncoding } : {} });
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("手机号或邮箱").fill("13800000001");
    await page.getByLabel("密码").fill("baicheng-demo-2026");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    const rows = [];
    for (const url of learnerPages) {
      await cdp.send("Network.clearBrowserCache");
      if (throttle) await cdp.send("Network.emulateNetworkConditions", fast3g);
      const started = Date.now();
      const weight = await measurePageWeight(page, url);
      const loadMs = Date.now() - started;
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      rows.push({ ...weight, loadMs });
    }
    await context.close();
    return rows;
  };
  const plain = await figures("identity", false);
  const compressed = await figures(null, true);
  console.log("first load of each learner page, signed in, cache empty, 390 px phone; Fast 3G = 562.5 ms RTT, 1.44 Mbit/s down");
  console.log(`${"page".padEnd(58)} ${"JS sent".padStart(10)} ${"JS plain".padStart(10)} ${"HTML sent".padStart(10)} ${"HTML plain".padStart(10)} ${"Fast 3G".padStart(9)}`);
  for (const [i, row] of compressed.entries()) {
    const base = plain[i]!;
    console.log(`${row.url.padEnd(58)} ${kib(row.scriptBytes)} ${kib(base.scriptBytes)} ${kib(row.htmlBytes)} ${kib(base.htmlBytes)} ${`${(row.loadMs / 1000).toFixed(1)} s`.padStart(9)}`);
  }
  const worst = Math.max(...compressed.map((r) => r.scriptBytes));
  console.log(`largest first-load JavaScript: ${kib(worst).trim()} sent (target < 200 KiB); HTML sent/plain ratio ${(compressed.reduce((a, r) => a + r.htmlBytes, 0) / plain.reduce((a, r) => a + r.htmlBytes, 0)).toFixed(2)}`);
} finally {
  await browser.close();
  process.kill(-server.pid!, "SIGTERM");
}
