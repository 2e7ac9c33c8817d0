import { Form, useNavigation } from "@remix-run/react";
import { useCallback, useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { deviceStore } from "~/offline/hooks";
import type { TaskDefinition } from "~/catalog/schema";
import { errorParams, maxVisits, type RawSubmissionInput, type RawVisit } from "~/domain/submission-input";
import { useT, type MessageKey } from "~/i18n";

/** What the form holds: the same shape the server reads back (app/domain/submission-input.ts). */
export type WrittenValues = RawSubmissionInput;

function countChars(text: string) {
  return [...text.replace(/\s+/g, "")].length;
}

/** Where the draft stands, as the line beside the buttons says it. */
type DraftState = { kind: "idle" } | { kind: "syncing" } | { kind: "synced"; at: string } | { kind: "savedHere" } | { kind: "restored" };

/** The form's fields as FormData gives them: what the device keeps and the server reads. */
function formEntries(form: HTMLFormElement): Array<[string, string]> {
  return [...new FormData(form).entries()].filter((e): e is [string, string] => typeof e[1] === "string" && e[0] !== "intent");
}

/** Puts a kept draft back into the (uncontrolled) fields, same-named fields (visit rows) in order. */
function applyEntries(form: HTMLFormElement, entries: Array<[string, string]>) {
  const byName = new Map<string, string[]>();
  for (const [name, value] of entries) byName.set(name, [...(byName.get(name) ?? []), value]);
  const seen = new Map<string, number>();
  for (const element of [...form.elements]) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) || !element.name) continue;
    if (element instanceof HTMLInputElement && element.type === "checkbox") {
      element.checked = byName.has(element.name);
      continue;
    }
    const index = seen.get(element.name) ?? 0;
    seen.set(element.name, index + 1);
    element.value = byName.get(element.name)?.[index] ?? "";
  }
}

