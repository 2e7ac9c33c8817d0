import type { AppLoadContext } from "@remix-run/node";
import { db } from "~/db.server";
import { inReach } from "~/domain/reach";
import { refuseOutsideReach, type Steward } from "~/guards.server";
import { getCohort, type CohortRow } from "~/models/cohorts.server";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cohort, when it lies in the admin's reach; otherwise a 404 like an unknown id (audited). */
export async function cohortInReach(me: Steward, context: AppLoadContext, id: string | undefined, attempted: string): Promise<CohortRow> {
  const cohort = id && uuidPattern.test(id) ? await getCohort(db(), id) : undefined;
  if (!cohort) throw new Response("未找到该期次。", { status: 404 });
  if (!inReach(me.reach, cohort.unit_path)) return refuseOutsideReach(context, { attempted, targetType: "cohort", targetId: cohort.id });
  return cohort;
}

/** What a cohort's pages show of it in their heading. */
export function cohortHeading(cohort: CohortRow) {
  return {
    id: cohort.id,
    name: cohort.name,
    unit: cohort.unit_name,
    track: cohort.track,
    tier: cohort.tier,
    year: cohort.programme_year,
    startsOn: cohort.starts_on,
    endsOn: cohort.ends_on,
  };
}
