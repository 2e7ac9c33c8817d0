import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { VerifyNumberForm } from "~/components/verify-number-form";
import { db } from "~/db.server";
import { verifyPasteForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { useT, type MessageKey } from "~/i18n";
import { consumeLimits } from "~/rate-limit.server";
import {
  checkCredentialFor,
  normalizeCertificateNumber,
  publicCertificateView,
  publicOrigin,
  verificationRules,
  type CredentialVerdict,
} from "~/services/certificate-document.server";
import { jwksUrl, maxCredentialLength } from "~/services/credentials.server";

// Public (the QR code's target): is this certificate genuine and still valid? Shows only the
// holder's name, the certificate, track and tier, dates and issuer. Every look-up counts
// against a per-IP limit, so numbers cannot be walked.

export const meta: MetaFunction = () => [{ title: "证书验证 · 百城学堂" }, { name: "robots", content: "noindex" }];

const noStore = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex" };

/** Counts the look-up first, then decides (atomic): parallel look-ups cannot all slip past the limit. */
async function limited(ip: string | null) {
  const verdict = await consumeLimits(verificationRules(ip));
  return verdict.blocked ? verdict.retryAfterSeconds : 0;
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const code = (params.code ?? "").slice(0, 64);
  const retryAfter = await limited(context.ip);
  if (retryAfter > 0) {
    return json({ kind: "rateLimited" as const, seconds: retryAfter }, { status: 429, headers: { ...noStore, "Retry-After": String(retryAfter) } });
  }
  const number = normalizeCertificateNumber(code);
  if (!number) return json({ kind: "malformed" as const, code }, { status: 400, headers: noStore });
  if (number !== code) return redirect(`/verify/${number}`);
  const view = await publicCertificateView(db(), number);
  if (!view) return json({ kind: "notFound" as const, code: number }, { status: 404, headers: noStore });
  return json({ kind: "found" as const, view, jwksUrl: jwksUrl(publicOrigin(request)), maxCredentialLength }, { headers: noStore });
}

type CheckResult = { verdict: CredentialVerdict | "empty" | "rateLimited"; kid: string | null; jws: string; seconds?: number };

/** Someone holding a credential pastes it: is it ours, untouched, and for this certificate? */
export async function action({ request, context, params }: ActionFunctionArgs) {
  // A body that is no form at all: answered like an empty paste. A paste past any credential's
  // length many times over is a 400 before anything is counted or looked up.
  const form = await readForm(request).catch(() => null);
  const pasted = form ? fieldsOf(form, verifyPasteForm).jws : "";
  // Too long to be ours: say so, and do not echo the whole paste back into the page.
  const tooLarge = pasted.length > maxCredentialLength;
  const jws = tooLarge ? "" : pasted;
  const retryAfter = await limited(context.ip);
  if (retryAfter > 0) return json<CheckResult>({ verdict: "rateLimited", kid: null, jws, seconds: retryAfter }, { status: 429 });
  const number = normalizeCertificateNumber((params.code ?? "").slice(0, 64));
  if (!number) return json({ kind: "malformed" as const, code: params.code ?? "" }, { status: 400 });
  if (tooLarge) return json<CheckResult>({ verdict: "tooLarge", kid: null, jws }, { status: 413 });
  if (!jws.trim()) return json<CheckResult>({ verdict: "empty", kid: null, jws }, { status: 400 });
  const check = await checkCredentialFor(db(), number, jws.trim());
  return json<CheckResult>({ ...check, jws }, { status: check.verdict === "ok" ? 200 : 422 });
}

const verdictMessage: Record<CheckResult["verdict"], MessageKey> = {
  ok: "verify.credential.ok",
  mismatch: "verify.credential.mismatch",
  none: "verify.credential.none",
  malformed: "verify.credential.malformed",
  tooLarge: "verify.credential.tooLarge",
  unsigned: "verify.credential.unsigned",
  foreignKey: "verify.credential.foreignKey",
  wrongType: "verify.credential.wrongType",
  unknownKey: "verify.credential.unknownKey",
  badSignature: "verify.credential.badSignature",
  revoked: "verify.credential.revoked",
  expired: "verify.credential.expired",
  empty: "verify.credential.empty",
  rateLimited: "verify.error.rateLimited",
};

export default function VerifyCertificate() {
  const t = useT();
  const data = useLoaderData<typeof loader>();
  const checked = useActionData<typeof action>();

  if (data.kind !== "found") {
    const message =
      data.kind === "rateLimited"
        ? t("verify.error.rateLimited", { seconds: data.seconds })
        : data.kind === "malformed"
          ? t("verify.error.malformed")
          : t("verify.error.notFound", { number: data.code });
    return (
      <section className="narrow card" aria-labelledby="verify-title">
        <h1 id="verify-title">{t("verify.title")}</h1>
        <FormMessage kind="error">{message}</FormMessage>
        <VerifyNumberForm number={data.kind === "rateLimited" ? "" : data.code} />
      </section>
    );
  }

  const { view } = data;
  const statusTitle: Record<typeof view.state, MessageKey> = {
    valid: "verify.status.valid",
    revoked: "verify.status.revoked",
    superseded: "verify.status.superseded",
    expired: "verify.status.expired",
  };
  const pasted = checked && "verdict" in checked ? checked : null;
  return (
    <section className="stack" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("verify.title")}</h1>
      <div className="card">
        <FormMessage kind={view.state === "valid" ? "success" : "error"}>
          <strong>{t(statusTitle[view.state])}</strong>
          {view.state === "valid" ? <p>{t("verify.status.valid.body")}</p> : null}
          {view.state === "revoked" ? (
            <>
              <p>{t("verify.status.revoked.body", { date: view.revokedOn ?? "" })}</p>
              <p>{view.revokedReason ? t("verify.status.revoked.reason", { reason: view.revokedReason }) : t("verify.status.revoked.neutral")}</p>
            </>
          ) : null}
          {view.state === "superseded" ? (
            <>
              <p>{t("verify.status.superseded.body")}</p>
              {view.supersededByNumber ? (
                <p>
                  <Link to={`/verify/${view.supersededByNumber}`}>{t("verify.status.superseded.link", { number: view.supersededByNumber })}</Link>
                </p>
              ) : null}
            </>
          ) : null}
          {view.state === "expired" ? <p>{t("verify.status.expired.body", { date: view.validUntil ?? "" })}</p> : null}
        </FormMessage>
        <dl className="facts">
          <dt>{t("verify.field.number")}</dt>
          <dd>{view.number}</dd>
          <dt>{t("verify.field.name")}</dt>
          <dd>{view.name}</dd>
          <dt>{t("verify.field.certificate")}</dt>
          <dd>{view.certificateTitle}</dd>
          <dt>{t("verify.field.trackTier")}</dt>
          <dd>{t("verify.field.trackTierValue", { trackTitle: view.trackTitle, tierTitle: view.tierTitle })}</dd>
          <dt>{t("verify.field.issuedAt")}</dt>
          <dd>{view.issuedOn}</dd>
          {view.validUntil ? (
            <>
              <dt>{t("verify.field.validUntil")}</dt>
              <dd>{view.validUntil}</dd>
            </>
          ) : null}
          <dt>{t("verify.field.issuer")}</dt>
          <dd>{view.issuer}</dd>
        </dl>
      </div>

      <details className="card" open={Boolean(pasted)}>
        <summary>{t("verify.credential.title")}</summary>
        <p className="hint">{t("verify.credential.lead", { jwksUrl: data.jwksUrl })}</p>
        <p role="status">{t(verdictMessage[view.credential.verdict], { kid: view.credential.kid ?? "" })}</p>
        {view.credential.jws ? (
          <>
            <p>{t("verify.credential.jws")}</p>
            <p className="copy-box">{view.credential.jws}</p>
          </>
        ) : null}
        <Form method="post" noValidate>
          <div className="field">
            <label htmlFor="jws">{t("verify.credential.paste")}</label>
            <textarea id="jws" name="jws" rows={4} spellCheck={false} defaultValue={pasted?.jws ?? ""} />
          </div>
          {pasted ? (
            <FormMessage kind={pasted.verdict === "ok" ? "success" : "error"}>
              {t("verify.credential.result", {
                message: t(verdictMessage[pasted.verdict], { kid: pasted.kid ?? "", seconds: pasted.seconds ?? 0, max: data.maxCredentialLength }),
              })}
            </FormMessage>
          ) : null}
          <button type="submit" className="button secondary">
            {t("verify.credential.check")}
          </button>
        </Form>
      </details>

      <p>
        <Link to="/verify">{t("verify.again")}</Link>
      </p>
    </section>
  );
}
