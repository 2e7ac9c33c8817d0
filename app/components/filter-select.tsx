import { useT } from "~/i18n";

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled <select>; with `anyOption` (list filters) an "all" choice comes first. */
export function SelectField({
  name,
  label,
  value,
  options,
  anyOption = false,
  id,
}: {
  name: string;
  label: string;
  value?: string;
  options: ReadonlyArray<SelectOption>;
  anyOption?: boolean;
  id?: string;
}) {
  const t = useT();
  const fieldId = id ?? `select-${name}`;
  return (
    <div className="field">
      <label htmlFor={fieldId}>{label}</label>
      <select id={fieldId} name={name} defaultValue={value}>
        {anyOption ? <option value="">{t("users.filter.any")}</option> : null}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A list filter: a SelectField whose first choice is "all". */
export function FilterSelect(props: { name: string; label: string; value: string; options: ReadonlyArray<SelectOption> }) {
  return <SelectField {...props} anyOption id={`filter-${props.name}`} />;
}
