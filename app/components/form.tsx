import { useActionData } from "@remix-run/react";
import { useEffect, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

export type FieldErrors = Partial<Record<string, string>>;

export interface SelectOption {
  value: string;
  label: string;
}

interface ControlAria {
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

/** Label, optional hint, the control, and its announced error, wired with aria-describedby. */
function FieldFrame({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  children: (aria: ControlAria) => ReactNode;
}) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {children({ "aria-invalid": error ? true : undefined, "aria-describedby": described })}
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input whose error is announced and linked with aria-describedby. */
export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: { label: string; name: string; error?: string; hint?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = input.id ?? `f-${name}`;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {(aria) => <input id={id} name={name} {...aria} {...input} />}
    </FieldFrame>
  );
}

/**
 * A labelled <select>, wired like Field. `placeholder` (when given) is a first, empty choice:
 * "all" in a filter, "none" or "please choose" in a form.
 */
/** A labelled text area, wired like Field. */
export function TextAreaField({
  label,
  name,
  error,
  hint,
  ...area
}: { label: string; name: string; error?: string; hint?: ReactNode } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = area.id ?? `f-${name}`;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {(aria) => <textarea id={id} name={name} {...aria} {...area} />}
    </FieldFrame>
  );
}

export function ChoiceField({
  label,
  name,
  error,
  hint,
  options,
  placeholder,
  ...select
}: {
  label: string;
  name: string;
  error?: string;
  hint?: ReactNode;
  options: ReadonlyArray<SelectOption>;
  placeholder?: string;
} & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = select.id ?? `f-${name}`;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      {(aria) => (
        <select id={id} name={name} {...aria} {...select}>
          {placeholder === undefined ? null : <option value="">{placeholder}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

export function FormMessage({ kind, children }: { kind: "error" | "success" | "info"; children: ReactNode }) {
  const self = useRef<HTMLDivElement>(null);
  const answer = useActionData();
  // An error that answers this page's own form post is brought into view and focused, on every page
  // (on a phone the summary sits above the fold while the view stays at the buttons). An error the
  // page shows on arrival, with no post behind it, leaves the focus where it is.
  useEffect(() => {
    if (kind === "error" && answer !== undefined && self.current && !self.current.contains(document.activeElement)) revealElement(self.current);
  }, [kind, answer]);
  return (
    // An error summary can take focus, so a phone user is brought to it.
    <div ref={self} className={`form-message ${kind}`} role={kind === "error" ? "alert" : "status"} tabIndex={kind === "error" ? -1 : undefined}>
      {children}
    </div>
  );
}

/** Scrolls an element to the middle of the screen and focuses it without a second jump. */
export function revealElement(element: HTMLElement) {
  element.scrollIntoView({ block: "center" });
  element.focus({ preventScroll: true });
}

/**
 * After a refused submit, brings the error to the person: on a phone the summary sits above the fold
 * while the view stays at the buttons. Each new `refusal` (a fresh action result, or null when there
 * is none) focuses the first error summary inside the returned container, or else its first invalid
 * field, and scrolls it into view.
 */
export function useRevealError<T extends HTMLElement>(refusal: unknown) {
  const container = useRef<T>(null);
  useEffect(() => {
    if (!refusal || !container.current) return;
    const target = container.current.querySelector<HTMLElement>('.form-message.error, [aria-invalid="true"]');
    if (target) revealElement(target);
  }, [refusal]);
  return container;
}
