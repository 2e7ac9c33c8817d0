import { sql } from "kysely";
import type { Db } from "./types";

// One trainee's learning on one screen for an administrator (the route checks reach first):
// modules read, every submission with its grades, and certificates.

export async function traineeRecord(db: Db, userId: string) {
  const [read, submissions, grades, certificates] = await Promise.all([
    db.selectFrom("module_progress").select(sql<number>`count(*)`.as("n")).where("user_id", "=", userId).executeTakeFirstOrThrow(),
    db
      .selectFrom("submissions")
      .select(["id", "task_id", "type", "status", "score", "attempts_used", "submitted_at", "decided_at"])
      .where("user_id", "=", userId)
      .where("status", "!=", "draft")
      .orderBy("submitted_at", "desc")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("grades as g")
      .innerJoin("submissions as s", "s.id", "g.submission_id")
      .select(["g.submission_id", "g.round", "g.total", "g.decision", "g.role"])
      .where("s.user_id", "=", userId)
      .orderBy("g.round")
      .orderBy("g.created_at")
      .execute(),
    db.selectFrom("certificates").select(["id", "number", "track", "tier", "status", "issued_at"]).where("user_id", "=", userId).orderBy("issued_at", "desc").execute(),
  ]);
  return { modulesRead: Number(read.n), submissions, grades, certificates };
}
