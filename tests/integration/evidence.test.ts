import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvidenceKind } from "../../db/schema";
import { catalog } from "~/catalog/catalog.server";
import { translate } from "~/i18n";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { getOrCreateDraft, moveSubmission } from "~/models/submissions.server";
import { loader as fileLoader } from "~/routes/files.$fileId";
import { action as evidenceAction, loader as evidenceLoader, type EvidenceActionResult } from "~/routes/tasks.$taskId.evidence";
import { evidenceLimits, listEvidence, removeEvidence, storeEvidence } from "~/services/evidence.server";
import { LocalDiskStorage, registerStorage } from "~/services/storage.server";
import { createEvidenceWorld } from "../support/evidence-world";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let world: Awaited<ReturnType<typeof createEvidenceWorld>>;
let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let taskId: string;

beforeAll(async () => {
  world = await createEvidenceWorld("uploads");
  ({ app, root, taskId } = world);
});
afterAll(async () => world?.close());

const traineeWithDraft = () => world.traineeWithDraft();
const filesOnDisk = () => world.filesOnDisk();
const rowsOf = (submissionId: string) => world.rowsOf(submissionId);

/** A phone photo: 600×400 stored sideways (EXIF orientation 6) with the GPS position where it was taken. */
async function photoWithLocation(): Promise<Uint8Array> {
  const jpeg = await sharp({ create: { width: 600, height: 400, channels: 3, background: { r: 180, g: 90, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: "PhoneCam" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "39/1 54/1 27/1", GPSLongitudeRef: "E", GPSLongitude: "116/1 23/1 30/1" } })
    .toBuffer();
  return new Uint8Array(jpeg);
}

async function smallPng(): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: "#3366aa" } }).png().toBuffer());
}

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, "latin1"));
const cleanPdf = latin1("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const scriptedPdf = latin1("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n%%EOF\n");
const renamedExe = latin1("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.\r\n");
const svg = latin1('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/admin")</script></svg>');

interface Upload {
  name: string;
  bytes: Uint8Array;
  type?: string;
}

function uploadRequest(fields: Record<string, string>, files: Upload[] = []) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append("file", new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type ?? "image/jpeg" }));
  return new Request(`http://localhost/tasks/${taskId}/evidence`, { method: "POST", body: form });
}

async function post(who: { context: Parameters<typeof evidenceAction>[0]["context"] }, fields: Record<string, string>, files: Upload[] = []) {
  const res = await responseOf(() => evidenceAction({ request: uploadRequest(fields, files), context: who.context, params: { taskId } }));
  return { status: res.status, body: (await res.json()) as EvidenceActionResult };
}

async function getFile(who: { context: Parameters<typeof fileLoader>[0]["context"] }, fileId: string, query = "") {
  return responseOf(() => fileLoader({ request: makeRequest(`/files/${fileId}${query}`), context: who.context, params: { fileId } }));
}

