import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { renderJobId } from "~/models/certificates.server";
import { syncCatalog } from "~/models/curriculum.server";
import { addToOutbox } from "~/models/outbox.server";
import { enqueue } from "~/queue.server";
import { renderAndStoreCertificates } from "~/services/certificate-batches.server";
import { certificateNumber, publicOrigin } from "~/services/certificate-document.server";
import { CertificatePdfPool, registerCertificatePdfPool } from "~/services/certificate-pdf-pool.server";
import { storedCredentialOf, verifyCredentialJws } from "~/services/credentials.server";
import { LocalDiskStorage, registerStorage, storage } from "~/services/storage.server";
import { startWorkers } from "../../workers/runtime";
import { createTestApp } from "../support/app";
import { waitFor } from "../support/wait";

// Certificates rendered many at a time (decision 021): a batch through the worker-thread pool, and
// the queue's batches surviving a renderer thread that dies.

const run = promisify(execFile);
let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  root = mkdtempSync(path.join(tmpdir(), "baicheng-cert-batches-"));
  registerStorage(new LocalDiskStorage(root));
});
afterAll(async () => {
  registerCertificatePdfPool(null);
  registerStorage(null);
  rmSync(root, { recursive: true, force: true });
  await app?.close();
});

async function certificateFor(name: string) {
  const user = await app.signIn(["trainee"], { name, track: "campus" });
  return app.db
    .insertInto("certificates")
    .values({ number: certificateNumber(), user_id: user.id, track: "campus", tier: "foundation", name_on_certificate: name, issued_at: new Date() })
    .returning(["id", "number", "name_on_certificate"])
    .executeTakeFirstOrThrow();
}

const rowsOf = (ids: string[]) =>
  app.db.selectFrom("certificates").select(["id", "number", "name_on_certificate", "pdf_key", "credential", "rendered_at", "render_error"]).where("id", "in", ids).execute();

async function pdfText(key: string) {
  const bytes = await storage().get(key);
  const file = path.join(root, `${path.basename(key)}.check.pdf`);
  writeFileSync(file, bytes!);
  const [{ stdout: text }, { stdout: fonts }] = await Promise.all([run("pdftotext", ["-layout", file, "-"]), run("pdffonts", [file])]);
  return { text, fonts };
}

