import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { catalog } from "../../app/catalog/catalog.server";
import { tierIds, trackIds } from "../../app/catalog/schema";
import type { Catalog } from "../../app/catalog/types";
import type { EligibilityResult } from "../../app/domain/eligibility";
import { refreshEligibility } from "../../app/models/eligibility.server";
import { markCompleted } from "../../app/models/outbox.server";
import type { Database } from "../../db/schema";

export const evaluateEligibilityJob = z.object({
  userId: z.uuid(),
  track: z.enum(trackIds),
  tier: z.enum(tierIds),
});
export type EvaluateEligibilityJob = z.infer<typeof evaluateEligibilityJob>;

/**
 * Re-evaluates one (trainee, track, tier) from their decided submissions and stores the answer with
 * the rule version, marking the outbox row done in the same transaction. Idempotent: it reads the
 * current state every time, so a repeated or late job stores the same answer.
 */
export async function evaluateEligibilityNow(
  db: Kysely<Database>,
  data: EvaluateEligibilityJob,
  options: { jobId?: string; catalog?: Catalog } = {},
): Promise<EligibilityResult> {
  return db.transaction().execute(async (trx) => {
    const result = await refreshEligibility(trx, options.catalog ?? catalog(), data);
    if (options.jobId) await markCompleted(trx, options.jobId);
    return result;
  });
}

/** The "eligibility" queue: job "evaluate" with { userId, track, tier }. */
export function eligibilityProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    if (job.name !== "evaluate") throw new UnrecoverableError(`unknown eligibility job "${job.name}"`);
    const data = evaluateEligibilityJob.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError(`invalid evaluate data: ${data.error.message}`);
    return evaluateEligibilityNow(db, data.data, { jobId: job.id });
  };
}
