import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findTask } from "~/catalog/learner.server";
import { db } from "~/db.server";
import { notFound } from "~/guards.server";
import { useT } from "~/i18n";
import { getPublicShowcaseItem } from "~/models/showcase.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "成果"} · 万件优秀成果展示` }];

// Public, read-only. Unknown, unapproved or unconsented items answer 404 alike.
export async function loader({ params }: LoaderFunctionArgs) {
  const id = params.submissionId ?? "";
  const item = /^[0-9a-f-]{36}$/i.test(id) ? await getPublicShowcaseItem(db(), id) : undefined;
  if (!item) throw notFound();
  const found = findTask(item.task_id);
  return json({
    title: item.activity_title || found?.task.title || "",
    module: found?.module.title ?? "",
    track: item.track,
    author: item.author,
    people: item.type === "field_work" ? item.people_reached : null,
    sections: (["plan", "reflection", "text"] as const).filter((k) => item.body[k]?.trim()).map((k) => ({ key: k, text: item.body[k]! })),
  });
}

export default function ShowcaseItem() {
  const item = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <article className="stack prose">
      <p>
        <Link to="/showcase">← {t("showcase.back")}</Link>
      </p>
      <h1>{item.title}</h1>
      <p className="hint">
        {t(`track.${item.track}`)} · {item.module} · {t("showcase.author", { name: item.author })}
        {item.people ? ` · ${t("showcase.people", { people: item.people })}` : ""}
      </p>
      {item.sections.map((s) => (
        <section key={s.key}>
          <h2>{t(`showcase.section.${s.key}`)}</h2>
          <p style={{ whiteSpace: "pre-wrap" }}>{s.text}</p>
        </section>
      ))}
    </article>
  );
}
