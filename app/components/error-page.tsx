import { Link, isRouteErrorResponse } from "@remix-run/react";
import { useT } from "~/i18n";

/** The one error view: 404, 403 and "sorry" pages, never a stack trace. */
export function ErrorPage({ error }: { error: unknown }) {
  const t = useT();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title =
    status === 404 ? t("error.notFound.title") : status === 403 ? t("error.forbidden.title") : t("error.generic.title");
  const body =
    status === 404
      ? t("error.notFound.body")
      : isRouteErrorResponse(error) && typeof error.data === "string" && status < 500
        ? error.data
        : t("error.generic.body");
  return (
    <section className="error-page" aria-labelledby="error-title">
      <p className="error-code">{status}</p>
      <h1 id="error-title">{title}</h1>
      <p>{body}</p>
      <p>
        <Link className="button" to="/">
          {t("error.backHome")}
        </Link>
      </p>
    </section>
  );
}
