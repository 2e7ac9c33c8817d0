import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { db } from "~/db.server";
import { channelRoutes } from "~/domain/channels";
import { unsubscribeForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import { setChoice } from "~/models/deliveries.server";
import { readUnsubscribeToken, type UnsubscribeTarget } from "~/services/channels/links";
import { webChannels } from "~/services/channels/registry.server";

// One-click unsubscribe (RFC 8058): a signed link in every e-mail. GET shows what it stops and a
// button; POST (the button, or the mail client's one-click post) stops it. No sign-in needed: the
// signature is the proof. A malformed or forged link is a 400.

export const meta: MetaFunction = () => [{ title: "退订消息 · 百城学堂" }, { name: "robots", content: "noindex" }];

function targetOf(token: string | undefined): UnsubscribeTarget {
  const secret = webChannels().linkSecret;
  const target = secret && token ? readUnsubscribeToken(secret, token) : null;
  if (!target) throw json({ bad: true }, { status: 400 });
  return target;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const target = targetOf(params.token);
  return json({ channel: target.channel, kind: target.kind });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  fieldsOf(await readForm(request), unsubscribeForm);
  const target = targetOf(params.token);
  const kinds = target.kind === "*" ? Object.keys(channelRoutes) : [target.kind];
  const exists = await db().selectFrom("users").select("id").where("id", "=", target.userId).executeTakeFirst();
  if (exists) {
    await db().transaction().execute(async (trx) => {
      for (const kind of kinds) await setChoice(trx, { userId: target.userId, kind, channel: target.channel, enabled: false });
      await recordAudit(trx, { actorId: target.userId, action: "messages.unsubscribed", targetType: "user", targetId: target.userId, ip: context.ip, details: { channel: target.channel, kind: target.kind } });
    });
  }
  return json({ done: true });
}

export default function Unsubscribe() {
  const { channel, kind } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const t = useT();
  const channelName = t(channel === "sms" ? "channel.sms" : "channel.email");
  return (
    <div className="stack narrow">
      <h1>{t("unsubscribe.title")}</h1>
      {done ? (
        <FormMessage kind="success">{t("unsubscribe.done")}</FormMessage>
      ) : (
        <Form method="post" className="card stack">
          <p>{kind === "*" ? t("unsubscribe.confirmAll", { channel: channelName }) : t("unsubscribe.confirm", { channel: channelName, kind: t(`channels.kind.${kind}` as MessageKey) })}</p>
          <button type="submit" className="button">
            {t("unsubscribe.button")}
          </button>
        </Form>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  const t = useT();
  return (
    <div className="stack narrow">
      <h1>{t("unsubscribe.title")}</h1>
      <FormMessage kind="error">{t("unsubscribe.bad")}</FormMessage>
    </div>
  );
}