describe("a batch of certificates", () => {
  it("renders distinct, correct PDFs and credentials, and a repeated batch changes nothing", async () => {
    // A rare-character name too: its PDF carries the HanaMinB fallback (decision 013), the others do not.
    const names = ["批量张一", "批量李二", "批量王三", "批量赵四", "批量刘𠀾"];
    const certificates = [];
    // One at a time: the first certificate of a database opens its status list.
    for (const n of names) certificates.push(await certificateFor(n));
    const ids = certificates.map((c) => c.id);
    const pool = new CertificatePdfPool({ size: 2, perThread: 2, timeoutMs: 120_000 });
    try {
      const outcomes = await renderAndStoreCertificates(app.db, ids, publicOrigin(), (input) => pool.render(input));
      expect(outcomes.map((o) => o.state)).toEqual(names.map(() => "rendered"));

      const rows = await rowsOf(ids);
      expect(new Set(rows.map((r) => r.pdf_key)).size).toBe(names.length);
      for (const row of rows) {
        expect(row.rendered_at).not.toBeNull();
        expect(row.render_error).toBeNull();
        const { text, fonts } = await pdfText(row.pdf_key!);
        expect(text).toContain(row.name_on_certificate.replace("𠀾", ""));
        expect(text).toContain(row.number);
        for (const other of names.filter((n) => n !== row.name_on_certificate)) expect(text).not.toContain(other);
        expect(fonts).toMatch(/[A-Z]{6}\+NotoSerifSC.*CID TrueType\s+Identity-H\s+yes\s+yes/);
        if (row.name_on_certificate.includes("𠀾")) expect(fonts).toMatch(/[A-Z]{6}\+HanaMinB.*yes\s+yes/);
        else expect(fonts).not.toContain("HanaMinB");

        const stored = storedCredentialOf(row.credential)!;
        const check = await verifyCredentialJws(app.db, stored.jws, publicOrigin());
        expect(check.valid).toBe(true);
        if (check.valid) {
          expect(check.credential.id).toMatch(new RegExp(`/verify/${row.number}$`));
          expect(check.credential.credentialSubject.identifier[0]!.identityHash).toBe(row.name_on_certificate);
        }
      }
      // The same batch again (a replayed job): each is found rendered; nothing is drawn or stored twice.
      const again = await renderAndStoreCertificates(app.db, [...ids, ids[0]!], publicOrigin(), () => Promise.reject(new Error("must not draw again")));
      expect(again.map((o) => o.state)).toEqual([...names.map(() => "unchanged"), "unchanged"]);
      expect(await rowsOf(ids)).toEqual(rows);
      const count = await app.db.selectFrom("certificates").select((eb) => eb.fn.countAll<string>().as("n")).where("name_on_certificate", "in", names).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(names.length);
    } finally {
      await pool.close();
    }
  }, 120_000);

  it("through the queue: a renderer thread that dies fails only its certificate, which is retried; the others render once", async () => {
    // A worker entry that dies on its first 崩溃 certificate and draws everything else as the real one does.
    // Under node_modules/.cache so that the script finds tsx as the real entry does.
    mkdirSync(path.resolve("node_modules/.cache"), { recursive: true });
    const dir = mkdtempSync(path.resolve("node_modules/.cache/baicheng-crashing-renderer-"));
    const marker = path.join(dir, "crashed");
    const script = path.join(dir, "crashing-worker.mjs");
    const real = pathToFileURL(path.resolve("app/services/certificate-pdf.ts")).href;
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";
register();
const { renderCertificatePdf } = await import(${JSON.stringify(real)});
parentPort.on("message", async ({ id, input }) => {
  if (input.name.includes("崩溃") && !existsSync(${JSON.stringify(marker)})) {
    writeFileSync(${JSON.stringify(marker)}, "1");
    process.exit(7);
  }
  const pdf = await renderCertificatePdf(input);
  parentPort.postMessage({ id, pdf }, [pdf.buffer]);
});
parentPort.postMessage({ ready: true });
`,
    );
    // One PDF per thread at a time, so the thread that dies holds only the certificate that killed it.
    registerCertificatePdfPool(new CertificatePdfPool({ size: 2, perThread: 1, timeoutMs: 120_000, script }));
    const workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 4 });
    try {
      const certificates = [];
      for (const n of ["队列甲", "队列乙", "崩溃丙", "队列丁", "队列戊", "队列己"]) certificates.push(await certificateFor(n));
      for (const c of certificates) {
        const job = { jobId: renderJobId(c.id), queue: "certificates" as const, name: "render", payload: { certificateId: c.id } };
        await addToOutbox(app.db, job);
        await enqueue(job.queue, job.name, job.payload, job.jobId);
      }
      const ids = certificates.map((c) => c.id);
      await waitFor(
        "every certificate rendered",
        async () => ((await rowsOf(ids)).every((r) => r.rendered_at) ? true : undefined),
        { timeoutMs: 120_000 },
      );
      const outbox = await app.db.selectFrom("job_outbox").select(["job_id", "completed_at", "last_error"]).where("job_id", "in", ids.map(renderJobId)).execute();
      const crashed = certificates.find((c) => c.name_on_certificate === "崩溃丙")!;
      for (const row of outbox) {
        expect(row.completed_at).not.toBeNull();
        if (row.job_id === renderJobId(crashed.id)) expect(row.last_error).toMatch(/attempt 1\/5: certificate renderer thread exited with code 7/);
        else expect(row.last_error).toBeNull();
      }
      const rows = await rowsOf(ids);
      expect(new Set(rows.map((r) => r.pdf_key)).size).toBe(ids.length);
      expect(rows.every((r) => r.render_error === null)).toBe(true);
      const crashedRow = rows.find((r) => r.id === crashed.id)!;
      expect((await pdfText(crashedRow.pdf_key!)).text).toContain("崩溃丙");
    } finally {
      await workers.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
