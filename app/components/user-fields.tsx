import { ChoiceField, Field, type FieldErrors } from "./form";
import { roles } from "~/domain/roles";
import type { UserFormValues } from "~/domain/user-input";
import { useT } from "~/i18n";

export interface OrgOption {
  id: string;
  label: string;
}

/** The fields of the admin user form; `errors` holds translated messages by field. */
export function UserFields({ values, errors, orgs }: { values: UserFormValues; errors: FieldErrors; orgs: OrgOption[] }) {
  const t = useT();
  return (
    <>
      <Field label={t("profile.name")} name="name" defaultValue={values.name} error={errors.name} required maxLength={50} />
      <Field label={t("profile.phone")} name="phone" defaultValue={values.phone} error={errors.phone} inputMode="tel" autoComplete="off" />
      <Field label={t("profile.email")} name="email" defaultValue={values.email} error={errors.email} type="email" autoComplete="off" />
      <ChoiceField
        id="f-org"
        label={t("profile.org")}
        name="orgUnitId"
        defaultValue={values.orgUnitId}
        error={errors.orgUnitId}
        placeholder="—"
        options={orgs.map((o) => ({ value: o.id, label: o.label }))}
      />
      <ChoiceField
        label={t("profile.track")}
        name="track"
        defaultValue={values.track}
        placeholder={t("track.none")}
        options={[
          { value: "campus", label: t("track.campus") },
          { value: "community", label: t("track.community") },
        ]}
      />
      <fieldset className={`field${errors.roles ? " has-error" : ""}`} aria-describedby="f-roles-help">
        <legend>{t("profile.roles")}</legend>
        <p id="f-roles-help" className="hint">
          {t("users.roles.help")}
        </p>
        <div className="checks">
          {roles.map((r) => (
            <label key={r} className="check">
              <input type="checkbox" name="roles" value={r} defaultChecked={values.roles.includes(r)} /> {t(`role.${r}`)}
            </label>
          ))}
        </div>
        {errors.roles ? (
          <p className="field-error" role="alert">
            {errors.roles}
          </p>
        ) : null}
      </fieldset>
    </>
  );
}
