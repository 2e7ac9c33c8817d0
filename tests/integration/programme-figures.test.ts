import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as home } from "~/routes/_index";
import { forgetProgrammeFigures } from "~/services/programme-figures.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// The home page's live 百千万 figures: the whole programme, from approved field work, next to each target.
let app: Awaited<ReturnType<typeof createTestApp>>;
let school: string;
const task = "campus-foundation-emotion-friendly-classroom-field";

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const province = await createOrgUnit(app.db, { parentId: await app.programmeRoot(), kind: "province", name: "丙省", track: null });
  school = await createOrgUnit(app.db, { parentId: province, kind: "site", name: "丙校", track: "campus" });
});
afterAll(async () => app?.close());

type Home = { figures: { tracks: Array<{ id: string; figures: Array<{ id: string; figure: number; target: number }> }> }; next?: { href: string } | null };
const load = async (context = app.anonymous()): Promise<Home> => (await responseOf(() => home({ request: makeRequest("/"), context, params: {} }))).json();
const students = (data: Home) => data.figures.tracks.find((t) => t.id === "campus")!.figures.find((f) => f.id === "campus-y1-students")!;

async function fieldWork(people: number, status: "passed" | "returned") {
  const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: school });
  await app.db
    .insertInto("submissions")
    .values({ user_id: trainee.id, task_id: task, task_version: 1, module_id: "campus-foundation-emotion-friendly-classroom", track: "campus", tier: "foundation", type: "field_work", status, activity_title: `活动${people}`, activity_date: "2026-10-15", org_unit_id: school, audience_type: "students", people_reached: people })
    .execute();
}

describe("home page figures", () => {
  it("count the people reached by approved field work across the whole programme, against the target", async () => {
    forgetProgrammeFigures();
    const before = students(await load()).figure;
    await fieldWork(41, "passed");
    await fieldWork(900, "returned");
    forgetProgrammeFigures();
    const after = students(await load());
    expect(after.figure).toBe(before + 41);
    expect(after.target).toBe(10000);
  });

  it("are counted once per five minutes, not on every visit", async () => {
    forgetProgrammeFigures();
    const first = students(await load()).figure;
    await fieldWork(5, "passed");
    expect(students(await load()).figure).toBe(first);
  });

  it("show a signed-in trainee the next module, and a visitor none", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: school });
    const data = await load(trainee.context);
    expect(data.next?.href).toBe("/learn/campus/foundation/student-development");
    expect((await load()).next).toBeUndefined();
  });
});
