import { attentionThresholds, daysAfter, daysBefore, type AttentionItem } from "~/domain/attention";
import { isProgrammeWide, listingPrefix, type Reach } from "~/domain/reach";
import { countOpenWork, type AssignmentFilters } from "./assignments.server";
import { countCertificates, countEligible, type CertificateFilters } from "./certificates.server";
import { countUsers, type UserFilters } from "./users.server";
import type { Db } from "./types";

// The figures of a coordinator's home. Each is the total of the list its link opens, computed by
// that list's own query with the filters below, so the figure and the list cannot disagree.

/** /admin/assignments?overdue=1 */
export function overdueWorkFilter(reach: Reach, now: Date): AssignmentFilters {
  return { regionPath: listingPrefix(reach), submittedBefore: daysBefore(now, attentionThresholds.waitingDays) };
}

/** /admin/users?attention=… : the reach, and people of no unit only for a programme admin. */
export function peopleInReach(reach: Reach): Pick<UserFilters, "orgPath" | "includeUnplaced"> {
  return { orgPath: reach.path, includeUnplaced: isProgrammeWide(reach) };
}

/** /admin/certificates?status=expiring */
export function expiringFilter(now: Date): Pick<CertificateFilters, "status" | "now" | "expiringBefore"> {
  return { status: "expiring", now, expiringBefore: daysAfter(now, attentionThresholds.expiringDays) };
}

export async function regionAttention(db: Db, reach: Reach, now = new Date()): Promise<Record<AttentionItem, number>> {
  const prefix = listingPrefix(reach);
  const [waiting, invited, stalled, eligible, expiring] = await Promise.all([
    countOpenWork(db, overdueWorkFilter(reach, now)),
    countUsers(db, { ...peopleInReach(reach), attention: "invited" }, now),
    countUsers(db, { ...peopleInReach(reach), attention: "stalled" }, now),
    countEligible(db, { orgPath: prefix }),
    countCertificates(db, { ...expiringFilter(now), orgPath: prefix }),
  ]);
  return { waiting, invited, stalled, eligible, expiring };
}
