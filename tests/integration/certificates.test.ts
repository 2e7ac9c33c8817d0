import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { TierId, TrackId } from "~/catalog/schema";
import { ruleVersion } from "~/domain/eligibility";
import { batchProgress } from "~/models/certificates.server";
import { eligibilityFor, getEligibility, tierRule, tierTasksOf } from "~/models/eligibility.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { addToOutbox } from "~/models/outbox.server";
import { enqueue } from "~/queue.server";
import { action, loader } from "~/routes/admin.certificates";
import { loader as verifyLoader } from "~/routes/verify.$code";
import { evaluateEligibilityNow } from "../../workers/processors/eligibility";
import { renderCertificateNow } from "../../workers/processors/certificates";
import { startWorkers } from "../../workers/runtime";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let provinceA: string;
let provinceB: string;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const national = await app.programmeRoot();
  provinceA = await createOrgUnit(app.db, { parentId: national, kind: "province", name: "山西省", track: null });
  provinceB = await createOrgUnit(app.db, { parentId: national, kind: "province", name: "山东省", track: null });
  admin = await app.signIn(["admin"]);
});
afterAll(async () => app?.close());

/** A trainee who has (or has not yet) done the tier's work: passed submissions written directly. */
async function trainee(options: { name?: string; org?: string; track?: TrackId } = {}) {
  return (await app.signIn(["trainee"], { name: options.name, orgUnitId: options.org ?? provinceA, track: options.track ?? "campus" })).id;
}

async function pass(userId: string, track: TrackId, tier: TierId, opts: { skip?: string[]; peopleEach?: number; score?: number } = {}) {
  for (const module of catalog().modules.filter((m) => m.track === track && m.tier === tier)) {
    for (const task of module.tasks) {
      if (opts.skip?.includes(task.id)) continue;
      await insertSubmission(app.db, {
        userId,
        module,
        task,
        status: "passed",
        score: opts.score ?? 90,
        people_reached: task.type === "field_work" ? (opts.peopleEach ?? 40) : null,
      });
    }
  }
}

const certificatesOf = (userId: string) => app.db.selectFrom("certificates").selectAll().where("user_id", "=", userId).orderBy("issued_at").execute();

async function loadPage(query = "") {
  const res = await responseOf(() => loader({ request: makeRequest(`/admin/certificates${query}`), context: admin.context, params: {} }));
  expect(res.status).toBe(200);
  return (await res.json()) as {
    eligible: { total: number; rows: Array<{ key: string; name: string; previouslyRevoked: boolean }> };
    certificates: { rows: Array<{ id: string; number: string; status: string; name: string }> };
    batch: { total: number; rendered: number; done: boolean } | null;
  };
}

async function post(form: Record<string, string | string[]>, who = admin) {
  return responseOf(() => action({ request: makeRequest("/admin/certificates", { form }), context: who.context, params: {} }));
}

const key = (userId: string, track: TrackId = "campus", tier: TierId = "foundation") => `${userId}|${track}|${tier}`;

describe("eligibility evaluation", () => {
  it("stores eligible with the rule version once the tier's work is passed, and marks its outbox row done", async () => {
    const userId = await trainee();
    await pass(userId, "campus", "foundation");
    const jobId = `eligibility-${userId}-campus-foundation-g1`;
    await addToOutbox(app.db, { jobId, queue: "eligibility", name: "evaluate", payload: { userId, track: "campus", tier: "foundation" } });

    expect(await evaluateEligibilityNow(app.db, { userId, track: "campus", tier: "foundation" }, { jobId })).toEqual({ eligible: true });
    const row = await getEligibility(app.db, { userId, track: "campus", tier: "foundation" });
    expect(row).toMatchObject({ eligible: true, missing: [], rule_version: ruleVersion(tierRule(catalog(), "foundation")) });
    const outbox = await app.db.selectFrom("job_outbox").select("completed_at").where("job_id", "=", jobId).executeTakeFirstOrThrow();
    expect(outbox.completed_at).not.toBeNull();
  });

  it("stores what is missing: a task still to pass and people reached 10/20", async () => {
    const userId = await trainee();
    const quiz = tierTasksOf(catalog(), "campus", "foundation").find((t) => t.type === "quiz")!;
    await pass(userId, "campus", "foundation", { skip: [quiz.id], peopleEach: 10 });
    const result = await evaluateEligibilityNow(app.db, { userId, track: "campus", tier: "foundation" });
    expect(result).toEqual({
      eligible: false,
      missing: [
        { key: "elig.missingTasks", params: { count: 1 } },
        { key: "elig.peopleReached", params: { have: 10, need: 20 } },
      ],
    });
    expect((await getEligibility(app.db, { userId, track: "campus", tier: "foundation" }))?.eligible).toBe(false);
    const panel = await eligibilityFor(app.db, userId, "campus");
    expect(panel[0]).toMatchObject({ tier: "foundation", eligible: false, missing: ["完成其余 1 项任务", "服务人数 10/20"], certificate: null });
  });

  it("is evaluated by a real worker from an enqueued job", async () => {
    const userId = await trainee();
    await pass(userId, "campus", "foundation");
    const workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 1 });
    try {
      await enqueue("eligibility", "evaluate", { userId, track: "campus", tier: "foundation" }, `eligibility-${userId}-campus-foundation-w1`);
      const until = Date.now() + 10_000;
      let row = await getEligibility(app.db, { userId, track: "campus", tier: "foundation" });
      while (!row && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        row = await getEligibility(app.db, { userId, track: "campus", tier: "foundation" });
      }
      expect(row).toMatchObject({ eligible: true, rule_version: ruleVersion(tierRule(catalog(), "foundation")) });
    } finally {
      await workers.close();
    }
  });
});

