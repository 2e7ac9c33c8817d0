import { sql, type Kysely } from "kysely";

// Pages at scale (decision 026): the page-load catch-up of eligibility evaluations reads the decisions
// made since a watermark, not every decision of the programme. One row: how far every decision is known
// to have an evaluation at least as new. Starting 30 days back, the first page loads catch up on the
// month before (a batch of decisions each).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table eligibility_catchup (
    id boolean primary key default true check (id),
    checked_until timestamptz not null
  )`.execute(db);
  await sql`insert into eligibility_catchup (id, checked_until) values (true, now() - interval '30 days')`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table eligibility_catchup`.execute(db);
}