/**
 * The work-product / field-work form. Typing keeps the draft on the device (IndexedDB) and autosaves
 * it to the server (debounced) when there is a connection; a draft kept on the device is restored on
 * open and synced when the connection returns (decision 025). "save" and "submit" post the whole
 * form; offline, submitting says it needs the connection. `errors` are message keys by field.
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
  userId,
  draftStamp,
  serverSaved,
  online,
  uploadsWaiting,
}: {
  task: Extract<TaskDefinition, { type: "work_product" | "field_work" }>;
  values: WrittenValues;
  errors: Record<string, MessageKey>;
  editable: boolean;
  resubmit: boolean;
  orgs: Array<{ id: string; label: string }>;
  today: string;
  evidence: ReactNode;
  /** Whose device draft this is (drafts are kept per person and task). */
  userId: string;
  /** When the server last saved the draft this page shows (null: never). */
  draftStamp: string | null;
  /** The page's own save or submit was just accepted. */
  serverSaved: boolean;
  online: boolean;
  /** Evidence files queued on the device, not yet uploaded. */
  uploadsWaiting: number;
}) {
  const t = useT();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const [draftState, setDraftState] = useState<DraftState>({ kind: "idle" });
  const [blocked, setBlocked] = useState<"offline" | "uploads" | null>(null);
  // Visit rows to fill once they are rendered (a restored draft may hold more rows than the page).
  const pendingRestore = useRef<Array<[string, string]> | null>(null);
  // Set while an autosave is scheduled (typing since the last one): the device's draft will go with it, so
  // the page-open and connection-back syncs leave it to that timer.
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // The work is being handed in: an autosave now would reach the server after the submit and earn a 409.
  const handingIn = useRef(false);
  const cancelAutosave = () => {
    clearTimeout(timer.current);
    timer.current = undefined;
  };
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
  const taskId = task.id;
  useEffect(() => () => clearTimeout(timer.current), []);
  // A submit that came back refused leaves the work editable: autosaving resumes. Handed in, it stays off
  // (a sync started from the page's first render would still think the work editable).
  useEffect(() => {
    if (navigation.state === "idle" && editable) handingIn.current = false;
  }, [navigation.state, editable]);
  // Once the work is submitted (or no longer editable) a pending autosave would only earn a 409, and
  // the device has nothing left to keep.
  useEffect(() => {
    if (editable) return;
    cancelAutosave();
    void deviceStore().then((store) => store.deleteDraft(userId, taskId));
  }, [editable, userId, taskId]);

  /** Sends the device's draft to the server. A plain fetch: a lost connection must not break the page. */
  const syncDraft = useCallback(async () => {
    const form = formRef.current;
    if (!form || !editable || handingIn.current) return;
    const entries = formEntries(form);
    const body = new URLSearchParams(entries);
    body.set("intent", "autosave");
    setDraftState({ kind: "syncing" });
    try {
      const response = await fetch(`/tasks/${encodeURIComponent(taskId)}?_data=${encodeURIComponent("routes/tasks.$taskId")}`, { method: "POST", body, credentials: "same-origin" });
      const answer = (await response.json().catch(() => null)) as { kind?: string; savedAt?: string } | null;
      if (answer?.kind === "autosaved" && answer.savedAt) {
        const store = await deviceStore();
        const kept = await store.readDraft(userId, taskId);
        // Only what was sent counts as synced: typing that came meanwhile stays unsynced.
        if (!kept || JSON.stringify(kept.entries) === JSON.stringify(entries)) {
          await store.writeDraft(userId, taskId, { entries, changedAt: kept?.changedAt ?? new Date().toISOString(), synced: true, serverStamp: answer.savedAt });
        }
        setDraftState({ kind: "synced", at: answer.savedAt });
      } else setDraftState({ kind: navigator.onLine ? "idle" : "savedHere" });
    } catch {
      setDraftState({ kind: "savedHere" });
    }
  }, [editable, taskId, userId]);

  /** Keeps what the form holds on the device, then (online) schedules the autosave. */
  const scheduleAutosave = () => {
    if (!editable) return;
    cancelAutosave();
    const form = formRef.current;
    if (form) {
      const entries = formEntries(form);
      void deviceStore().then((store) => store.writeDraft(userId, taskId, { entries, changedAt: new Date().toISOString(), synced: false, serverStamp: null }));
    }
    if (!navigator.onLine) {
      setDraftState({ kind: "savedHere" });
      return;
    }
    timer.current = setTimeout(() => {
      timer.current = undefined;
      void syncDraft();
    }, 1500);
  };

  // On open: a draft kept on the device replaces an older page (one read offline from the cache)
  // or one the server never got; then it goes to the server if there is a connection.
  useEffect(() => {
    if (!editable) return;
    let cancelled = false;
    void deviceStore().then(async (store) => {
      const kept = await store.readDraft(userId, taskId);
      if (cancelled || !kept || !formRef.current) return;
      const verdict = store.draftWins(kept, draftStamp);
      if (verdict === "stale") return void store.deleteDraft(userId, taskId);
      if (verdict === "same") return;
      const rows = kept.entries.filter(([name]) => name === "visit.date").length;
      if (logged && rows > 0) {
        pendingRestore.current = kept.entries;
        setVisits(Array.from({ length: Math.min(maxVisits, rows) }, () => row(blankVisit)));
      } else applyEntries(formRef.current, kept.entries);
      const entry = (name: string) => kept.entries.find(([n]) => n === name)?.[1] ?? "";
      setReflection(entry("reflection"));
      setText(entry("text"));
      setDraftState({ kind: kept.synced ? "restored" : navigator.onLine ? "restored" : "savedHere" });
      if (!kept.synced && navigator.onLine && !timer.current) void syncDraft();
    });
    return () => {
      cancelled = true;
    };
    // Once per page: a later change of the stamp comes from this device's own saves.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    if (pendingRestore.current && formRef.current) {
      applyEntries(formRef.current, pendingRestore.current);
      pendingRestore.current = null;
    }
  }, [visits]);

  // The connection came back: the device's draft goes to the server.
  useEffect(() => {
    if (!online || !editable) return;
    setBlocked((b) => (b === "offline" ? null : b));
    void deviceStore().then(async (store) => {
      const kept = await store.readDraft(userId, taskId);
      if (kept && !kept.synced && !timer.current) void syncDraft();
    });
  }, [online, editable, userId, taskId, syncDraft]);
  useEffect(() => {
    if (!online) setDraftState((s) => (s.kind === "synced" || s.kind === "idle" || s.kind === "syncing" ? { kind: "idle" } : s));
  }, [online]);
  useEffect(() => {
    if (uploadsWaiting === 0) setBlocked((b) => (b === "uploads" ? null : b));
  }, [uploadsWaiting]);

  // The page's own save was accepted: the device's draft is what the server has.
  useEffect(() => {
    if (!serverSaved || !editable || !draftStamp || !formRef.current) return;
    const entries = formEntries(formRef.current);
    void deviceStore().then((store) => store.writeDraft(userId, taskId, { entries, changedAt: new Date().toISOString(), synced: true, serverStamp: draftStamp }));
  }, [serverSaved, editable, draftStamp, userId, taskId]);

  /** Offline, neither button posts (the page would fail): save keeps the draft here, submit explains. */
  const guard = (intent: "submit" | "save") => (event: MouseEvent<HTMLButtonElement>) => {
    cancelAutosave();
    if (navigator.onLine && !(intent === "submit" && uploadsWaiting > 0)) return setBlocked(null);
    event.preventDefault();
    if (intent === "save" && !navigator.onLine) {
      scheduleAutosave();
      return;
    }
    setBlocked(navigator.onLine ? "uploads" : "offline");
    scheduleAutosave();
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
    <Form method="post" id="submission-form" ref={formRef} onChange={scheduleAutosave} onSubmit={(event) => {
        cancelAutosave();
        // Only handing in stops autosaving; saving a draft is what an autosave would have done.
        const submitter = (event.nativeEvent as SubmitEvent).submitter;
        if (submitter instanceof HTMLButtonElement && submitter.value === "submit") handingIn.current = true;
      }} className="stack" noValidate>
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
          <button
            type="submit"
            form="submission-form"
            name="intent"
            value="submit"
            className="button"
            disabled={busy}
            aria-busy={busy}
            aria-describedby={!online || blocked ? "submit-needs" : undefined}
            onClick={guard("submit")}
          >
            {busy && navigation.formData?.get("intent") === "submit" ? t("sub.submitting") : resubmit ? t("sub.resubmit") : t("sub.submit")}
          </button>
          <button type="submit" form="submission-form" name="intent" value="save" className="button secondary" disabled={busy} onClick={guard("save")}>
            {t("sub.save")}
          </button>
          <span className={`hint draft-state${online ? "" : " offline"}`} aria-live="polite">
            {draftState.kind === "syncing"
              ? t("offline.syncing")
              : draftState.kind === "synced"
                ? t("offline.synced", { time: new Date(draftState.at).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit" }) })
                : draftState.kind === "savedHere"
                  ? t("offline.savedHere")
                  : !online
                    ? t("offline.offline")
                    : draftState.kind === "restored"
                      ? t("offline.restored")
                      : ""}
          </span>
          {!online || blocked ? (
            <p id="submit-needs" className={blocked ? "field-error" : "hint"} role={blocked ? "alert" : undefined}>
              {blocked === "uploads" ? t("offline.submitWaitsForUploads") : t("offline.submitNeedsConnection")}
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
