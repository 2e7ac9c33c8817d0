import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { catalog as loadCatalog } from "~/catalog/catalog.server";
import { tierIds, trackIds, type TierId, type TrackId } from "~/catalog/schema";
import type { Catalog } from "~/catalog/types";
import {
  attendanceFor,
  evaluateEligibility,
  mentorSignedOff,
  needsRenewal,
  ruleVersion,
  type AttendanceFact,
  type CertificateRule,
  type EligibilityResult,
  type MissingItem,
  type TaskResult,
  type TierTask,
} from "~/domain/eligibility";
import { allMessages, translate, type MessageKey } from "~/i18n";
import type { Database } from "../../db/schema";
import { addManyToOutbox, type OutboxJob } from "./outbox.server";
import type { Db } from "./types";

// The stored answer to "may this trainee receive this tier's certificate?", one row per
// (trainee, track, tier), re-evaluated after each decision and whenever it is found stale.

export interface EligibilityKey {
  userId: string;
  track: TrackId;
  tier: TierId;
}

export function tierRule(catalog: Catalog, tier: TierId): CertificateRule {
  const found = catalog.program.tiers.find((t) => t.id === tier);
  if (!found) throw new Error(`tier ${tier} is not in the programme`);
  return found.certificate;
}

/** The current content's tasks of one track and tier. */
export function tierTasksOf(catalog: Catalog, track: TrackId, tier: TierId): TierTask[] {
  return catalog.modules
    .filter((m) => m.track === track && m.tier === tier)
    .sort((a, b) => a.order - b.order)
    .flatMap((m) => m.tasks.map((t) => ({ id: t.id, type: t.type, title: t.title })));
}

/** Rule version per tier for the catalog in hand. */
export function ruleVersions(catalog: Catalog): Record<TierId, string> {
  return Object.fromEntries(tierIds.map((tier) => [tier, ruleVersion(tierRule(catalog, tier))])) as Record<TierId, string>;
}

/** The trainee's decided submissions in one track and tier. */
export async function decidedResults(db: Db, key: EligibilityKey): Promise<TaskResult[]> {
  const rows = await db
    .selectFrom("submissions")
    .select(["task_id", "type", "status", "score", "people_reached"])
    .where("user_id", "=", key.userId)
    .where("track", "=", key.track)
    .where("tier", "=", key.tier)
    .where("status", "in", ["passed", "not_passed"])
    .execute();
  return rows.map((r) => ({ taskId: r.task_id, type: r.type, status: r.status, score: r.score, peopleReached: r.people_reached }));
}

/**
 * The attended (present or late) sessions of these people, each with its cohort's track and tier
 * (null for a region session): what attendance rules count. One index range per person.
 */
export async function attendanceFactsOf(db: Db, userIds: readonly string[]): Promise<Map<string, AttendanceFact[]>> {
  const byUser = new Map<string, AttendanceFact[]>();
  if (userIds.length === 0) return byUser;
  const rows = await db
    .selectFrom("session_attendance as a")
    .innerJoin("training_sessions as s", "s.id", "a.session_id")
    .leftJoin("cohorts as c", "c.id", "s.cohort_id")
    .select(["a.user_id", "a.session_id", "a.status", "s.kind", "s.hours", "s.starts_at", "s.ends_at", "s.cohort_id", "c.track as cohort_track", "c.tier as cohort_tier"])
    .where("a.user_id", "in", [...userIds])
    .where("a.status", "in", ["present", "late"])
    .execute();
  for (const r of rows) {
    const fact: AttendanceFact = { status: r.status, kind: r.kind, hours: r.hours, startsAt: r.starts_at, endsAt: r.ends_at, cohortTrack: r.cohort_track, cohortTier: r.cohort_tier };
    const list = byUser.get(r.user_id);
    if (list) list.push(fact);
    else byUser.set(r.user_id, [fact]);
  }
  return byUser;
}

export function evaluateFor(catalog: Catalog, key: Pick<EligibilityKey, "track" | "tier">, results: TaskResult[], attendance: readonly AttendanceFact[] = []): EligibilityResult {
  const rule = tierRule(catalog, key.tier);
  const tasks = tierTasksOf(catalog, key.track, key.tier);
  return evaluateEligibility(rule, tasks, results, { mentorSignOff: mentorSignedOff(rule, tasks, results), attended: attendanceFor(attendance, key) });
}

/**
 * After someone's attendance at a session changed (a QR check-in, a mark by hand): evaluation jobs
 * for the (track, tier) keys that session can count toward and whose rule asks for attendance —
 * its cohort's key, or for a region session every tier with an attendance rule on the person's
 * track (both tracks when they have none). Written to the outbox in the caller's transaction; each
 * change gets its own job id, so a later change is never mistaken for one already evaluated.
 */
