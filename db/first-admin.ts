// The first administrator of a real deployment, where no demo data is seeded: created with an
// invitation link to set their password. `npm run admin:first -- --name 王敏 --contact 13800000000`.
import path from "node:path";
import type { Kysely } from "kysely";
import { parseLoginIdentifier } from "../app/domain/contact";
import { cleanPersonName } from "../app/domain/text-hygiene";
import { issueAccessToken } from "../app/models/access-tokens.server";
import { recordAudit } from "../app/models/audit.server";
import { insertUser } from "../app/models/users.server";
import type { Database } from "./schema";
import { startedAs } from "../app/utils/entry-point";

export class FirstAdminError extends Error {}

/** Creates the administrator (of the whole programme: no org unit) and returns their one-time link, valid 72 h. */
export async function createFirstAdmin(db: Kysely<Database>, input: { name: string; contact: string; origin: string }): Promise<{ userId: string; link: string }> {
  const name = cleanPersonName(input.name);
  if (!name.ok) throw new FirstAdminError(`--name: not a usable name (${name.problem})`);
  const contact = parseLoginIdentifier(input.contact);
  if (!contact) throw new FirstAdminError("--contact: an 11-digit mainland mobile number or an e-mail address");
  return db.transaction().execute(async (trx) => {
    const admins = await trx.selectFrom("user_roles").select("user_id").where("role", "=", "admin").limit(1).execute();
    if (admins.length) throw new FirstAdminError("an administrator exists already: add more people on 管理后台 → 用户管理");
    const userId = await insertUser(
      trx,
      { name: name.name, phone: "phone" in contact ? contact.phone : null, email: "email" in contact ? contact.email : null, orgUnitId: null, track: null },
      ["admin"],
      null,
    );
    const { token } = await issueAccessToken(trx, { userId, purpose: "invite", createdBy: null, validHours: 72 });
    await recordAudit(trx, { actorId: null, action: "user.created", targetType: "user", targetId: userId, details: { by: "first-admin script" } });
    return { userId, link: `${input.origin}/invite/${token}` };
  });
}

const isMain = startedAs("db/first-admin.ts");
if (isMain) {
  const { parseArgs } = await import("node:util");
  const { getConfig } = await import("../app/config.server");
  const { openDatabase } = await import("./client");
  const { migrateToLatest } = await import("./migrate");
  const { values } = parseArgs({ options: { name: { type: "string" }, contact: { type: "string" } } });
  try {
    if (!values.name || !values.contact) throw new FirstAdminError("usage: npm run admin:first -- --name <姓名> --contact <手机号或邮箱>");
    const config = getConfig();
    const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    await migrateToLatest(handle.db);
    try {
      const { link } = await createFirstAdmin(handle.db, { name: values.name, contact: values.contact, origin: config.APP_URL });
      console.log(`administrator created; hand them this one-time link (72 h) to set a password:\n${link}`);
    } finally {
      await handle.db.destroy();
    }
  } catch (error) {
    console.error(`✖ ${(error as Error).message}`);
    process.exit(1);
  }
}
