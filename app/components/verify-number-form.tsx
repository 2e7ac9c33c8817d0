import { Form } from "@remix-run/react";
import { Field } from "~/components/form";
import { useT } from "~/i18n";

/** The certificate number box of the verification pages; a plain GET form, so it works without scripts. */
export function VerifyNumberForm({ error, number }: { error?: string; number?: string }) {
  const t = useT();
  return (
    <Form method="get" action="/verify" noValidate>
      <Field
        label={t("verify.number")}
        name="number"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        placeholder="BC-2026-XXXX-XXXX"
        required
        defaultValue={number ?? ""}
        error={error}
      />
      <button type="submit" className="button wide">
        {t("verify.submit")}
      </button>
    </Form>
  );
}