export async function queueEligibilityAfterAttendance(trx: Db, input: { sessionId: string; userId: string }, catalog: Catalog = loadCatalog()): Promise<OutboxJob[]> {
  const withRule = new Set(catalog.program.tiers.filter((t) => t.certificate.attendance).map((t) => t.id));
  if (withRule.size === 0) return [];
  const row = await trx
    .selectFrom("training_sessions as s")
    .leftJoin("cohorts as c", "c.id", "s.cohort_id")
    .innerJoin("users as u", (j) => j.on("u.id", "=", input.userId))
    .select(["c.track as cohort_track", "c.tier as cohort_tier", "u.track as user_track"])
    .where("s.id", "=", input.sessionId)
    .executeTakeFirst();
  if (!row) return [];
  const keys: Array<{ track: TrackId; tier: TierId }> =
    row.cohort_track && row.cohort_tier
      ? [{ track: row.cohort_track, tier: row.cohort_tier }]
      : (row.user_track ? [row.user_track] : [...trackIds]).flatMap((track) => tierIds.map((tier) => ({ track, tier })));
  const change = randomUUID();
  const jobs: OutboxJob[] = keys
    .filter((k) => withRule.has(k.tier))
    .map((k) => ({
      jobId: `eligibility-${input.userId}-${k.track}-${k.tier}-attendance-${change}`,
      queue: "eligibility",
      name: "evaluate",
      payload: { userId: input.userId, track: k.track, tier: k.tier },
    }));
  if (jobs.length) await addManyToOutbox(trx, jobs);
  return jobs;
}

export async function upsertEligibility(db: Db, key: EligibilityKey, result: EligibilityResult, version: string): Promise<void> {
  const missing = JSON.stringify(result.eligible ? [] : result.missing);
  await db
    .insertInto("eligibility")
    .values({ user_id: key.userId, track: key.track, tier: key.tier, eligible: result.eligible, missing, rule_version: version })
    .onConflict((oc) =>
      oc.columns(["user_id", "track", "tier"]).doUpdateSet({ eligible: result.eligible, missing, rule_version: version, evaluated_at: sql`now()` }),
    )
    .execute();
}

function inTransaction<T>(db: Db, run: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? run(db) : (db as Kysely<Database>).transaction().execute(run);
}

/**
 * Evaluates one (trainee, track, tier) from their submissions now and stores the answer.
 * Idempotent; concurrent evaluations of the same key queue on a lock, so the last one stored read the latest state.
 */
