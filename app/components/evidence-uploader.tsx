import { useFetcher } from "@remix-run/react";
import { useEffect, useId, useRef, useState, type CSSProperties, type FormEvent } from "react";
import type { EvidenceKind } from "../../db/schema";
import { FormMessage } from "~/components/form";
import { acceptedEvidenceTypes, evidenceLimits } from "~/domain/file-sniffing";
import { useT, type MessageKey } from "~/i18n";
import type { UploadQueue } from "~/offline/hooks";
import type { EvidenceActionResult, RejectedFile } from "~/routes/tasks.$taskId.evidence";
import type { EvidenceFileView } from "~/services/evidence.server";

const MiB = 1024 * 1024;
const limitParams = {
  maxMb: evidenceLimits.maxFileBytes / MiB,
  maxFiles: evidenceLimits.maxFilesPerSubmission,
  totalMb: evidenceLimits.maxTotalBytes / MiB,
};

const styles = {
  list: { listStyle: "none", padding: 0, margin: ".5rem 0 0", display: "grid", gap: ".5rem" },
  item: { display: "flex", gap: ".75rem", alignItems: "center", flexWrap: "wrap", padding: ".5rem", border: "1px solid var(--c-border)", borderRadius: "var(--radius)", background: "var(--c-surface)" },
  thumbLink: { flex: "none", display: "block", width: 74, height: 74, borderRadius: 6, overflow: "hidden", background: "#eef3f1", border: "1px solid var(--c-border)" },
  thumb: { width: 72, height: 72, objectFit: "cover", display: "block" },
  pdfBox: { width: 72, height: 72, display: "grid", placeItems: "center", fontWeight: 700, color: "var(--c-primary-dark)" },
  details: { flex: "1 1 10rem", minWidth: 0 },
  name: { display: "block", overflowWrap: "anywhere" },
  actions: { display: "flex", gap: ".5rem", alignItems: "center", flexWrap: "wrap" },
  problems: { margin: ".25rem 0 0", paddingLeft: "1.25rem" },
} satisfies Record<string, CSSProperties>;

function formatSize(bytes: number, t: ReturnType<typeof useT>): string {
  if (bytes < MiB) return t("evidence.size.kb", { size: Math.max(1, Math.round(bytes / 1024)) });
  return t("evidence.size.mb", { size: (bytes / MiB).toFixed(1) });
}

/**
 * The evidence of the signed-in trainee's submission for one task: choose a kind and files, upload,
 * see thumbnails, open, download and (while editable) delete. Placed inside the task page's section.
 */
