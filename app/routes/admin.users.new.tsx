import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormMessage } from "~/components/form";
import { UserFields } from "~/components/user-fields";
import { db } from "~/db.server";
import { newUserForm } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import { readUserForm, validateUserForm } from "~/domain/user-input";
import { requireReach } from "~/guards.server";
import { createPerson } from "~/services/people.server";
import { useT, type MessageKey } from "~/i18n";
import { orgOptions } from "~/models/org-options.server";

export const meta: MetaFunction = () => [{ title: "新建用户 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  return json({ orgs: await orgOptions(db(), { within: me.reach.path }) });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const me = requireReach(request, context, "users.manage");
  const values = readUserForm(fieldsOf(await readForm(request), newUserForm));
  const parsed = validateUserForm(values, { requireRoles: true, requireOrg: true });
  if (!parsed.ok) return json({ values, errors: parsed.errors as Record<string, MessageKey> }, { status: 400 });
  const created = await createPerson(me, context, parsed.user);
  if (!created.ok) return json({ values, errors: created.errors as Record<string, MessageKey> }, { status: created.status });
  return redirect(`/admin/users/${created.id}?created=1`);
}

export default function NewUser() {
  const { orgs } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const t = useT();
  const busy = useNavigation().state === "submitting";
  const errors = Object.fromEntries(Object.entries(data?.errors ?? {}).map(([k, v]) => [k, t(v)]));
  return (
    <section className="narrow">
      <p>
        <Link to="/admin/users">← {t("admin.users")}</Link>
      </p>
      <h1>{t("users.create.title")}</h1>
      {data?.errors ? <FormMessage kind="error">{t("form.errorSummary")}</FormMessage> : null}
      <Form method="post" className="card" noValidate>
        <UserFields
          values={data?.values ?? { name: "", phone: "", email: "", orgUnitId: "", track: "", roles: ["trainee"] }}
          errors={errors}
          orgs={orgs}
        />
        <button type="submit" className="button wide" disabled={busy}>
          {t("users.save")}
        </button>
      </Form>
    </section>
  );
}
