// One certificate-rendering worker thread (started by certificate-pdf-pool.server.ts). Plain JavaScript
// so Node can start it the same way under the built workers, tsx and vitest; it installs tsx's loader
// for its own thread, then loads the TypeScript that draws the PDF. Fonts are read and parsed once per
// thread, on the first certificate.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { renderCertificatePdf } = await import("./certificate-pdf.ts");

parentPort.on("message", async ({ id, input }) => {
  try {
    const pdf = await renderCertificatePdf(input);
    // Handed back without a copy.
    parentPort.postMessage({ id, pdf }, [pdf.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
parentPort.postMessage({ ready: true });
