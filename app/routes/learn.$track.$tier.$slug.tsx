import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { ModuleBody } from "~/components/module-body";
import { FormMessage } from "~/components/form";
import { catalog } from "~/catalog/catalog.server";
import { isTier, isTrack, learnerState, modulesOf } from "~/catalog/learner.server";
import { db } from "~/db.server";
import { markReadForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { forbidden, notFound, requirePermission } from "~/guards.server";
import { useT } from "~/i18n";
import { markModuleRead } from "~/models/curriculum.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.module.title ?? ""} · 百城学堂` }];

async function resolve(request: Request, context: LoaderFunctionArgs["context"], params: LoaderFunctionArgs["params"]) {
  const me = requirePermission(request, context, "learn");
  if (!isTrack(params.track) || !isTier(params.tier)) throw notFound();
  const modules = modulesOf(params.track, params.tier);
  const index = modules.findIndex((m) => m.slug === params.slug);
  if (index < 0) throw notFound();
  const state = await learnerState(me.id, context, { summary: false });
  if (!state.access(params.track, params.tier).unlocked) throw forbidden("本模块所在级别尚未解锁。");
  return { me, modules, index, module: modules[index]!, state, track: params.track, tier: params.tier };
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const { modules, index, module, state, track, tier } = await resolve(request, context, params);
  const { program } = catalog();
  const link = (m: (typeof modules)[number] | undefined) => (m ? { slug: m.slug, title: m.title } : null);
  return json({
    track: { id: track, title: program.tracks.find((t) => t.id === track)!.title.zh },
    tier: { id: tier, title: program.tiers.find((t) => t.id === tier)!.title.zh },
    module: {
      id: module.id,
      title: module.title,
      summary: module.summary,
      minutes: module.minutes,
      html: module.html,
    },
    read: state.read.has(module.id),
    progress: state.progressOf(module),
    preview: state.preview,
    prev: link(modules[index - 1]),
    next: link(modules[index + 1]),
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { me, module } = await resolve(request, context, params);
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
