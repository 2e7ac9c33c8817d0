import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator, useSearchParams } from "@remix-run/react";
import { useEffect, useState } from "react";
import { catalog } from "~/catalog/catalog.server";
import { isTier, isTrack } from "~/catalog/learner.server";
import { tierIds, type TierId } from "~/catalog/ids";
import { DataTable } from "~/components/data-table";
import { FilterSelect } from "~/components/filter-select";
import { FormMessage, useRevealError } from "~/components/form";
import { KeysetPagination } from "~/components/pagination";
import { ProgressBar } from "~/components/progress-bar";
import { renewalWindowDays } from "~/domain/eligibility";
import { db } from "~/db.server";
import { certificatesForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { inReach, listingPrefix, type Reach } from "~/domain/reach";
import { auditRefusal, requireReach } from "~/guards.server";
import { certificatePath, placedPeople } from "~/models/placement.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDate as formatBeijingDate } from "~/i18n/dates";
import {
  batchProgress,
  certificateListKey,
  countCertificates,
  countEligible,
  eligibleKeys,
  eligibleListKey,
  issueCertificates,
  listCertificates,
  listEligibleTrainees,
  reissueCertificate,
  revokeCertificate,
  type CertificateStatusFilter,
} from "~/models/certificates.server";
import { refreshStaleEligibility, ruleVersions, tierRule, type EligibilityFilters, type EligibilityKey } from "~/models/eligibility.server";
import { orgOptions } from "~/models/org-options.server";
import { expiringFilter } from "~/models/region-attention.server";
import { attentionThresholds, figureText } from "~/domain/attention";
import { requirePageRequest } from "~/models/keyset.server";
import { ActiveFilter } from "~/components/active-filter";
import { unprintableCharacters } from "~/services/certificate-fonts.server";
import { screenNamesForPrinting, type HeldBack } from "~/services/certificate-names.server";
import { dispatchAfterCommit } from "~/services/dispatch.server";

export const meta: MetaFunction = () => [{ title: "证书管理 · 百城学堂" }];

const pageSize = 50;
const certificatePageSize = 50;
/** "Issue all" issues at most this many in one batch; the rest stay listed for the next one. */
const maxBatch = 500;
const maxReasonLength = 500;
const maxNoteLength = 2000;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const certificateStatuses = ["issued", "revoked", "superseded", "renewal", "expiring"] as const satisfies readonly CertificateStatusFilter[];

/** The one Chinese date format (app/i18n/dates.ts), or null for no date. */
function formatDate(value: Date | string | null): string | null {
  return value ? formatBeijingDate(value) : null;
}

/** Regions to filter by: provinces and cities (levels 1–3) inside the admin's reach, not every school. */
function regionOptions(reach: Reach) {
  return orgOptions(db(), { within: reach.path, maxLevel: 3 });
}

/**
 * The eligible-list filters from a query string or a form, inside the admin's reach; unknown values mean "all".
 * The region options are read only when a region is asked for: without one, the lists need not wait for them.
 */
async function readFilters(reach: Reach, get: (name: "region" | "track" | "tier") => string, regions: () => ReturnType<typeof regionOptions> = () => regionOptions(reach)) {
  const regionId = get("region");
  const region = regionId ? (await regions()).find((o) => o.id === regionId) : undefined;
  const track = get("track");
  const tier = get("tier");
  const filters: EligibilityFilters = {
    orgPath: listingPrefix(reach, region?.path),
    track: isTrack(track) ? track : undefined,
    tier: isTier(tier) ? tier : undefined,
  };
  return { filters, query: { region: region ? regionId : "", track: filters.track ?? "", tier: filters.tier ?? "" } };
}

/**
 * The page's two views: trainees to issue to (the default), and the certificates issued, found by number,
 * name or status. A search, a status or the issued list's own cursor open the issued view, so every link made
 * before the split (the home page's "expiring soon", the admin search) still lands on its list.
 */
type CertificatesView = "eligible" | "issued";

/** A link to this page with these parameters (empty ones left out); "?" for none, which clears the query. */
function pageHref(params: URLSearchParams | Record<string, string>): string {
  const text = new URLSearchParams(params instanceof URLSearchParams ? params : Object.entries(params).filter(([, v]) => v)).toString();
  return text ? `?${text}` : "?";
}
function certificatesView(search: URLSearchParams): CertificatesView {
  return search.get("view") === "issued" || ["q", "status", "cafter", "cbefore"].some((k) => search.get(k)?.trim()) ? "issued" : "eligible";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "certificates.manage");
  const url = new URL(request.url);
  const param = (k: string) => url.searchParams.get(k)?.trim() ?? "";
  const program = catalog();
  const view = certificatesView(url.searchParams);
  const tierTitle = (tier: TierId) => program.program.tiers.find((t) => t.id === tier)?.title.zh ?? tier;
  const regionsLoading = regionOptions(me.reach);

  /** Who may be issued a certificate, after catching up on evaluations; with the batch just issued, if any. */
  async function eligibleView(filters: EligibilityFilters) {
    const eligiblePage = requirePageRequest(url, eligibleListKey, { size: pageSize });
    const batchId = param("batch");
    const eligibleNow = () => Promise.all([listEligibleTrainees(db(), { ...filters, page: eligiblePage }), countEligible(db(), filters)]);
    const [refreshed, firstLook, batch] = await Promise.all([
      // Quiz passes queue no evaluation: the page catches up on what changed since the last look. The list is
      // read alongside it and read again only when the catch-up changed something, which most loads it does not
      // (decision 026).
      refreshStaleEligibility(db(), program, { ...filters, limit: 200 }),
      eligibleNow(),
      uuid.test(batchId) ? batchProgress(db(), batchId, me.id) : Promise.resolve(undefined),
    ]);
    const [eligible, total] = refreshed ? await eligibleNow() : firstLook;
    const count = (k: string) => Math.max(0, Number.parseInt(param(k), 10) || 0);
    return {
      refreshed,
      eligible: {
        total,
        next: eligible.next,
        prev: eligible.prev,
        rows: await Promise.all(
          eligible.rows.map(async (r) => ({
            key: `${r.user_id}|${r.track}|${r.tier}`,
            name: r.name,
            unprintable: (await unprintableCharacters(r.name)).join(""),
            org: r.org_name,
            track: r.track,
            tier: tierTitle(r.tier),
            evaluatedAt: formatDate(r.evaluated_at),
            previouslyRevoked: Boolean(r.previously_revoked),
          })),
        ),
      },
      batch: batch ? { ...batch, notEligible: count("notEligible"), alreadyIssued: count("alreadyIssued"), unprintable: count("unprintable") } : null,
      batchMissing: Boolean(batchId) && !batch,
    };
  }

  /** The certificates issued in reach, searched by number or name and filtered by status. */
  async function issuedView(filters: EligibilityFilters, status: CertificateStatusFilter | undefined) {
    const now = new Date();
    const certificateFilter = {
      q: param("q").slice(0, 100) || undefined,
      status,
      renewalBefore: new Date(now.getTime() + renewalWindowDays * 24 * 3600 * 1000),
      // The home page's "expiring soon" figure counts this same filter.
      now,
      expiringBefore: expiringFilter(now).expiringBefore,
      orgPath: filters.orgPath,
    };
    // Its own cursor (`cafter`/`cbefore`), as before the split: links kept from then still page.
    const certificatePage = requirePageRequest(url, certificateListKey, { prefix: "c", size: certificatePageSize });
    const [certificates, total] = await Promise.all([listCertificates(db(), { ...certificateFilter, page: certificatePage }), countCertificates(db(), certificateFilter)]);
    return {
      certificates: {
        total,
        next: certificates.next,
        prev: certificates.prev,
        rows: certificates.rows.map((c) => ({
          id: c.id,
          number: c.number,
          name: c.name_on_certificate,
          currentName: c.current_name !== c.name_on_certificate ? c.current_name : null,
          track: c.track,
          tier: tierTitle(c.tier),
          status: c.status,
          issuedAt: formatDate(c.issued_at),
          validUntil: formatDate(c.valid_until),
          revokedAt: formatDate(c.revoked_at),
          revokedReason: c.revoked_reason,
          revokedNote: c.revoked_note,
          file: c.rendered_at ? ("ready" as const) : c.render_error ? ("failed" as const) : ("pending" as const),
        })),
      },
    };
  }

  const statusParam = param("status");
  const status = (certificateStatuses as readonly string[]).includes(statusParam) ? (statusParam as CertificateStatusFilter) : undefined;
  async function shownView() {
    const { filters, query } = await readFilters(me.reach, param, () => regionsLoading);
    const lists =
      view === "eligible"
        ? { ...(await eligibleView(filters)), certificates: null }
        : { ...(await issuedView(filters, status)), eligible: null, refreshed: 0, batch: null, batchMissing: false };
    return { query, ...lists };
  }
  // The region options are awaited with the list (so a failure is never left unhandled); the list waits for
  // them only when a region is chosen.
  const [orgs, { query, ...lists }] = await Promise.all([regionsLoading, shownView()]);
  return json({
    view,
    ...lists,
    regions: orgs.filter((o) => o.path.split("/").length <= 5).map(({ id, label }) => ({ id, label })),
    tiers: tierIds.map((id) => ({ id, title: tierTitle(id) })),
    query: { ...query, q: param("q"), status: status ?? "" },
  });
}

