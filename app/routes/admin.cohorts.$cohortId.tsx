import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { DownloadLinks } from "~/components/download-links";
import { Field, FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import type { CohortFieldError } from "~/domain/cohorts";
import { importLimits } from "~/domain/user-import";
import { cohortForm } from "~/form-schemas.server";
import { fieldsOf, filesOf, prefixed, readForm, readFormOrUpload } from "~/forms.server";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDate, formatDateTime } from "~/i18n/dates";
import { dueDatesOf, joinCodesOf, memberCandidates, membersOf, pendingRequestsOf } from "~/models/cohorts.server";
import { cohortHeading, cohortInReach } from "~/services/cohort-access.server";
import { addMembers, createJoinCode, decideRequest, importMembers, removeMember, saveCohort, tasksOf, withdrawJoinCode, type CohortActor } from "~/services/cohorts.server";

export const meta: MetaFunction = () => [{ title: "期次 · 百城学堂" }];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const maxCandidates = 20;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "cohort.view");
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().slice(0, 50);
  const [dues, members, candidates, codes, requests] = await Promise.all([
    dueDatesOf(db(), cohort.id),
    membersOf(db(), cohort.id),
    memberCandidates(db(), { cohortId: cohort.id, path: cohort.unit_path, track: cohort.track, q, limit: maxCandidates }),
    joinCodesOf(db(), cohort.id),
    pendingRequestsOf(db(), cohort.id),
  ]);
  const dueOf = new Map(dues.map((d) => [d.task_id, d.due_on]));
  return json({
    cohort: { ...cohortHeading(cohort), lateWorkAccepted: cohort.late_work_accepted },
    tasks: tasksOf(cohort.track, cohort.tier).map((t) => ({ ...t, dueOn: dueOf.get(t.id) ?? "" })),
    members: members.map((m) => ({
      id: m.id,
      userId: m.user_id,
      name: m.name,
      unit: m.unit_name ?? "—",
      via: m.joined_via,
      joinedOn: formatDate(m.joined_at),
      leftOn: m.left_at ? formatDate(m.left_at) : null,
    })),
    candidates: candidates.map((c) => ({ id: c.id, name: c.name, unit: c.unit_name })),
    q,
    codes: codes.map((c) => ({ id: c.id, code: c.code, used: c.used_count, max: c.max_uses, revoked: c.revoked_at !== null })),
    requests: requests.map((r) => ({ id: r.id, name: r.name, unit: r.unit_name ?? "—", at: formatDateTime(r.requested_at) })),
  });
}

type Section = "settings" | "members" | "add" | "import" | "codes" | "requests";
interface ActionResult {
  section: Section;
  ok: boolean;
  message: MessageKey;
  params?: Record<string, string | number>;
  /** Field problems of the settings form (field → message key) and what was typed. */
  errors?: Record<string, MessageKey>;
  values?: Record<string, string>;
  problems?: Array<{ key: MessageKey; params: Record<string, string | number> }>;
  /** A fresh key so a successful form clears. */
  doneAt?: string;
}

