import { sql, type Kysely } from "kysely";
import type { TierId, TrackId } from "~/catalog/schema";
import { figureCap } from "~/domain/attention";
import { validUntilFor, type CertificateRule } from "~/domain/eligibility";
import { pageOf, type PageRequest } from "~/domain/keyset";
import { notificationIds } from "~/domain/notifications";
import { certificateNumber } from "~/services/certificate-document.server";
import type { Database } from "../../db/schema";
import { recordAudit, recordAuditMany, type AuditEventInput } from "./audit.server";
import type { EligibilityFilters, EligibilityKey } from "./eligibility.server";
import { notificationJob, queueNotification } from "./notifications.server";
import { addManyToOutbox, addToOutbox, type OutboxJob } from "./outbox.server";
import { countUpTo } from "./counting.server";
import { cursorTime, keysetPage, type KeyColumn } from "./keyset.server";
import type { Db } from "./types";

// Certificates: who may get one (from the stored eligibility), issuing in batches, revoking with a
// reason and reissuing after a name correction. A certificate row is never deleted.

export const renderJobId = (certificateId: string) => `cert-render-${certificateId}`;

function renderJob(certificateId: string): OutboxJob {
  return { jobId: renderJobId(certificateId), queue: "certificates", name: "render", payload: { certificateId } };
}

export interface EligibleListFilters extends EligibilityFilters {
  page: PageRequest;
}

/** Trainees whose stored evaluation says eligible and who hold no live certificate for that track and tier. */
function eligibleQuery(db: Db, f: EligibilityFilters) {
  return db
    .selectFrom("eligibility as e")
    .innerJoin("users as u", "u.id", "e.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .where("e.eligible", "=", true)
    .where("u.status", "=", "active")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("certificates as c")
            .select("c.id")
            .whereRef("c.user_id", "=", "e.user_id")
            .whereRef("c.track", "=", "e.track")
            .whereRef("c.tier", "=", "e.tier")
            .where("c.status", "=", "issued"),
        ),
      ),
    )
    .$if(Boolean(f.track), (q) => q.where("e.track", "=", f.track!))
    .$if(Boolean(f.tier), (q) => q.where("e.tier", "=", f.tier!))
    .$if(Boolean(f.orgPath), (q) => q.where("o.path", "like", `${f.orgPath}%`));
}

/** How many are eligible and not yet issued (up to `cap` + 1): the coordinator's home counts the list it links to. */
export async function countEligible(db: Db, f: EligibilityFilters, cap = figureCap): Promise<number> {
  return countUpTo(db, eligibleQuery(db, f).select("e.user_id"), cap);
}

/** The eligible list's order: oldest evaluation first, then trainee and tier. */
export const eligibleListKey: KeyColumn[] = [
  { ref: "e.evaluated_at", kind: "timestamp" },
  { ref: "e.user_id", kind: "uuid" },
  { ref: "e.tier", kind: "text" },
];

export async function listEligibleTrainees(db: Db, f: EligibleListFilters) {
  const rows = await keysetPage(
    eligibleQuery(db, f)
      .select(["e.user_id", "e.track", "e.tier", "e.evaluated_at", "u.name", "o.name as org_name", cursorTime("e.evaluated_at").as("cursor_at")])
      // A scalar look-up per listed row (the person's few certificates), not an EXISTS: PostgreSQL hashes
      // an EXISTS here, reading every revoked certificate of the programme (3,700 at full size) for 50 rows.
      .select(
        sql<boolean>`coalesce((select true from certificates r where r.user_id = e.user_id and r.track = e.track and r.tier = e.tier and r.status = 'revoked' limit 1), false)`.as(
          "previously_revoked",
        ),
      ),
    eligibleListKey,
    "asc",
    f.page,
  ).execute();
  return pageOf(rows, f.page, (r) => [r.cursor_at, r.user_id, r.tier]);
}

