import { sql, type Kysely } from "kysely";

// Regional administration (docs/decisions/008-reach.md):
// - every admin belongs to a unit: admins left without one are attached to the root, since "no unit"
//   no longer means "everything";
// - each audit event carries the org path it concerns, so a regional admin reads only their subtree's;
// - mentors serve explicit units (a city's mentor pool), starting with their own unit;
// - the last sign-in is kept, so a coordinator sees who was invited but never came.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update users set org_unit_id = (select id from org_units where parent_id is null and archived_at is null order by created_at limit 1), updated_at = now()
    where org_unit_id is null and exists (select 1 from user_roles r where r.user_id = users.id and r.role = 'admin')
  `.execute(db);

  await db.schema.alterTable("audit_events").addColumn("scope_path", "text").execute();
  await sql`
    update audit_events a set scope_path = coalesce(
      case a.target_type
        when 'user' then (select o.path from users u join org_units o on o.id = u.org_unit_id where u.id::text = a.target_id)
        when 'org_unit' then (select o.path from org_units o where o.id::text = a.target_id)
        when 'submission' then (select o.path from submissions s join users u on u.id = s.user_id join org_units o on o.id = u.org_unit_id where s.id::text = a.target_id)
        when 'certificate' then (select o.path from certificates c join users u on u.id = c.user_id join org_units o on o.id = u.org_unit_id where c.id::text = a.target_id)
      end,
      (select o.path from users u join org_units o on o.id = u.org_unit_id where u.id = a.actor_id)
    )
  `.execute(db);
  await sql`create index audit_events_scope_idx on audit_events (scope_path text_pattern_ops, id)`.execute(db);

  await db.schema
    .createTable("mentor_units")
    .addColumn("mentor_id", "uuid", (c) => c.notNull().references("users.id"))
    .addColumn("org_unit_id", "uuid", (c) => c.notNull().references("org_units.id"))
    .addColumn("added_by", "uuid", (c) => c.references("users.id"))
    .addColumn("added_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("mentor_units_pkey", ["mentor_id", "org_unit_id"])
    .execute();
  await db.schema.createIndex("mentor_units_unit_idx").on("mentor_units").column("org_unit_id").execute();
  await sql`
    insert into mentor_units (mentor_id, org_unit_id)
    select u.id, u.org_unit_id from users u join user_roles r on r.user_id = u.id and r.role = 'mentor'
    where u.org_unit_id is not null
    on conflict do nothing
  `.execute(db);

  await db.schema.alterTable("users").addColumn("last_sign_in_at", "timestamptz").execute();
  await sql`update users u set last_sign_in_at = (select max(s.created_at) from sessions s where s.user_id = u.id)`.execute(db);
  await sql`
    update users u set last_sign_in_at = greatest(u.last_sign_in_at, (select max(a.at) from audit_events a where a.actor_id = u.id and a.action = 'login.succeeded'))
  `.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("last_sign_in_at").execute();
  await db.schema.dropTable("mentor_units").execute();
  await db.schema.dropIndex("audit_events_scope_idx").execute();
  await db.schema.alterTable("audit_events").dropColumn("scope_path").execute();
}
