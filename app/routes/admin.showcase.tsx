import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { findTask } from "~/catalog/learner.server";
import { FormMessage } from "~/components/form";
import { db } from "~/db.server";
import { showcaseDecisionForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { inReach, listingPrefix } from "~/domain/reach";
import { auditRefusal, requireReach } from "~/guards.server";
import { anonymousPages } from "~/runtime/page-cache.server";
import { submissionPath } from "~/models/placement.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { decideNomination, listNominations, nominationKey, showcasePhotos } from "~/models/showcase.server";
import { requirePageRequest } from "~/models/keyset.server";
import { KeysetPagination } from "~/components/pagination";
import { SubmittedWork } from "~/components/submitted-work";

export const meta: MetaFunction = () => [{ title: "优秀成果审核 · 百城学堂" }];
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "outcomes.view");
  const page = requirePageRequest(new URL(request.url), nominationKey, { size: 50 });
  const { rows, next, prev } = await listNominations(db(), listingPrefix(me.reach), page);
  // The admin decides on the whole work and its photos, as the public would see them.
  const photos = await showcasePhotos(db(), rows.filter((r) => r.status === "nominated").map((r) => r.submission_id));
  return json({
    items: rows.map((r) => ({
      submission_id: r.submission_id,
      reason: r.reason,
      status: r.status,
      author: r.author,
      nominator: r.nominator,
      showcase_consent: r.showcase_consent,
      showcase_photos: r.showcase_photos,
      title: r.activity_title || findTask(r.task_id)?.task.title || r.task_id,
      nominated_at: new Date(r.nominated_at).toISOString(),
      work:
        r.status === "nominated"
          ? { type: r.type, activityTitle: r.activity_title, activityDate: r.activity_date, place: r.place, audienceType: r.audience_type, peopleReached: r.people_reached, durationMinutes: r.duration_minutes, body: r.body }
          : null,
      photos: photos.filter((p) => p.submission_id === r.submission_id).map((p) => ({ id: p.id, name: p.original_name, thumbnail: p.thumbnail_key !== null })),
    })),
    next,
    prev,
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = requireReach(request, context, "outcomes.view");
  const { submissionId, intent } = fieldsOf(await readForm(request), showcaseDecisionForm);
  const placed = uuid.test(submissionId) ? await submissionPath(db(), submissionId) : undefined;
  if (!placed) return json({ ok: false, message: "showcase.admin.notOpen" as MessageKey }, { status: 404 });
  if (!inReach(admin.reach, placed.orgPath)) {
    await auditRefusal(context, { attempted: `showcase.${intent}`, targetType: "submission", targetId: submissionId });
    return json({ ok: false, message: "showcase.admin.notOpen" as MessageKey }, { status: 404 });
  }
  const approve = intent === "approve";
  const outcome = await db().transaction().execute(async (trx) => {
    const result = await decideNomination(trx, { submissionId, approve, adminId: admin.id });
    if (result === "ok") await recordAudit(trx, { actorId: admin.id, action: approve ? "showcase.approved" : "showcase.rejected", targetType: "submission", targetId: submissionId, ip: context.ip });
    return result;
  });
  // The public showcase changes now, not when its anonymous copy runs out.
  if (outcome === "ok") anonymousPages.clear();
  const message: MessageKey = outcome === "ok" ? "showcase.admin.done" : outcome === "noConsent" ? "showcase.admin.noConsent" : "showcase.admin.notOpen";
  return json({ ok: outcome === "ok", message }, { status: outcome === "ok" ? 200 : 409 });
}

export default function ShowcaseApproval() {
  const { items, next, prev } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="stack">
      <h1>{t("showcase.admin.title")}</h1>
      <p className="muted">{t("showcase.admin.lead")}</p>
      {result ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message)}</FormMessage> : null}
      {items.length === 0 ? (
        <p className="empty card">{t("showcase.admin.empty")}</p>
      ) : (
        <ul className="module-list">
          {items.map((i) => (
            <li key={i.submission_id} className="card module-item">
              <div>
                <h2>{i.title}</h2>
                <p className="hint">
                  {t("showcase.author", { name: i.author })} · {t("showcase.admin.by", { mentor: i.nominator })} ·{" "}
                  <span className="badge">{t(`showcase.status.${i.status}`)}</span>
                </p>
                {i.reason ? <p>{i.reason}</p> : null}
                {i.work ? (
                  <details>
                    <summary>{t("showcase.admin.review")}</summary>
                    <SubmittedWork work={i.work} />
                    <h3>{t("showcase.admin.photos")}</h3>
                    <p className={i.showcase_photos ? "hint" : "badge warn"}>{t(i.showcase_photos ? "showcase.admin.photosShown" : "showcase.admin.photosHidden")}</p>
                    {i.photos.length === 0 ? (
                      <p className="muted">{t("showcase.admin.noPhotos")}</p>
                    ) : (
                      <ul className="photo-grid">
                        {i.photos.map((p) => (
                          <li key={p.id}>
                            <a href={`/files/${p.id}`} target="_blank" rel="noreferrer">
                              <img src={`/files/${p.id}${p.thumbnail ? "?thumb=1" : ""}`} alt={t("showcase.photo", { name: p.name })} width={120} height={120} loading="lazy" />
                            </a>
                          </li>
                        ))}
                      </ul>
                    )}
                  </details>
                ) : null}
              </div>
              {i.status === "nominated" ? (
                <Form method="post" className="actions">
                  <input type="hidden" name="submissionId" value={i.submission_id} />
                  <button type="submit" name="intent" value="approve" className="button" disabled={busy || !i.showcase_consent}>
                    {t("showcase.admin.approve")}
                  </button>
                  <button type="submit" name="intent" value="reject" className="button secondary" disabled={busy}>
                    {t("showcase.admin.reject")}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <KeysetPagination next={next} prev={prev} />
    </div>
  );
}
