import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { findTask } from "~/catalog/learner.server";
import { db } from "~/db.server";
import { notFound } from "~/guards.server";
import { useT } from "~/i18n";
import { getPublicShowcaseItem, showcasePhotos } from "~/models/showcase.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "成果"} · 万件优秀成果展示` }];

// Public, read-only. Unknown, unapproved or unconsented items answer 404 alike.
export async function loader({ params }: LoaderFunctionArgs) {
  const id = params.submissionId ?? "";
  const item = /^[0-9a-f-]{36}$/i.test(id) ? await getPublicShowcaseItem(db(), id) : undefined;
  if (!item) throw notFound();
  const found = findTask(item.task_id);
  // Photos only where the trainee confirmed the faces in them may be shown; otherwise none at all.
  const photos = item.showcase_photos ? await showcasePhotos(db(), [item.id]) : [];
  return json({
    photos: photos.map((p) => ({ id: p.id, name: p.original_name, thumbnail: p.thumbnail_key !== null })),
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
      {item.photos.length ? (
        <section>
          <h2>{t("showcase.section.photos")}</h2>
          <ul className="photo-grid">
            {item.photos.map((p) => (
              <li key={p.id}>
                <a href={`/files/${p.id}`}>
                  <img src={`/files/${p.id}${p.thumbnail ? "?thumb=1" : ""}`} alt={t("showcase.photo", { name: p.name })} width={160} height={160} loading="lazy" />
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </article>
  );
}
