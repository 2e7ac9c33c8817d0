import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { encodeCursor, pageSearch } from "~/domain/keyset";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as assignmentsLoader } from "~/routes/admin.assignments";
import { loader as auditLoader } from "~/routes/admin.audit";
import { loader as certificatesLoader } from "~/routes/admin.certificates";
import { loader as exportsLoader } from "~/routes/admin.exports";
import { loader as nominationsLoader } from "~/routes/admin.showcase";
import { loader as usersLoader } from "~/routes/admin.users._index";
import { loader as queueLoader } from "~/routes/mentor._index";
import { loader as showcaseLoader } from "~/routes/showcase._index";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

// Keyset pagination (decision 026): following 下一页 from the first page to the last, and 上一页 back,
// visits every row of a list exactly once even when many rows share the sort key; the filters in the
// address survive every step; a cursor that is not one of the list's answers 400, never 500.

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
type Loader = (args: { request: Request; context: SignedIn["context"]; params: Record<string, string> }) => Promise<unknown>;
let admin: SignedIn;
let mentor: SignedIn;
let campusSchool: string;
let communitySite: string;
/** Three instants shared by many rows each, with microseconds a JavaScript Date cannot hold. */
const ties = ["2026-10-01 08:00:00.123456+00", "2026-10-02 08:00:00.654321+00", "2026-10-03 08:00:00+00"];
const trainees: Array<{ id: string; track: "campus" | "community" }> = [];

async function load<T>(loader: Loader, path: string, who: SignedIn["context"] = admin.context): Promise<T> {
  const res = await responseOf(() => loader({ request: makeRequest(path), context: who, params: {} }));
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

interface Page<R> {
  rows: R[];
  next: string | null;
  prev: string | null;
}

/**
 * Walks a list forward from `path` along its 下一页 links (as the page builds them: the address with
 * only the cursor replaced), then back along 上一页; returns the ids met each way, page by page.
 */
async function walk<R>(loader: Loader, path: string, pageOf: (data: unknown) => Page<R>, idOf: (row: R) => string, options: { prefix?: string; who?: SignedIn["context"] } = {}) {
  const [pathname, search = ""] = path.split("?");
  const forward: string[][] = [];
  let address = path;
  let last: Page<R> | null = null;
  for (let i = 0; i < 20; i++) {
    last = pageOf(await load(loader, address, options.who));
    forward.push(last.rows.map(idOf));
    if (!last.next) break;
    address = `${pathname}${pageSearch(address.split("?")[1] ?? search, "next", last.next, options.prefix)}`;
  }
  let current = last!;
  const backward: string[][] = [current.rows.map(idOf)];
  for (let i = 0; i < 20 && current.prev; i++) {
    address = `${pathname}${pageSearch(address.split("?")[1] ?? search, "prev", current.prev, options.prefix)}`;
    current = pageOf(await load(loader, address, options.who));
    backward.unshift(current.rows.map(idOf));
  }
  return { forward, backward, lastAddress: address };
}

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  const province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  const city = await createOrgUnit(app.db, { parentId: province, kind: "city", name: "运城市", track: null });
  const district = await createOrgUnit(app.db, { parentId: city, kind: "district", name: "盐湖区", track: null });
  campusSchool = await createOrgUnit(app.db, { parentId: district, kind: "site", name: "实验中学", track: "campus" });
  communitySite = await createOrgUnit(app.db, { parentId: district, kind: "site", name: "东城服务站", track: "community" });
  admin = await app.signIn(["admin"], { name: "项目管理员" });
  mentor = await app.signIn(["mentor"], { name: "王导师", orgUnitId: city, track: "campus" });

  // 130 trainees on three creation instants: 43 or 44 people share each sort key.
  const rows = Array.from({ length: 130 }, (_, i) => ({
    name: `${i % 2 ? "李" : "张"}学员${i}`,
    phone: `1370000${String(i).padStart(4, "0")}`,
    email: null,
    org_unit_id: i % 3 ? campusSchool : communitySite,
    track: (i % 3 ? "campus" : "community") as "campus" | "community",
    created_at: ties[i % 3]!,
  }));
  const made = await app.db.insertInto("users").values(rows).returning(["id", "track"]).execute();
  await app.db.insertInto("user_roles").values(made.map((u) => ({ user_id: u.id, role: "trainee" as const, granted_by: null }))).execute();
  trainees.push(...made.map((u) => ({ id: u.id, track: u.track as "campus" | "community" })));

  // Work for the queue and certificates for the list, again on shared instants.
  const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
  const task = module.tasks.find((t) => t.type === "field_work")!;
  const campus = trainees.filter((t) => t.track === "campus").slice(0, 70);
  for (const [i, t] of campus.entries()) {
    const { id } = await insertSubmission(app.db, { userId: t.id, module, task, orgUnitId: campusSchool, submitted_at: ties[i % 2]! });
    await app.db.insertInto("submission_assignments").values({ submission_id: id, mentor_id: mentor.id, assigned_by: null }).execute();
  }
  await app.db
    .insertInto("certificates")
    .values(campus.map((t, i) => ({ number: `BC-2026-K${String(i).padStart(3, "0")}-TEST`, user_id: t.id, track: "campus" as const, tier: "foundation" as const, name_on_certificate: "持证人", issued_at: ties[i % 2]! })))
    .execute();
  // Audit events, exports and showcase entries enough for three pages each.
  await app.db
    .insertInto("audit_events")
    .values(Array.from({ length: 120 }, () => ({ actor_id: admin.id, action: "user.updated", target_type: "user", target_id: admin.id, details: "{}", scope_path: sql<string>`(select path from org_units where id = ${root})` })))
    .execute();
  await app.db
    .insertInto("exports")
    .values(Array.from({ length: 45 }, (_, i) => ({ kind: "trainees" as const, params: JSON.stringify({ label: `导出${i}` }), status: "done" as const, created_by: admin.id, created_at: ties[i % 3]! })))
    .execute();
  // Written work of another module, approved for the gallery.
  const written = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "work_product"))!;
  const card = written.tasks.find((t) => t.type === "work_product")!;
  for (const [i, t] of campus.slice(0, 30).entries()) {
    const { id } = await insertSubmission(app.db, { userId: t.id, module: written, task: card, status: "passed", showcase_consent: true });
    await app.db
      .insertInto("showcase_items")
      .values({ submission_id: id, nominated_by: mentor.id, nominated_at: ties[i % 2]!, status: "approved", decided_by: admin.id, decided_at: ties[i % 3]! })
      .execute();
  }
});
afterAll(async () => app?.close());

