import {
  MaxPartSizeExceededError,
  json,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { Field } from "~/components/form";
import { db } from "~/db.server";
import { sniffRoster } from "~/domain/roster-file";
import { checkImportFile, checkImportRecords, columnHeaders, decodeCsvBytes, importColumns, importLimits, type ImportColumn, type ImportFileResult } from "~/domain/user-import";
import { userImportForm } from "~/form-schemas.server";
import { assertCleanForm, fieldsOf, filesOf } from "~/forms.server";
import { auditRefusal, requireReach } from "~/guards.server";
import { actorOf } from "~/services/people.server";
import { useT, type MessageKey } from "~/i18n";
import { checkAgainstDatabase, saveImportPreview } from "~/models/user-imports.server";
import { readRosterWorkbook } from "~/services/roster-workbook.server";

export const meta: MetaFunction = () => [{ title: "批量导入用户 · 百城学堂" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireReach(request, context, "users.manage");
  return json({});
}

type UploadResult = { error: MessageKey; params?: Record<string, string | number>; fileName: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = requireReach(request, context, "users.manage");
  const fail = (error: MessageKey, params?: Record<string, string | number>, fileName = "", status = 400) =>
    json<UploadResult>({ error, params, fileName }, { status });

  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(
      request,
      unstable_createMemoryUploadHandler({ maxPartSize: importLimits.maxBytes, filter: ({ name }) => name === "file" }),
    );
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) return fail("import.file.tooLarge", { maxMb: importLimits.maxBytes / 1_000_000 }, "", 413);
    // Not multipart at all, or a multipart body no browser sends: the form was not sent from this page.
    return fail("import.file.missing");
  }
  assertCleanForm(form);
  fieldsOf(form, userImportForm);
  const file = filesOf(form, "file")[0];
  if (!file) return fail("import.file.missing");
  const fileName = file.name.slice(0, 200) || "import";

  // What the file is comes from its bytes: an .xlsx is a zip, an old .xls an OLE file, anything else must be CSV text.
  const bytes = new Uint8Array(await file.arrayBuffer());
  const kind = sniffRoster(bytes);
  if (kind === "xls") return fail("import.file.xls", undefined, fileName);
  let checked: ImportFileResult;
  if (kind === "xlsx") {
    const workbook = await readRosterWorkbook(bytes);
    if (!workbook.ok) return fail(workbook.problem.key, workbook.problem.params, fileName);
    checked = checkImportRecords(workbook.records);
  } else {
    const decoded = decodeCsvBytes(bytes);
    if (!decoded.ok) return fail(decoded.problem.key, decoded.problem.params, fileName);
    checked = checkImportFile(decoded.text);
  }
  if (!checked.ok) return fail(checked.problem.key, checked.problem.params, fileName);

  const { verdicts, reachRefusals } = await checkAgainstDatabase(db(), checked.verdicts, actorOf(admin));
  const id = await saveImportPreview(db(), { createdBy: admin.id, fileName, verdicts });
  if (reachRefusals) await auditRefusal(context, { attempted: "users.import", targetType: "user_import", targetId: id, details: { rows: reachRefusals } });
  return redirect(`/admin/users/import/${id}`);
}

const columnHelp: Record<ImportColumn, { meaning: MessageKey; example: MessageKey }> = {
  name: { meaning: "import.format.name", example: "import.example.name" },
  phone: { meaning: "import.format.phone", example: "import.example.phone" },
  email: { meaning: "import.format.email", example: "import.example.email" },
  roles: { meaning: "import.format.roles", example: "import.example.roles" },
  org: { meaning: "import.format.org", example: "import.example.org" },
  track: { meaning: "import.format.track", example: "import.example.track" },
};

export default function ImportUpload() {
  const t = useT();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <p>
        <Link to="/admin/users">← {t("import.backToUsers")}</Link>
      </p>
      <h1>{t("import.title")}</h1>
      <p className="lead">{t("import.lead")}</p>
      <section className="card narrow" aria-labelledby="upload-title">
        <h2 id="upload-title" className="card-title">
          {t("import.upload")}
        </h2>
        <Form method="post" encType="multipart/form-data" noValidate>
          <Field
            label={t("import.file.label")}
            name="file"
            type="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            required
            hint={t("import.file.hint")}
            error={result ? [result.fileName ? t("import.preview.file", { file: result.fileName }) : "", t(result.error, result.params)].join(" ").trim() : undefined}
          />
          <button type="submit" className="button wide" disabled={busy} aria-busy={busy}>
            {busy ? t("import.uploading") : t("import.upload")}
          </button>
        </Form>
        <p>
          <a href="/admin/users/import/template.xlsx" download>
            {t("import.template.xlsx")}
          </a>
          {" · "}
          <a href="/admin/users/import/template.csv" download>
            {t("import.template")}
          </a>
        </p>
      </section>
      <section aria-labelledby="format-title">
        <h2 id="format-title">{t("import.format.title")}</h2>
        <p className="muted">{t("import.format.intro", { maxRows: importLimits.maxRows, maxMb: importLimits.maxBytes / 1_000_000 })}</p>
        <DataTable
          rows={importColumns}
          rowKey={(c) => c}
          columns={[
            {
              label: t("import.format.column"),
              cellStyle: { whiteSpace: "nowrap" },
              cell: (c) => (
                <>
                  <strong>{columnHeaders[c][0]}</strong> <span className="muted">/ {columnHeaders[c].find((w) => /^[a-z]/.test(w))}</span>
                </>
              ),
            },
            { label: t("import.format.meaning"), cell: (c) => t(columnHelp[c].meaning) },
            { label: t("import.format.example"), cell: (c) => t(columnHelp[c].example) },
          ]}
        />
      </section>
    </>
  );
}
