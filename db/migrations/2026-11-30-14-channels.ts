import { sql, type Kysely } from "kysely";

// Messages outside the app (docs/decisions/024-message-channels.md): the delivery log, each person's
// choices of kind × channel and quiet hours, and the codes that verify a phone or an e-mail address.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("deliveries")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("template", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("payload", "jsonb", (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn("status", "text", (c) => c.notNull().defaultTo("queued"))
    .addColumn("provider_id", "text")
    .addColumn("error", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("not_before", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("sent_at", "timestamptz")
    // One event reaches one person once by one channel, however often its job runs.
    .addUniqueConstraint("deliveries_event_user_channel_key", ["event_id", "user_id", "channel"])
    .addCheckConstraint("deliveries_status_check", sql`status in ('queued', 'retrying', 'sending', 'sent', 'failed', 'skipped')`)
    .addCheckConstraint("deliveries_channel_check", sql`channel in ('email', 'sms')`)
    .execute();
  // The admin log pages newest first, optionally by status.
  await sql`create index deliveries_created_idx on deliveries (created_at desc, id desc)`.execute(db);
  await sql`create index deliveries_status_created_idx on deliveries (status, created_at desc, id desc)`.execute(db);

  await db.schema
    .createTable("message_choices")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("enabled", "boolean", (c) => c.notNull())
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("message_choices_pkey", ["user_id", "kind", "channel"])
    .execute();

  await db.schema
    .createTable("message_settings")
    .addColumn("user_id", "uuid", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    // Minutes after midnight, Asia/Shanghai; null start: no quiet hours.
    .addColumn("quiet_start", "integer")
    .addColumn("quiet_end", "integer")
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A phone or an address receives nothing until its owner typed the code sent to it.
  await db.schema
    .createTable("contact_verifications")
    .addColumn("user_id", "uuid", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("code_hash", "text")
    .addColumn("code_expires_at", "timestamptz")
    .addColumn("failed_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("verified_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint("contact_verifications_pkey", ["user_id", "channel"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("contact_verifications").execute();
  await db.schema.dropTable("message_settings").execute();
  await db.schema.dropTable("message_choices").execute();
  await db.schema.dropTable("deliveries").execute();
}
