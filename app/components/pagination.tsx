import { Link, useLocation } from "@remix-run/react";
import { useT } from "~/i18n";

/** Previous/next links that keep the current filters in the query string. */
export function Pagination({ page, pageSize, total }: { page: number; pageSize: number; total: number }) {
  const t = useT();
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const hrefFor = (p: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(p));
    return `${location.pathname}?${params}`;
  };
  return (
    <nav className="pagination" aria-label="分页">
      {page > 1 ? (
        <Link className="button secondary" to={hrefFor(page - 1)} rel="prev">
          {t("pagination.prev")}
        </Link>
      ) : null}
      <span aria-current="page">{t("pagination.status", { page, pages })}</span>
      {page < pages ? (
        <Link className="button secondary" to={hrefFor(page + 1)} rel="next">
          {t("pagination.next")}
        </Link>
      ) : null}
    </nav>
  );
}

/** Reads ?page= safely: a positive integer, 1 otherwise. */
export function pageFromUrl(url: URL): number {
  const page = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  return Number.isFinite(page) && page > 0 && page < 100_000 ? page : 1;
}
