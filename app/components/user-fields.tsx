import type { FieldErrors } from "./form";
import { Field } from "./form";
import { roles } from "~/domain/roles";
import { useT } from "~/i18n";

export interface OrgOption {
  id: string;
  label: string;
}

export interface UserFieldValues {
  name: string;
  phone: string;
  email: string;
  orgUnitId: string;
  track: string;
  roles: string[];
}

/** The fields of the admin user form; `errors` holds translated messages by field. */
export function UserFields({ values, errors, orgs }: { values: UserFieldValues; errors: FieldErrors; orgs: OrgOption[] }) {
  const t = useT();
  return (
    <>
      <Field label={t("profile.name")} name="name" defaultValue={values.name} error={errors.name} required maxLength={50} />
      <Field label={t("profile.phone")} name="phone" defaultValue={values.phone} error={errors.phone} inputMode="tel" autoComplete="off" />
      <Field label={t("profile.email")} name="email" defaultValue={values.email} error={errors.email} type="email" autoComplete="off" />
      <div className={`field${errors.orgUnitId ? " has-error" : ""}`}>
        <label htmlFor="f-org">{t("profile.org")}</label>
        <select id="f-org" name="orgUnitId" defaultValue={values.orgUnitId} aria-describedby={errors.orgUnitId ? "f-org-error" : undefined}>
          <option value="">—</option>
          {orgs.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
        {errors.orgUnitId ? (
          <p id="f-org-error" className="field-error" role="alert">
            {errors.orgUnitId}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="f-track">{t("profile.track")}</label>
        <select id="f-track" name="track" defaultValue={values.track}>
          <option value="">{t("track.none")}</option>
          <option value="campus">{t("track.campus")}</option>
          <option value="community">{t("track.community")}</option>
        </select>
      </div>
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