const answer = (result: ActionResult, status = result.ok ? 200 : 400) => json<ActionResult>(result.ok ? { ...result, doneAt: new Date().toISOString() } : result, { status });

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const cohort = await cohortInReach(me, context, params.cohortId, "cohort.change");
  const actor: CohortActor = { id: me.id, reach: me.reach, ip: context.ip };
  const read = await readFormOrUpload(request, importLimits.maxBytes);
  if ("tooLarge" in read) return answer({ section: "import", ok: false, message: "import.file.tooLarge", params: { maxMb: importLimits.maxBytes / 1_000_000 } }, 413);
  const input = fieldsOf(read.form, cohortForm);
  // A roster arrives as multipart and nothing else does.
  if ((input.intent === "import") !== read.multipart) throw new Response("提交的内容有误，请刷新页面后重新提交。", { status: 400 });

  switch (input.intent) {
    case "save": {
      const dueDates = prefixed(input, "due.");
      const values = { name: input.name, startsOn: input.startsOn, endsOn: input.endsOn, lateWorkAccepted: input.lateWorkAccepted ? "1" : "", ...Object.fromEntries(Object.entries(dueDates).map(([k, v]) => [`due.${k}`, v])) };
      const result = await saveCohort(db(), actor, cohort, { name: input.name, startsOn: input.startsOn, endsOn: input.endsOn, dueDates }, input.lateWorkAccepted !== "");
      if (!result.ok) {
        const errors = "errors" in result ? Object.fromEntries(Object.entries(result.errors).map(([k, v]: [string, CohortFieldError]) => [k, `cohorts.error.${v}` as MessageKey])) : {};
        return answer({ section: "settings", ok: false, message: "form.errorSummary", errors, values, params: { start: input.startsOn, end: input.endsOn } });
      }
      return answer({ section: "settings", ok: true, message: "cohorts.saved" });
    }
    case "add": {
      const ids = [...new Set(input.userId.filter((id) => uuidPattern.test(id)))];
      if (ids.length === 0) return answer({ section: "add", ok: false, message: "cohorts.add.noneSelected" });
      const result = await addMembers(db(), actor, cohort, ids, "admin");
      if (!result.ok) {
        return answer({ section: "add", ok: false, message: "cohorts.problem.refused", problems: result.problems.map((p) => ({ key: `cohorts.problem.${p.problem}` as MessageKey, params: { name: p.name || p.userId } })) });
      }
      return answer({ section: "add", ok: true, message: "cohorts.add.done", params: { count: result.added } });
    }
    case "remove": {
      if (!uuidPattern.test(input.userId)) throw new Response("未找到。", { status: 404 });
      await removeMember(db(), actor, cohort, input.userId);
      return answer({ section: "members", ok: true, message: "cohorts.members.removed" });
    }
    case "import": {
      const file = filesOf(read.form, "file")[0];
      if (!file) return answer({ section: "import", ok: false, message: "import.file.missing" });
      const result = await importMembers(db(), actor, cohort, new Uint8Array(await file.arrayBuffer()));
      if (result.ok) return answer({ section: "import", ok: true, message: "cohorts.import.done", params: { count: result.added, already: result.alreadyMembers } });
      if ("fileProblem" in result) return answer({ section: "import", ok: false, message: result.fileProblem as MessageKey, params: result.params });
      return answer({
        section: "import",
        ok: false,
        message: "cohorts.problem.refused",
        problems: result.rows.slice(0, 50).map((r) => ({ key: `cohorts.problem.${r.problem}` as MessageKey, params: { row: r.row, name: r.value } })),
      });
    }
    case "code": {
      const maxUses = Number(input.maxUses);
      if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 1000) return answer({ section: "codes", ok: false, message: "cohorts.codes.maxUsesInvalid", values: { maxUses: input.maxUses } });
      const code = await createJoinCode(db(), actor, cohort, maxUses);
      return answer({ section: "codes", ok: true, message: "cohorts.codes.created", params: { code } });
    }
    case "revoke": {
      if (!uuidPattern.test(input.codeId)) throw new Response("未找到。", { status: 404 });
      if (!(await withdrawJoinCode(db(), actor, cohort, input.codeId))) throw new Response("未找到。", { status: 404 });
      return answer({ section: "codes", ok: true, message: "cohorts.codes.revokedDone" });
    }
    case "decide": {
      if (!uuidPattern.test(input.requestId)) throw new Response("未找到。", { status: 404 });
      const approve = input.decision === "approve";
      const result = await decideRequest(db(), actor, cohort, input.requestId, approve);
      if (!result.ok) {
        return result.problem === "notPending"
          ? answer({ section: "requests", ok: false, message: "cohorts.requests.notPending" }, 409)
          : answer({ section: "requests", ok: false, message: "cohorts.problem.refused", problems: [{ key: `cohorts.problem.${result.problem}` as MessageKey, params: { name: "" } }] }, 409);
      }
      return answer({ section: "requests", ok: true, message: approve ? "cohorts.requests.approved" : "cohorts.requests.declined" });
    }
  }
}

function Outcome({ result, section }: { result: ActionResult | undefined; section: Section }) {
  const t = useT();
  if (!result || result.section !== section) return null;
  return (
    <FormMessage kind={result.ok ? "success" : "error"}>
      {t(result.message, result.params)}
      {result.problems?.length ? (
        <ul>
          {result.problems.map((p, i) => (
            <li key={i}>{t(p.key, p.params)}</li>
          ))}
        </ul>
      ) : null}
    </FormMessage>
  );
}

