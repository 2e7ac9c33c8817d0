import { catalog } from "~/catalog/catalog.server";
import type { Indicator, TrackId } from "~/catalog/schema";
import { db } from "~/db.server";
import { programmeYearOf, yearWindow } from "~/domain/outcomes";
import { todayInChina } from "~/domain/submission-input";
import { forbidden, notFound } from "~/guards.server";
import { getOrgUnit, listOrgUnits } from "~/models/orgs.server";
import { getUserSummary } from "~/models/users.server";

/**
 * Whether an admin sees the whole programme: attached to the root, or to no unit at all. Regional
 * admins (attached lower in the tree) see their subtree only, and nothing programme-wide.
 */
export async function seesWholeProgramme(userId: string): Promise<boolean> {
  const user = await getUserSummary(db(), userId);
  if (!user) return false;
  if (!user.orgUnitId) return true;
  return (await getOrgUnit(db(), user.orgUnitId))?.level === 1;
}

/**
 * The region, track and year an admin asks about, checked against what they may see: an admin
 * attached to a region sees its subtree only; one attached to the root (or nowhere) sees everything.
 */
export async function outcomeScope(userId: string, url: URL) {
  const user = await getUserSummary(db(), userId);
  const units = await listOrgUnits(db());
  const home = user?.orgUnitId ? await getOrgUnit(db(), user.orgUnitId) : undefined;
  const root = home ?? units.find((u) => u.level === 1);
  if (!root) throw notFound("还没有组织架构。");
  const regionId = url.searchParams.get("region") || root.id;
  const region = /^[0-9a-f-]{36}$/i.test(regionId) ? units.find((u) => u.id === regionId) : undefined;
  if (!region) throw notFound("地区不存在。");
  if (!region.path.startsWith(root.path)) throw forbidden("您只能查看自己负责地区的数据。");
  const { program } = catalog();
  const track: TrackId = url.searchParams.get("track") === "community" ? "community" : "campus";
  const current = Math.min(3, Math.max(1, programmeYearOf(program.programStart, todayInChina())));
  const asked = Number(url.searchParams.get("year"));
  const year = [1, 2, 3].includes(asked) ? asked : current;
  const indicators: Indicator[] = program.tracks.find((t) => t.id === track)!.indicators.filter((i) => i.year === year);
  const children = units.filter((u) => u.parent_id === region.id);
  const regions = units.filter((u) => u.path.startsWith(root.path) && u.level <= 4);
  return { root, region, children, regions, track, year, window: yearWindow(program.programStart, year), indicators, programStart: program.programStart };
}