describe("storing a photo", () => {
  it("removes the EXIF (GPS included), turns it upright and makes a thumbnail", async () => {
    const trainee = await traineeWithDraft();
    const photo = await photoWithLocation();
    const before = await sharp(photo).metadata();
    // The fixture really carries a GPS IFD (tag 0x8825), so the test can fail.
    expect(before.exif?.includes(Buffer.from([0x25, 0x88])) || before.exif?.includes(Buffer.from([0x88, 0x25]))).toBe(true);

    const result = await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "photo", fileName: "IMG_2031.JPG", bytes: photo });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.file).toMatchObject({ kind: "photo", name: "IMG_2031.jpg", mimeType: "image/jpeg", width: 400, height: 600, hasThumbnail: true });

    const [row] = await rowsOf(trainee.submissionId);
    expect(row!.storage_key).toMatch(/^ev\/\d{4}\/\d{2}\/[0-9a-f]{32}\.jpg$/);
    const stored = await new LocalDiskStorage(root).get(row!.storage_key);
    const after = await sharp(stored!).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(Buffer.from(stored!).toString("latin1")).not.toContain("PhoneCam");
    expect([after.width, after.height]).toEqual([400, 600]);
    expect(row!.size_bytes).toBe(stored!.byteLength);

    const thumbnail = await new LocalDiskStorage(root).get(row!.thumbnail_key!);
    const thumbMeta = await sharp(thumbnail!).metadata();
    expect(thumbMeta.format).toBe("webp");
    expect(Math.max(thumbMeta.width!, thumbMeta.height!)).toBeLessThanOrEqual(320);
  });

  it("shrinks a huge image to 4096 px on the long side", async () => {
    const trainee = await traineeWithDraft();
    const big = new Uint8Array(await sharp({ create: { width: 5000, height: 1000, channels: 3, background: "#ffffff" } }).png().toBuffer());
    const result = await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "sign_in_sheet", fileName: "scan.png", bytes: big });
    expect(result.ok && [result.file.width, result.file.height]).toEqual([4096, 819]);
  });
});

describe("refused files leave nothing behind", () => {
  const cases: Array<{ what: string; name: string; bytes: () => Promise<Uint8Array> | Uint8Array; kind?: EvidenceKind; problem: string }> = [
    { what: "an .exe renamed .jpg", name: "photo.jpg", bytes: () => renamedExe, problem: "unsupportedType" },
    { what: "an SVG", name: "poster.svg", bytes: () => svg, problem: "unsupportedType" },
    { what: "a zero-byte file", name: "empty.jpg", bytes: () => new Uint8Array(), problem: "empty" },
    { what: "a PDF with JavaScript", name: "签到表.pdf", bytes: () => scriptedPdf, kind: "sign_in_sheet", problem: "pdfHasScript" },
    { what: "a JPEG header on garbage", name: "broken.jpg", bytes: () => latin1("\xff\xd8\xff\xe0garbage garbage garbage"), problem: "unreadableImage" },
    { what: "a PDF filed as a photo", name: "scan.pdf", bytes: () => cleanPdf, kind: "photo", problem: "photoNotImage" },
  ];
  for (const c of cases) {
    it(`${c.what}: ${c.problem}`, async () => {
      const trainee = await traineeWithDraft();
      const disk = filesOnDisk();
      const result = await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: c.kind ?? "photo", fileName: c.name, bytes: await c.bytes() });
      expect(result).toMatchObject({ ok: false, problem: c.problem });
      expect(await rowsOf(trainee.submissionId)).toHaveLength(0);
      expect(filesOnDisk()).toEqual(disk);
    });
  }

  it("removes the stored bytes when the database refuses the row", async () => {
    const trainee = await traineeWithDraft();
    const disk = filesOnDisk();
    // A kind the table's CHECK constraint rejects: the insert fails after the bytes were written.
    const badKind = "video" as EvidenceKind;
    await expect(
      storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: badKind, fileName: "a.png", bytes: await smallPng() }),
    ).rejects.toThrow(/check constraint/);
    expect(await rowsOf(trainee.submissionId)).toHaveLength(0);
    expect(filesOnDisk()).toEqual(disk);
  });

  it("someone else's submission: not found, nothing stored", async () => {
    const owner = await traineeWithDraft();
    const intruder = await app.signIn(["trainee"]);
    const result = await storeEvidence(app.db, { submissionId: owner.submissionId, ownerId: intruder.id, kind: "photo", fileName: "x.png", bytes: await smallPng() });
    expect(result).toEqual({ ok: false, problem: "notFound" });
    expect(await rowsOf(owner.submissionId)).toHaveLength(0);
  });
});