/** Every eligible key for "issue all" under these filters (bounded: one batch). */
export async function eligibleKeys(db: Db, f: EligibilityFilters, limit: number): Promise<EligibilityKey[]> {
  const rows = await eligibleQuery(db, f).select(["e.user_id", "e.track", "e.tier"]).orderBy("e.evaluated_at").limit(limit).execute();
  return rows.map((r) => ({ userId: r.user_id, track: r.track, tier: r.tier }));
}

export interface IssueInput {
  actorId: string;
  ip: string | null;
  candidates: EligibilityKey[];
  /** The current rule per tier: an evaluation made under another rule does not count. */
  rules: Record<TierId, CertificateRule>;
  ruleVersions: Record<TierId, string>;
}

export interface IssuedCertificate {
  id: string;
  number: string;
  userId: string;
  track: TrackId;
  tier: TierId;
}

export interface IssueOutcome {
  batchId: string | null;
  issued: IssuedCertificate[];
  notEligible: EligibilityKey[];
  alreadyIssued: EligibilityKey[];
  /** Render jobs to hand to the queue after commit. */
  jobs: OutboxJob[];
}

const candidateKey = (c: EligibilityKey) => `${c.userId}/${c.track}/${c.tier}`;

class NothingIssued extends Error {
  constructor(readonly outcome: IssueOutcome) {
    super("nothing issued");
  }
}

/**
 * Issues one certificate per eligible candidate as one batch, in one transaction: the batch row, the
 * certificates, a render job each and the audit, each written with one statement per thousand. Someone not eligible is refused; someone already
 * holding a live certificate gets nothing new (the partial unique index decides, even under races).
 */
