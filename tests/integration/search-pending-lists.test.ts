import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";

// A person's row written anew (a sign-in moves an indexed column) sends its grams to the people search
// index's pending list. A search must not read through a long
// list (migration 2026-11-30-26): after a thousand sign-ins, finding the person reads a few index pages.

let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe("the people search after much activity", () => {
  it("reads a few index pages, not a pending list of every activity", async () => {
    const person = await app.signIn(["trainee"], { name: "欧阳明月" });
    await sql`
      do $$ begin
        for i in 1..1000 loop
          update users set last_sign_in_at = now() + make_interval(secs => i) where id = ${sql.lit(person.id)}::uuid;
        end loop;
      end $$`.execute(app.db);
    // One connection for the plan: the index is asked for, as it is for a table of programme size.
    const plan = await app.db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return sql<{ "QUERY PLAN": Array<{ Plan: PlanNode }> }>`
        explain (analyze, buffers, format json)
        select u.id from users u where search_grams(u.name || ' ' || coalesce(u.phone, '') || ' ' || coalesce(u.email, '')) @> search_query_grams('欧阳明月')`.execute(trx);
    });
    const indexScan = findNode(plan.rows[0]!["QUERY PLAN"][0]!.Plan, "Bitmap Index Scan");
    expect(indexScan?.["Index Name"]).toBe("users_search_idx");
    expect(indexScan!["Shared Hit Blocks"] + indexScan!["Shared Read Blocks"]).toBeLessThan(20);
  });
});

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Shared Hit Blocks": number;
  "Shared Read Blocks": number;
  Plans?: PlanNode[];
}

function findNode(node: PlanNode, type: string): PlanNode | undefined {
  if (node["Node Type"] === type) return node;
  for (const child of node.Plans ?? []) {
    const found = findNode(child, type);
    if (found) return found;
  }
  return undefined;
}
