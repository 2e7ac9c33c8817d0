import { Link } from "@remix-run/react";
import type { TaskDefinition } from "~/catalog/schema";
import { useT } from "~/i18n";

/**
 * A task as the trainee meets it inside a module: what to do, how it is judged. `documentHref`
 * links with a plain anchor, for HTML rendered outside the Remix tree (module bodies).
 */
export function TaskCard({ task, href, documentHref }: { task: TaskDefinition; href?: string; documentHref?: string }) {
  const t = useT();
  return (
    <article className={`task-card task-${task.type}`} id={`task-${task.id}`} aria-labelledby={`task-${task.id}-title`}>
      <header className="task-card-header">
        <span className="badge">{t(`task.type.${task.type}`)}</span>
        <h3 id={`task-${task.id}-title`}>{task.title}</h3>
      </header>
      <p className="task-instructions">{task.instructions}</p>
      <ul className="task-facts">
        <li>{t("task.passMark", { mark: task.passMark })}</li>
        {task.type === "quiz" ? <li>{t("task.attempts", { questions: task.questions.length, attempts: task.attemptLimit })}</li> : null}
        {task.type === "work_product" ? <li>{t("task.minLength", { chars: task.minLength })}</li> : null}
        {task.type === "field_work" ? (
          <>
            <li>
              {t("task.people", {
                audience: task.audienceTypes.map((a) => t(`audience.${a}`)).join("、"),
                people: task.minPeopleReached,
              })}
            </li>
            <li>{t("task.minReflection", { chars: task.minReflectionLength })}</li>
            <li>
              {t("task.evidence", {
                photos: task.evidence.minPhotos,
                signIn: task.evidence.signInSheet ? t("task.evidence.signIn") : "",
              })}
            </li>
          </>
        ) : null}
      </ul>
      {task.type !== "quiz" ? (
        <details className="rubric">
          <summary>{t("task.rubric")}</summary>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">{t("task.rubric.criterion")}</th>
                  <th scope="col">{t("task.rubric.levels")}</th>
                </tr>
              </thead>
              <tbody>
                {task.rubric.criteria.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.title}</th>
                    <td>
                      <ul className="levels">
                        {c.levels.map((l) => (
                          <li key={l.label}>
                            <strong>
                              {l.label}（{l.points} 分）
                            </strong>
                            ：{l.descriptor}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      {href ? (
        <p>
          <Link className="button" to={href}>
            {t("task.open")}
          </Link>
        </p>
      ) : documentHref ? (
        <p>
          <a className="button" href={documentHref}>
            {t("task.open")}
          </a>
        </p>
      ) : null}
    </article>
  );
}