export function EvidenceUploader({
  taskId,
  files,
  editable,
  kinds = ["photo", "sign_in_sheet", "document"],
  online = true,
  queue,
}: {
  taskId: string;
  files: EvidenceFileView[];
  editable: boolean;
  kinds?: EvidenceKind[];
  /** Offline, chosen files are queued on the device and uploaded when the connection returns (decision 025). */
  online?: boolean;
  queue?: UploadQueue;
}) {
  const t = useT();
  const id = useId();
  const action = `/tasks/${encodeURIComponent(taskId)}/evidence`;
  const upload = useFetcher<EvidenceActionResult>({ key: `evidence-upload-${taskId}` });
  const fileInputRef = useRef<HTMLInputElement>(null);
  const countRef = useRef<HTMLParagraphElement>(null);
  const [sending, setSending] = useState(0);
  // Files refused before sending (too large, empty): no need to push 60 MB over a phone network first.
  const [refusedHere, setRefusedHere] = useState<RejectedFile[]>([]);
  const [formError, setFormError] = useState<MessageKey | null>(null);
  // The server's last answer stays on screen until the next try that refuses every file on the spot.
  const [serverAnswerShown, setServerAnswerShown] = useState(true);
  const [queuedHere, setQueuedHere] = useState(0);
  const busy = upload.state !== "idle";
  const result = busy || !serverAnswerShown ? undefined : upload.data;

  // After an upload, clear the chosen files but keep the kind: the next files are often of the same kind.
  useEffect(() => {
    if (upload.state === "idle" && upload.data?.files?.length && fileInputRef.current) fileInputRef.current.value = "";
  }, [upload.state, upload.data]);

  // A deleted file's button disappears with it; move focus to the count instead of losing it.
  const shownIds = useRef(files.map((f) => f.id));
  useEffect(() => {
    const ids = files.map((f) => f.id);
    const removed = shownIds.current.some((fileId) => !ids.includes(fileId));
    shownIds.current = ids;
    if (removed && (!document.activeElement || document.activeElement === document.body)) countRef.current?.focus();
  }, [files]);

  function send(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const chosen = data.getAll("file").filter((f): f is File => typeof f !== "string" && !(f.size === 0 && f.name === ""));
    const refused: RejectedFile[] = [];
    const accepted = chosen.filter((file) => {
      if (file.size === 0) refused.push({ name: file.name, error: "evidence.error.empty" });
      else if (file.size > evidenceLimits.maxFileBytes) refused.push({ name: file.name, error: "evidence.error.tooLarge", params: { maxMb: limitParams.maxMb } });
      else return true;
      return false;
    });
    setRefusedHere(refused);
    setFormError(null);
    setServerAnswerShown(accepted.length > 0);
    if (chosen.length === 0) return setFormError("evidence.error.noFile");
    if (accepted.length === 0) return;
    setQueuedHere(0);
    if (!navigator.onLine && queue) {
      // No connection: the files wait on the device, each with its own key, and upload once.
      const kind = (data.get("kind") as EvidenceKind | null) ?? kinds[0]!;
      setServerAnswerShown(false);
      void queue.add(accepted, kind).then(() => {
        setQueuedHere(accepted.length);
        if (fileInputRef.current) fileInputRef.current.value = "";
      });
      return;
    }
    data.delete("file");
    for (const file of accepted) data.append("file", file);
    setSending(accepted.length);
    upload.submit(data, { method: "post", action, encType: "multipart/form-data" });
  }

  const rejected = [...refusedHere, ...(result?.rejected ?? [])];
  const generalError = formError ?? (result && !result.ok && !result.rejected?.length ? result.error ?? "evidence.error.failed" : null);
  const fileFieldId = `${id}-file`;
  const errorId = `${id}-errors`;

  return (
    <div className="evidence-uploader">
      <p ref={countRef} tabIndex={-1} className="muted" style={{ margin: "0 0 .5rem" }}>
        {t("evidence.list.count", { count: files.length, max: evidenceLimits.maxFilesPerSubmission })}
      </p>
      {files.length === 0 ? (
        <p className="muted">{t("evidence.empty")}</p>
      ) : (
        <ul style={styles.list} aria-label={t("evidence.list.label")}>
          {files.map((file) => (
            <EvidenceItem key={file.id} file={file} action={action} editable={editable} />
          ))}
        </ul>
      )}

      {queue && queue.items.length ? <QueuedFiles queue={queue} online={online} /> : null}

      {editable ? (
        <upload.Form method="post" action={action} encType="multipart/form-data" onSubmit={send} noValidate style={{ marginTop: "1rem" }}>
          <input type="hidden" name="intent" value="upload" />
          <fieldset className="field">
            <legend>{t("evidence.kind.legend")}</legend>
            <div className="checks">
              {kinds.map((kind, i) => (
                <label key={kind} className="check">
                  <input type="radio" name="kind" value={kind} defaultChecked={i === 0} />
                  {t(`evidence.kind.${kind}`)}
                </label>
              ))}
            </div>
          </fieldset>
          <div className={`field${generalError || rejected.length ? " has-error" : ""}`}>
            <label htmlFor={fileFieldId}>{t("evidence.file.label")}</label>
            <p id={`${fileFieldId}-hint`} className="hint">
              {t("evidence.file.hint", limitParams)}
            </p>
            <input
              ref={fileInputRef}
              id={fileFieldId}
              name="file"
              type="file"
              multiple
              accept={acceptedEvidenceTypes}
              aria-describedby={`${fileFieldId}-hint${generalError || rejected.length ? ` ${errorId}` : ""}`}
              aria-invalid={generalError || rejected.length ? true : undefined}
              disabled={busy}
            />
          </div>
          <div id={errorId}>
            {generalError ? <FormMessage kind="error">{t(generalError, result?.params ?? limitParams)}</FormMessage> : null}
            {rejected.length ? (
              <FormMessage kind="error">
                {t("evidence.rejected")}
                <ul style={styles.problems}>
                  {rejected.map((r, i) => (
                    <li key={`${r.name}-${i}`}>{t("evidence.fileProblem", { name: r.name, message: t(r.error, r.params) })}</li>
                  ))}
                </ul>
              </FormMessage>
            ) : null}
          </div>
          {busy ? <progress style={{ width: "100%" }} aria-label={t("evidence.uploading", { count: sending })} /> : null}
          <button type="submit" className="button wide" disabled={busy} aria-busy={busy}>
            {busy ? t("evidence.uploading", { count: sending }) : t("evidence.upload")}
          </button>
          <p role="status" className="hint" style={{ minHeight: "1.5em" }}>
            {busy
              ? t("evidence.uploading", { count: sending })
              : queuedHere && !online
                ? t("offline.queuedHere")
                : result?.files?.length
                  ? t("evidence.uploaded", { count: result.files.length })
                  : ""}
          </p>
        </upload.Form>
      ) : (
        <p className="hint">{t("evidence.readOnly")}</p>
      )}
    </div>
  );
}