describe("limits per submission", () => {
  it(`refuses file ${evidenceLimits.maxFilesPerSubmission + 1}`, async () => {
    const trainee = await traineeWithDraft();
    const png = await smallPng();
    for (let i = 0; i < evidenceLimits.maxFilesPerSubmission; i += 1) {
      const stored = await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "photo", fileName: `p${i}.png`, bytes: png });
      expect(stored.ok).toBe(true);
    }
    const disk = filesOnDisk();
    const extra = await post(trainee, { intent: "upload", kind: "photo" }, [{ name: "one-more.png", bytes: png, type: "image/png" }]);
    expect(extra.status).toBe(400);
    expect(extra.body.rejected).toEqual([{ name: "one-more.png", error: "evidence.error.tooManyFiles", params: { max: 12 } }]);
    expect(filesOnDisk()).toEqual(disk);
    expect(await listEvidence(app.db, trainee.submissionId)).toHaveLength(12);
  });

  it("lets only one of two simultaneous uploads take the last place, and cleans up after the other", async () => {
    const trainee = await traineeWithDraft();
    const png = await smallPng();
    for (let i = 0; i < evidenceLimits.maxFilesPerSubmission - 1; i += 1) {
      await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "photo", fileName: `p${i}.png`, bytes: png });
    }
    const disk = filesOnDisk();
    const photo = await photoWithLocation();
    const results = await Promise.all(
      ["x.jpg", "y.jpg"].map((fileName) => storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "photo", fileName, bytes: photo })),
    );
    expect(results.map((r) => (r.ok ? "ok" : r.problem)).sort()).toEqual(["ok", "tooManyFiles"]);
    // The winner's file and thumbnail; nothing of the loser.
    expect(filesOnDisk().length).toBe(disk.length + 2);
    expect(await listEvidence(app.db, trainee.submissionId)).toHaveLength(evidenceLimits.maxFilesPerSubmission);
  });

  it("refuses a file that would take the submission over the total size", async () => {
    const trainee = await traineeWithDraft();
    const padding = "%".repeat(9 * 1024 * 1024);
    const bigPdf = latin1(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n${padding}\n%%EOF\n`);
    let result;
    let stored = 0;
    while ((result = await storeEvidence(app.db, { submissionId: trainee.submissionId, ownerId: trainee.id, kind: "document", fileName: "big.pdf", bytes: bigPdf })).ok) stored += 1;
    expect(result).toEqual({ ok: false, problem: "totalTooLarge" });
    expect(stored).toBe(Math.floor(evidenceLimits.maxTotalBytes / bigPdf.byteLength));
  });
});

describe("POST /tasks/:taskId/evidence", () => {
  it("stores the good files of a batch and names each refused one", async () => {
    const trainee = await traineeWithDraft();
    const res = await post(trainee, { intent: "upload", kind: "sign_in_sheet" }, [
      { name: "签到表-1.jpg", bytes: await photoWithLocation() },
      { name: "setup.jpg", bytes: renamedExe },
      { name: "logo.svg", bytes: svg, type: "image/svg+xml" },
      { name: "blank.jpg", bytes: new Uint8Array() },
      { name: "表格.pdf", bytes: scriptedPdf, type: "application/pdf" },
      { name: "签到表-2.pdf", bytes: cleanPdf, type: "application/pdf" },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.files?.map((f) => [f.name, f.mimeType])).toEqual([
      ["签到表-1.jpg", "image/jpeg"],
      ["签到表-2.pdf", "application/pdf"],
    ]);
    expect(res.body.rejected?.map((r) => [r.name, r.error])).toEqual([
      ["setup.jpg", "evidence.error.unsupportedType"],
      ["logo.svg", "evidence.error.unsupportedType"],
      ["blank.jpg", "evidence.error.empty"],
      ["表格.pdf", "evidence.error.pdfHasScript"],
    ]);
    expect(await rowsOf(trainee.submissionId)).toHaveLength(2);
  });

  it("answers a 60 MB photo with 413 and a clear 文件过大, storing nothing", async () => {
    const trainee = await traineeWithDraft();
    const disk = filesOnDisk();
    const huge = new Uint8Array(60 * 1024 * 1024);
    huge.set([0xff, 0xd8, 0xff, 0xe0]);
    const res = await post(trainee, { intent: "upload", kind: "photo" }, [{ name: "DSC_0001.jpg", bytes: huge }]);
    expect(res.status).toBe(413);
    expect(res.body.error).toBe("evidence.error.tooLarge");
    expect(translate("zh-CN", res.body.error!, res.body.params)).toContain("文件过大");
    expect(translate("zh-CN", res.body.error!, res.body.params)).toContain("10 MB");
    expect(res.body.rejected?.[0]?.name).toBe("DSC_0001.jpg");
    expect(await rowsOf(trainee.submissionId)).toHaveLength(0);
    expect(filesOnDisk()).toEqual(disk);
  });

  it("asks for a file or a kind when they are missing, and refuses stray fields", async () => {
    const trainee = await traineeWithDraft();
    expect((await post(trainee, { intent: "upload", kind: "photo" })).body.error).toBe("evidence.error.noFile");
    expect((await post(trainee, { intent: "upload", kind: "selfie" }, [{ name: "a.png", bytes: await smallPng() }])).body.error).toBe("evidence.error.kind");
    const stray = await post(trainee, { intent: "upload", kind: "photo", submissionId: trainee.submissionId }, [{ name: "a.png", bytes: await smallPng() }]);
    expect(stray).toMatchObject({ status: 400, body: { error: "evidence.error.badRequest" } });
    const urlEncoded = await responseOf(() =>
      evidenceAction({ request: makeRequest(`/tasks/${taskId}/evidence`, { form: { intent: "upload" } }), context: trainee.context, params: { taskId } }),
    );
    expect(urlEncoded.status).toBe(400);
  });

  it("only ever touches the caller's own submission", async () => {
    const owner = await traineeWithDraft();
    const stored = await storeEvidence(app.db, { submissionId: owner.submissionId, ownerId: owner.id, kind: "photo", fileName: "a.png", bytes: await smallPng() });
    const fileId = stored.ok ? stored.file.id : "";

    const stranger = await app.signIn(["trainee"]);
    const upload = await post(stranger, { intent: "upload", kind: "photo" }, [{ name: "b.png", bytes: await smallPng() }]);
    expect(upload).toMatchObject({ status: 404, body: { ok: false, error: "evidence.error.noSubmission" } });

    // With a draft of their own, a stranger naming the owner's file id deletes nothing.
    const other = await traineeWithDraft();
    const removal = await post(other, { intent: "delete", fileId });
    expect(removal.status).toBe(404);
    expect(await listEvidence(app.db, owner.submissionId)).toHaveLength(1);
    expect(await removeEvidence(app.db, { submissionId: owner.submissionId, fileId, ownerId: other.id })).toEqual({ ok: false, problem: "notFound" });
  });

  it("deletes while editable, and refuses both upload and delete with 409 once submitted", async () => {
    const trainee = await traineeWithDraft();
    const png = await smallPng();
    const first = await post(trainee, { intent: "upload", kind: "photo" }, [{ name: "a.png", bytes: png }, { name: "b.png", bytes: png }]);
    const [a, b] = first.body.files!;
    const removed = await post(trainee, { intent: "delete", fileId: a!.id });
    expect(removed).toMatchObject({ status: 200, body: { ok: true, deletedId: a!.id } });
    expect((await listEvidence(app.db, trainee.submissionId)).map((f) => f.id)).toEqual([b!.id]);
    expect((await getFile(trainee, a!.id)).status).toBe(404);

    expect(await moveSubmission(app.db, { submissionId: trainee.submissionId, from: "draft", to: "submitted", actorId: trainee.id })).toBe(true);
    const late = await post(trainee, { intent: "upload", kind: "photo" }, [{ name: "c.png", bytes: png }]);
    expect(late.status).toBe(409);
    expect(translate("zh-CN", late.body.error!)).toContain("不能上传");
    expect((await post(trainee, { intent: "delete", fileId: b!.id })).status).toBe(409);
    expect(await listEvidence(app.db, trainee.submissionId)).toHaveLength(1);
  });

  it("has no page of its own: GET goes back to the task", async () => {
    const trainee = await app.signIn(["trainee"]);
    const res = await responseOf(() => evidenceLoader({ request: makeRequest(`/tasks/${taskId}/evidence`), context: trainee.context, params: { taskId } }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/tasks/${taskId}`);
    const anonymous = await responseOf(() => evidenceAction({ request: uploadRequest({ intent: "upload" }), context: app.anonymous(), params: { taskId } }));
    expect(anonymous.status).toBe(302);
  });
});

