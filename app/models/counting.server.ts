import { sql, type SelectQueryBuilder } from "kysely";
import type { Database } from "../../db/schema";
import type { Db } from "./types";

/**
 * How many rows a query yields, counting at most `cap` + 1 of them: a figure past the cap reads
 * "cap+" (app/domain/attention.ts), and the count never walks a whole programme to say so.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any select: it is only wrapped and counted
export async function countUpTo(db: Db, query: SelectQueryBuilder<Database, any, any>, cap: number): Promise<number> {
  const row = await db
    .selectFrom(query.limit(cap + 1).as("counted"))
    .select(sql<number>`count(*)::int`.as("n"))
    .executeTakeFirstOrThrow();
  return row.n;
}
