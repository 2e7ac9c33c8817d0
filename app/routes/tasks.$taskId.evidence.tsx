import {
  MaxPartSizeExceededError,
  json,
  redirect,
  unstable_createMemoryUploadHandler,
  unstable_parseMultipartFormData,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type UploadHandler,
} from "@remix-run/node";
import { db } from "~/db.server";
import { evidenceForm } from "~/form-schemas.server";
import { assertCleanForm, filesOf, tryFieldsOf } from "~/forms.server";
import { logger } from "~/logger.server";
import { isEditable } from "~/domain/submission-lifecycle";
import { requirePermission } from "~/guards.server";
import type { MessageKey } from "~/i18n";
import { findSubmission } from "~/models/submissions.server";
import {
  evidenceLimits,
  evidenceProcessingLimits,
  isClientKey,
  isEvidenceKind,
  removeEvidence,
  storeEvidence,
  type EvidenceFileView,
  type EvidenceProblem,
} from "~/services/evidence.server";

// Upload and delete the evidence files of the signed-in trainee's own submission for a task.
// Only ever the caller's own submission: there is no submission id in the request to tamper with.

type Params = Record<string, string | number>;
export interface RejectedFile {
  name: string;
  error: MessageKey;
  params?: Params;
}
export interface EvidenceActionResult {
  ok: boolean;
  intent: "upload" | "delete";
  files?: EvidenceFileView[];
  rejected?: RejectedFile[];
  deletedId?: string;
  error?: MessageKey;
  params?: Params;
}

const maxMb = evidenceLimits.maxFileBytes / (1024 * 1024);
const totalMb = evidenceLimits.maxTotalBytes / (1024 * 1024);

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  requirePermission(request, context, "learn");
  // Nothing to show here: the uploader lives on the task page.
  return redirect(`/tasks/${encodeURIComponent(params.taskId ?? "")}`);
}

class FileTooLargeError extends Error {
  constructor(readonly fileName: string) {
    super(`upload part "${fileName}" is too large`);
  }
}
class TooManyPartsError extends Error {}
class UnexpectedPartError extends Error {}

const textFields = new Set(["intent", "kind", "fileId", "clientKey"]);
const maxTextBytes = 200;

/**
 * Keeps the files (at most one submission's worth, each under the per-file limit) and the few
 * text fields. Every other part is refused rather than skipped: the parser would buffer a skipped part.
 */
function evidenceUploadHandler(): UploadHandler {
  const files = unstable_createMemoryUploadHandler({ maxPartSize: evidenceLimits.maxFileBytes });
  const text = unstable_createMemoryUploadHandler({ maxPartSize: maxTextBytes });
  let fileParts = 0;
  return async (part) => {
    if (part.filename !== undefined && part.name === "file") {
      fileParts += 1;
      if (fileParts > evidenceLimits.maxFilesPerSubmission) throw new TooManyPartsError();
      try {
        return await files(part);
      } catch (error) {
        if (error instanceof MaxPartSizeExceededError) throw new FileTooLargeError(part.filename);
        throw error;
      }
    }
    if (part.filename === undefined && textFields.has(part.name)) return text(part);
    throw new UnexpectedPartError(part.name);
  };
}