describe("the admin certificates page", () => {
  it("lists a trainee whose work was passed without any evaluation job (e.g. quizzes), filtered by region", async () => {
    const inA = await trainee({ name: "甲地学员" });
    const inB = await trainee({ name: "乙地学员", org: provinceB });
    await pass(inA, "campus", "foundation");
    await pass(inB, "campus", "foundation");
    const all = await loadPage("?track=campus&tier=foundation");
    expect(all.eligible.rows.map((r) => r.key)).toEqual(expect.arrayContaining([key(inA), key(inB)]));
    const onlyA = await loadPage(`?region=${provinceA}&track=campus&tier=foundation`);
    expect(onlyA.eligible.rows.map((r) => r.key)).toContain(key(inA));
    expect(onlyA.eligible.rows.map((r) => r.key)).not.toContain(key(inB));
    expect((await loadPage("?tier=practitioner")).eligible.rows.map((r) => r.key)).not.toContain(key(inA));
  });

  it("issues the selected as one batch with a render job each; issuing twice creates nothing new", async () => {
    const userId = await trainee({ name: "王小明" });
    await pass(userId, "campus", "foundation");
    await loadPage();

    const res = await post({ intent: "issue", candidate: [key(userId)] });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("Location")!, "http://localhost");
    const batchId = location.searchParams.get("batch")!;
    const [cert] = await certificatesOf(userId);
    expect(cert).toMatchObject({ status: "issued", name_on_certificate: "王小明", batch_id: batchId, issued_by: admin.id, valid_until: null });
    expect(cert!.number).toMatch(/^BC-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const outbox = await app.db.selectFrom("job_outbox").selectAll().where("job_id", "=", `cert-render-${cert!.id}`).executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ queue: "certificates", name: "render", payload: { certificateId: cert!.id } });
    const audit = await app.db.selectFrom("audit_events").select(["action", "target_id"]).where("actor_id", "=", admin.id).execute();
    expect(audit).toEqual(expect.arrayContaining([{ action: "certificate.issued", target_id: cert!.id }, { action: "certificates.batch_issued", target_id: batchId }]));

    const page = await loadPage(`?batch=${batchId}`);
    expect(page.batch).toMatchObject({ total: 1, rendered: 0, done: false });
    expect(page.eligible.rows.map((r) => r.key)).not.toContain(key(userId));

    const again = await post({ intent: "issue", candidate: [key(userId)] });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "certs.error.nothingIssued", alreadyIssued: 1, notEligible: 0 });
    expect(await certificatesOf(userId)).toHaveLength(1);

    await app.db.updateTable("certificates").set({ rendered_at: new Date(), pdf_key: "k" }).where("id", "=", cert!.id).execute();
    expect(await batchProgress(app.db, batchId)).toMatchObject({ total: 1, rendered: 1, done: true });
  });

  it("refuses someone who is not eligible, with the reason and no certificate", async () => {
    const userId = await trainee();
    await pass(userId, "campus", "foundation", { peopleEach: 5 });
    const before = await app.db.selectFrom("certificate_batches").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    const res = await post({ intent: "issue", candidate: [key(userId)] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "certs.error.nothingIssued", notEligible: 1 });
    expect(await certificatesOf(userId)).toEqual([]);
    const after = await app.db.selectFrom("certificate_batches").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect((await post({ intent: "issue" })).status).toBe(400);
    expect((await post({ intent: "issue", candidate: ["not-a-key"] })).status).toBe(400);
  });

  it("issues all under the filters, with the validity period of tiers that expire", async () => {
    const first = await trainee({ track: "community", org: provinceB });
    const second = await trainee({ track: "community", org: provinceB });
    await pass(first, "community", "specialist");
    await pass(second, "community", "specialist");
    const res = await post({ intent: "issueAll", region: provinceB, track: "community", tier: "specialist" });
    expect(res.status).toBe(302);
    for (const userId of [first, second]) {
      const [cert] = await certificatesOf(userId);
      expect(cert?.tier).toBe("specialist");
      const years = (cert!.valid_until!.getTime() - cert!.issued_at.getTime()) / (365.25 * 24 * 3600 * 1000);
      expect(Math.round(years)).toBe(3);
    }
    const batchId = new URL(res.headers.get("Location")!, "http://localhost").searchParams.get("batch")!;
    expect((await batchProgress(app.db, batchId))?.total).toBe(2);
  });

  it("revokes with a reason (kept on the record), and answers a second revoke clearly", async () => {
    const userId = await trainee();
    await pass(userId, "campus", "foundation");
    await post({ intent: "issue", candidate: [key(userId)] });
    const [cert] = await certificatesOf(userId);

    const noReason = await post({ intent: "revoke", certificateId: cert!.id, reason: "  " });
    expect(noReason.status).toBe(400);
    expect(await noReason.json()).toMatchObject({ error: "certs.error.reason" });

    const ok = await post({ intent: "revoke", certificateId: cert!.id, reason: "材料造假" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ success: "certs.revoked", params: { number: cert!.number } });
    const [revoked] = await certificatesOf(userId);
    expect(revoked).toMatchObject({ id: cert!.id, status: "revoked", revoked_reason: "材料造假" });
    expect(revoked!.revoked_at).not.toBeNull();

    const twice = await post({ intent: "revoke", certificateId: cert!.id, reason: "再次撤销" });
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ error: "certs.error.alreadyRevoked", reason: "再次撤销" });
    expect((await certificatesOf(userId))[0]?.revoked_reason).toBe("材料造假");
    const audit = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "certificate.revoked").where("target_id", "=", cert!.id).execute();
    expect(audit).toHaveLength(1);

    const panel = await eligibilityFor(app.db, userId, "campus");
    expect(panel[0]?.certificate).toMatchObject({ status: "revoked", revokedReason: "材料造假", pdfUrl: null });
    expect((await post({ intent: "revoke", certificateId: "00000000-0000-4000-8000-000000000000", reason: "x" })).status).toBe(404);
  });

  it("marks a trainee listed again after a revocation as previously revoked, and no one else", async () => {
    const revokedOnce = await trainee({ name: "曾撤销" });
    const neverIssued = await trainee({ name: "未发证" });
    await pass(revokedOnce, "campus", "foundation");
    await pass(neverIssued, "campus", "foundation");
    await post({ intent: "issue", candidate: [key(revokedOnce)] });
    const [cert] = await certificatesOf(revokedOnce);
    expect((await post({ intent: "revoke", certificateId: cert!.id, reason: "材料造假" })).status).toBe(200);
    const rows = (await loadPage("?track=campus&tier=foundation")).eligible.rows;
    expect(rows.find((r) => r.key === key(revokedOnce))?.previouslyRevoked).toBe(true);
    expect(rows.find((r) => r.key === key(neverIssued))?.previouslyRevoked).toBe(false);
  });

  it("warns of a name the certificate cannot print and holds that person back until an admin confirms", async () => {
    // 𰀀 (U+30000, CJK Extension G) is in no certificate font; 𠀾 (Extension B) prints through the fallback.
    const unprintable = await trainee({ name: "张𰀀" });
    const rare = await trainee({ name: "刘𠀾龘" });
    await pass(unprintable, "campus", "practitioner");
    await pass(rare, "campus", "practitioner");
    const page = (await loadPage("?track=campus&tier=practitioner")) as unknown as { eligible: { rows: Array<{ key: string; unprintable: string }> } };
    expect(page.eligible.rows.find((r) => r.key === key(unprintable, "campus", "practitioner"))?.unprintable).toBe("𰀀");
    expect(page.eligible.rows.find((r) => r.key === key(rare, "campus", "practitioner"))?.unprintable).toBe("");

    const refused = await post({ intent: "issue", candidate: [key(unprintable, "campus", "practitioner")] });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: "certs.glyph.refused", heldBack: [{ name: "张𰀀", chars: "𰀀" }] });
    expect(await certificatesOf(unprintable)).toHaveLength(0);

    // With someone printable in the same batch: they get theirs, the other waits; the batch says so.
    const mixed = await post({ intent: "issue", candidate: [key(unprintable, "campus", "practitioner"), key(rare, "campus", "practitioner")] });
    expect(mixed.status).toBe(302);
    expect(new URL(mixed.headers.get("Location")!, "http://localhost").searchParams.get("unprintable")).toBe("1");
    expect(await certificatesOf(rare)).toHaveLength(1);
    expect(await certificatesOf(unprintable)).toHaveLength(0);

    const confirmed = await post({ intent: "issue", candidate: [key(unprintable, "campus", "practitioner")], confirmName: [key(unprintable, "campus", "practitioner")] });
    expect(confirmed.status).toBe(302);
    expect(await certificatesOf(unprintable)).toHaveLength(1);
  });

  it("keeps the internal note of a revocation off the public verification page", async () => {
    const userId = await trainee({ name: "钱多多" });
    await pass(userId, "campus", "foundation");
    await post({ intent: "issue", candidate: [key(userId)] });
    const [cert] = await certificatesOf(userId);
    const note = "本人来电 13912345678，称抑郁症复发，申请撤销";
    const tooLong = await post({ intent: "revoke", certificateId: cert!.id, reason: "应持证人申请", note: "x".repeat(2001) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: "certs.error.noteLong" });
    const ok = await post({ intent: "revoke", certificateId: cert!.id, reason: "应持证人申请", note });
    expect(ok.status).toBe(200);
    expect((await certificatesOf(userId))[0]).toMatchObject({ revoked_reason: "应持证人申请", revoked_note: note });

    const verify = await responseOf(() =>
      verifyLoader({ request: makeRequest(`/verify/${cert!.number}`), context: { ...app.anonymous(), ip: "203.0.113.77" }, params: { code: cert!.number } }),
    );
    const body = await verify.text();
    expect(body).toContain("应持证人申请");
    expect(body).not.toContain("13912345678");
    expect(body).not.toContain("抑郁症");
    // Admins still see it.
    const adminPage = JSON.stringify(await loadPage("?status=revoked"));
    expect(adminPage).toContain("13912345678");
  });

  it("reissues under a corrected name: the old one superseded and kept, the new one live", async () => {
    const userId = await trainee({ name: "李晓红" });
    await pass(userId, "campus", "foundation");
    await post({ intent: "issue", candidate: [key(userId)] });
    const [old] = await certificatesOf(userId);

    const sameName = await post({ intent: "reissue", certificateId: old!.id });
    expect(sameName.status).toBe(409);
    expect(await sameName.json()).toMatchObject({ error: "certs.error.sameName" });

    await app.db.updateTable("users").set({ name: "李小红" }).where("id", "=", userId).execute();
    const res = await post({ intent: "reissue", certificateId: old!.id });
    expect(res.status).toBe(200);
    const certs = await certificatesOf(userId);
    expect(certs).toHaveLength(2);
    const fresh = certs.find((c) => c.id !== old!.id)!;
    expect(certs.find((c) => c.id === old!.id)).toMatchObject({ status: "superseded", superseded_by: fresh.id, name_on_certificate: "李晓红" });
    expect(fresh).toMatchObject({ status: "issued", name_on_certificate: "李小红" });
    expect(fresh.number).not.toBe(old!.number);
    expect(await res.json()).toMatchObject({ success: "certs.reissued", params: { number: fresh.number } });
    expect(await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "=", `cert-render-${fresh.id}`).executeTakeFirst()).toBeDefined();

    const staleClick = await post({ intent: "reissue", certificateId: old!.id });
    expect(staleClick.status).toBe(409);
    expect(await staleClick.json()).toMatchObject({ error: "certs.error.superseded" });
    expect(await certificatesOf(userId)).toHaveLength(2);

    const panel = await eligibilityFor(app.db, userId, "campus");
    expect(panel[0]?.certificate).toMatchObject({ id: fresh.id, status: "issued", number: fresh.number, pdfUrl: null, verifyUrl: `/verify/${fresh.number}` });
    await app.db.updateTable("certificates").set({ rendered_at: new Date(), pdf_key: "x.pdf" }).where("id", "=", fresh.id).execute();
    expect((await eligibilityFor(app.db, userId, "campus"))[0]?.certificate?.pdfUrl).toBe(`/certificates/${fresh.id}.pdf`);
  });

  it("a batch's progress reaches 100% as the real worker renders its certificates", async () => {
    const userId = await trainee({ name: "赵六" });
    await pass(userId, "campus", "foundation");
    const workers = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 1 });
    try {
      const res = await post({ intent: "issue", candidate: [key(userId)] });
      const batchId = new URL(res.headers.get("Location")!, "http://localhost").searchParams.get("batch")!;
      // The first render starts a PDF thread that loads the fonts: generous on a loaded machine.
      const until = Date.now() + 90_000;
      let page = await loadPage(`?batch=${batchId}`);
      while (!page.batch?.done && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        page = await loadPage(`?batch=${batchId}`);
      }
      expect(page.batch).toMatchObject({ total: 1, rendered: 1, done: true });
      const [cert] = await certificatesOf(userId);
      expect(cert?.pdf_key).toBeTruthy();
      const outbox = await app.db.selectFrom("job_outbox").select("completed_at").where("job_id", "=", `cert-render-${cert!.id}`).executeTakeFirstOrThrow();
      expect(outbox.completed_at).not.toBeNull();
    } finally {
      await workers.close();
    }
  }, 120_000);

  it("marks a render job done after the document is rendered", async () => {
    const userId = await trainee();
    await pass(userId, "campus", "foundation");
    await post({ intent: "issue", candidate: [key(userId)] });
    const [cert] = await certificatesOf(userId);
    const rendered: string[] = [];
    await renderCertificateNow(app.db, { certificateId: cert!.id }, async (_db, id, origin) => {
      rendered.push(`${id}@${origin}`);
    });
    expect(rendered).toEqual([`${cert!.id}@${process.env.APP_URL || "http://localhost:3000"}`]);
    const outbox = await app.db.selectFrom("job_outbox").select("completed_at").where("job_id", "=", `cert-render-${cert!.id}`).executeTakeFirstOrThrow();
    expect(outbox.completed_at).not.toBeNull();
  });
});

