import { Form, useFetcher, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { TaskDefinition } from "~/catalog/schema";
import { errorParams, maxVisits, type RawSubmissionInput, type RawVisit } from "~/domain/submission-input";
import { useT, type MessageKey } from "~/i18n";

/** What the form holds: the same shape the server reads back (app/domain/submission-input.ts). */
export type WrittenValues = RawSubmissionInput;

function countChars(text: string) {
  return [...text.replace(/\s+/g, "")].length;
}

/**
 * The work-product / field-work form. Typing autosaves a draft (debounced) through a fetcher; "save"
 * and "submit" post the whole form. `errors` are message keys by field.
 */
export function WrittenSubmissionForm({
  task,
  values,
  errors,
  editable,
  resubmit,
  orgs,
  today,
  evidence,
}: {
  task: Extract<TaskDefinition, { type: "work_product" | "field_work" }>;
  values: WrittenValues;
  errors: Record<string, MessageKey>;
  editable: boolean;
  resubmit: boolean;
  orgs: Array<{ id: string; label: string }>;
  today: string;
  evidence: ReactNode;
}) {
  const t = useT();
  const navigation = useNavigation();
  const autosave = useFetcher<{ savedAt?: string }>();
  const formRef = useRef<HTMLFormElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [text, setText] = useState(values.text);
  const [reflection, setReflection] = useState(values.reflection);
  const blankVisit: RawVisit = { date: "", place: "", audienceType: "", peopleReached: "", durationMinutes: "" };
  const logged = task.type === "field_work" && task.visitLog ? task.visitLog : null;
  // Without JavaScript the form still offers one empty row more than is filled (and at least the minimum).
  // Each row keeps a stable key, so adding or removing one never resets what was typed in the others.
  const nextRowKey = useRef(0);
  const row = (visit: RawVisit) => ({ key: nextRowKey.current++, visit });
  const [visits, setVisits] = useState(() => {
    const filled = values.visits ?? [];
    const rows = Math.max(filled.length + 1, logged?.minVisits ?? 1);
    return [...filled, ...Array.from({ length: rows - filled.length }, () => blankVisit)].slice(0, maxVisits).map(row);
  });
  const busy = navigation.state === "submitting";
  useEffect(() => () => clearTimeout(timer.current), []);
  // Once the work is submitted (or no longer editable) a pending autosave would only earn a 409.
  useEffect(() => {
    if (!editable) clearTimeout(timer.current);
  }, [editable]);

  const scheduleAutosave = () => {
    if (!editable) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!formRef.current) return;
      const data = new FormData(formRef.current);
      data.set("intent", "autosave");
      autosave.submit(data, { method: "post" });
    }, 1500);
  };

  const err = (field: string) => (errors[field] ? t(errors[field]!, errorParams(task)) : undefined);
  const field = (name: keyof WrittenValues, label: string, input: ReactNode, hint?: string) => (
    <div className={`field${errors[name] ? " has-error" : ""}`}>
      <label htmlFor={`f-${name}`}>{label}</label>
      {hint ? (
        <p id={`f-${name}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {input}
      {errors[name] ? (
        <p id={`f-${name}-error`} className="field-error" role="alert">
          {err(name)}
        </p>
      ) : null}
    </div>
  );
  const aria = (name: keyof WrittenValues, hint = false) => ({
    id: `f-${name}`,
    name,
    disabled: !editable,
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": [hint ? `f-${name}-hint` : "", errors[name] ? `f-${name}-error` : ""].filter(Boolean).join(" ") || undefined,
  });

  return (
    <>
    <Form method="post" id="submission-form" ref={formRef} onChange={scheduleAutosave} onSubmit={() => clearTimeout(timer.current)} className="stack" noValidate>
      {task.type === "field_work" ? (
        <>
          <div className="form-grid">
            {field("activityTitle", t("sub.field.activityTitle"), <input type="text" maxLength={100} defaultValue={values.activityTitle} {...aria("activityTitle")} />)}
            {logged ? null : field("activityDate", t("sub.field.activityDate"), <input type="date" max={today} min="2020-01-01" defaultValue={values.activityDate} {...aria("activityDate")} />)}
          </div>
          {/* The unit on a row of its own: a choice from the trainee's subtree, or another school named in text. */}
          <div className="form-grid org-row">
            {field(
              "orgUnitId",
              t("sub.field.orgUnitId"),
              <select defaultValue={values.orgUnitId} {...aria("orgUnitId", true)}>
                <option value="">—</option>
                {orgs.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.label}
                  </option>
                ))}
              </select>,
              orgs.length ? t("sub.field.orgUnitId.hint") : t("sub.error.noOwnUnit"),
            )}
            {field(
              "otherOrgName",
              t("sub.field.otherOrgName"),
              <input type="text" maxLength={100} defaultValue={values.otherOrgName} {...aria("otherOrgName", true)} />,
              t("sub.field.otherOrgName.hint"),
            )}
          </div>
          <div className="form-grid">
            {logged ? null : field("place", t("sub.field.place"), <input type="text" maxLength={100} defaultValue={values.place} {...aria("place")} />)}
            {logged ? null : field(
              "audienceType",
              t("sub.field.audienceType"),
              <select defaultValue={values.audienceType} {...aria("audienceType")}>
                <option value="">—</option>
                {task.audienceTypes.map((a) => (
                  <option key={a} value={a}>
                    {t(`audience.${a}`)}
                  </option>
                ))}
              </select>,
            )}
            {logged ? null : field(
              "peopleReached",
              t("sub.field.peopleReached"),
              <input type="number" inputMode="numeric" min={1} max={10000} step={1} defaultValue={values.peopleReached} {...aria("peopleReached", true)} />,
              t("sub.field.peopleReached.hint", { min: task.minPeopleReached }),
            )}
            {logged ? null : field("durationMinutes", t("sub.field.durationMinutes"), <input type="number" inputMode="numeric" min={1} max={1440} step={1} defaultValue={values.durationMinutes} {...aria("durationMinutes")} />)}
          </div>
          {logged ? (
            <fieldset className={`field visit-log${errors.visits ? " has-error" : ""}`} aria-describedby={`f-visits-hint${errors.visits ? " f-visits-error" : ""}`}>
              <legend>{t("sub.visits.legend")}</legend>
              <p id="f-visits-hint" className="hint">
                {t("sub.visits.hint", { visits: logged.minVisits, min: task.type === "field_work" ? task.minPeopleReached : 0 })}
              </p>
              <ol className="visit-rows">
                {visits.map(({ key, visit: v }, i) => (
                  <li key={key} className="visit-row">
                    <span className="visit-number">{t("sub.visits.number", { n: i + 1 })}</span>
                    <label>
                      {t("sub.visits.date")}
                      <input type="date" name="visit.date" max={today} min="2020-01-01" defaultValue={v.date} disabled={!editable} aria-label={t("sub.visits.aria", { n: i + 1, part: t("sub.visits.date") })} />
                    </label>
                    <label>
                      {t("sub.visits.place")}
                      <input type="text" name="visit.place" maxLength={100} defaultValue={v.place} disabled={!editable} aria-label={t("sub.visits.aria", { n: i + 1, part: t("sub.visits.place") })} />
                    </label>
                    <label>
                      {t("sub.visits.audience")}
                      <select name="visit.audienceType" defaultValue={v.audienceType} disabled={!editable} aria-label={t("sub.visits.aria", { n: i + 1, part: t("sub.visits.audience") })}>
                        <option value="">—</option>
                        {task.type === "field_work"
                          ? task.audienceTypes.map((a) => (
                              <option key={a} value={a}>
                                {t(`audience.${a}`)}
                              </option>
                            ))
                          : null}
                      </select>
                    </label>
                    <label>
                      {t("sub.visits.people")}
                      <input type="number" name="visit.peopleReached" inputMode="numeric" min={1} max={10000} step={1} defaultValue={v.peopleReached} disabled={!editable} aria-label={t("sub.visits.aria", { n: i + 1, part: t("sub.visits.people") })} />
                    </label>
                    <label>
                      {t("sub.visits.minutes")}
                      <input type="number" name="visit.durationMinutes" inputMode="numeric" min={1} max={1440} step={1} defaultValue={v.durationMinutes} disabled={!editable} aria-label={t("sub.visits.aria", { n: i + 1, part: t("sub.visits.minutes") })} />
                    </label>
                    {editable && visits.length > 1 ? (
                      <button
                        type="button"
                        className="button secondary"
                        onClick={() => {
                          setVisits((rows) => rows.filter((_, j) => j !== i));
                          scheduleAutosave();
                        }}
                      >
                        {t("sub.visits.remove", { n: i + 1 })}
                      </button>
                    ) : null}
                  </li>
                ))}
              </ol>
              {editable && visits.length < maxVisits ? (
                <button type="button" className="button secondary" onClick={() => setVisits((rows) => [...rows, row(blankVisit)])}>
                  {t("sub.visits.add")}
                </button>
              ) : null}
              {errors.visits ? (
                <p id="f-visits-error" className="field-error" role="alert">
                  {err("visits")}
                </p>
              ) : null}
            </fieldset>
          ) : null}
          {field("plan", t("sub.field.plan"), <textarea rows={6} defaultValue={values.plan} {...aria("plan", true)} />, t("sub.field.plan.hint"))}
          {field(
            "reflection",
            t("sub.field.reflection"),
            <textarea rows={8} defaultValue={values.reflection} onInput={(e) => setReflection(e.currentTarget.value)} {...aria("reflection", true)} />,
            t("sub.field.reflection.hint", { min: task.minReflectionLength, count: countChars(reflection) }),
          )}
        </>
      ) : (
        field(
          "text",
          t("sub.field.text"),
          <textarea rows={16} defaultValue={values.text} onInput={(e) => setText(e.currentTarget.value)} {...aria("text", true)} />,
          t("sub.field.text.hint", { min: task.minLength, count: countChars(text) }),
        )
      )}
      {task.type === "field_work" ? (
        <div className={`field${errors.consentConfirmed ? " has-error" : ""}`}>
          <label className="check block">
            <input type="checkbox" name="consentConfirmed" defaultChecked={values.consentConfirmed} disabled={!editable} aria-invalid={errors.consentConfirmed ? true : undefined} />
            <span>{t("sub.field.consentConfirmed")}</span>
          </label>
          {errors.consentConfirmed ? (
            <p className="field-error" role="alert">
              {err("consentConfirmed")}
            </p>
          ) : null}
        </div>
      ) : null}
      <label className="check block">
        <input type="checkbox" name="showcaseConsent" defaultChecked={values.showcaseConsent} disabled={!editable} />
        <span>{t("sub.field.showcaseConsent")}</span>
      </label>
      {task.type === "field_work" || task.allowAttachments ? (
        <label className="check block">
          <input type="checkbox" name="showcasePhotos" defaultChecked={values.showcasePhotos} disabled={!editable} />
          <span>{t("sub.field.showcasePhotos")}</span>
        </label>
      ) : null}
    </Form>
      {/* Evidence has its own upload form, so it sits outside this one (forms cannot nest). */}
      {task.type === "field_work" || task.allowAttachments ? evidence : null}
      {errors.evidence ? (
        <p className="field-error" role="alert">
          {t(errors.evidence)}
        </p>
      ) : null}
      {editable ? (
        <div className="actions">
          <button type="submit" form="submission-form" name="intent" value="submit" className="button" disabled={busy} aria-busy={busy}>
            {busy && navigation.formData?.get("intent") === "submit" ? t("sub.submitting") : resubmit ? t("sub.resubmit") : t("sub.submit")}
          </button>
          <button type="submit" form="submission-form" name="intent" value="save" className="button secondary" disabled={busy}>
            {t("sub.save")}
          </button>
          <span className="hint" aria-live="polite">
            {autosave.state !== "idle"
              ? t("sub.autosaving")
              : autosave.data?.savedAt
                ? t("sub.autosaved", { time: new Date(autosave.data.savedAt).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" }) })
                : ""}
          </span>
        </div>
      ) : null}
    </>
  );
}
