import type { Db } from "./types";

/** The materialised path of the programme's root unit (the national working group): programme-wide figures count its subtree. */
export async function programmeRootPath(db: Db): Promise<string | null> {
  const root = await db.selectFrom("org_units").select("path").where("parent_id", "is", null).where("archived_at", "is", null).orderBy("created_at").executeTakeFirst();
  return root?.path ?? null;
}