export async function refreshEligibility(db: Db, catalog: Catalog, key: EligibilityKey): Promise<EligibilityResult> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`eligibility-${key.userId}-${key.track}-${key.tier}`}))`.execute(trx);
    const attendance = (await attendanceFactsOf(trx, [key.userId])).get(key.userId) ?? [];
    const result = evaluateFor(catalog, key, await decidedResults(trx, key), attendance);
    await upsertEligibility(trx, key, result, ruleVersion(tierRule(catalog, key.tier)));
    return result;
  });
}

export interface EligibilityFilters {
  orgPath?: string;
  track?: TrackId;
  tier?: TierId;
}

export interface StaleFilters extends EligibilityFilters {
  /** Only these trainees (ids that are not users simply match nothing). */
  userIds?: string[];
  limit?: number;
  /** Only decisions made after this moment (and up to `decidedUntil`). */
  decidedAfter?: Date;
  decidedUntil?: Date;
}

/**
 * Keys whose stored evaluation is missing, older than their latest decided submission, or made
 * under another rule: e.g. a quiz the scorer passed, which queues no evaluation of its own.
 * With `decidedAfter`, only keys with a decision in that window (an index walk on decided_at).
 */
export async function staleEligibilityKeys(db: Db, catalog: Catalog, f: StaleFilters): Promise<EligibilityKey[]> {
  if (f.userIds?.length === 0) return [];
  const versions = ruleVersions(catalog);
  const limit = f.limit ?? 200;
  const decided = await db
    .selectFrom("submissions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .leftJoin("eligibility as e", (join) =>
      join.onRef("e.user_id", "=", "s.user_id").onRef("e.track", "=", "s.track").onRef("e.tier", "=", "s.tier"),
    )
    .select(["s.user_id", "s.track", "s.tier"])
    .where("s.status", "in", ["passed", "not_passed"])
    .$if(f.decidedAfter !== undefined, (q) => q.where("s.decided_at", ">", f.decidedAfter!))
    .$if(f.decidedUntil !== undefined, (q) => q.where("s.decided_at", "<=", f.decidedUntil!))
    .$if(f.userIds !== undefined, (q) => q.where("s.user_id", "in", f.userIds!))
    .$if(Boolean(f.track), (q) => q.where("s.track", "=", f.track!))
    .$if(Boolean(f.tier), (q) => q.where("s.tier", "=", f.tier!))
    .$if(Boolean(f.orgPath), (q) => q.where("o.path", "like", `${f.orgPath}%`))
    .groupBy(["s.user_id", "s.track", "s.tier", "e.evaluated_at", "e.rule_version"])
    .having((eb) =>
      eb.or([
        eb("e.evaluated_at", "is", null),
        eb(eb.fn.max("s.decided_at"), ">", eb.ref("e.evaluated_at")),
        eb(
          "e.rule_version",
          "!=",
          eb
            .case("s.tier")
            .when("foundation")
            .then(versions.foundation)
            .when("practitioner")
            .then(versions.practitioner)
            .when("specialist")
            .then(versions.specialist)
            .else(versions.supervisor)
            .end(),
        ),
      ]),
    )
    .limit(limit)
    .execute();
  return decided.map((r) => ({ userId: r.user_id, track: r.track, tier: r.tier }));
}

/**
 * Evaluations made under an older rule that have decisions to evaluate: after a content change,
 * everyone is re-evaluated, a page load at a time. One index range on (tier, rule_version) each side
 * of the current version, so it costs nothing while every evaluation is current.
 */
export async function outdatedEligibilityKeys(db: Db, catalog: Catalog, limit: number): Promise<EligibilityKey[]> {
  const versions = ruleVersions(catalog);
  const ranges = tierIds.flatMap((tier) => [
    sql`select e.user_id, e.track, e.tier from eligibility e where e.tier = ${tier} and e.rule_version < ${versions[tier]}`,
    sql`select e.user_id, e.track, e.tier from eligibility e where e.tier = ${tier} and e.rule_version > ${versions[tier]}`,
  ]);
  const rows = await sql<{ user_id: string; track: TrackId; tier: TierId }>`
    select o.user_id, o.track, o.tier from (${sql.join(ranges, sql` union all `)}) o
    where exists (select 1 from submissions ds where ds.user_id = o.user_id and ds.track = o.track and ds.tier = o.tier and ds.status in ('passed', 'not_passed'))
    limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({ userId: r.user_id, track: r.track, tier: r.tier }));
}

/** Decisions a catch-up reads at most per call: the rest wait for the next page load. */
export const catchUpBatch = 2000;
/** A decision committed late carries an earlier decided_at: the watermark stays this far behind now. */
const catchUpMarginMs = 5 * 60_000;
/** The watermark is written when it would move at least this far. */
const watermarkStepMs = 60_000;

/**
 * Re-evaluates stale keys (a bounded number per call); returns how many were refreshed.
 *
 * With `userIds`: those trainees' keys. Otherwise the page-load catch-up (decision 026): the decisions
 * made since the watermark (`eligibility_catchup.checked_until`), at most `catchUpBatch` of them in
 * decided_at order, whichever region's; the watermark moves past them once every stale key among them
 * is refreshed. So the cost follows the decisions since the last look, never the programme's size, and
 * no decision is skipped. Then evaluations of an older rule.
 */
export async function refreshStaleEligibility(db: Kysely<Database>, catalog: Catalog, f: StaleFilters): Promise<number> {
  const limit = f.limit ?? 200;
  if (f.userIds !== undefined) {
    const keys = await staleEligibilityKeys(db, catalog, { userIds: f.userIds, limit });
    for (const key of keys) await refreshEligibility(db, catalog, key);
    return keys.length;
  }
  const mark = await db.selectFrom("eligibility_catchup").select("checked_until").executeTakeFirst();
  const since = mark?.checked_until ?? new Date(0);
  const horizon = new Date(Date.now() - catchUpMarginMs);
  // The decided_at of the batch's last decision, when there are more than a batch since the watermark.
  const edge = await db
    .selectFrom("submissions")
    .select("decided_at")
    .where("status", "in", ["passed", "not_passed"])
    .where("decided_at", ">", since)
    .orderBy("decided_at")
    .offset(catchUpBatch - 1)
    .limit(1)
    .executeTakeFirst();
  const until = edge?.decided_at && edge.decided_at < horizon ? edge.decided_at : horizon;
  // Decisions after the horizon are looked at too (a fresh quiz pass shows at once); the mark stops at it.
  const keys = await staleEligibilityKeys(db, catalog, { decidedAfter: since, decidedUntil: edge?.decided_at ?? undefined, limit });
  for (const key of keys) await refreshEligibility(db, catalog, key);
  // Moved only a minute or more at a time: a write and its commit on every page load bought nothing (the
  // next load reads the last minute's decisions again, an index range) and put an fsync before every list.
  if (keys.length < limit && until.getTime() - since.getTime() >= watermarkStepMs) {
    await db
      .insertInto("eligibility_catchup")
      .values({ id: true, checked_until: until })
      .onConflict((oc) => oc.column("id").doUpdateSet({ checked_until: sql`greatest(eligibility_catchup.checked_until, excluded.checked_until)` }))
      .execute();
  }
  if (keys.length >= limit) return keys.length;
  const outdated = await outdatedEligibilityKeys(db, catalog, limit - keys.length);
  for (const key of outdated) await refreshEligibility(db, catalog, key);
  return keys.length + outdated.length;
}

