import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { ModuleBody } from "~/components/module-body";
import { FormMessage } from "~/components/form";
import { modulePageData, resolveModule, type ModulePageData } from "~/catalog/module-page.server";
import { db } from "~/db.server";
import { markReadForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { useT } from "~/i18n";
import { markModuleRead } from "~/models/curriculum.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.module.title ?? ""} · 百城学堂` }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  // The edge may have computed this page's data already (decision 031): the page is rendered from exactly it.
  const ready = context.pageState?.route as ModulePageData | undefined;
  return json(ready ?? (await modulePageData(request, context, params)));
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { me, module } = await resolveModule(request, context, params);
  fieldsOf(await readForm(request), markReadForm);
  await markModuleRead(db(), me.id, module.id);
  return json({ marked: true });
}

export default function ModulePage() {
  const { track, tier, module, read, prev, next } = useLoaderData<typeof loader>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  return (
    <article className="stack">
      <nav className="breadcrumbs" aria-label="breadcrumb">
        <Link to="/learn">{t("learn.title")}</Link> / <Link to={`/learn/${track.id}/${tier.id}`}>{`${track.title} · ${tier.title}`}</Link>
      </nav>
      <header>
        <h1>{module.title}</h1>
        <p className="lead">{module.summary}</p>
        <p className="hint">
          {t("learn.minutes", { minutes: module.minutes })} · {read ? t("learn.module.read") : t("learn.module.unread")}
        </p>
      </header>
      <ModuleBody html={module.html} />
      <Form method="post" className="card">
        {read ? (
          <FormMessage kind="success">{t("learn.module.marked")}</FormMessage>
        ) : (
          <button type="submit" name="intent" value="read" className="button" disabled={busy}>
            {t("learn.module.markRead")}
          </button>
        )}
      </Form>
      <nav className="module-nav" aria-label={t("learn.module.next")}>
        {prev ? (
          <Link rel="prev" to={`/learn/${track.id}/${tier.id}/${prev.slug}`}>
            ← {t("learn.module.prev")}：{prev.title}
          </Link>
        ) : (
          <span />
        )}
        {next ? (
          <Link rel="next" to={`/learn/${track.id}/${tier.id}/${next.slug}`}>
            {t("learn.module.next")}：{next.title} →
          </Link>
        ) : null}
      </nav>
    </article>
  );
}