/** The files waiting on this device: how many, each with its state, and a refusal next to its file. */
function QueuedFiles({ queue, online }: { queue: UploadQueue; online: boolean }) {
  const t = useT();
  const waiting = queue.items.filter((i) => i.state === "waiting");
  const photosOnly = waiting.every((i) => i.kind === "photo");
  return (
    <section className="queued-files" aria-label={t("offline.waitingLabel")} style={{ margin: ".75rem 0" }}>
      {waiting.length ? (
        <p role="status" className="form-message info" style={{ margin: "0 0 .5rem" }}>
          <strong>{photosOnly ? t("offline.photosWaiting", { count: waiting.length }) : t("offline.filesWaiting", { count: waiting.length })}</strong>{" "}
          {online && queue.sending ? t("offline.uploadingQueued") : t("offline.willUpload")}
        </p>
      ) : null}
      <ul style={styles.list}>
        {queue.items.map((item) => (
          <li key={item.clientKey} style={styles.item} data-state={item.state}>
            <div style={styles.details}>
              <strong style={styles.name}>{item.name}</strong> <span className="badge">{t(`evidence.kind.${item.kind}`)}</span>{" "}
              <span className="muted">{formatSize(item.size, t)}</span>{" "}
              {item.state === "waiting" ? <span className="muted">· {t("offline.waitingState")}</span> : null}
              {item.state === "refused" && item.error ? (
                <p className="field-error" role="alert">
                  {t("offline.refused")}
                  {t(item.error, item.params)}
                </p>
              ) : null}
            </div>
            <button type="button" className="button secondary" onClick={() => void queue.remove(item.clientKey)} aria-label={t("offline.removeLabel", { name: item.name })}>
              {t("offline.remove")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function EvidenceItem({ file, action, editable }: { file: EvidenceFileView; action: string; editable: boolean }) {
  const t = useT();
  const remove = useFetcher<EvidenceActionResult>({ key: `evidence-delete-${file.id}` });
  const deleting = remove.state !== "idle";
  const failed = remove.state === "idle" && remove.data && !remove.data.ok ? remove.data.error ?? "evidence.error.failed" : null;
  const label = t("evidence.thumbAlt", { kind: t(`evidence.kind.${file.kind}`), name: file.name });
  const href = `/files/${file.id}`;

  return (
    <li style={{ ...styles.item, opacity: deleting ? 0.6 : 1 }}>
      <a href={href} target="_blank" rel="noopener noreferrer" style={styles.thumbLink} title={t("evidence.openLabel", { name: file.name })}>
        {file.hasThumbnail ? (
          <img src={`${href}?thumb=1`} alt={label} width={72} height={72} loading="lazy" style={styles.thumb} />
        ) : (
          <span style={styles.pdfBox}>
            <span aria-hidden="true">PDF</span>
            <span className="sr-only">{label}</span>
          </span>
        )}
      </a>
      <div style={styles.details}>
        <strong style={styles.name}>{file.name}</strong>
        <span className="badge">{t(`evidence.kind.${file.kind}`)}</span>
        <span className="muted">{formatSize(file.sizeBytes, t)}</span>
        {failed ? (
          <p className="field-error" role="alert">
            {t(failed)}
          </p>
        ) : null}
      </div>
      <div style={styles.actions}>
        <a className="button secondary" href={`${href}?download=1`} aria-label={t("evidence.downloadLabel", { name: file.name })}>
          {t("evidence.download")}
        </a>
        {editable ? (
          // A second, explicit step before a file is gone: works without JavaScript too.
          <details className="confirm-delete">
            <summary className="button danger" aria-label={t("evidence.deleteLabel", { name: file.name })}>
              {deleting ? t("evidence.deleting") : t("evidence.delete")}
            </summary>
            <remove.Form method="post" action={action} encType="multipart/form-data" className="confirm-delete-body">
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="fileId" value={file.id} />
              <span>{t("evidence.deleteConfirm.question", { name: file.name })}</span>
              <button type="submit" className="button danger" disabled={deleting} aria-busy={deleting}>
                {t("evidence.deleteConfirm.yes")}
              </button>
            </remove.Form>
          </details>
        ) : null}
      </div>
    </li>
  );
}