export default function CohortPage() {
  const { cohort, tasks, members, candidates, q, codes, requests } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const [search] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const page = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  const settingsErrors = result?.section === "settings" ? (result.errors ?? {}) : {};
  const kept = result?.section === "settings" && !result.ok ? (result.values ?? {}) : null;
  const errorText = (field: string) => {
    const key = settingsErrors[field];
    return key ? t(key, { start: kept?.startsOn ?? cohort.startsOn, end: kept?.endsOn ?? cohort.endsOn }) : undefined;
  };
  const current = members.filter((m) => !m.leftOn);
  return (
    <div className="stack" ref={page}>
      <p>
        <Link to="/admin/cohorts">← {t("cohorts.back")}</Link>
      </p>
      <div className="page-header">
        <h1>{cohort.name}</h1>
      </div>
      <p className="muted">
        {cohort.unit} · {t(`track.${cohort.track}`)} · {t(`grading.tier.${cohort.tier}`)} · {t("cohorts.year", { year: cohort.year })} ·{" "}
        {t("cohorts.dates", { start: formatDate(cohort.startsOn), end: formatDate(cohort.endsOn) })}
      </p>
      <p className="toolbar">
        <Link className="button" to={`/admin/cohorts/${cohort.id}/progress`}>
          {t("cview.open")}
        </Link>
        <DownloadLinks base={`/admin/cohorts/${cohort.id}/attendance`} label={t("cview.export.attendance")} />
      </p>
      {search.get("created") === "1" && !result ? <FormMessage kind="success">{t("cohorts.created")}</FormMessage> : null}

      <section className="card" aria-labelledby="settings-title">
        <h2 id="settings-title" className="card-title">
          {t("cohorts.settings")}
        </h2>
        <Form method="post" noValidate key={result?.section === "settings" && result.ok ? result.doneAt : "settings"}>
          <input type="hidden" name="intent" value="save" />
          <Outcome result={result} section="settings" />
          <Field label={t("cohorts.field.name")} name="name" defaultValue={kept?.name ?? cohort.name} error={errorText("name")} maxLength={100} required />
          <Field label={t("cohorts.field.startsOn")} name="startsOn" type="date" defaultValue={kept?.startsOn ?? cohort.startsOn} error={errorText("startsOn")} required />
          <Field label={t("cohorts.field.endsOn")} name="endsOn" type="date" defaultValue={kept?.endsOn ?? cohort.endsOn} error={errorText("endsOn")} required />
          <div className="field">
            <label className="check">
              <input type="checkbox" name="lateWorkAccepted" value="1" defaultChecked={kept ? kept.lateWorkAccepted === "1" : cohort.lateWorkAccepted} /> {t("cohorts.field.late")}
            </label>
            <p className="hint">{t("cohorts.field.lateHint")}</p>
          </div>
          <fieldset>
            <legend>{t("cohorts.due.title")}</legend>
            <p className="hint">{t("cohorts.due.hint")}</p>
            {tasks.map((task) => (
              <Field
                key={task.id}
                id={`due-${task.id}`}
                label={`${task.module} · ${task.title}`}
                name={`due.${task.id}`}
                type="date"
                defaultValue={kept ? (kept[`due.${task.id}`] ?? "") : task.dueOn}
                error={errorText(`due.${task.id}`)}
              />
            ))}
          </fieldset>
          <button type="submit" className="button wide" disabled={busy}>
            {t("cohorts.save")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title" className="card-title">
          {t("cohorts.members.title")} <span className="muted">{t("cohorts.members.count", { count: current.length })}</span>
        </h2>
        <Outcome result={result} section="members" />
        <DataTable
          rows={members}
          rowKey={(m) => m.id}
          empty={t("cohorts.members.empty")}
          columns={[
            { label: t("cohorts.col.name"), rowHeader: true, cell: (m) => <Link to={`/admin/users/${m.userId}`}>{m.name}</Link> },
            { label: t("cohorts.col.unit"), cell: (m) => m.unit },
            {
              label: t("cohorts.join.history"),
              cell: (m) => (
                <>
                  {t("cohorts.members.joined", { date: m.joinedOn, via: t(`cohorts.via.${m.via}`) })}
                  {m.leftOn ? <div className="muted">{t("cohorts.members.left", { date: m.leftOn })}</div> : null}
                </>
              ),
            },
            {
              label: t("cohorts.col.action"),
              cell: (m) =>
                m.leftOn ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove" />
                    <input type="hidden" name="userId" value={m.userId} />
                    <button type="submit" className="button secondary small" disabled={busy}>
                      {t("cohorts.members.remove", { name: m.name })}
                    </button>
                  </Form>
                ),
            },
          ]}
        />
      </section>

      <section className="card" aria-labelledby="add-title">
        <h2 id="add-title" className="card-title">
          {t("cohorts.add.title")}
        </h2>
        <Form method="get" className="toolbar" role="search">
          <Field label={t("cohorts.add.search")} name="q" type="search" defaultValue={q} />
          <button type="submit" className="button secondary">
            {t("cohorts.add.find")}
          </button>
        </Form>
        <Outcome result={result} section="add" />
        {candidates.length === 0 ? (
          <p className="empty">{t("cohorts.add.none")}</p>
        ) : (
          <Form method="post" key={result?.section === "add" && result.ok ? result.doneAt : "add"}>
            <input type="hidden" name="intent" value="add" />
            <input type="hidden" name="q" value={q} />
            <ul className="plain-list">
              {candidates.map((c) => (
                <li key={c.id}>
                  <label className="check">
                    <input type="checkbox" name="userId" value={c.id} aria-label={t("cohorts.add.pick", { name: c.name })} /> {c.name} <span className="muted">{c.unit}</span>
                  </label>
                </li>
              ))}
            </ul>
            <button type="submit" className="button" disabled={busy}>
              {t("cohorts.add.submit")}
            </button>
          </Form>
        )}
      </section>

      <section className="card" aria-labelledby="import-title">
        <h2 id="import-title" className="card-title">
          {t("cohorts.import.title")}
        </h2>
        <Outcome result={result} section="import" />
        <Form method="post" encType="multipart/form-data" noValidate key={result?.section === "import" && result.ok ? result.doneAt : "import"}>
          <input type="hidden" name="intent" value="import" />
          <Field label={t("cohorts.import.file")} name="file" type="file" accept=".xlsx,.csv" hint={t("cohorts.import.hint")} required />
          <button type="submit" className="button" disabled={busy}>
            {t("cohorts.import.submit")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="codes-title">
        <h2 id="codes-title" className="card-title">
          {t("cohorts.codes.title")}
        </h2>
        <p className="hint">{t("cohorts.codes.hint")}</p>
        <Outcome result={result} section="codes" />
        <DataTable
          rows={codes}
          rowKey={(c) => c.id}
          empty={t("cohorts.codes.empty")}
          columns={[
            { label: t("cohorts.join.code"), rowHeader: true, cell: (c) => <code>{c.code}</code> },
            {
              label: t("cohorts.codes.maxUses"),
              cell: (c) => (
                <>
                  {t("cohorts.codes.usage", { used: c.used, max: c.max })}{" "}
                  {c.revoked ? <span className="badge">{t("cohorts.codes.revoked")}</span> : c.used >= c.max ? <span className="badge">{t("cohorts.codes.usedUp")}</span> : null}
                </>
              ),
            },
            {
              label: t("cohorts.codes.revoke"),
              cell: (c) =>
                c.revoked ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="codeId" value={c.id} />
                    <button type="submit" className="button secondary small" aria-label={t("cohorts.codes.revokeLabel", { code: c.code })} disabled={busy}>
                      {t("cohorts.codes.revoke")}
                    </button>
                  </Form>
                ),
            },
          ]}
        />
        <Form method="post" className="toolbar" noValidate>
          <input type="hidden" name="intent" value="code" />
          <Field
            label={t("cohorts.codes.maxUses")}
            name="maxUses"
            type="number"
            min={1}
            max={1000}
            defaultValue={result?.section === "codes" && !result.ok ? (result.values?.maxUses ?? "30") : "30"}
            error={result?.section === "codes" && !result.ok ? t(result.message) : undefined}
          />
          <button type="submit" className="button" disabled={busy}>
            {t("cohorts.codes.create")}
          </button>
        </Form>
      </section>

      <section className="card" aria-labelledby="requests-title">
        <h2 id="requests-title" className="card-title">
          {t("cohorts.requests.title")}
        </h2>
        <Outcome result={result} section="requests" />
        <DataTable
          rows={requests}
          rowKey={(r) => r.id}
          empty={t("cohorts.requests.empty")}
          columns={[
            { label: t("cohorts.col.name"), rowHeader: true, cell: (r) => r.name },
            { label: t("cohorts.col.unit"), cell: (r) => r.unit },
            { label: t("cohorts.join.requests"), cell: (r) => r.at },
            {
              label: t("cohorts.requests.approve"),
              cell: (r) => (
                <Form method="post" className="toolbar">
                  <input type="hidden" name="intent" value="decide" />
                  <input type="hidden" name="requestId" value={r.id} />
                  <button type="submit" name="decision" value="approve" className="button small" aria-label={t("cohorts.requests.approveLabel", { name: r.name })} disabled={busy}>
                    {t("cohorts.requests.approve")}
                  </button>
                  <button type="submit" name="decision" value="decline" className="button secondary small" aria-label={t("cohorts.requests.declineLabel", { name: r.name })} disabled={busy}>
                    {t("cohorts.requests.decline")}
                  </button>
                </Form>
              ),
            },
          ]}
        />
      </section>
    </div>
  );
}
