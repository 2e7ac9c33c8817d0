import { useT } from "~/i18n";
import { SelectField } from "./filter-select";

/** Region, track and programme year: the scope of the outcomes dashboard and of exports. */
export function ScopeFields({
  regions,
  region,
  track,
  year,
  years,
}: {
  regions: ReadonlyArray<{ id: string; name: string }>;
  region: string;
  track?: string;
  year?: number;
  years?: ReadonlyArray<{ year: number; from: string }>;
}) {
  const t = useT();
  return (
    <>
      {/* Keyed by the region: following a region link keeps the same <select>, whose default alone would not move. */}
      <SelectField key={region} name="region" label={t("outcomes.region")} value={region} options={regions.map((r) => ({ value: r.id, label: r.name }))} />
      <SelectField
        name="track"
        label={t("outcomes.track")}
        value={track}
        options={[
          { value: "campus", label: t("track.campus") },
          { value: "community", label: t("track.community") },
        ]}
      />
      <SelectField
        name="year"
        label={t("outcomes.year")}
        value={year ? String(year) : undefined}
        options={(years ?? [1, 2, 3].map((y) => ({ year: y, from: "" }))).map((y) => ({
          value: String(y.year),
          label: y.from ? t("outcomes.year.option", { year: y.year, from: y.from }) : t("home.year", { year: y.year }),
        }))}
      />
    </>
  );
}
