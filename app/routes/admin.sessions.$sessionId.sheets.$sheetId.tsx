import type { LoaderFunctionArgs } from "@remix-run/node";
import { db } from "~/db.server";
import { can } from "~/domain/roles";
import { notFound, requireReach, requireUser } from "~/guards.server";
import { logger } from "~/logger.server";
import { findSheet } from "~/models/session-sheets.server";
import { sessionInReach } from "~/services/session-access.server";
import { storage } from "~/services/storage.server";
import { contentDisposition } from "~/utils/content-disposition";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A paper sign-in sheet (or its thumbnail), only for staff whose reach covers the session: trainees
// and mentors get the same 404 as for a sheet that does not exist, staff of another region too (and
// that is audited). Sheets carry names and signatures of the people in the room.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  if (!can(requireUser(request, context).roles, "users.manage")) throw notFound("未找到该签到表。");
  const me = requireReach(request, context, "users.manage");
  const session = await sessionInReach(me, context, params.sessionId, "session.sheet.download");
  const sheetId = params.sheetId ?? "";
  const sheet = uuidPattern.test(sheetId) ? await findSheet(db(), session.id, sheetId) : undefined;
  if (!sheet) throw notFound("未找到该签到表。");
  const url = new URL(request.url);
  const thumbnail = url.searchParams.get("thumb") === "1";
  const key = thumbnail ? sheet.thumbnail_key : sheet.storage_key;
  if (!key) throw notFound("未找到该签到表。");
  const etag = `"${sheet.sha256}${thumbnail ? "-t" : ""}"`;
  if (request.headers.get("If-None-Match") === etag) return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": "private, max-age=300" } });
  const bytes = await storage().get(key);
  if (!bytes) {
    logger.error({ sheetId, key, sessionId: session.id }, "sign-in sheet missing from storage");
    throw new Response("文件暂时无法读取，请稍后再试。", { status: 500 });
  }
  const contentType = thumbnail ? "image/webp" : sheet.mime_type;
  const name = thumbnail ? sheet.original_name.replace(/\.[^.]+$/, "") + "-thumbnail.webp" : sheet.original_name;
  const headers = new Headers({
    "Content-Type": contentType,
    "Content-Length": String(bytes.byteLength),
    "Content-Disposition": contentDisposition(url.searchParams.get("download") === "1" ? "attachment" : "inline", name, "sign-in-sheet"),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, max-age=300",
    "Cross-Origin-Resource-Policy": "same-origin",
    ETag: etag,
  });
  // A PDF opened in the browser runs with no scripts, forms or plugins of its own.
  if (contentType === "application/pdf") headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  return new Response(bytes, { status: 200, headers });
}
