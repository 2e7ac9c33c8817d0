import { sql, type Kysely } from "kysely";

// Credentials carry a revocation status (W3C Bitstring Status List), and the private signing key
// leaves the database (it now comes from ISSUER_SIGNING_KEY or DATA_DIR/keys; decision 006).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  // Each certificate's place in the status lists. Existing rows are numbered in issue order.
  await sql`create sequence certificate_status_number_seq as integer minvalue 0 start with 0`.execute(db);
  await sql`alter table certificates add column status_number integer`.execute(db);
  await sql`
    update certificates set status_number = numbered.n
    from (select id, nextval('certificate_status_number_seq') as n from (select id from certificates order by issued_at, id) ordered) numbered
    where certificates.id = numbered.id`.execute(db);
  await sql`alter table certificates alter column status_number set default nextval('certificate_status_number_seq')`.execute(db);
  await sql`alter table certificates alter column status_number set not null`.execute(db);
  await sql`alter sequence certificate_status_number_seq owned by certificates.status_number`.execute(db);
  await db.schema.createIndex("certificates_status_number_key").unique().on("certificates").column("status_number").execute();

  // Keys made by the old code keep verifying what they signed, but sign nothing more.
  await sql`update signing_keys set retired_at = now() where retired_at is null`.execute(db);
  await db.schema.alterTable("signing_keys").dropColumn("private_pem").execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  // The private halves are gone; the old code would mint a new key on first use.
  await sql`delete from signing_keys`.execute(db);
  await db.schema.alterTable("signing_keys").addColumn("private_pem", "text", (c) => c.notNull()).execute();
  await db.schema.dropIndex("certificates_status_number_key").execute();
  await sql`alter table certificates drop column status_number`.execute(db);
}