function problemMessage(problem: EvidenceProblem, detected?: string): { error: MessageKey; params?: Params } {
  switch (problem) {
    case "empty":
      return { error: "evidence.error.empty" };
    case "tooLarge":
      return { error: "evidence.error.tooLarge", params: { maxMb } };
    case "unsupportedType":
      return { error: detected === "heic" ? "evidence.error.heic" : "evidence.error.unsupportedType" };
    case "pdfHasScript":
      return { error: "evidence.error.pdfHasScript" };
    case "pdfEncrypted":
      return { error: "evidence.error.pdfEncrypted" };
    case "pdfUnreadable":
      return { error: "evidence.error.pdfUnreadable" };
    case "tooMuchData":
      return { error: "evidence.error.tooMuchData", params: { maxMb: evidenceProcessingLimits().maxDecodedMb } };
    case "tooComplex":
      return { error: "evidence.error.tooComplex" };
    case "processingTimeout":
      return { error: "evidence.error.processingTimeout", params: { seconds: evidenceProcessingLimits().timeoutSeconds } };
    case "busy":
      return { error: "evidence.error.busy" };
    case "imageTooLarge":
      return { error: "evidence.error.imageTooLarge", params: { megapixels: evidenceProcessingLimits().maxMegapixels } };
    case "photoNotImage":
      return { error: "evidence.error.photoNotImage" };
    case "tooManyFiles":
      return { error: "evidence.error.tooManyFiles", params: { max: evidenceLimits.maxFilesPerSubmission } };
    case "totalTooLarge":
      return { error: "evidence.error.totalTooLarge", params: { maxMb: totalMb } };
    case "unreadableImage":
      return { error: "evidence.error.unreadableImage" };
    case "quotaExceeded":
      return { error: "evidence.error.quotaExceeded", params: { quotaMb: evidenceLimits.maxStoredBytesPerTrainee / (1024 * 1024), days: evidenceProcessingLimits().purgeAfterDays } };
    case "notEditable":
      return { error: "evidence.error.notEditable" };
    case "notFound":
      return { error: "evidence.error.noSubmission" };
  }
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const me = requirePermission(request, context, "learn");
  const reply = (body: Omit<EvidenceActionResult, "intent"> & { intent?: EvidenceActionResult["intent"] }, status = 200) =>
    json<EvidenceActionResult>({ intent: "upload", ...body }, { status });

  const submission = params.taskId ? await findSubmission(db(), me.id, params.taskId) : undefined;
  if (!submission || submission.type === "quiz") return reply({ ok: false, error: "evidence.error.noSubmission" }, 404);
  if (!isEditable(submission.status)) return reply({ ok: false, error: "evidence.error.notEditable" }, 409);

  // Refused before reading a byte: more than a submission's worth of files cannot be meant.
  const declared = Number(request.headers.get("Content-Length") ?? 0);
  if (declared > evidenceLimits.maxFilesPerSubmission * evidenceLimits.maxFileBytes + 1024 * 1024) {
    return reply({ ok: false, error: "evidence.error.totalTooLarge", params: { maxMb: totalMb } }, 413);
  }

  let form: FormData;
  try {
    form = await unstable_parseMultipartFormData(request, evidenceUploadHandler());
  } catch (error) {
    if (error instanceof FileTooLargeError) {
      const tooLarge = { error: "evidence.error.tooLarge" as const, params: { maxMb } };
      return reply({ ok: false, ...tooLarge, rejected: [{ name: error.fileName, ...tooLarge }] }, 413);
    }
    if (error instanceof TooManyPartsError) {
      return reply({ ok: false, error: "evidence.error.tooManyFiles", params: { max: evidenceLimits.maxFilesPerSubmission } }, 413);
    }
    // Not multipart, a stray field, or a header the parser cannot read (e.g. ";" in a file name).
    // Anything else the parser cannot read came from no page of ours: a 400, never a 500.
    if (!(error instanceof TypeError || error instanceof UnexpectedPartError || (error instanceof Error && /malformed/.test(error.message)))) {
      logger.warn({ err: error }, "evidence upload body could not be parsed");
    }
    return reply({ ok: false, error: "evidence.error.badRequest" }, 400);
  }

  assertCleanForm(form);
  // The text parts: a form no page of ours sends is answered like an unreadable body.
  const input = tryFieldsOf(form, evidenceForm);
  if (!input) return reply({ ok: false, error: "evidence.error.badRequest" }, 400);
  if (input.intent === "delete") {
    const { fileId } = input;
    const removed = /^[0-9a-f-]{36}$/i.test(fileId)
      ? await removeEvidence(db(), { submissionId: submission.id, fileId, ownerId: me.id })
      : ({ ok: false, problem: "notFound" } as const);
    if (removed.ok) return reply({ ok: true, intent: "delete", deletedId: fileId });
    return removed.problem === "notEditable"
      ? reply({ ok: false, intent: "delete", error: "evidence.error.notEditable" }, 409)
      : reply({ ok: false, intent: "delete", error: "evidence.error.fileNotFound" }, 404);
  }

  const { kind, clientKey } = input;
  if (!isEvidenceKind(kind)) return reply({ ok: false, error: "evidence.error.kind" }, 400);
  // A queued upload from the device carries one file and its key; a repeat is answered with the stored file.
  if (clientKey !== "" && !isClientKey(clientKey)) return reply({ ok: false, error: "evidence.error.badRequest" }, 400);
  // An <input type="file"> with nothing chosen still sends one nameless, empty part.
  const chosen = filesOf(form, "file");
  if (chosen.length === 0) return reply({ ok: false, error: "evidence.error.noFile" }, 400);
  if (clientKey && chosen.length > 1) return reply({ ok: false, error: "evidence.error.badRequest" }, 400);

  const files: EvidenceFileView[] = [];
  const rejected: RejectedFile[] = [];
  let lastProblem: EvidenceProblem | null = null;
  for (const file of chosen) {
    const result = await storeEvidence(db(), {
      submissionId: submission.id,
      ownerId: me.id,
      kind,
      fileName: file.name,
      bytes: new Uint8Array(await file.arrayBuffer()),
      clientKey: clientKey || null,
    });
    if (result.ok) files.push(result.file);
    else {
      rejected.push({ name: file.name.slice(0, 100), ...problemMessage(result.problem, result.detected) });
      lastProblem = result.problem;
    }
  }
  if (files.length > 0) return reply({ ok: rejected.length === 0, files, rejected });
  // Nothing stored: answer with the reason, and 409 when the submission stopped being editable meanwhile.
  const status = lastProblem === "notEditable" ? 409 : lastProblem === "tooLarge" ? 413 : lastProblem === "busy" ? 503 : 400;
  return reply({ ok: false, files, rejected, error: rejected[0]!.error, params: rejected[0]!.params }, status);
}
