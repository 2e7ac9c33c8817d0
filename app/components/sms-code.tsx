import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Field } from "~/components/form";
import { useT, type MessageKey } from "~/i18n";

// Pieces of the SMS code forms on /login and /invite/:token (docs/decisions/028-sms-sign-in.md).
// Plain forms: without JavaScript each step is a page; with it the page stays and counts down.

/** Two ways in, as links (?method=…), so the choice works without JavaScript. */
export function MethodSwitch({ label, current, options }: { label: string; current: string; options: Array<{ method: string; label: string; to: string }> }) {
  return (
    <nav className="method-switch" aria-label={label}>
      {options.map((o) =>
        o.method === current ? (
          <span key={o.method} aria-current="page" className="method-current">
            {o.label}
          </span>
        ) : (
          <Link key={o.method} to={o.to} replace>
            {o.label}
          </Link>
        ),
      )}
    </nav>
  );
}

/** The code field: a number pad, the phone's one-time-code autofill, and its error announced. */
export function CodeField({ error, defaultValue }: { error?: string; defaultValue?: string }) {
  const t = useT();
  return (
    <Field
      label={t("login.sms.code")}
      name="code"
      id="sms-code"
      inputMode="numeric"
      autoComplete="one-time-code"
      autoCapitalize="none"
      autoCorrect="off"
      spellCheck={false}
      maxLength={12}
      hint={t("login.sms.codeHint")}
      error={error}
      defaultValue={defaultValue ?? ""}
      required
      autoFocus
    />
  );
}

/**
 * "Send a new code", disabled for the wait the server also enforces. The count starts on this
 * device's clock when a code was just sent (`sentAt` changes); without JavaScript the button stays
 * enabled and the server answers "请 N 分钟后再试".
 */
export function ResendButton({ sentAt, seconds, busy }: { sentAt: number | null; seconds: number; busy: boolean }) {
  const t = useT();
  const [left, setLeft] = useState(0);
  // When the wait ends; an answer without a new code (a wrong one) keeps counting to it.
  const [end, setEnd] = useState<number | null>(null);
  useEffect(() => {
    if (sentAt) setEnd(Date.now() + seconds * 1000);
  }, [sentAt, seconds]);
  useEffect(() => {
    if (!end) return;
    const tick = () => setLeft(Math.max(0, Math.ceil((end - Date.now()) / 1000)));
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [end]);
  const label: { key: MessageKey; params?: Record<string, number> } = left > 0 ? { key: "login.sms.resendIn", params: { seconds: left } } : { key: "login.sms.resend" };
  return (
    <button type="submit" name="intent" value="sendCode" className="button secondary wide" disabled={busy || left > 0}>
      {t(label.key, label.params)}
    </button>
  );
}
