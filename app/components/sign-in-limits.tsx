import { Form } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { useT } from "~/i18n";

/** The user's sign-in throttling as an administrator sees it, with the unlock (intent=unlock). */
export function SignInLimitsCard({ failures, limited, unlocked, busy }: { failures: number; limited: boolean; unlocked: boolean; busy: boolean }) {
  const t = useT();
  return (
    <section className="card" aria-labelledby="sign-in-limits-title">
      <h2 id="sign-in-limits-title" className="card-title">
        {t("users.signIn.title")}
      </h2>
      {unlocked ? <FormMessage kind="success">{t("users.signIn.unlocked")}</FormMessage> : null}
      <p>{failures > 0 ? t("users.signIn.throttled", { failures }) : t("users.signIn.clear")}</p>
      {limited || failures > 0 ? (
        <Form method="post">
          <p className="hint">{t("users.signIn.help")}</p>
          <button type="submit" name="intent" value="unlock" className="button secondary" disabled={busy}>
            {t("users.signIn.unlock")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
