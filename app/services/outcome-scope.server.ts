import { catalog } from "~/catalog/catalog.server";
import type { Indicator, TrackId } from "~/catalog/schema";
import { db } from "~/db.server";
import { programmeYearOf, yearWindow } from "~/domain/outcomes";
import { todayInChina } from "~/domain/submission-input";
import type { AppLoadContext } from "@remix-run/node";
import { auditRefusal, forbidden, notFound } from "~/guards.server";
import { getOrgUnit, listActiveChildren, listOrgUnitNames } from "~/models/orgs.server";
import { depthOf, inReach, type Reach } from "~/domain/reach";
import { childrenPerPage, indentedName, treeOrder } from "~/domain/org-tree";
import type { OrgUnit } from "../../db/schema";

const isUuid = (id: string) => /^[0-9a-f-]{36}$/i.test(id);

/** Track, programme year and its indicators, from the query string (the current year by default). */
function trackAndYear(url: URL) {
  const { program } = catalog();
  const track: TrackId = url.searchParams.get("track") === "community" ? "community" : "campus";
  const current = Math.min(3, Math.max(1, programmeYearOf(program.programStart, todayInChina())));
  const asked = Number(url.searchParams.get("year"));
  const year = [1, 2, 3].includes(asked) ? asked : current;
  const indicators: Indicator[] = program.tracks.find((t) => t.id === track)!.indicators.filter((i) => i.year === year);
  return { track, year, window: yearWindow(program.programStart, year), indicators, programStart: program.programStart };
}

async function refuseOutside(reach: Reach, region: OrgUnit, context: AppLoadContext) {
  if (!inReach(reach, region.path)) {
    await auditRefusal(context, { attempted: "outcomes.region", targetType: "org_unit", targetId: region.id });
    throw forbidden("您只能查看自己负责地区的数据。");
  }
}

/**
 * The region, track and year an admin asks about, checked against their reach: a region outside
 * it is refused, and with no region asked for they see their own unit. Reads no other region.
 */
export async function outcomeScope(reach: Reach, url: URL, context: AppLoadContext) {
  const root = await getOrgUnit(db(), reach.unitId);
  if (!root || root.archived_at) throw notFound("还没有组织架构。");
  const regionId = url.searchParams.get("region") || root.id;
  const region = isUuid(regionId) ? await getOrgUnit(db(), regionId) : undefined;
  if (!region || region.archived_at) throw notFound("地区不存在。");
  await refuseOutside(reach, region, context);
  return { root, region, ...trackAndYear(url) };
}

/**
 * The same scope a level at a time: the region, its ancestors within the admin's reach (the way
 * back up) and its active children (the way down), never the whole tree.
 */
export async function outcomeRegionScope(reach: Reach, url: URL, context: AppLoadContext) {
  const scope = await outcomeScope(reach, url, context);
  const { root, region } = scope;
  const upIds = region.path.split("/").filter(Boolean).slice(root.path.split("/").filter(Boolean).length - 1, -1);
  const [up, children] = await Promise.all([
    listOrgUnitNames(db(), { ids: upIds }),
    listActiveChildren(db(), region.id),
  ]);
  const ancestors = upIds.map((id) => up.find((u) => u.id === id)).filter((u): u is NonNullable<typeof u> => u !== undefined);
  return { ...scope, ancestors, children: treeOrder(children) };
}

/**
 * One page of a region's children and the regions a picker offers with them: the way up, the
 * region and those children, each indented by its depth below the admin's own unit.
 */
export function regionChoices<C extends { id: string; name: string; path: string }>(
  scope: { root: Pick<OrgUnit, "path">; region: Pick<OrgUnit, "id" | "name" | "path">; ancestors: ReadonlyArray<{ id: string; name: string; path: string }>; children: readonly C[] },
  page: number,
) {
  const shown = scope.children.slice((page - 1) * childrenPerPage, page * childrenPerPage);
  const base = depthOf(scope.root.path);
  const regions = [...scope.ancestors, scope.region, ...shown].map((r) => ({ id: r.id, name: indentedName({ name: r.name, depth: depthOf(r.path) - base }) }));
  return { shown, regions };
}

/** The region and every region below it down to districts (level 4), in tree order, each indented under its parent. */
export async function regionsToDistricts(region: Pick<OrgUnit, "path">) {
  const units = treeOrder(await listOrgUnitNames(db(), { under: region.path, maxLevel: 4 }));
  return units.map((u) => ({ id: u.id, name: indentedName(u), path: u.path }));
}
