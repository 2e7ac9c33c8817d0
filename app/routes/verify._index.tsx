import { json, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { VerifyNumberForm } from "~/components/verify-number-form";
import { useT, type MessageKey } from "~/i18n";
import { normalizeCertificateNumber } from "~/services/certificate-document.server";

export const meta: MetaFunction = () => [{ title: "证书验证 · 百城学堂" }, { name: "robots", content: "noindex" }];

// Public: a number typed from paper goes to its verification page; the form keeps what was typed.
export async function loader({ request }: LoaderFunctionArgs) {
  const typed = new URL(request.url).searchParams.get("number");
  if (typed === null) return json<{ error: MessageKey | null; number: string }>({ error: null, number: "" });
  const number = typed.slice(0, 64);
  if (!number.trim()) return json<{ error: MessageKey | null; number: string }>({ error: "verify.error.empty", number }, { status: 400 });
  const canonical = normalizeCertificateNumber(number);
  if (!canonical) return json<{ error: MessageKey | null; number: string }>({ error: "verify.error.malformed", number }, { status: 400 });
  return redirect(`/verify/${canonical}`);
}

export default function VerifyIndex() {
  const t = useT();
  const { error, number } = useLoaderData<typeof loader>();
  return (
    <section className="narrow card" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("verify.title")}</h1>
      <p className="hint">{t("verify.lead")}</p>
      <VerifyNumberForm error={error ? t(error) : undefined} number={number} />
    </section>
  );
}
