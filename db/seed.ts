import path from "node:path";
import type { Kysely } from "kysely";
import { hashPassword } from "../app/passwords.server";
import type { Database, OrgKind, Role, TrackColumn } from "./schema";
import { startedAs } from "../app/utils/entry-point";

/** The password of every demo account (printed in the README; demo data only). */
export const demoPassword = "baicheng-demo-2026";

interface SeedNode {
  name: string;
  kind: OrgKind;
  track?: TrackColumn;
  children?: SeedNode[];
}

// Demo organisation tree: a few of the launch's pilot regions, down to a class and a grid.
export const demoTree: SeedNode = {
  name: "全国工作组",
  kind: "national",
  children: [
    {
      name: "山西省",
      kind: "province",
      children: [
        {
          name: "运城市",
          kind: "city",
          children: [
            {
              name: "盐湖区",
              kind: "district",
              children: [
                {
                  name: "运城市盐湖区实验中学",
                  kind: "site",
                  track: "campus",
                  children: [{ name: "初二（3）班", kind: "group", track: "campus" }],
                },
                {
                  name: "盐湖区东城街道社区心理服务站",
                  kind: "site",
                  track: "community",
                  children: [{ name: "东城第一网格", kind: "group", track: "community" }],
                },
              ],
            },
          ],
        },
      ],
    },
    {
      name: "山东省",
      kind: "province",
      children: [
        {
          name: "烟台市",
          kind: "city",
          children: [
            {
              name: "芝罘区",
              kind: "district",
              children: [
                { name: "芝罘区第二实验小学", kind: "site", track: "campus" },
                { name: "芝罘区向阳街道社区心理服务中心", kind: "site", track: "community" },
              ],
            },
          ],
        },
        { name: "济南市", kind: "city" },
      ],
    },
    { name: "贵州省", kind: "province", children: [{ name: "贵阳市", kind: "city" }] },
    { name: "广东省", kind: "province", children: [{ name: "深圳市", kind: "city" }] },
    { name: "云南省", kind: "province" },
    { name: "北京市", kind: "province" },
  ],
};

const levels: Record<OrgKind, number> = { national: 1, province: 2, city: 3, district: 4, site: 5, group: 6 };

/** Inserts the demo organisations and people once; a second run changes nothing. */
export async function seedDemo(db: Kysely<Database>): Promise<{ seeded: boolean }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom("org_units").select("id").limit(1).executeTakeFirst();
    if (existing) return { seeded: false };

    const ids = new Map<string, string>();
    const insert = async (node: SeedNode, parent: { id: string; path: string } | null) => {
      const row = await trx
        .insertInto("org_units")
        .values({
          parent_id: parent?.id ?? null,
          level: levels[node.kind],
          kind: node.kind,
          name: node.name,
          track: node.track ?? null,
          path: "pending",
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      const nodePath = `${parent?.path ?? "/"}${row.id}/`;
      await trx.updateTable("org_units").set({ path: nodePath }).where("id", "=", row.id).execute();
      ids.set(node.name, row.id);
      for (const child of node.children ?? []) await insert(child, { id: row.id, path: nodePath });
    };
    await insert(demoTree, null);

    const passwordHash = await hashPassword(demoPassword);
    // Mentors serve pools of units: the two demo mentors each cover both pilot cities of their track.
    const people: Array<{ name: string; email?: string; phone?: string; org: string; track: TrackColumn | null; roles: Role[]; serves?: string[] }> = [
      { name: "项目管理员", email: "admin@demo.baicheng.org", org: "全国工作组", track: null, roles: ["admin"] },
      { name: "山西省协调员", email: "shanxi@demo.baicheng.org", org: "山西省", track: null, roles: ["admin"] },
      { name: "王敏", email: "mentor@demo.baicheng.org", org: "运城市", track: "campus", roles: ["mentor"], serves: ["运城市", "烟台市"] },
      { name: "陈立群", email: "mentor2@demo.baicheng.org", org: "烟台市", track: "community", roles: ["mentor"], serves: ["烟台市", "运城市"] },
      { name: "李静", phone: "13800000001", org: "运城市盐湖区实验中学", track: "campus", roles: ["trainee"] },
      { name: "张伟", phone: "13800000002", org: "盐湖区东城街道社区心理服务站", track: "community", roles: ["trainee"] },
      { name: "刘芳", phone: "13800000003", org: "芝罘区第二实验小学", track: "campus", roles: ["trainee"] },
      { name: "赵强", phone: "13800000004", org: "芝罘区向阳街道社区心理服务中心", track: "community", roles: ["trainee"] },
    ];
    for (const p of people) {
      const user = await trx
        .insertInto("users")
        .values({
          name: p.name,
          email: p.email ?? null,
          phone: p.phone ?? null,
          org_unit_id: ids.get(p.org)!,
          track: p.track,
          password_hash: passwordHash,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("user_roles")
        .values(p.roles.map((role) => ({ user_id: user.id, role, granted_by: null })))
        .execute();
      for (const unit of p.serves ?? []) {
        await trx.insertInto("mentor_units").values({ mentor_id: user.id, org_unit_id: ids.get(unit)!, added_by: null }).execute();
      }
    }
    return { seeded: true };
  });
}

const isMain = startedAs("db/seed.ts");
if (isMain) {
  const { getConfig } = await import("../app/config.server");
  const { openDatabase } = await import("./client");
  const { migrateToLatest } = await import("./migrate");
  const config = getConfig();
  const handle = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await migrateToLatest(handle.db);
  const { seeded } = await seedDemo(handle.db);
  console.log(seeded ? "demo data seeded" : "database already has data; nothing seeded");
  await handle.db.destroy();
}