describe("GET /files/:fileId", () => {
  let owner: Awaited<ReturnType<typeof traineeWithDraft>>;
  let photoId: string;
  let pdfId: string;
  beforeAll(async () => {
    owner = await traineeWithDraft();
    const res = await post(owner, { intent: "upload", kind: "sign_in_sheet" }, [
      { name: "现场 (1).jpg", bytes: await photoWithLocation() },
      { name: "签到表.pdf", bytes: cleanPdf, type: "application/pdf" },
    ]);
    [photoId, pdfId] = res.body.files!.map((f) => f.id) as [string, string];
  });

  it("serves the owner's file with server-set type, disposition and nosniff", async () => {
    const res = await getFile(owner, photoId);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/jpeg");
    expect(res.headers.get("Content-Disposition")).toBe(`inline; filename="evidence.jpg"; filename*=UTF-8''${"%E7%8E%B0%E5%9C%BA%20%281%29.jpg"}`);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=300");
    expect((await sharp(Buffer.from(await res.arrayBuffer())).metadata()).exif).toBeUndefined();

    const thumb = await getFile(owner, photoId, "?thumb=1");
    expect(thumb.headers.get("Content-Type")).toBe("image/webp");

    const pdf = await getFile(owner, pdfId, "?download=1");
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(pdf.headers.get("Content-Disposition")).toMatch(/^attachment; .*filename\*=UTF-8''%E7%AD%BE%E5%88%B0%E8%A1%A8\.pdf$/);
    expect(pdf.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect((await getFile(owner, pdfId, "?thumb=1")).status).toBe(404);
  });

  it("serves assigned mentors and admins; hides the file from everyone else", async () => {
    const otherTrainee = await app.signIn(["trainee"]);
    const assigned = await app.signIn(["mentor"]);
    const unassigned = await app.signIn(["mentor"]);
    const released = await app.signIn(["mentor"]);
    const admin = await app.signIn(["admin"]);
    await app.db
      .insertInto("submission_assignments")
      .values([
        { submission_id: owner.submissionId, mentor_id: assigned.id },
        { submission_id: owner.submissionId, mentor_id: released.id, released_at: new Date() },
      ])
      .execute();

    expect((await getFile(assigned, photoId)).status).toBe(200);
    expect((await getFile(assigned, pdfId)).status).toBe(200);
    expect((await getFile(admin, photoId)).status).toBe(200);
    for (const who of [otherTrainee, unassigned, released]) {
      const res = await getFile(who, photoId);
      expect(res.status).toBe(404);
      expect(res.headers.get("Content-Type")).not.toBe("image/jpeg");
    }
    // Unknown and malformed ids look the same as a hidden one.
    expect((await getFile(otherTrainee, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await getFile(owner, "../../etc/passwd")).status).toBe(404);
  });

  it("sends anonymous visitors to sign in", async () => {
    const res = await getFile({ context: app.anonymous() }, photoId);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/login?redirectTo=${encodeURIComponent(`/files/${photoId}`)}`);
  });
});
