import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { AppLoadContext } from "@remix-run/node";
import express from "express";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { translate, type MessageKey } from "~/i18n";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { getOrCreateDraft } from "~/models/submissions.server";
import { pingRedis } from "~/queue.server";
import { loader as fileLoader } from "~/routes/files.$fileId";
import { action as evidenceAction, type EvidenceActionResult } from "~/routes/tasks.$taskId.evidence";
import { defaultPoolOptions, EvidencePool, registerEvidencePool } from "~/services/evidence-pool.server";
import { storeEvidence } from "~/services/evidence.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { createEvidenceWorld } from "../support/evidence-world";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import {
  activeContentPdfs,
  encryptedPdf,
  harmlessPdf,
  inflateBombPdf,
  nulSeparatedJsPdf,
  objectStreamJsPdf,
  pdfBytes,
  pngDeclaring,
  quadraticPdf,
} from "../support/hostile-files";

// Issue 13, part 1: every hostile file of the probe is refused with a clear Chinese message and
// leaves nothing behind, an ordinary PDF is accepted, and the server keeps answering meanwhile.

let world: Awaited<ReturnType<typeof createEvidenceWorld>>;
let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let taskId: string;

beforeAll(async () => {
  world = await createEvidenceWorld("hostile");
  ({ app, root, taskId } = world);
});
afterAll(async () => world?.close());

const traineeWithDraft = () => world.traineeWithDraft();
const filesOnDisk = () => world.filesOnDisk();
const rowsOf = (submissionId: string) => world.rowsOf(submissionId);

function uploadForm(kind: string, files: Array<{ name: string; bytes: Uint8Array; type: string }>) {
  const form = new FormData();
  form.append("intent", "upload");
  form.append("kind", kind);
  for (const f of files) form.append("file", new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type }));
  return form;
}

async function upload(who: { context: AppLoadContext }, kind: string, name: string, bytes: Uint8Array, type = "application/pdf") {
  const request = new Request(`http://localhost/tasks/${taskId}/evidence`, { method: "POST", body: uploadForm(kind, [{ name, bytes, type }]) });
  const res = await responseOf(() => evidenceAction({ request, context: who.context, params: { taskId } }));
  return { status: res.status, body: (await res.json()) as EvidenceActionResult };
}

const zh = (key: MessageKey | undefined, params?: Record<string, string | number>) => translate("zh-CN", key!, params);

describe("hostile files are refused with a clear message, and nothing is stored", () => {
  const cases: Array<{ what: string; bytes: () => Uint8Array | Promise<Uint8Array>; kind?: string; error: MessageKey; says: string; type?: string }> = [
    { what: "the probe's quadratic 1.66 MB '/FlateDecode' file", bytes: quadraticPdf, error: "evidence.error.pdfUnreadable", says: "无法读取" },
    { what: "the probe's 5 × 32 MiB inflate bomb", bytes: () => inflateBombPdf(5, 32), error: "evidence.error.tooMuchData", says: "解压后超过 100 MB" },
    { what: "JavaScript with NUL as the separator", bytes: nulSeparatedJsPdf, error: "evidence.error.pdfHasScript", says: "含有脚本" },
    { what: "an /OpenAction in an object stream behind [/ASCIIHexDecode /FlateDecode]", bytes: objectStreamJsPdf, error: "evidence.error.pdfHasScript", says: "含有脚本" },
    ...Object.entries(activeContentPdfs).map(([what, bytes]) => ({ what, bytes, error: "evidence.error.pdfHasScript" as const, says: "内嵌文件" })),
    { what: "an encrypted PDF", bytes: encryptedPdf, error: "evidence.error.pdfEncrypted", says: "加密" },
    { what: "a PNG declaring 100,000 × 100,000 pixels", bytes: () => pngDeclaring(100_000, 100_000), kind: "photo", type: "image/png", error: "evidence.error.imageTooLarge", says: "像素过多" },
  ];
  for (const c of cases) {
    it(c.what, async () => {
      const trainee = await traineeWithDraft();
      const disk = filesOnDisk();
      const res = await upload(trainee, c.kind ?? "sign_in_sheet", "签到表.pdf", await c.bytes(), c.type);
      expect(res.status).toBe(400);
      expect(res.body.rejected?.map((r) => r.error)).toEqual([c.error]);
      expect(zh(res.body.error, res.body.params)).toContain(c.says);
      expect(await rowsOf(trainee.submissionId)).toHaveLength(0);
      expect(filesOnDisk()).toEqual(disk);
    });
  }

  it("an ordinary PDF from a PDF writer is accepted, stored and served as a download", async () => {
    const trainee = await traineeWithDraft();
    const pdf = await harmlessPdf();
    const res = await upload(trainee, "sign_in_sheet", "签到表.pdf", pdf);
    expect(res.status).toBe(200);
    expect(res.body.files?.map((f) => f.mimeType)).toEqual(["application/pdf"]);
    const [row] = await rowsOf(trainee.submissionId);
    expect(Buffer.from((await new LocalDiskStorage(root).get(row!.storage_key))!).equals(Buffer.from(pdf))).toBe(true);
    const download = await responseOf(() =>
      fileLoader({ request: makeRequest(`/files/${row!.id}?download=1`), context: trainee.context, params: { fileId: row!.id } }),
    );
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Disposition")).toMatch(/^attachment;/);
  });
});