export async function getEligibility(db: Db, key: EligibilityKey) {
  return db
    .selectFrom("eligibility")
    .selectAll()
    .where("user_id", "=", key.userId)
    .where("track", "=", key.track)
    .where("tier", "=", key.tier)
    .executeTakeFirst();
}

/** A stored missing item as text in the trainee's language; an unknown key (old data) shows as itself. */
export function describeMissing(item: MissingItem | { key: string; params?: Record<string, string | number> }): string {
  return item.key in allMessages ? translate("zh-CN", item.key as MessageKey, item.params) : item.key;
}

export interface TierCertificateView {
  id: string;
  number: string;
  status: "issued" | "revoked" | "superseded";
  issuedAt: string;
  validUntil: string | null;
  revokedAt: string | null;
  revokedReason: string | null;
  /** Set once the PDF is rendered. */
  pdfUrl: string | null;
  /** The Open Badges credential (JSON), set once rendered. */
  credentialUrl: string | null;
  verifyUrl: string;
  renewalDue: boolean;
}

export interface TierEligibilityView {
  tier: TierId;
  title: string;
  certificateTitle: string;
  eligible: boolean;
  /** What is still missing, as sentences. Empty when eligible. */
  missing: string[];
  /** The live certificate, else the latest revoked or superseded one. */
  certificate: TierCertificateView | null;
}

/**
 * The trainee's certificate standing in one track, tier by tier: evaluated live from their
 * submissions and attendance (always current, writes nothing) and their certificates.
 */
export async function eligibilityFor(db: Db, userId: string, track: TrackId, catalog: Catalog = loadCatalog()): Promise<TierEligibilityView[]> {
  const [submissions, certificates, attendance] = await Promise.all([
    db
      .selectFrom("submissions")
      .select(["tier", "task_id", "type", "status", "score", "people_reached"])
      .where("user_id", "=", userId)
      .where("track", "=", track)
      .where("status", "in", ["passed", "not_passed"])
      .execute(),
    db
      .selectFrom("certificates")
      .select(["id", "number", "tier", "status", "issued_at", "valid_until", "revoked_at", "revoked_reason", "rendered_at", "pdf_key"])
      .where("user_id", "=", userId)
      .where("track", "=", track)
      .orderBy("issued_at", "desc")
      .execute(),
    attendanceFactsOf(db, [userId]).then((m) => m.get(userId) ?? []),
  ]);
  const tiers = [...catalog.program.tiers].sort((a, b) => a.order - b.order);
  return tiers.map((tier) => {
    const results = submissions
      .filter((s) => s.tier === tier.id)
      .map((s) => ({ taskId: s.task_id, type: s.type, status: s.status, score: s.score, peopleReached: s.people_reached }));
    const result = evaluateFor(catalog, { track, tier: tier.id }, results, attendance);
    const ofTier = certificates.filter((c) => c.tier === tier.id);
    const cert = ofTier.find((c) => c.status === "issued") ?? ofTier[0];
    return {
      tier: tier.id,
      title: tier.title.zh,
      certificateTitle: tier.certificateTitle.zh,
      eligible: result.eligible,
      missing: result.eligible ? [] : result.missing.map(describeMissing),
      certificate: cert
        ? {
            id: cert.id,
            number: cert.number,
            status: cert.status,
            issuedAt: cert.issued_at.toISOString(),
            validUntil: cert.valid_until?.toISOString() ?? null,
            revokedAt: cert.revoked_at?.toISOString() ?? null,
            revokedReason: cert.revoked_reason,
            pdfUrl: cert.status === "issued" && cert.rendered_at && cert.pdf_key ? `/certificates/${cert.id}.pdf` : null,
            credentialUrl: cert.status === "issued" && cert.rendered_at ? `/certificates/${cert.id}/credential` : null,
            verifyUrl: `/verify/${cert.number}`,
            renewalDue: cert.status === "issued" && needsRenewal(cert.valid_until),
          }
        : null,
    };
  });
}
