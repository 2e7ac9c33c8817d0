import type { Kysely } from "kysely";

// A task done over several visits logs each one (docs/decisions/017-learner-experience.md). Existing
// submissions keep their single activity and a null log.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submissions").addColumn("activity_log", "jsonb").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("submissions").dropColumn("activity_log").execute();
}
