import { parentPort } from "node:worker_threads";
import sharp from "sharp";
const n: number = 1;
parentPort!.on("message", async (m: { cmd: string }) => {
  if (m.cmd === "sharp") {
    const img = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: "#fff" } }).png().toBuffer();
    parentPort!.postMessage({ ok: img.length });
  } else parentPort!.postMessage({ ok: n });
});
