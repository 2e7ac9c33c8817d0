import { catalog } from "~/catalog/catalog.server";
import type { Indicator, TrackId } from "~/catalog/schema";
import { db } from "~/db.server";
import { programmeYearOf, yearWindow } from "~/domain/outcomes";
import { todayInChina } from "~/domain/submission-input";
import type { AppLoadContext } from "@remix-run/node";
import { auditRefusal, forbidden, notFound } from "~/guards.server";
import { listOrgUnits } from "~/models/orgs.server";
import { inReach, type Reach } from "~/domain/reach";
import { treeOrder } from "~/domain/org-tree";

/**
 * The region, track and year an admin asks about, checked against their reach: a region outside
 * it is refused, and with no region asked for they see their own unit.
 */
export async function outcomeScope(reach: Reach, url: URL, context: AppLoadContext) {
  const units = await listOrgUnits(db());
  const root = units.find((u) => u.id === reach.unitId);
  if (!root) throw notFound("还没有组织架构。");
  const regionId = url.searchParams.get("region") || root.id;
  const region = /^[0-9a-f-]{36}$/i.test(regionId) ? units.find((u) => u.id === regionId) : undefined;
  if (!region) throw notFound("地区不存在。");
  if (!inReach(reach, region.path)) {
    await auditRefusal(context, { attempted: "outcomes.region", targetType: "org_unit", targetId: region.id });
    throw forbidden("您只能查看自己负责地区的数据。");
  }
  const { program } = catalog();
  const track: TrackId = url.searchParams.get("track") === "community" ? "community" : "campus";
  const current = Math.min(3, Math.max(1, programmeYearOf(program.programStart, todayInChina())));
  const asked = Number(url.searchParams.get("year"));
  const year = [1, 2, 3].includes(asked) ? asked : current;
  const indicators: Indicator[] = program.tracks.find((t) => t.id === track)!.indicators.filter((i) => i.year === year);
  // Both lists in tree order: each child right under its parent, siblings by name.
  const children = treeOrder(units.filter((u) => u.parent_id === region.id));
  const regions = treeOrder(units.filter((u) => u.path.startsWith(root.path) && u.level <= 4));
  return { root, region, children, regions, track, year, window: yearWindow(program.programStart, year), indicators, programStart: program.programStart };
}
