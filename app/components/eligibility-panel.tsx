import { useT } from "~/i18n";
import { formatDate } from "~/i18n/dates";
import type { TierEligibilityView } from "~/models/eligibility.server";

const day = formatDate;

/**
 * A trainee's certificates in one track, tier by tier: the certificate they hold (download,
 * verification, renewal), or what they still need. `tiers` comes from eligibilityFor() in the loader.
 */
export function EligibilityPanel({ trackId, trackTitle, tiers }: { trackId: string; trackTitle: string; tiers: TierEligibilityView[] }) {
  const t = useT();
  const headingId = `certificates-${trackId}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t("elig.panel.title")} · {trackTitle}
      </h2>
      <ul className="module-list">
        {tiers.map((tier) => {
          const cert = tier.certificate;
          const live = cert?.status === "issued" ? cert : null;
          return (
            <li key={tier.tier}>
              <h3>
                {tier.title} · {tier.certificateTitle}
                {live ? <span className="badge">{t("elig.panel.certified")}</span> : null}
              </h3>
              {live ? (
                <>
                  <p>
                    {t("elig.panel.number", { number: live.number })} · {t("elig.panel.issuedOn", { date: day(live.issuedAt) })}
                    {live.validUntil ? ` · ${t("elig.panel.validUntil", { date: day(live.validUntil) })}` : null}
                  </p>
                  {live.renewalDue && live.validUntil ? (
                    <p className="form-message info">{t("elig.panel.renewal", { date: day(live.validUntil) })}</p>
                  ) : null}
                  <p className="actions">
                    {live.pdfUrl ? (
                      <a className="button" href={live.pdfUrl} download>
                        {t("elig.panel.download")}
                      </a>
                    ) : (
                      <span className="hint">{t("elig.panel.rendering")}</span>
                    )}
                    {live.credentialUrl ? (
                      <a className="button secondary" href={live.credentialUrl} download>
                        {t("credential.holder.download")}
                      </a>
                    ) : null}
                    <a href={live.verifyUrl}>{t("elig.panel.verify")}</a>
                  </p>
                  {live.credentialUrl ? (
                    <p className="hint">
                      {t("credential.holder.explain", { verifyUrl: live.verifyUrl })}{" "}
                      <a href={`${live.credentialUrl}?format=json`} download>
                        {t("credential.holder.json")}
                      </a>
                    </p>
                  ) : null}
                </>
              ) : (
                <>
                  {cert?.status === "revoked" ? (
                    <p className="form-message error">
                      {t("elig.panel.revoked", { number: cert.number, date: day(cert.revokedAt), reason: cert.revokedReason ?? t("verify.status.revoked.neutral") })}
                    </p>
                  ) : null}
                  {tier.eligible ? (
                    <p className="form-message success">{t("elig.panel.eligible")}</p>
                  ) : (
                    <p>
                      {t("elig.panel.stillNeeded")}
                      {tier.missing.join("；")}
                    </p>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
