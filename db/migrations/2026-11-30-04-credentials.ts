import { sql, type Kysely } from "kysely";

// Issue 15 and issue 13 (revocation reasons):
// - Status list positions are drawn at random inside the open list (Bitstring Status List §2.1), never
//   reused: a database function is the column default, so every insert path gets one. Positions of
//   credentials already issued stay where they were signed; their list is recorded as already holding them.
// - A revocation has a public reason (shown on /verify) and an internal note (admins only). Reasons
//   written before this split may hold private details: they move to the note, the public part is left
//   empty (the page then shows a neutral text).

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table credential_status_lists (
    list integer primary key check (list >= 0),
    allocated integer not null default 0 check (allocated >= 0),
    capacity integer not null check (capacity > 0)
  )`.execute(db);
  // 131,072 positions per list; a list takes certificates until half of them are used, so a random
  // draw needs two tries on average.
  await sql`
    insert into credential_status_lists (list, allocated, capacity)
    select status_number / 131072, count(*), 65536 from certificates group by 1`.execute(db);

  await sql`
    create function allocate_certificate_status_number() returns integer language plpgsql as $$
    declare
      open_list integer;
      candidate integer;
      tries integer := 0;
    begin
      -- The row lock serialises allocators until commit, so the probe below sees every position taken.
      update credential_status_lists set allocated = allocated + 1
        where list = (select max(list) from credential_status_lists) and allocated < capacity
        returning list into open_list;
      if open_list is null then
        insert into credential_status_lists (list, allocated, capacity)
          values (coalesce((select max(list) + 1 from credential_status_lists), 0), 1, 65536)
          returning list into open_list;
      end if;
      loop
        -- gen_random_uuid() draws from the server's strong random source; 17 of its bits pick the place.
        candidate := open_list * 131072 + (('x' || substr(gen_random_uuid()::text, 1, 8))::bit(32)::integer & 131071);
        exit when not exists (select 1 from certificates where status_number = candidate);
        tries := tries + 1;
        if tries > 1000 then
          raise exception 'no free status list position in list %', open_list;
        end if;
      end loop;
      return candidate;
    end $$`.execute(db);
  await sql`alter table certificates alter column status_number set default allocate_certificate_status_number()`.execute(db);
  await sql`drop sequence if exists certificate_status_number_seq`.execute(db);

  await sql`alter table certificates add column revoked_note text`.execute(db);
  await sql`update certificates set revoked_note = revoked_reason, revoked_reason = null where revoked_reason is not null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update certificates set revoked_reason = coalesce(revoked_reason, revoked_note)`.execute(db);
  await sql`alter table certificates drop column revoked_note`.execute(db);
  await sql`create sequence certificate_status_number_seq as integer minvalue 0 start with 0`.execute(db);
  await sql`select setval('certificate_status_number_seq', coalesce((select max(status_number) + 1 from certificates), 0), false)`.execute(db);
  await sql`alter table certificates alter column status_number set default nextval('certificate_status_number_seq')`.execute(db);
  await sql`alter sequence certificate_status_number_seq owned by certificates.status_number`.execute(db);
  await sql`drop function allocate_certificate_status_number()`.execute(db);
  await sql`drop table credential_status_lists`.execute(db);
}
