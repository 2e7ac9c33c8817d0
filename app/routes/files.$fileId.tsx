import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { notFound, refuseOutsideReach, requireUser } from "~/guards.server";
import { logger } from "~/logger.server";
import { findEvidenceFile } from "~/models/evidence.server";
import { isPublicShowcasePhoto } from "~/models/showcase.server";
import { isCalibrationEvidenceFor } from "~/models/calibration.server";
import { evidenceAccess } from "~/domain/reach";
import { submissionParties } from "~/models/submissions.server";
import { storage } from "~/services/storage.server";
import { contentDisposition } from "~/utils/content-disposition";

// An evidence file (or its thumbnail), only for the owner, the mentors assigned to the submission
// and admins of the trainee's region — and, for anyone, a photo of approved showcase work whose
// trainee consented to showing the faces in it; and, for mentors, the evidence of calibration samples of their track. Everyone else signed in gets the same 404 as for a file that
// does not exist (evidence often shows minors).

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const fileId = params.fileId ?? "";
  const wellFormed = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fileId);
  // The one public case: a photo of approved showcase work whose trainee consented to showing faces.
  const showcased = wellFormed && (await isPublicShowcasePhoto(db(), fileId));
  // Everyone else signs in first (a visitor goes to the login page, as before).
  const viewer = showcased ? null : requireUser(request, context);
  if (!wellFormed) throw notFound();
  const file = await findEvidenceFile(db(), fileId);
  if (!file) throw notFound();
  if (viewer) {
    // A calibration sample of the mentor's track: its photos and sign-in sheet are part of what is graded.
    // Mentors only: an admin's view of evidence stays inside their reach.
    const sample = viewer.roles.includes("mentor") && (await isCalibrationEvidenceFor(db(), file.id, viewer.id));
    if (!sample) {
      const parties = await submissionParties(db(), file.submission_id, viewer.id);
      if (!parties) throw notFound();
      const access = evidenceAccess(viewer, parties);
      if (access === "outsideReach") await refuseOutsideReach(context, { attempted: "evidence.download", targetType: "submission", targetId: file.submission_id });
      if (access !== "allowed") throw notFound();
    }
  }

  const url = new URL(request.url);
  const thumbnail = url.searchParams.get("thumb") === "1";
  const key = thumbnail ? file.thumbnail_key : file.storage_key;
  if (!key) throw notFound();
  // Files never change under their id: the hash of the stored bytes is a strong validator.
  const etag = `"${file.sha256}${thumbnail ? "-t" : ""}"`;
  if (request.headers.get("If-None-Match") === etag) {
    return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": "private, max-age=300" } });
  }
  const bytes = await storage().get(key);
  if (!bytes) {
    logger.error({ fileId, key, submissionId: file.submission_id }, "evidence file missing from storage");
    throw new Response("文件暂时无法读取，请稍后再试。", { status: 500 });
  }

  const contentType = thumbnail ? "image/webp" : file.mime_type;
  const name = thumbnail ? file.original_name.replace(/\.[^.]+$/, "") + "-thumbnail.webp" : file.original_name;
  const headers = new Headers({
    "Content-Type": contentType,
    "Content-Length": String(bytes.byteLength),
    "Content-Disposition": contentDisposition(url.searchParams.get("download") === "1" ? "attachment" : "inline", name),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=300",
    "Cross-Origin-Resource-Policy": "same-origin",
  });
  headers.set("ETag", etag);
  // A PDF opened in the browser runs with no scripts, forms or plugins of its own.
  if (contentType === "application/pdf") headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  return new Response(bytes, { status: 200, headers });
}