describe("the worker pool's own limits", () => {
  it("terminates a worker that takes too long, refuses the file, and goes on with the next", async () => {
    const pool = new EvidencePool({ ...defaultPoolOptions(), size: 1, timeoutMs: 40 });
    try {
      // Three 30 MiB streams: under the decoding budget, but inflating them takes longer than 40 ms.
      expect(await pool.process(inflateBombPdf(3, 30), "document")).toEqual({ ok: false, problem: "processingTimeout" });
      expect(pool.threads).toBe(0);
      const next = await pool.process(await harmlessPdf(), "document");
      expect(next.ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("a worker that runs out of heap is replaced; the file is refused as too complex", async () => {
    const pool = new EvidencePool({ ...defaultPoolOptions(), size: 1, heapMb: 24 });
    try {
      const numbers = Array.from({ length: 400_000 }, (_, i) => i).join(" ");
      const heavy = pdfBytes("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /A [", Array.from({ length: 8 }, () => `[${numbers}]`).join(" "), "] >>\nendobj\n");
      expect(await pool.process(heavy, "document")).toEqual({ ok: false, problem: "tooComplex" });
      expect((await pool.process(await harmlessPdf(), "document")).ok).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("a full queue is told to come back later (503), storing nothing", async () => {
    const busy = new EvidencePool({ ...defaultPoolOptions(), maxQueued: 0 });
    registerEvidencePool(busy);
    try {
      const trainee = await traineeWithDraft();
      const res = await upload(trainee, "sign_in_sheet", "a.pdf", await harmlessPdf());
      expect(res.status).toBe(503);
      expect(zh(res.body.error)).toContain("服务器正忙");
      expect(await rowsOf(trainee.submissionId)).toHaveLength(0);
    } finally {
      registerEvidencePool(null);
      await busy.close();
    }
  });
});

describe("/healthz keeps answering while the worst files are processed", () => {
  let server: Server;
  let base: string;
  let trainee: Awaited<ReturnType<typeof traineeWithDraft>>;

  beforeAll(async () => {
    trainee = await traineeWithDraft();
    // The express side of server.ts: /healthz as it is there, and the evidence route behind it.
    const web = express();
    web.get("/healthz", async (_req, res) => {
      await sql`select 1`.execute(app.db);
      await pingRedis();
      res.json({ status: "ok" });
    });
    web.post("/tasks/:taskId/evidence", async (req, res) => {
      const request = new Request(`http://localhost${req.originalUrl}`, {
        method: "POST",
        headers: { "content-type": req.get("content-type") ?? "" },
        body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
        duplex: "half",
      } as RequestInit);
      const response = await responseOf(() => evidenceAction({ request, context: trainee.context, params: { taskId: req.params.taskId! } }));
      res.status(response.status).type("application/json").send(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => {
      server = web.listen(0, "127.0.0.1", resolve);
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A warm pool, as on a server that has taken uploads before.
    expect((await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "document", fileName: "warm.pdf", bytes: await harmlessPdf() })).ok).toBe(true);
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it("answers within 1 s, again and again, during the upload", async () => {
    const form = uploadForm("sign_in_sheet", [
      { name: "quadratic.pdf", bytes: quadraticPdf(), type: "application/pdf" },
      { name: "bomb.pdf", bytes: inflateBombPdf(5, 32), type: "application/pdf" },
      { name: "heavy-but-allowed.pdf", bytes: inflateBombPdf(3, 30), type: "application/pdf" },
      { name: "hidden-js.pdf", bytes: objectStreamJsPdf(), type: "application/pdf" },
    ]);
    let uploading = true;
    const uploaded = fetch(`${base}/tasks/${taskId}/evidence`, { method: "POST", body: form }).finally(() => {
      uploading = false;
    });
    const latencies: number[] = [];
    while (uploading) {
      const asked = performance.now();
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      await health.json();
      if (uploading) latencies.push(performance.now() - asked);
      await new Promise((r) => setTimeout(r, 25));
    }
    const res = await uploaded;
    const body = (await res.json()) as EvidenceActionResult;
    expect(body.rejected?.map((r) => [r.name, r.error])).toEqual([
      ["quadratic.pdf", "evidence.error.pdfUnreadable"],
      ["bomb.pdf", "evidence.error.tooMuchData"],
      ["hidden-js.pdf", "evidence.error.pdfHasScript"],
    ]);
    expect(body.files?.map((f) => f.name)).toEqual(["heavy-but-allowed.pdf"]);
    // The health checks overlapped the processing, and none of them waited for it.
    expect(latencies.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});