interface ActionResult {
  intent: "issue" | "revoke" | "reissue" | "unknown";
  error?: MessageKey;
  success?: MessageKey;
  params?: Record<string, string | number>;
  notEligible?: number;
  alreadyIssued?: number;
  certificateId?: string;
  reason?: string;
  note?: string;
  heldBack?: Array<Pick<HeldBack, "name"> & { chars: string }>;
}

function parseCandidate(value: FormDataEntryValue): EligibilityKey | null {
  const [userId, track, tier] = String(value).split("|");
  return userId && uuid.test(userId) && isTrack(track) && isTier(tier) ? { userId, track, tier } : null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "certificates.manage");
  const input = fieldsOf(await readForm(request), certificatesForm);
  const program = catalog();
  const reply = (result: ActionResult, status = 200) => json<ActionResult>(result, { status });

  if (input.intent === "issue" || input.intent === "issueAll") {
    const { filters, query } = await readFilters(me.reach, (k) => input[k].trim());
    let candidates: EligibilityKey[];
    if (input.intent === "issue") {
      candidates = input.candidate.map(parseCandidate).filter((c): c is EligibilityKey => c !== null);
      if (candidates.length === 0) return reply({ intent: "issue", error: "certs.error.noneSelected" }, 400);
      // A forged candidate from another region refuses the whole batch: nothing is issued.
      const people = await placedPeople(db(), candidates.map((c) => c.userId));
      const outside = candidates.filter((c) => !inReach(me.reach, people.get(c.userId)?.orgPath ?? null) || !people.has(c.userId));
      if (outside.length) {
        await auditRefusal(context, { attempted: "certificate.issue", details: { userIds: outside.map((c) => c.userId) } });
        return reply({ intent: "issue", error: "certs.error.outsideReach" }, 404);
      }
      // Decide on the trainee's state now, not on an evaluation the page showed a while ago.
      await refreshStaleEligibility(db(), program, { userIds: [...new Set(candidates.map((c) => c.userId))], limit: candidates.length * tierIds.length });
    } else {
      await refreshStaleEligibility(db(), program, { ...filters, limit: maxBatch * 2 });
      candidates = await eligibleKeys(db(), filters, maxBatch);
      if (candidates.length === 0) return reply({ intent: "issue", error: "certs.error.nothingIssued", notEligible: 0, alreadyIssued: 0 }, 400);
    }
    // A name with a character no certificate font has waits until it is fixed or confirmed as it is.
    const screened = await screenNamesForPrinting(db(), candidates, new Set(input.confirmName));
    const heldBack = screened.heldBack.map((h) => ({ name: h.name, chars: h.chars.join("") }));
    if (screened.accepted.length === 0) return reply({ intent: "issue", error: "certs.glyph.refused", heldBack }, 409);
    const rules = Object.fromEntries(tierIds.map((t) => [t, tierRule(program, t)])) as Record<TierId, ReturnType<typeof tierRule>>;
    const outcome = await issueCertificates(db(), {
      actorId: me.id,
      ip: context.ip,
      candidates: screened.accepted,
      rules,
      ruleVersions: ruleVersions(program),
    });
    if (!outcome.batchId) {
      const onlyDuplicates = outcome.notEligible.length === 0;
      return reply(
        { intent: "issue", error: "certs.error.nothingIssued", notEligible: outcome.notEligible.length, alreadyIssued: outcome.alreadyIssued.length, heldBack },
        onlyDuplicates ? 409 : 400,
      );
    }
    await dispatchAfterCommit(outcome.jobs);
    const next = new URLSearchParams({ ...Object.fromEntries(Object.entries(query).filter(([, v]) => v)), batch: outcome.batchId });
    if (outcome.notEligible.length) next.set("notEligible", String(outcome.notEligible.length));
    if (outcome.alreadyIssued.length) next.set("alreadyIssued", String(outcome.alreadyIssued.length));
    if (heldBack.length) next.set("unprintable", String(heldBack.length));
    return redirect(`/admin/certificates?${next}`);
  }

  if (input.intent === "revoke" || input.intent === "reissue") {
    const { certificateId, intent } = input;
    if (!uuid.test(certificateId)) return reply({ intent, error: "certs.error.notFound", certificateId }, 404);
    const holder = await certificatePath(db(), certificateId);
    if (!holder) return reply({ intent, error: "certs.error.notFound", certificateId }, 404);
    if (!inReach(me.reach, holder.orgPath)) {
      await auditRefusal(context, { attempted: `certificate.${intent}`, targetType: "certificate", targetId: certificateId });
      return reply({ intent, error: "certs.error.notFound", certificateId }, 404);
    }
    if (input.intent === "revoke") {
      const reason = input.reason.trim();
      const note = input.note.trim();
      const fail = (error: MessageKey, status: number, params?: Record<string, number>) => reply({ intent, error, params, certificateId, reason, note }, status);
      if (!reason) return fail("certs.error.reason", 400);
      if (reason.length > maxReasonLength) return fail("certs.error.reasonLong", 400, { max: maxReasonLength });
      if (note.length > maxNoteLength) return fail("certs.error.noteLong", 400, { max: maxNoteLength });
      const outcome = await revokeCertificate(db(), { certificateId, actorId: me.id, ip: context.ip, reason, note });
      if (!outcome.ok) {
        const error = ({ notFound: "certs.error.notFound", alreadyRevoked: "certs.error.alreadyRevoked", superseded: "certs.error.superseded" } as const)[outcome.problem];
        return fail(error, outcome.problem === "notFound" ? 404 : 409);
      }
      await dispatchAfterCommit(outcome.jobs);
      const cert = await db().selectFrom("certificates").select("number").where("id", "=", certificateId).executeTakeFirstOrThrow();
      return reply({ intent, success: "certs.revoked", params: { number: cert.number }, certificateId });
    }
    const outcome = await reissueCertificate(db(), { certificateId, actorId: me.id, ip: context.ip });
    if (!outcome.ok) {
      const error = (
        { notFound: "certs.error.notFound", revoked: "certs.error.revokedReissue", superseded: "certs.error.superseded", sameName: "certs.error.sameName" } as const
      )[outcome.problem];
      return reply({ intent, error, certificateId }, outcome.problem === "notFound" ? 404 : 409);
    }
    await dispatchAfterCommit(outcome.jobs);
    return reply({ intent, success: "certs.reissued", params: { number: outcome.certificate.number }, certificateId: outcome.certificate.id });
  }

  return reply({ intent: "unknown", error: "certs.error.unknown" }, 400);
}

