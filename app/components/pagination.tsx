import { Link, useLocation } from "@remix-run/react";
import { useT } from "~/i18n";
import { pageSearch } from "~/domain/keyset";

/**
 * Previous/next links that keep the current filters in the query string. A page with two lists
 * gives the second its own `param` (and a `label` telling the two navigations apart).
 */
export function Pagination({ page, pageSize, total, param = "page", label = "分页" }: { page: number; pageSize: number; total: number; param?: string; label?: string }) {
  const t = useT();
  const location = useLocation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const hrefFor = (p: number) => {
    const params = new URLSearchParams(location.search);
    params.set(param, String(p));
    return `${location.pathname}?${params}`;
  };
  return (
    <nav className="pagination" aria-label={label}>
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

/** Reads ?page= (or another `param`) safely: a positive integer, 1 otherwise. */
export function pageFromUrl(url: URL, param = "page"): number {
  const page = Number.parseInt(url.searchParams.get(param) ?? "1", 10);
  return Number.isFinite(page) && page > 0 && page < 100_000 ? page : 1;
}

/**
 * 上一页 / 下一页 of a keyset-paginated list (app/domain/keyset.ts): each link keeps every other
 * parameter of the address (the filters) and replaces only this list's cursor. A page with two lists
 * gives the second its own `prefix` and a `label` telling the two navigations apart.
 */
export function KeysetPagination({ next, prev, prefix = "", label = "分页" }: { next: string | null; prev: string | null; prefix?: string; label?: string }) {
  const t = useT();
  const location = useLocation();
  if (!next && !prev) return null;
  return (
    <nav className="pagination" aria-label={label}>
      {prev ? (
        <Link className="button secondary" to={`${location.pathname}${pageSearch(location.search, "prev", prev, prefix)}`} rel="prev">
          {t("pagination.prev")}
        </Link>
      ) : null}
      {next ? (
        <Link className="button secondary" to={`${location.pathname}${pageSearch(location.search, "next", next, prefix)}`} rel="next">
          {t("pagination.next")}
        </Link>
      ) : null}
    </nav>
  );
}

/**
 * A forward-only list (newest or soonest first): "more" past the cursor `next`, and back to the first page
 * once paged. Keeps every other parameter of the address (the filters) and replaces only `param`.
 */
export function MoreLinks({ next, paged, param = "after", label, firstLabel, moreLabel }: { next: string | null; paged: boolean; param?: string; label: string; firstLabel: string; moreLabel: string }) {
  const location = useLocation();
  if (!next && !paged) return null;
  const href = (cursor: string | null) => {
    const params = new URLSearchParams(location.search);
    if (cursor) params.set(param, cursor);
    else params.delete(param);
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ""}`;
  };
  return (
    <nav className="pagination" aria-label={label}>
      {paged ? (
        <Link className="button secondary" to={href(null)}>
          {firstLabel}
        </Link>
      ) : null}
      {next ? (
        <Link className="button secondary" to={href(next)} rel="next">
          {moreLabel}
        </Link>
      ) : null}
    </nav>
  );
}
