import { userUnder } from "./placement.server";
import { pageOf, type PageRequest } from "~/domain/keyset";
import { cursorTime, keysetPage, type KeyColumn } from "./keyset.server";
import type { Db } from "./types";

// The public gallery shows only approved items whose trainee consented; never beneficiaries' data.
function publicItems(db: Db) {
  return db
    .selectFrom("showcase_items as si")
    .innerJoin("submissions as s", "s.id", "si.submission_id")
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["s.id", "s.task_id", "s.module_id", "s.type", "s.track", "s.tier", "s.activity_title", "s.body", "s.audience_type", "s.people_reached", "s.showcase_photos", "si.decided_at", "u.name as author", "o.path as org_path"])
    .where("si.status", "=", "approved")
    .where("s.showcase_consent", "=", true)
    .where("s.status", "=", "passed");
}

/** The gallery's order: latest approval first, then submission id. */
export const showcaseKey: KeyColumn[] = [
  { ref: "si.decided_at", kind: "timestamp" },
  { ref: "si.submission_id", kind: "uuid" },
];

/** One page of the public gallery (keyset pagination). */
export async function listPublicShowcase(db: Db, f: { track?: string; moduleIds?: string[]; regionPath?: string; page: PageRequest }) {
  let q = publicItems(db).select(cursorTime("si.decided_at").as("cursor_at"));
  if (f.track) q = q.where("s.track", "=", f.track as "campus" | "community");
  if (f.moduleIds) q = q.where("s.module_id", "in", f.moduleIds.length ? f.moduleIds : ["__none__"]);
  if (f.regionPath) q = q.where("o.path", "like", `${f.regionPath}%`);
  const rows = await keysetPage(q, showcaseKey, "desc", f.page).execute();
  return pageOf(rows, f.page, (r) => [r.cursor_at, r.id]);
}

export async function getPublicShowcaseItem(db: Db, submissionId: string) {
  return publicItems(db).where("s.id", "=", submissionId).executeTakeFirst();
}

/** The nominations list's order: newest nomination first, then submission id. */
export const nominationKey: KeyColumn[] = [
  { ref: "si.nominated_at", kind: "timestamp" },
  { ref: "si.submission_id", kind: "uuid" },
];

/** A page of the nominations of trainees under `regionPath` (all when it is undefined), newest first. */
export async function listNominations(db: Db, regionPath: string | undefined, page: PageRequest) {
  const rows = await keysetPage(
    db
      .selectFrom("showcase_items as si")
      .innerJoin("submissions as s", "s.id", "si.submission_id")
      .innerJoin("users as u", "u.id", "s.user_id")
      .innerJoin("users as m", "m.id", "si.nominated_by")
      .select([
        "si.submission_id",
        "si.reason",
        "si.nominated_at",
        "si.status",
        "s.task_id",
        "s.type",
        "s.activity_title",
        "s.activity_date",
        "s.place",
        "s.audience_type",
        "s.people_reached",
        "s.duration_minutes",
        "s.body",
        "s.showcase_consent",
        "s.showcase_photos",
        "u.name as author",
        "m.name as nominator",
        cursorTime("si.nominated_at").as("cursor_at"),
      ])
      .$if(!!regionPath, (q) => q.where(userUnder("s.user_id", regionPath!))),
    nominationKey,
    "desc",
    page,
  ).execute();
  return pageOf(rows, page, (r) => [r.cursor_at, r.submission_id]);
}

/** Approves or rejects a nomination still open; only consented work can be approved. */
export async function decideNomination(db: Db, input: { submissionId: string; approve: boolean; adminId: string }): Promise<"ok" | "notOpen" | "noConsent"> {
  const row = await db
    .selectFrom("showcase_items as si")
    .innerJoin("submissions as s", "s.id", "si.submission_id")
    .select(["si.status", "s.showcase_consent"])
    .where("si.submission_id", "=", input.submissionId)
    .forUpdate()
    .executeTakeFirst();
  if (!row || row.status !== "nominated") return "notOpen";
  if (input.approve && !row.showcase_consent) return "noConsent";
  await db
    .updateTable("showcase_items")
    .set({ status: input.approve ? "approved" : "rejected", decided_by: input.adminId, decided_at: new Date() })
    .where("submission_id", "=", input.submissionId)
    .where("status", "=", "nominated")
    .execute();
  return "ok";
}

/** The live photos (never sign-in sheets or documents) of these submissions, oldest first. */
export async function showcasePhotos(db: Db, submissionIds: string[]) {
  if (submissionIds.length === 0) return [];
  return db
    .selectFrom("evidence_files")
    .select(["id", "submission_id", "original_name", "thumbnail_key"])
    .where("submission_id", "in", submissionIds)
    .where("kind", "=", "photo")
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/**
 * True only for a live photo of approved, passed showcase work whose trainee consented to publication
 * and to showing the faces in its photos: the one case a file is served to anyone (evidence shows minors).
 */
export async function isPublicShowcasePhoto(db: Db, fileId: string): Promise<boolean> {
  const row = await db
    .selectFrom("evidence_files as f")
    .innerJoin("submissions as s", "s.id", "f.submission_id")
    .innerJoin("showcase_items as si", "si.submission_id", "s.id")
    .select("f.id")
    .where("f.id", "=", fileId)
    .where("f.kind", "=", "photo")
    .where("f.deleted_at", "is", null)
    .where("si.status", "=", "approved")
    .where("s.status", "=", "passed")
    .where("s.showcase_consent", "=", true)
    .where("s.showcase_photos", "=", true)
    .executeTakeFirst();
  return row !== undefined;
}
