import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as evidenceAction, type EvidenceActionResult } from "~/routes/tasks.$taskId.evidence";
import { createEvidenceWorld } from "../support/evidence-world";
import { responseOf } from "../support/app";

// Queued uploads from a phone carry a key made on the device (decision 025): sent twice, stored once.

let world: Awaited<ReturnType<typeof createEvidenceWorld>>;

beforeAll(async () => {
  world = await createEvidenceWorld("client-key");
});
afterAll(async () => world?.close());

async function photo(color: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).jpeg().toBuffer());
}

type Who = Awaited<ReturnType<typeof world.traineeWithDraft>>;

async function upload(who: Who, fields: Record<string, string>, files: Array<{ name: string; bytes: Uint8Array }>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append("file", new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: "image/jpeg" }));
  const request = new Request(`http://localhost/tasks/${world.taskId}/evidence`, { method: "POST", body: form });
  const res = await responseOf(() => evidenceAction({ request, context: who.context, params: { taskId: world.taskId } }));
  return { status: res.status, body: (await res.json()) as EvidenceActionResult };
}

const key = () => crypto.randomUUID().replaceAll("-", "");

describe("the upload key of a queued file", () => {
  it("stores a file sent twice with the same key once and answers the repeat with the same file", async () => {
    const trainee = await world.traineeWithDraft();
    const clientKey = key();
    const bytes = await photo("#336699");
    const first = await upload(trainee, { intent: "upload", kind: "photo", clientKey }, [{ name: "现场1.jpg", bytes }]);
    const disk = world.filesOnDisk();
    const second = await upload(trainee, { intent: "upload", kind: "photo", clientKey }, [{ name: "现场1.jpg", bytes }]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.files?.[0]?.id).toBe(first.body.files?.[0]?.id);
    const rows = await world.rowsOf(trainee.submissionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.client_key).toBe(clientKey);
    // The repeat's bytes were processed but not kept.
    expect(world.filesOnDisk()).toEqual(disk);
  });

  it("stores a file once when both sends arrive at the same moment (page and service worker)", async () => {
    const trainee = await world.traineeWithDraft();
    const clientKey = key();
    const bytes = await photo("#993366");
    const before = world.filesOnDisk().length;
    const answers = await Promise.all([1, 2, 3].map(() => upload(trainee, { intent: "upload", kind: "photo", clientKey }, [{ name: "同时.jpg", bytes }])));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.files?.[0]?.id)).size).toBe(1);
    expect(await world.rowsOf(trainee.submissionId)).toHaveLength(1);
    // One photo and its thumbnail on disk, nothing from the two repeats.
    expect(world.filesOnDisk().length).toBe(before + 2);
  });

  it("keeps uploads without a key, and different keys, as separate files", async () => {
    const trainee = await world.traineeWithDraft();
    const bytes = await photo("#669933");
    await upload(trainee, { intent: "upload", kind: "photo" }, [{ name: "a.jpg", bytes }]);
    await upload(trainee, { intent: "upload", kind: "photo" }, [{ name: "a.jpg", bytes }]);
    await upload(trainee, { intent: "upload", kind: "photo", clientKey: key() }, [{ name: "b.jpg", bytes }]);
    await upload(trainee, { intent: "upload", kind: "photo", clientKey: key() }, [{ name: "b.jpg", bytes }]);
    expect(await world.rowsOf(trainee.submissionId)).toHaveLength(4);
  });

  it("scopes a key to its owner: another trainee's upload with the same key is their own file", async () => {
    const one = await world.traineeWithDraft();
    const other = await world.traineeWithDraft();
    const clientKey = key();
    const bytes = await photo("#aa5500");
    const mine = await upload(one, { intent: "upload", kind: "photo", clientKey }, [{ name: "x.jpg", bytes }]);
    const theirs = await upload(other, { intent: "upload", kind: "photo", clientKey }, [{ name: "x.jpg", bytes }]);
    expect(theirs.body.files?.[0]?.id).not.toBe(mine.body.files?.[0]?.id);
    expect(await world.rowsOf(one.submissionId)).toHaveLength(1);
    expect(await world.rowsOf(other.submissionId)).toHaveLength(1);
  });

  it("refuses a malformed key, or a key with more than one file, as a bad request", async () => {
    const trainee = await world.traineeWithDraft();
    const bytes = await photo("#123456");
    const malformed = await upload(trainee, { intent: "upload", kind: "photo", clientKey: "short'; drop" }, [{ name: "a.jpg", bytes }]);
    expect(malformed).toMatchObject({ status: 400, body: { ok: false, error: "evidence.error.badRequest" } });
    const two = await upload(trainee, { intent: "upload", kind: "photo", clientKey: key() }, [
      { name: "a.jpg", bytes },
      { name: "b.jpg", bytes },
    ]);
    expect(two.status).toBe(400);
    expect(await world.rowsOf(trainee.submissionId)).toHaveLength(0);
  });

  it("still refuses a file type by its content and names the file", async () => {
    const trainee = await world.traineeWithDraft();
    const exe = new Uint8Array(Buffer.from("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.\r\n", "latin1"));
    const refused = await upload(trainee, { intent: "upload", kind: "photo", clientKey: key() }, [{ name: "照片.jpg", bytes: exe }]);
    expect(refused.status).toBe(400);
    expect(refused.body.rejected).toEqual([{ name: "照片.jpg", error: "evidence.error.unsupportedType" }]);
    expect(await world.rowsOf(trainee.submissionId)).toHaveLength(0);
  });
});
