import { Form } from "@remix-run/react";
import { maxQueryLength } from "~/domain/catalog-search";
import { useT } from "~/i18n";

/** The keyword box, on /learn and on the results page: a plain GET form, so it works before the JavaScript has loaded. */
export function CourseSearchForm({ query = "", busy = false }: { query?: string; busy?: boolean }) {
  const t = useT();
  return (
    <Form method="get" action="/learn/search" role="search" className="search-form">
      <label htmlFor="course-search">{t("learn.search.label")}</label>
      <div className="search-row">
        <input id="course-search" type="search" name="q" defaultValue={query} maxLength={maxQueryLength} placeholder={t("learn.search.placeholder")} enterKeyHint="search" />
        <button type="submit" className="button" disabled={busy}>
          {t("learn.search.button")}
        </button>
      </div>
    </Form>
  );
}
