import { useT } from "~/i18n";
import { ChoiceField, type SelectOption } from "./form";

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
  return (
    <ChoiceField
      id={id ?? `select-${name}`}
      name={name}
      label={label}
      defaultValue={value}
      options={options}
      placeholder={anyOption ? t("users.filter.any") : undefined}
    />
  );
}

/** A list filter: a SelectField whose first choice is "all". */
export function FilterSelect(props: { name: string; label: string; value: string; options: ReadonlyArray<SelectOption> }) {
  return <SelectField {...props} anyOption id={`filter-${props.name}`} />;
}