/** Reloads the page every second while the batch's files are still being made. */
function useBatchPolling(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [active, revalidator]);
}

export default function AdminCertificates() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useT();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const { batch, query, eligible, certificates } = data;
  // Each view keeps the region chosen; the eligible view its track and tier too.
  const viewHref = (view: CertificatesView) => pageHref(view === "eligible" ? { region: query.region, track: query.track, tier: query.tier } : { view, region: query.region });
  useBatchPolling(Boolean(batch && !batch.done));
  const [searchParams] = useSearchParams();
  // `?revoke=<id>` opens that certificate's revoke form; the rest of the query (search, cursors) stays.
  const revoking = searchParams.get("revoke");
  // A refused issue or revoke: its message is brought into view and focused (on a phone it is off screen).
  const page = useRevealError<HTMLDivElement>(result?.error ? result : null);
  const withRevoke = (id: string | null) => {
    const next = new URLSearchParams(searchParams);
    if (id) next.set("revoke", id);
    else next.delete("revoke");
    return pageHref(next);
  };

  return (
    <div className="stack" ref={page}>
      <div className="page-header">
        <h1>{t("certs.title")}</h1>
      </div>

      <nav className="view-switch" aria-label={t("certs.views")}>
        <Link to={viewHref("eligible")} aria-current={data.view === "eligible" ? "page" : undefined}>
          {t("certs.eligible.title")}
        </Link>
        <Link to={viewHref("issued")} aria-current={data.view === "issued" ? "page" : undefined}>
          {t("certs.list.title")}
        </Link>
      </nav>

      {batch ? (
        <section className="card" aria-labelledby="batch-title">
          <h2 id="batch-title">{t("certs.batch.title")}</h2>
          <FormMessage kind="success">{t("certs.issued", { count: batch.total })}</FormMessage>
          {batch.notEligible ? <p className="hint">{t("certs.skipped.notEligible", { count: batch.notEligible })}</p> : null}
          {batch.alreadyIssued ? <p className="hint">{t("certs.skipped.alreadyIssued", { count: batch.alreadyIssued })}</p> : null}
          {batch.unprintable ? <p className="field-error">{t("certs.skipped.unprintable", { count: batch.unprintable })}</p> : null}
          <ProgressBar value={batch.total ? (100 * batch.rendered) / batch.total : 100} label={t("certs.batch.label")} />
          <p className="muted" aria-live="polite">
            {t("certs.batch.progress", { rendered: batch.rendered, total: batch.total })}
            {batch.done && batch.failed === 0 ? ` ${t("certs.batch.done")}` : ""}
          </p>
          {batch.failed ? <p className="field-error">{t("certs.batch.failed", { failed: batch.failed })}</p> : null}
        </section>
      ) : null}
      {data.batchMissing ? <FormMessage kind="error">{t("certs.batch.notFound")}</FormMessage> : null}

      {eligible ? (
        <section aria-labelledby="eligible-title">
          <h2 id="eligible-title">{t("certs.eligible.title")}</h2>
          <Form method="get" className="toolbar card" aria-label={t("certs.filter.apply")}>
            <FilterSelect name="region" label={t("certs.filter.region")} value={query.region} options={data.regions.map((r) => ({ value: r.id, label: r.label }))} />
            <FilterSelect
              name="track"
              label={t("certs.filter.track")}
              value={query.track}
              options={[
                { value: "campus", label: t("track.campus") },
                { value: "community", label: t("track.community") },
              ]}
            />
            <FilterSelect name="tier" label={t("certs.filter.tier")} value={query.tier} options={data.tiers.map((tier) => ({ value: tier.id, label: tier.title }))} />
            <button type="submit" className="button">
              {t("certs.filter.apply")}
            </button>
          </Form>

          {result?.intent === "issue" && result.error ? (
            <FormMessage kind="error">
              {t(result.error)}
              {result.notEligible ? ` ${t("certs.skipped.notEligible", { count: result.notEligible })}` : ""}
              {result.alreadyIssued ? ` ${t("certs.skipped.alreadyIssued", { count: result.alreadyIssued })}` : ""}
              {result.heldBack?.length ? (
                <ul>
                  {result.heldBack.map((h) => (
                    <li key={h.name}>{t("certs.glyph.refusedRow", { name: h.name, chars: h.chars })}</li>
                  ))}
                </ul>
              ) : null}
            </FormMessage>
          ) : null}

          <p className="muted" aria-live="polite">
            {t("certs.eligible.count", { total: figureText(eligible.total) })}
            {data.refreshed ? ` · ${t("certs.eligible.refreshed", { count: data.refreshed })}` : ""}
          </p>
          {eligible.rows.length === 0 ? (
            <p className="empty card">{t("certs.eligible.empty")}</p>
          ) : (
            <Form method="post">
              <input type="hidden" name="region" value={query.region} />
              <input type="hidden" name="track" value={query.track} />
              <input type="hidden" name="tier" value={query.tier} />
              <div className="table-wrap">
                <table className="data responsive">
                  <thead>
                    <tr>
                      <th scope="col">{t("certs.col.select")}</th>
                      <th scope="col">{t("certs.col.name")}</th>
                      <th scope="col">{t("certs.col.org")}</th>
                      <th scope="col">{t("certs.col.tier")}</th>
                      <th scope="col">{t("certs.col.evaluatedAt")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {eligible.rows.map((row) => (
                      <tr key={row.key}>
                        <td data-label={t("certs.col.select")}>
                          <label className="check">
                            <input type="checkbox" name="candidate" value={row.key} />
                            <span className="sr-only">{t("certs.selectRow", { name: row.name, tier: row.tier })}</span>
                          </label>
                        </td>
                        <td data-label={t("certs.col.name")}>
                          {row.name}
                          {row.previouslyRevoked ? <span className="badge warn">{t("certs.previouslyRevoked")}</span> : null}
                          {row.unprintable ? (
                            <>
                              <p className="field-error">
                                {t("certs.glyph.missing", { chars: row.unprintable })}
                                {/* The browser may lack the glyph too: the code point names it either way. */}
                                <span className="hint">
                                  {" "}
                                  {[...row.unprintable].map((ch) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`).join(" ")}
                                </span>
                              </p>
                              <label className="check">
                                <input type="checkbox" name="confirmName" value={row.key} />
                                {t("certs.glyph.confirm")}
                              </label>
                            </>
                          ) : null}
                        </td>
                        <td data-label={t("certs.col.org")}>{row.org ?? "—"}</td>
                        <td data-label={t("certs.col.tier")}>
                          <span className="badge">{t(`track.${row.track}`)}</span>
                          {row.tier}
                        </td>
                        <td data-label={t("certs.col.evaluatedAt")}>{row.evaluatedAt}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <IssueButtons busyIntent={typeof busyIntent === "string" ? busyIntent : null} total={eligible.total} />
              <p id="issue-all-help" className="hint">
                {t("certs.issueAll.help", { max: maxBatch })}
              </p>
              {eligible.rows.some((row) => row.unprintable) ? <p className="hint">{t("certs.glyph.help")}</p> : null}
            </Form>
          )}
          <KeysetPagination next={eligible.next} prev={eligible.prev} />
        </section>
      ) : null}

      {certificates ? (
        <section aria-labelledby="issued-title">
          <h2 id="issued-title">{t("certs.list.title")}</h2>
          {query.status === "expiring" ? (
            <ActiveFilter
              label={t("certs.status.expiring", { days: attentionThresholds.expiringDays })}
              clearTo={`${pageHref({ view: "issued", region: query.region, q: query.q })}#issued-title`}
            />
          ) : null}
          <Form method="get" className="toolbar card" role="search">
            <input type="hidden" name="view" value="issued" />
            <FilterSelect name="region" label={t("certs.filter.region")} value={query.region} options={data.regions.map((r) => ({ value: r.id, label: r.label }))} />
            <div className="field">
              <label htmlFor="q">{t("certs.search")}</label>
              <input id="q" type="search" name="q" defaultValue={query.q} />
            </div>
            <FilterSelect name="status" label={t("certs.filter.status")} value={query.status} options={certificateStatuses.map((s) => ({ value: s, label: t(`certs.status.${s}`, { days: attentionThresholds.expiringDays }) }))} />
            <button type="submit" className="button">
              {t("certs.filter.apply")}
            </button>
          </Form>

          {(result?.intent === "revoke" || result?.intent === "reissue") && result.success ? (
            <FormMessage kind="success">{t(result.success, result.params)}</FormMessage>
          ) : null}
          {result?.intent === "reissue" && result.error ? <FormMessage kind="error">{t(result.error)}</FormMessage> : null}
          {result?.intent === "revoke" && result.error && !certificates.rows.some((c) => c.id === result.certificateId) ? (
            <FormMessage kind="error">{t(result.error, result.params)}</FormMessage>
          ) : null}

          <p className="muted">{t("certs.list.count", { total: figureText(certificates.total) })}</p>
          <DataTable
            rows={certificates.rows}
            rowKey={(c) => c.id}
            empty={t("certs.list.empty")}
            columns={[
              { label: t("certs.col.number"), cell: (c) => <Link to={`/verify/${c.number}`}>{c.number}</Link> },
              {
                label: t("certs.col.name"),
                cell: (c) => (
                  <>
                    {c.name}
                    {c.currentName ? <p className="hint">{t("certs.currentName", { name: c.currentName })}</p> : null}
                  </>
                ),
              },
              {
                label: t("certs.col.tier"),
                cell: (c) => (
                  <>
                    <span className="badge">{t(`track.${c.track}`)}</span>
                    {c.tier}
                  </>
                ),
              },
              {
                label: t("certs.col.status"),
                cell: (c) => (
                  <>
                    <span className={`badge${c.status === "issued" ? "" : " warn"}`}>{t(`certs.status.${c.status}`)}</span>
                    {c.status === "revoked" ? (
                      <p className="hint">
                        {t("certs.revokedOn", { date: c.revokedAt ?? "", reason: c.revokedReason ?? t("verify.status.revoked.neutral") })}
                        {c.revokedNote ? ` ${t("certs.revokedNote", { note: c.revokedNote })}` : null}
                      </p>
                    ) : null}
                    {c.status === "issued" && c.file !== "ready" ? (
                      <p className="hint">{c.file === "failed" ? t("certs.renderFailed") : t("certs.rendering")}</p>
                    ) : null}
                  </>
                ),
              },
              { label: t("certs.col.issuedAt"), cell: (c) => c.issuedAt },
              { label: t("certs.col.validUntil"), cell: (c) => c.validUntil ?? "—" },
              {
                label: t("certs.col.actions"),
                cell: (c) => {
                  const revokeError = result?.intent === "revoke" && result.error && result.certificateId === c.id ? result : null;
                  return c.status === "issued" ? (
                    <div className="stack">
                      <Form method="post">
                        <input type="hidden" name="certificateId" value={c.id} />
                        <button type="submit" name="intent" value="reissue" className="button secondary" disabled={Boolean(busyIntent)}>
                          {t("certs.reissue")}
                        </button>
                      </Form>
                      {/* One revoke form, for the certificate asked for: not fifty hidden in the page (a third of its weight). */}
                      {revokeError || revoking === c.id ? (
                        <div id={`revoke-${c.id}`} className="revoke-box" role="group" aria-labelledby={`revoke-${c.id}-title`}>
                          <p id={`revoke-${c.id}-title`} className="strong">
                            {t("certs.revoke.title", { number: c.number })}
                          </p>
                          <Form method="post" noValidate>
                            <input type="hidden" name="certificateId" value={c.id} />
                            <div className={`field${revokeError ? " has-error" : ""}`}>
                              <label htmlFor={`reason-${c.id}`}>{t("certs.revoke.publicReason")}</label>
                              <p id={`reason-${c.id}-hint`} className="hint">
                                {t("certs.revoke.publicHint")}
                              </p>
                              <textarea
                                id={`reason-${c.id}`}
                                name="reason"
                                required
                                maxLength={maxReasonLength}
                                defaultValue={revokeError?.reason ?? ""}
                                // Opened by its link: the reason is what comes next (the page keeps its place otherwise).
                                autoFocus={!revokeError}
                                aria-invalid={revokeError ? true : undefined}
                                aria-describedby={revokeError ? `reason-${c.id}-hint reason-${c.id}-error` : `reason-${c.id}-hint`}
                              />
                              {revokeError?.error ? (
                                <p id={`reason-${c.id}-error`} className="field-error" role="alert">
                                  {t(revokeError.error, revokeError.params)}
                                </p>
                              ) : null}
                            </div>
                            <div className="field">
                              <label htmlFor={`note-${c.id}`}>{t("certs.revoke.internalNote")}</label>
                              <textarea id={`note-${c.id}`} name="note" maxLength={maxNoteLength} defaultValue={revokeError?.note ?? ""} />
                            </div>
                            <div className="actions">
                              <button type="submit" name="intent" value="revoke" className="button danger" disabled={Boolean(busyIntent)}>
                                {t("certs.revoke.submit")}
                              </button>
                              <Link to={withRevoke(null)} className="button secondary" preventScrollReset>
                                {t("certs.revoke.cancel")}
                              </Link>
                            </div>
                          </Form>
                        </div>
                      ) : (
                        <Link to={`${withRevoke(c.id)}#revoke-${c.id}`} className="button danger-outline" aria-label={t("certs.revoke.open", { number: c.number })}>
                          {t("certs.revoke")}
                        </Link>
                      )}
                    </div>
                  ) : (
                    "—"
                  );
                },
              },
            ]}
          />
          {/* Its own cursor (`cafter`/`cbefore`), so the eligible list above keeps its page. */}
          <KeysetPagination next={certificates.next} prev={certificates.prev} prefix="c" label={t("certs.list.title")} />
        </section>
      ) : null}
    </div>
  );
}

/** Issuing cannot be undone quietly (the trainee is told, the number is public): a second, explicit click. */
function IssueButtons({ busyIntent, total }: { busyIntent: string | null; total: number }) {
  const t = useT();
  const [confirming, setConfirming] = useState<"issue" | "issueAll" | null>(null);
  if (confirming) {
    return (
      <div className="confirm-box" role="group" aria-labelledby="issue-confirm-text">
        <p id="issue-confirm-text">{confirming === "issue" ? t("certs.confirm.selected") : t("certs.confirm.all", { count: figureText(total) })}</p>
        <div className="actions">
          <button type="submit" name="intent" value={confirming} className="button" disabled={Boolean(busyIntent)} aria-busy={busyIntent === confirming}>
            {busyIntent === confirming ? t("certs.issuing") : t("certs.confirm.yes")}
          </button>
          <button type="button" className="button secondary" onClick={() => setConfirming(null)}>
            {t("certs.confirm.no")}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="actions">
      <button type="button" className="button" disabled={Boolean(busyIntent)} onClick={() => setConfirming("issue")}>
        {t("certs.issueSelected")}
      </button>
      <button type="button" className="button secondary" disabled={Boolean(busyIntent)} aria-describedby="issue-all-help" onClick={() => setConfirming("issueAll")}>
        {`${t("certs.issueAll")}（${figureText(total)}）`}
      </button>
    </div>
  );
}
