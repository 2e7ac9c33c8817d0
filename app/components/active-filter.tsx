import { Link } from "@remix-run/react";
import { useT } from "~/i18n";

/** Says which filter a list shows (e.g. one the home page's figure opened) and how to drop it. */
export function ActiveFilter({ label, clearTo }: { label: string; clearTo: string }) {
  const t = useT();
  return (
    <p className="active-filter" role="status">
      <span>{t("filter.active", { label })}</span> <Link to={clearTo}>{t("filter.clear")}</Link>
    </p>
  );
}