export async function issueCertificates(db: Kysely<Database>, input: IssueInput): Promise<IssueOutcome> {
  const seen = new Set<string>();
  const candidates = input.candidates.filter((c) => {
    const k = `${c.userId}/${c.track}/${c.tier}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
  try {
    return await db.transaction().execute(async (trx) => {
      const batch = await trx.insertInto("certificate_batches").values({ created_by: input.actorId, total: 0 }).returning("id").executeTakeFirstOrThrow();
      const outcome: IssueOutcome = { batchId: batch.id, issued: [], notEligible: [], alreadyIssued: [], jobs: [] };
      const now = new Date();
      // Who is eligible under the current rule, in one query.
      const names = new Map<string, string>();
      const userIds = [...new Set(candidates.map((c) => c.userId))];
      for (let start = 0; start < userIds.length; start += 1000) {
        const rows = await trx
          .selectFrom("eligibility as e")
          .innerJoin("users as u", "u.id", "e.user_id")
          .select(["e.user_id", "e.track", "e.tier", "e.rule_version", "u.name"])
          .where("e.user_id", "in", userIds.slice(start, start + 1000))
          .where("e.eligible", "=", true)
          .where("u.status", "=", "active")
          .execute();
        for (const r of rows) if (r.rule_version === input.ruleVersions[r.tier]) names.set(candidateKey({ userId: r.user_id, track: r.track, tier: r.tier }), r.name);
      }
      const eligible = candidates.filter((c) => names.has(candidateKey(c)));
      outcome.notEligible.push(...candidates.filter((c) => !names.has(candidateKey(c))));
      // One insert per thousand; someone who already holds a live certificate gets no row (the partial unique index decides).
      const inserted = new Map<string, { id: string; number: string }>();
      for (let start = 0; start < eligible.length; start += 1000) {
        const rows = await trx
          .insertInto("certificates")
          .values(
            eligible.slice(start, start + 1000).map((c) => ({
              number: certificateNumber(now),
              user_id: c.userId,
              track: c.track,
              tier: c.tier,
              name_on_certificate: names.get(candidateKey(c))!,
              issued_at: now,
              issued_by: input.actorId,
              valid_until: validUntilFor(input.rules[c.tier], now),
              batch_id: batch.id,
            })),
          )
          .onConflict((oc) => oc.columns(["user_id", "track", "tier"]).where("status", "=", "issued").doNothing())
          .returning(["id", "number", "user_id", "track", "tier"])
          .execute();
        for (const r of rows) inserted.set(candidateKey({ userId: r.user_id, track: r.track, tier: r.tier }), { id: r.id, number: r.number });
      }
      const audits: AuditEventInput[] = [];
      for (const c of eligible) {
        const row = inserted.get(candidateKey(c));
        if (!row) {
          outcome.alreadyIssued.push(c);
          continue;
        }
        outcome.issued.push({ id: row.id, number: row.number, ...c });
        const notice = notificationJob({
          id: notificationIds.certificateIssued(row.id),
          userId: c.userId,
          kind: "certificate.issued",
          payload: { certificateId: row.id, number: row.number, track: c.track, tier: c.tier },
        });
        outcome.jobs.push(renderJob(row.id), notice);
        audits.push({
          actorId: input.actorId,
          action: "certificate.issued",
          targetType: "certificate",
          targetId: row.id,
          ip: input.ip,
          details: { number: row.number, userId: c.userId, track: c.track, tier: c.tier, batchId: batch.id },
        });
      }
      await addManyToOutbox(trx, outcome.jobs);
      await recordAuditMany(trx, audits);
      if (outcome.issued.length === 0) throw new NothingIssued({ ...outcome, batchId: null });
      await trx.updateTable("certificate_batches").set({ total: outcome.issued.length }).where("id", "=", batch.id).execute();
      await recordAudit(trx, {
        actorId: input.actorId,
        action: "certificates.batch_issued",
        targetType: "certificate_batch",
        targetId: batch.id,
        ip: input.ip,
        details: { issued: outcome.issued.length, notEligible: outcome.notEligible.length, alreadyIssued: outcome.alreadyIssued.length },
      });
      return outcome;
    });
  } catch (error) {
    // Nothing to issue: roll the empty batch back and report why.
    if (error instanceof NothingIssued) return error.outcome;
    throw error;
  }
}

export type RevokeOutcome = { ok: true; jobs: OutboxJob[] } | { ok: false; problem: "notFound" | "alreadyRevoked" | "superseded" };

/**
 * Revokes a live certificate; the row stays so verification can say when. `reason` is public (shown
 * on /verify and to the holder); `note` is internal (admins and the audit log only).
 */
export async function revokeCertificate(
  db: Kysely<Database>,
  input: { certificateId: string; actorId: string; ip: string | null; reason: string; note?: string | null },
): Promise<RevokeOutcome> {
  return db.transaction().execute(async (trx): Promise<RevokeOutcome> => {
    const revoked = await trx
      .updateTable("certificates")
      .set({ status: "revoked", revoked_at: sql`now()`, revoked_reason: input.reason, revoked_note: input.note || null })
      .where("id", "=", input.certificateId)
      .where("status", "=", "issued")
      .returning(["id", "number", "user_id", "track", "tier"])
      .executeTakeFirst();
    if (!revoked) {
      const current = await trx.selectFrom("certificates").select("status").where("id", "=", input.certificateId).executeTakeFirst();
      if (!current) return { ok: false, problem: "notFound" };
      return { ok: false, problem: current.status === "superseded" ? "superseded" : "alreadyRevoked" };
    }
    await recordAudit(trx, {
      actorId: input.actorId,
      action: "certificate.revoked",
      targetType: "certificate",
      targetId: revoked.id,
      ip: input.ip,
      details: { number: revoked.number, userId: revoked.user_id, reason: input.reason, note: input.note || null },
    });
    const notice = await queueNotification(trx, {
      id: notificationIds.certificateRevoked(revoked.id),
      userId: revoked.user_id,
      kind: "certificate.revoked",
      payload: { certificateId: revoked.id, number: revoked.number, track: revoked.track, tier: revoked.tier, reason: input.reason },
    });
    return { ok: true, jobs: [notice] };
  });
}

export type ReissueOutcome =
  | { ok: true; certificate: { id: string; number: string }; jobs: OutboxJob[] }
  | { ok: false; problem: "notFound" | "revoked" | "superseded" | "sameName" };

/**
 * Reissues a live certificate under the holder's current name: the old one is superseded (kept,
 * pointing at the new one), the new one keeps the old validity. Refused when the name is unchanged.
 */
export async function reissueCertificate(
  db: Kysely<Database>,
  input: { certificateId: string; actorId: string; ip: string | null },
): Promise<ReissueOutcome> {
  return db.transaction().execute(async (trx): Promise<ReissueOutcome> => {
    const old = await trx
      .selectFrom("certificates as c")
      .innerJoin("users as u", "u.id", "c.user_id")
      .select(["c.id", "c.number", "c.status", "c.user_id", "c.track", "c.tier", "c.name_on_certificate", "c.valid_until", "u.name as current_name"])
      .where("c.id", "=", input.certificateId)
      .forUpdate("c")
      .executeTakeFirst();
    if (!old) return { ok: false, problem: "notFound" };
    if (old.status === "revoked") return { ok: false, problem: "revoked" };
    if (old.status === "superseded") return { ok: false, problem: "superseded" };
    if (old.current_name === old.name_on_certificate) return { ok: false, problem: "sameName" };

    // Superseded first: the partial unique index allows one live certificate at a time.
    await trx.updateTable("certificates").set({ status: "superseded" }).where("id", "=", old.id).execute();
    const fresh = await trx
      .insertInto("certificates")
      .values({
        number: certificateNumber(),
        user_id: old.user_id,
        track: old.track,
        tier: old.tier,
        name_on_certificate: old.current_name,
        issued_by: input.actorId,
        valid_until: old.valid_until,
      })
      .returning(["id", "number"])
      .executeTakeFirstOrThrow();
    await trx.updateTable("certificates").set({ superseded_by: fresh.id }).where("id", "=", old.id).execute();
    const job = renderJob(fresh.id);
    await addToOutbox(trx, job);
    const notice = await queueNotification(trx, {
      id: notificationIds.certificateIssued(fresh.id),
      userId: old.user_id,
      kind: "certificate.reissued",
      payload: { certificateId: fresh.id, number: fresh.number, previousNumber: old.number, track: old.track, tier: old.tier },
    });
    await recordAudit(trx, {
      actorId: input.actorId,
      action: "certificate.reissued",
      targetType: "certificate",
      targetId: fresh.id,
      ip: input.ip,
      details: { previousId: old.id, previousNumber: old.number, number: fresh.number, previousName: old.name_on_certificate, name: old.current_name },
    });
    return { ok: true, certificate: fresh, jobs: [job, notice] };
  });
}

export interface BatchProgress {
  id: string;
  total: number;
  rendered: number;
  failed: number;
  done: boolean;
}

/** Progress of a batch, counted from its certificates (the render worker stamps rendered_at). */
/** A batch's progress; with `createdBy`, only for the admin who issued it. */
export async function batchProgress(db: Db, batchId: string, createdBy?: string): Promise<BatchProgress | undefined> {
  const row = await db
    .selectFrom("certificate_batches as b")
    .leftJoin("certificates as c", "c.batch_id", "b.id")
    .select((eb) => [
      "b.id",
      "b.total",
      eb.fn.count<string>("c.rendered_at").as("rendered"),
      eb.fn.count<string>("c.render_error").filterWhere("c.rendered_at", "is", null).as("failed"),
    ])
    .where("b.id", "=", batchId)
    .$if(createdBy !== undefined, (q) => q.where("b.created_by", "=", createdBy!))
    .groupBy(["b.id", "b.total"])
    .executeTakeFirst();
  if (!row) return undefined;
  const rendered = Number(row.rendered);
  const failed = Number(row.failed);
  return { id: row.id, total: row.total, rendered, failed, done: rendered + failed >= row.total };
}

/** "expiring": live, still valid now and ending by `expiringBefore`; "renewal": live and ending by `renewalBefore` (expired included). */
export type CertificateStatusFilter = "issued" | "revoked" | "superseded" | "renewal" | "expiring";

export interface CertificateFilters {
  q?: string;
  status?: CertificateStatusFilter;
  renewalBefore?: Date;
  expiringBefore?: Date;
  now?: Date;
  orgPath?: string;
}

/**
 * A fragment of the name on the certificate, its number or the holder's current name. The GIN
 * indexes of 1–3 character pieces (migration 2026-11-30-09) find the candidates, by id, so the list
 * still walks its own order; the LIKEs keep exactly what the list always matched.
 */
function certificateMatches(q: string) {
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return sql<boolean>`c.id in (
    select sc.id from certificates sc
    where search_grams(sc.name_on_certificate || ' ' || sc.number) @> search_query_grams(${q})
      and (sc.name_on_certificate ilike ${like} or sc.number ilike ${like})
    union
    select hc.id from certificates hc
    where hc.user_id in (
      select hu.id from users hu
      where search_grams(hu.name || ' ' || coalesce(hu.phone, '') || ' ' || coalesce(hu.email, '')) @> search_query_grams(${q})
        and hu.name ilike ${like}))`;
}

/** The certificates matching the filters: one query behind the list and the home page's figure. */
function filteredCertificates(db: Db, f: CertificateFilters) {
  let q = db.selectFrom("certificates as c").innerJoin("users as u", "u.id", "c.user_id");
  if (f.orgPath) {
    const prefix = `${f.orgPath}%`;
    q = q.where((eb) => eb.exists(eb.selectFrom("org_units as ho").select("ho.id").whereRef("ho.id", "=", "u.org_unit_id").where("ho.path", "like", prefix)));
  }
  if (f.q) q = q.where(certificateMatches(f.q));
  if (f.status === "renewal") {
    q = q.where("c.status", "=", "issued").where("c.valid_until", "is not", null).where("c.valid_until", "<=", f.renewalBefore ?? new Date());
  } else if (f.status === "expiring") {
    q = q
      .where("c.status", "=", "issued")
      .where("c.valid_until", "is not", null)
      .where("c.valid_until", ">", f.now ?? new Date())
      .where("c.valid_until", "<=", f.expiringBefore ?? new Date());
  } else if (f.status) {
    q = q.where("c.status", "=", f.status);
  }
  return q;
}

/** How many certificates match, counted up to `cap` + 1 (the home page's figure). */
export async function countCertificates(db: Db, f: CertificateFilters, cap = figureCap): Promise<number> {
  return countUpTo(db, filteredCertificates(db, f).select("c.id"), cap);
}

/** The certificate list's order: newest first, then id. */
export const certificateListKey: KeyColumn[] = [
  { ref: "c.issued_at", kind: "timestamp" },
  { ref: "c.id", kind: "uuid" },
];

export async function listCertificates(db: Db, f: CertificateFilters & { page: PageRequest }) {
  const rows = await keysetPage(
    filteredCertificates(db, f).select([
      "c.id",
      "c.number",
      "c.user_id",
      "c.track",
      "c.tier",
      "c.status",
      "c.name_on_certificate",
      "u.name as current_name",
      "c.issued_at",
      "c.valid_until",
      "c.revoked_at",
      "c.revoked_reason",
      "c.revoked_note",
      "c.rendered_at",
      "c.render_error",
      cursorTime("c.issued_at").as("cursor_at"),
    ]),
    certificateListKey,
    "desc",
    f.page,
  ).execute();
  return pageOf(rows, f.page, (r) => [r.cursor_at, r.id]);
}

/** Current names of these users, for checking that a certificate can print them. */
export async function currentNames(db: Db, userIds: string[]): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom("users").select(["id", "name"]).where("id", "in", [...new Set(userIds)]).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function getCertificate(db: Db, id: string) {
  return db.selectFrom("certificates").selectAll().where("id", "=", id).executeTakeFirst();
}
