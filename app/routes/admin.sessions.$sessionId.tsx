import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { DownloadLinks } from "~/components/download-links";
import { FormMessage, useRevealError } from "~/components/form";
import { db } from "~/db.server";
import { attendanceStatuses } from "~/domain/sessions";
import { sessionAdminForm } from "~/form-schemas.server";
import { fieldsOf, filesOf, readForm, readFormOrUpload } from "~/forms.server";
import { requireReach } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { formatDateTime } from "~/i18n/dates";
import { formatSessionTime } from "~/i18n/session-format";
import { enrolCandidates, liveEnrolments } from "~/models/training-sessions.server";
import { sessionInReach } from "~/services/session-access.server";
import { cancelPlace, markAttendance, signUp } from "~/services/training-sessions.server";
import { removeSessionSheet, sheetLimits, sheetsOf, storeSessionSheet, type SheetProblem } from "~/services/session-sheets.server";
import { evidenceProcessingLimits } from "~/services/evidence.server";

export const meta: MetaFunction = () => [{ title: "活动 · 百城学堂" }];
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "session.view");
  const [people, candidates, sheets] = await Promise.all([liveEnrolments(db(), session.id), enrolCandidates(db(), session, 50), sheetsOf(db(), session.id)]);
  return json({
    session: {
      id: session.id,
      title: session.title,
      kind: session.kind,
      when: formatSessionTime(session.starts_at, session.ends_at),
      place: session.place,
      onlineUrl: session.online_url,
      capacity: session.capacity,
      hours: session.hours,
      cohortId: session.cohort_id,
      forName: session.cohort_name ?? session.unit_name,
      forCohort: !!session.cohort_id,
    },
    people: people.map((p) => ({
      userId: p.user_id,
      name: p.name,
      unit: p.unit_name ?? "—",
      status: p.status,
      attendance: p.attendance,
      note: p.note ?? "",
      viaQr: p.via === "qr",
      markedAt: p.marked_at ? formatDateTime(p.marked_at) : "",
    })),
    candidates: candidates.map((c) => ({ id: c.id, name: c.name, unit: c.unit_name })),
    sheets: sheets.map((sheet) => ({ ...sheet, uploadedAt: formatDateTime(sheet.uploadedAt), sizeKb: Math.max(1, Math.round(sheet.sizeBytes / 1024)) })),
    sheetMaxMb: sheetLimits.maxFileBytes / (1024 * 1024),
  });
}

interface ActionResult {
  ok: boolean;
  message: MessageKey;
  params?: Record<string, string | number>;
  userId?: string;
  /** Which part of the page answered: the roster (default) or the sign-in sheets. */
  section?: "sheets";
  /** A fresh value so the upload form clears after a success. */
  doneAt?: string;
}

// A function, not a module constant: the browser bundle empties .server modules (sheetLimits is undefined there).
const maxSheetMb = () => sheetLimits.maxFileBytes / (1024 * 1024);