function expectEachOnce(pages: string[][], expected: string[]) {
  const seen = pages.flat();
  expect(new Set(seen).size, "no row twice").toBe(seen.length);
  expect([...seen].sort()).toEqual([...expected].sort());
}

describe("keyset pagination", () => {
  it("visits every person exactly once forward and back, with 43 sharing each creation time", async () => {
    const everyone = (await app.db.selectFrom("users").select("id").execute()).map((u) => u.id);
    const { forward, backward } = await walk(usersLoader, "/admin/users", (d) => {
      const data = d as { users: Array<{ id: string }>; next: string | null; prev: string | null };
      return { rows: data.users, next: data.next, prev: data.prev };
    }, (u) => u.id);
    expect(forward.length).toBe(3);
    expect(forward.map((p) => p.length)).toEqual([50, 50, everyone.length - 100]);
    expectEachOnce(forward, everyone);
    expect(backward).toEqual(forward);
  });

  it("keeps the filters on every page: campus trainees found by a search, each once", async () => {
    const wanted = (
      await app.db
        .selectFrom("users as u")
        .innerJoin("user_roles as r", "r.user_id", "u.id")
        .select("u.id")
        .where("u.track", "=", "campus")
        .where("r.role", "=", "trainee")
        .where("u.name", "like", "%学员%")
        .execute()
    ).map((u) => u.id);
    expect(wanted.length).toBeGreaterThan(50);
    const { forward, backward } = await walk(usersLoader, `/admin/users?track=campus&q=${encodeURIComponent("学员")}&role=trainee`, (d) => {
      const data = d as { users: Array<{ id: string; track: string; name: string }>; next: string | null; prev: string | null; query: { track: string; q: string; role: string } };
      expect(data.query).toMatchObject({ track: "campus", q: "学员", role: "trainee" });
      for (const u of data.users) expect([u.track, u.name.includes("学员")]).toEqual(["campus", true]);
      return { rows: data.users, next: data.next, prev: data.prev };
    }, (u) => u.id);
    expect(forward.length).toBe(2);
    expectEachOnce(forward, wanted);
    expect(backward).toEqual(forward);
  });

  it("walks the certificate list on its own cursor, the eligible list's untouched", async () => {
    const all = (await app.db.selectFrom("certificates").select("id").execute()).map((c) => c.id);
    const { forward, backward, lastAddress } = await walk(
      certificatesLoader,
      "/admin/certificates?status=issued",
      (d) => (d as { certificates: Page<{ id: string }> }).certificates,
      (c) => c.id,
      { prefix: "c" },
    );
    expect(forward.length).toBe(2);
    expectEachOnce(forward, all);
    expect(backward).toEqual(forward);
    expect(lastAddress).toContain("status=issued");
    expect(lastAddress).not.toMatch(/[?&](after|before)=/);
  });

  it("walks the mentor's queue and the assignment list oldest first, 35 sharing each hand-in time", async () => {
    const open = (await app.db.selectFrom("submissions").select("id").where("status", "=", "submitted").where("type", "=", "field_work").execute()).map((s) => s.id);
    expect(open.length).toBe(70);
    const queue = await walk(queueLoader, "/mentor?status=open", (d) => d as Page<{ id: string }>, (r) => r.id, { who: mentor.context });
    expectEachOnce(queue.forward, open);
    expect(queue.backward).toEqual(queue.forward);
    const board = await walk(assignmentsLoader, "/admin/assignments?track=campus", (d) => d as Page<{ id: string }>, (r) => r.id);
    expectEachOnce(board.forward, open);
    expect(board.backward).toEqual(board.forward);
  });

  it("walks the audit log, the exports, the nominations and the public gallery", async () => {
    const events = (await app.db.selectFrom("audit_events").select("id").execute()).map((e) => String(e.id));
    const audit = await walk(auditLoader, "/admin/audit", (d) => {
      const data = d as { events: Array<{ id: number }>; next: string | null; prev: string | null };
      return { rows: data.events, next: data.next, prev: data.prev };
    }, (e) => String(e.id));
    expectEachOnce(audit.forward, events);
    expect(audit.backward).toEqual(audit.forward);

    const exports = (await app.db.selectFrom("exports").select("id").execute()).map((e) => e.id);
    const exported = await walk(exportsLoader, "/admin/exports", (d) => {
      const data = d as { exports: Array<{ id: string }>; next: string | null; prev: string | null };
      return { rows: data.exports, next: data.next, prev: data.prev };
    }, (e) => e.id);
    expect(exported.forward.length).toBe(3);
    expectEachOnce(exported.forward, exports);
    expect(exported.backward).toEqual(exported.forward);

    const items = (await app.db.selectFrom("showcase_items").select("submission_id").execute()).map((s) => s.submission_id);
    const nominations = await walk(nominationsLoader, "/admin/showcase", (d) => {
      const data = d as { items: Array<{ submission_id: string }>; next: string | null; prev: string | null };
      return { rows: data.items, next: data.next, prev: data.prev };
    }, (i) => i.submission_id);
    expectEachOnce(nominations.forward, items);
    const gallery = await walk(showcaseLoader, "/showcase?track=campus", (d) => {
      const data = d as { items: Array<{ id: string }>; next: string | null; prev: string | null };
      return { rows: data.items, next: data.next, prev: data.prev };
    }, (i) => i.id, { who: app.anonymous() });
    expect(gallery.forward.length).toBe(3);
    expectEachOnce(gallery.forward, items);
    expect(gallery.backward).toEqual(gallery.forward);
  });

  it("answers 400, not 500, for a cursor that is not the list's", async () => {
    const wrongKind = encodeCursor(["not-a-time", "also-not-a-uuid"]);
    const impossible = encodeCursor(["2026-02-31T00:00:00.000000Z", trainees[0]!.id]);
    const cases: Array<[Loader, string, SignedIn["context"]?]> = [
      [usersLoader, "/admin/users?after=garbage"],
      [usersLoader, `/admin/users?before=${wrongKind}`],
      [usersLoader, `/admin/users?after=${impossible}`],
      [usersLoader, `/admin/users?after=${encodeCursor([ties[0]!, trainees[0]!.id])}&before=${encodeCursor([ties[0]!, trainees[0]!.id])}`],
      [certificatesLoader, "/admin/certificates?cafter=%E2%9C%93"],
      [certificatesLoader, `/admin/certificates?after=${encodeCursor([ties[0]!, trainees[0]!.id])}`],
      [queueLoader, `/mentor?after=${encodeCursor([1, 2])}`, mentor.context],
      [assignmentsLoader, "/admin/assignments?before=x"],
      [auditLoader, `/admin/audit?after=${encodeCursor(["1; drop table users"])}`],
      [exportsLoader, "/admin/exports?after=="],
      [nominationsLoader, `/admin/showcase?after=${encodeCursor([])}`],
      [showcaseLoader, "/showcase?before=e30", app.anonymous()],
    ];
    for (const [loader, path, who] of cases) {
      const res = await responseOf(() => loader({ request: makeRequest(path), context: who ?? admin.context, params: {} }));
      expect(res.status, path).toBe(400);
    }
  });
});
