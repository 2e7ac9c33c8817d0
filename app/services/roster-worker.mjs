// One roster workbook read in its own worker thread (started by roster-workbook.server.ts), so a slow or
// hostile workbook never holds up the thread that answers requests. Plain JavaScript so Node can start it
// under the built server, tsx and vitest alike; it installs tsx's loader, then loads the TypeScript.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { readRosterWorkbook } = await import("./roster-reading.ts");
parentPort.postMessage(await readRosterWorkbook(workerData));
