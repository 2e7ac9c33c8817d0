import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { catalog } from "~/catalog/catalog.server";
import { learnerState, modulesOf } from "~/catalog/learner.server";
import { trackIds } from "~/catalog/ids";
import { DataTable } from "~/components/data-table";
import { db } from "~/db.server";
import { isAwaitingReview, statusTone } from "~/domain/submission-lifecycle";
import { StatusBadge } from "~/components/status-badge";
import { DueDate } from "~/components/due-date";
import { byDueDate } from "~/domain/deadlines";
import { duesByTask } from "~/domain/cohorts";
import { duesOfUser } from "~/models/cohorts.server";
import { requirePermission } from "~/guards.server";
import { useT, type MessageKey } from "~/i18n";
import { traineeContribution } from "~/models/outcomes.server";
import { listUserSubmissions } from "~/models/submissions.server";

export const meta: MetaFunction = () => [{ title: "我的任务 · 百城学堂" }];

type Group = "todo" | "waiting" | "returned" | "done";
const groups: Group[] = ["todo", "waiting", "returned", "done"];

function groupOf(status: string | null): Group {
  if (!status || status === "draft") return "todo";
  if (status === "returned") return "returned";
  if (isAwaitingReview(status as never)) return "waiting";
  return "done";
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const state = await learnerState(me.id, context);
  const { program } = catalog();
  const [submissionRows, dueRows] = await Promise.all([listUserSubmissions(db(), me.id), duesOfUser(db(), me.id)]);
  const submissions = new Map(submissionRows.map((s) => [s.task_id, s]));
  const dues = duesByTask(dueRows);
  const tracks = state.user?.track ? [state.user.track] : [...trackIds];
  const tiers = [...program.tiers].sort((a, b) => a.order - b.order);
  const rows = tracks.flatMap((track) =>
    tiers
      .filter((tier) => state.access(track, tier.id).unlocked)
      .flatMap((tier) =>
        modulesOf(track, tier.id).flatMap((m) =>
          m.tasks.map((task) => {
            const s = submissions.get(task.id);
            return {
              taskId: task.id,
              title: task.title,
              type: task.type,
              module: m.title,
              tierLabel: `${program.tracks.find((t) => t.id === track)!.title.zh} · ${tier.title.zh}`,
              status: s?.status ?? null,
              score: s?.score ?? null,
              people: s?.people_reached ?? null,
              group: groupOf(s?.status ?? null),
              // Due dates come from the trainee's current cohorts; work already handed in is no longer due.
              dueAt: groupOf(s?.status ?? null) === "todo" || groupOf(s?.status ?? null) === "returned" ? (dues.get(task.id)?.dueAt.toISOString() ?? null) : null,
            };
          }),
        ),
      ),
  );
  return json({ rows: byDueDate(rows), contribution: await traineeContribution(db(), me.id) });
}

export default function MyWork() {
  const { rows, contribution } = useLoaderData<typeof loader>();
  const t = useT();
  const [params] = useSearchParams();
  const filter = groups.includes(params.get("show") as Group) ? (params.get("show") as Group) : null;
  const shown = filter ? rows.filter((r) => r.group === filter) : rows;
  const next = rows.find((r) => r.group === "returned") ?? rows.find((r) => r.group === "todo");
  const count = (g: Group) => rows.filter((r) => r.group === g).length;
  return (
    <div className="stack">
      <h1>{t("mywork.title")}</h1>
      <p className="muted">
        {t("mywork.lead")} <Link to="/cohorts">{t("cohorts.mine")}</Link>
      </p>
      <section className="card" aria-labelledby="mine-title">
        <h2 id="mine-title" className="card-title">
          {t("outcomes.mine.title")}
        </h2>
        <p>{t("outcomes.mine.body", { activities: contribution.activities, people: contribution.people.toLocaleString("zh-CN") })}</p>
      </section>
      {next ? (
        <p className="form-message info">
          <Link to={`/tasks/${next.taskId}`}>{t("mywork.next", { task: next.title })}</Link>
        </p>
      ) : null}
      <nav className="chips" aria-label={t("mywork.title")}>
        <Link className={`chip${filter ? "" : " active"}`} to="?" aria-current={filter ? undefined : "page"}>
          {t("mywork.filter.all")} ({rows.length})
        </Link>
        {groups.map((g) => (
          <Link key={g} className={`chip${filter === g ? " active" : ""}`} to={`?show=${g}`} aria-current={filter === g ? "page" : undefined}>
            {t(`mywork.filter.${g}`)} ({count(g)})
          </Link>
        ))}
      </nav>
      <DataTable
        rows={shown}
        rowKey={(r) => r.taskId}
        empty={t("mywork.empty")}
        columns={[
          {
            label: t("mywork.col.task"),
            cell: (r) => (
              <>
                <Link to={`/tasks/${r.taskId}`}>{r.title}</Link>
                <br />
                <small className="muted">
                  {r.tierLabel} · {r.module}
                </small>
              </>
            ),
          },
          { label: t("mywork.col.type"), cell: (r) => t(`task.type.${r.type}`) },
          {
            label: t("mywork.col.status"),
            cell: (r) => <StatusBadge tone={statusTone(r.status)}>{t(r.status ? (`sub.status.${r.status}` as MessageKey) : "sub.status.none")}</StatusBadge>,
          },
          ...(rows.some((r) => r.dueAt) ? [{ label: t("mywork.col.due"), cell: (r: (typeof rows)[number]) => <DueDate dueAt={r.dueAt} /> }] : []),
          { label: t("mywork.col.score"), cell: (r) => r.score ?? "—" },
          { label: t("mywork.col.people"), cell: (r) => r.people ?? "—" },
        ]}
      />
    </div>
  );
}