function sheetProblem(problem: SheetProblem, detected?: string): { message: MessageKey; params?: Record<string, string | number> } {
  switch (problem) {
    case "tooLarge":
      return { message: "evidence.error.tooLarge", params: { maxMb: maxSheetMb() } };
    case "unsupportedType":
      return { message: detected === "heic" ? "evidence.error.heic" : "evidence.error.unsupportedType" };
    case "tooMuchData":
      return { message: "evidence.error.tooMuchData", params: { maxMb: evidenceProcessingLimits().maxDecodedMb } };
    case "processingTimeout":
      return { message: "evidence.error.processingTimeout", params: { seconds: evidenceProcessingLimits().timeoutSeconds } };
    case "imageTooLarge":
      return { message: "evidence.error.imageTooLarge", params: { megapixels: evidenceProcessingLimits().maxMegapixels } };
    case "tooManySheets":
      return { message: "sessions.sheets.tooMany", params: { max: sheetLimits.maxSheetsPerSession } };
    case "notFound":
      return { message: "sessions.problem.notFound" };
    default:
      return { message: `evidence.error.${problem}` };
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "session.change");
  const read = await readFormOrUpload(request, sheetLimits.maxFileBytes);
  if ("tooLarge" in read) return json<ActionResult>({ ok: false, section: "sheets", message: "evidence.error.tooLarge", params: { maxMb: maxSheetMb() } }, { status: 413 });
  const input = fieldsOf(read.form, sessionAdminForm);
  // A sheet arrives as multipart and nothing else does.
  if ((input.intent === "sheet") !== read.multipart) throw new Response("提交的内容有误，请刷新页面后重新提交。", { status: 400 });
  const staff = { id: me.id, reach: me.reach, ip: context.ip };
  switch (input.intent) {
    case "sheet": {
      const file = filesOf(read.form, "file")[0];
      if (!file) return json<ActionResult>({ ok: false, section: "sheets", message: "evidence.error.noFile" }, { status: 400 });
      const result = await storeSessionSheet(db(), staff, session, { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      if (!result.ok) {
        const status = result.problem === "tooLarge" ? 413 : result.problem === "busy" ? 503 : 400;
        return json<ActionResult>({ ok: false, section: "sheets", ...sheetProblem(result.problem, result.detected) }, { status });
      }
      return json<ActionResult>({ ok: true, section: "sheets", message: "sessions.sheets.uploaded", doneAt: new Date().toISOString() });
    }
    case "removeSheet": {
      if (!uuidPattern.test(input.sheetId)) throw new Response("未找到。", { status: 404 });
      const removed = await removeSessionSheet(db(), staff, session, input.sheetId);
      if (!removed) return json<ActionResult>({ ok: false, section: "sheets", message: "sessions.sheets.notFound" }, { status: 404 });
      return json<ActionResult>({ ok: true, section: "sheets", message: "sessions.sheets.removed" });
    }
    case "mark": {
      if (!uuidPattern.test(input.userId)) throw new Response("未找到。", { status: 404 });
      const note = input.note.trim().slice(0, 500) || null;
      const done = await markAttendance(db(), staff, session, { userId: input.userId, status: input.status, note });
      return json<ActionResult>(done ? { ok: true, message: "sessions.detail.marked", userId: input.userId } : { ok: false, message: "sessions.detail.notEnrolled", userId: input.userId }, { status: done ? 200 : 400 });
    }
    case "enrol": {
      if (!uuidPattern.test(input.userId)) throw new Response("未找到。", { status: 404 });
      const person = await db().selectFrom("users as u").leftJoin("org_units as o", "o.id", "u.org_unit_id").select(["u.id", "o.path"]).where("u.id", "=", input.userId).executeTakeFirst();
      if (!person) throw new Response("未找到。", { status: 404 });
      const result = await signUp(db(), { sessionId: session.id, user: { id: person.id, orgPath: person.path }, by: { id: me.id, ip: context.ip } });
      if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}` as MessageKey }, { status: 400 });
      return json<ActionResult>({ ok: true, message: "sessions.detail.enrolled", params: { status: result.status === "enrolled" ? "已报名" : "候补" } });
    }
    case "cancelFor": {
      if (!uuidPattern.test(input.userId)) throw new Response("未找到。", { status: 404 });
      const result = await cancelPlace(db(), { sessionId: session.id, userId: input.userId, by: { id: me.id, ip: context.ip }, asStaff: true });
      if (!result.ok) return json<ActionResult>({ ok: false, message: `sessions.problem.${result.problem}` as MessageKey }, { status: 400 });
      return json<ActionResult>({ ok: true, message: "sessions.cancelled" });
    }
  }
}

export default function AdminSession() {
  const { session, people, candidates, sheets, sheetMaxMb } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const page = useRevealError<HTMLDivElement>(result && !result.ok ? result : null);
  const present = people.filter((p) => p.attendance === "present" || p.attendance === "late").length;
  return (
    <div className="stack" ref={page}>
      <p>
        <Link to="/admin/sessions">← {t("sessions.detail.back")}</Link>
      </p>
      <div className="page-header">
        <h1>{session.title}</h1>
        <span className="badge">{t(`sessions.kind.${session.kind}`)}</span>
      </div>
      <p className="muted">
        {session.when} · {[session.place, session.onlineUrl ? t("sessions.online") : ""].filter(Boolean).join(" · ")} ·{" "}
        {session.forCohort ? t("sessions.for.cohort", { name: session.forName }) : t("sessions.for.region", { name: session.forName })}
        {session.hours ? ` · ${t("sessions.hours", { hours: session.hours })}` : ""}
      </p>
      <p className="toolbar">
        <Link className="button" to={`/admin/sessions/${session.id}/checkin`}>
          {t("sessions.detail.openCheckin")}
        </Link>
        <DownloadLinks base={`/admin/sessions/${session.id}/attendance`} label={t("sessions.detail.export")} />
      </p>
      {result && result.section !== "sheets" ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message, result.params)}</FormMessage> : null}
      <section className="stack" aria-labelledby="roster-title">
        <h2 id="roster-title">
          {t("sessions.detail.roster")} <span className="muted">{t("sessions.checkin.count", { count: present })}</span>
        </h2>
        <DataTable
          rows={people}
          rowKey={(p) => p.userId}
          empty={t("sessions.detail.empty")}
          columns={[
            {
              label: t("sessions.detail.person"),
              rowHeader: true,
              cell: (p) => (
                <>
                  {p.name} <span className="muted">{p.unit}</span> {p.status === "waitlisted" ? <span className="badge">{t("sessions.status.waitlisted")}</span> : null}
                </>
              ),
            },
            {
              label: t("sessions.detail.mark"),
              cell: (p) => (
                <Form method="post" className="toolbar">
                  <input type="hidden" name="intent" value="mark" />
                  <input type="hidden" name="userId" value={p.userId} />
                  <label className="sr-only" htmlFor={`status-${p.userId}`}>
                    {t("sessions.detail.mark")}
                  </label>
                  <select id={`status-${p.userId}`} name="status" defaultValue={p.attendance ?? "present"}>
                    {attendanceStatuses.map((s) => (
                      <option key={s} value={s}>
                        {t(`sessions.attended.${s}`)}
                      </option>
                    ))}
                  </select>
                  <label className="sr-only" htmlFor={`note-${p.userId}`}>
                    {t("sessions.detail.note")}
                  </label>
                  <input id={`note-${p.userId}`} type="text" name="note" defaultValue={p.note} placeholder={t("sessions.detail.note")} maxLength={500} />
                  <button type="submit" className="button small" disabled={busy} aria-label={t("sessions.detail.saveLabel", { name: p.name })}>
                    {t("sessions.detail.save")}
                  </button>
                  <span className="muted">
                    {p.attendance ? `${t(`sessions.attended.${p.attendance}`)}${p.viaQr ? `（${t("sessions.detail.viaQr")}）` : ""} ${p.markedAt}` : t("sessions.detail.unmarked")}
                  </span>
                </Form>
              ),
            },
            {
              label: t("cohorts.col.action"),
              cell: (p) => (
                <Form method="post">
                  <input type="hidden" name="intent" value="cancelFor" />
                  <input type="hidden" name="userId" value={p.userId} />
                  <button type="submit" className="button secondary small" disabled={busy}>
                    {t("sessions.detail.cancelFor", { name: p.name })}
                  </button>
                </Form>
              ),
            },
          ]}
        />
      </section>
      <section className="card stack" aria-labelledby="sheets-title" id="sheets">
        <h2 id="sheets-title" className="card-title">
          {t("sessions.sheets.title")}
        </h2>
        <p className="hint">{t("sessions.sheets.hint", { maxMb: sheetMaxMb })}</p>
        {result?.section === "sheets" ? <FormMessage kind={result.ok ? "success" : "error"}>{t(result.message, result.params)}</FormMessage> : null}
        {sheets.length === 0 ? (
          <p className="empty">{t("sessions.sheets.empty")}</p>
        ) : (
          <ul className="plain-list sheet-list">
            {sheets.map((sheet) => (
              <li key={sheet.id} className="sheet-item">
                <a href={`/admin/sessions/${session.id}/sheets/${sheet.id}`} target="_blank" rel="noopener" className="sheet-preview" aria-label={t("sessions.sheets.openLabel", { name: sheet.name })}>
                  {sheet.hasThumbnail ? <img src={`/admin/sessions/${session.id}/sheets/${sheet.id}?thumb=1`} alt="" width={96} height={96} loading="lazy" /> : <span className="badge">{t("sessions.sheets.pdf")}</span>}
                </a>
                <div className="sheet-meta">
                  <span className="sheet-name">{sheet.name}</span>
                  <span className="muted">
                    {t("sessions.sheets.by", { name: sheet.uploader, date: sheet.uploadedAt })} · {t("sessions.sheets.size", { size: sheet.sizeKb })}
                  </span>
                </div>
                <Form method="post">
                  <input type="hidden" name="intent" value="removeSheet" />
                  <input type="hidden" name="sheetId" value={sheet.id} />
                  <button type="submit" className="button secondary small" disabled={busy} aria-label={t("sessions.sheets.removeLabel", { name: sheet.name })}>
                    {t("sessions.sheets.remove")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
        <Form method="post" encType="multipart/form-data" className="stack" key={result?.section === "sheets" && result.ok ? result.doneAt : "sheet-form"}>
          <input type="hidden" name="intent" value="sheet" />
          <label htmlFor="sheet-file">{t("sessions.sheets.file")}</label>
          <input id="sheet-file" name="file" type="file" accept="image/jpeg,image/png,image/webp,application/pdf" required />
          <button type="submit" className="button" disabled={busy}>
            {busy ? t("sessions.sheets.uploading") : t("sessions.sheets.upload")}
          </button>
        </Form>
      </section>
      <section className="card" aria-labelledby="enrol-title">
        <h2 id="enrol-title" className="card-title">
          {t("sessions.detail.enrol")}
        </h2>
        <p className="hint">{t("sessions.detail.enrolHint")}</p>
        {candidates.length === 0 ? (
          <p className="empty">{t("sessions.detail.enrolNone")}</p>
        ) : (
          <Form method="post" className="toolbar">
            <input type="hidden" name="intent" value="enrol" />
            <label htmlFor="enrol-user">{t("sessions.detail.person")}</label>
            <select id="enrol-user" name="userId">
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}（{c.unit}）
                </option>
              ))}
            </select>
            <button type="submit" className="button" disabled={busy}>
              {t("sessions.detail.enrolSubmit")}
            </button>
          </Form>
        )}
      </section>
    </div>
  );
}