describe("the page's two views", () => {
  it("lists who may be issued by default, the issued certificates when asked or searched, never both at once", async () => {
    const userId = await trainee({ name: "分页视图" });
    await pass(userId, "campus", "foundation");
    const byDefault = (await loadPage("?track=campus&tier=foundation")) as unknown as { view: string; eligible: { rows: Array<{ key: string }> } | null; certificates: unknown };
    expect(byDefault.view).toBe("eligible");
    expect(byDefault.eligible?.rows.map((r) => r.key)).toContain(key(userId));
    expect(byDefault.certificates).toBeNull();
    await post({ intent: "issue", candidate: [key(userId)] });
    const [cert] = await certificatesOf(userId);
    // Asked for, or opened by a search, a status or the list's own cursor: links made before the split still land.
    for (const query of ["?view=issued", `?q=${cert!.number}`, "?status=issued", `?cafter=${encodeURIComponent("x")}`]) {
      const res = await responseOf(() => loader({ request: makeRequest(`/admin/certificates${query}`), context: admin.context, params: {} }));
      if (query.startsWith("?cafter")) {
        // A cursor that is not one is refused, by the issued list that reads it.
        expect(res.status).toBe(400);
        continue;
      }
      const page = (await res.json()) as { view: string; eligible: unknown; certificates: { rows: Array<{ number: string }> } | null };
      expect(page.view, query).toBe("issued");
      expect(page.eligible, query).toBeNull();
      expect(page.certificates, query).not.toBeNull();
    }
    expect(((await loadPage(`?q=${cert!.number}`)) as unknown as { certificates: { rows: Array<{ number: string }> } }).certificates.rows.map((c) => c.number)).toEqual([cert!.number]);
  });
});

describe("admin certificates guard", () => {
  it("sends anonymous visitors to the login page and refuses trainees and mentors", async () => {
    const anon = await responseOf(() => loader({ request: makeRequest("/admin/certificates"), context: app.anonymous(), params: {} }));
    expect(anon.status).toBe(302);
    expect(anon.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin%2Fcertificates");
    const anonPost = await responseOf(() => action({ request: makeRequest("/admin/certificates", { form: { intent: "issueAll" } }), context: app.anonymous(), params: {} }));
    expect(anonPost.status).toBe(302);
    for (const roles of [["trainee"], ["mentor"]] as const) {
      const who = await app.signIn([...roles]);
      const page = await responseOf(() => loader({ request: makeRequest("/admin/certificates"), context: who.context, params: {} }));
      expect(page.status).toBe(403);
      expect((await post({ intent: "issueAll" }, who)).status).toBe(403);
    }
  });
});
