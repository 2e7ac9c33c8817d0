import { randomBytes } from "node:crypto";
import { UnrecoverableError, type Job } from "bullmq";
import type { Kysely } from "kysely";
import { z } from "zod";
import { catalog } from "../../app/catalog/catalog.server";
import { regionTarget, yearWindow } from "../../app/domain/outcomes";
import { depthOf, inReach, reachOf } from "../../app/domain/reach";
import { placedPerson } from "../../app/models/placement.server";
import { csvLine, spreadsheetSafe } from "../../app/domain/user-import";
import { translate, type MessageKey } from "../../app/i18n";
import { countTrainees, getExport, traineeReportPage, updateExport } from "../../app/models/exports.server";
import { indicatorFigure, regionTargets } from "../../app/models/outcomes.server";
import { markCompleted } from "../../app/models/outbox.server";
import { storage } from "../../app/services/storage.server";
import type { Database } from "../../db/schema";

const payload = z.object({ exportId: z.uuid() });
const batch = 1000;

export function exportJobId(exportId: string) {
  return `export-${exportId}`;
}

/** "BC-2026-000123 普及级（已颁发）; …": the certificate column in the programme's language. */
export function certificateCell(certificates: Array<{ number: string; tier: string; status: string }>): string {
  const zh = (key: string, params?: Record<string, string>) => translate("zh-CN", key as MessageKey, params);
  return certificates
    .map((c) => zh("exports.certificate", { number: c.number, tier: zh(`grading.tier.${c.tier}`), status: zh(`exports.certificate.${c.status}`) }))
    .join("; ");
}

/** Builds the CSV of one export in batches, recording progress; a finished export is left alone. */
export async function buildExport(db: Kysely<Database>, exportId: string): Promise<void> {
  const job = await getExport(db, exportId);
  if (!job) throw new UnrecoverableError(`export ${exportId} not found`);
  if (job.status === "done") return;
  const params = job.params as { regionPath: string; track?: string; year?: number; regions?: Array<{ id?: string; name: string; path: string }> };
  // The reach rule holds in jobs too: the admin who asked must still reach the region when it runs.
  const creator = await placedPerson(db, job.created_by);
  const reach = creator?.roles.includes("admin") ? reachOf(creator) : null;
  const regionsInReach = [params.regionPath, ...(params.regions ?? []).map((r) => r.path)].every((path) => inReach(reach, path));
  if (!regionsInReach) {
    await updateExport(db, exportId, { status: "failed", error: "导出的地区已不在申请人的管理范围内。" });
    throw new UnrecoverableError(`export ${exportId}: region outside its creator's reach`);
  }
  // UTF-8 with a BOM: Excel and WPS then read the Chinese correctly.
  const parts: string[] = ["\uFEFF"];
  try {
    if (job.kind === "trainees") {
      const total = await countTrainees(db, params);
      await updateExport(db, exportId, { status: "running", rows_total: total, rowsDone: 0 });
      parts.push(csvLine(["姓名", "手机号", "邮箱", "单位", "条线", "状态", "已读模块", "通过任务", "平均分", "通过的实践任务", "服务人数", "证书"]));
      let after: string | null = null;
      let done = 0;
      for (;;) {
        const rows = await traineeReportPage(db, params, after, batch);
        if (rows.length === 0) break;
        for (const r of rows) {
          parts.push(
            csvLine(
              [r.name, r.phone ?? "", r.email ?? "", r.org, r.track === "campus" ? "校园行" : r.track === "community" ? "社区行" : "", r.status === "active" ? "正常" : "已停用", String(r.modules_read), String(r.tasks_passed), r.mean_score === null ? "" : String(r.mean_score), String(r.field_work), String(r.people), certificateCell(r.certificates)].map(spreadsheetSafe),
            ),
          );
        }
        done += rows.length;
        after = rows[rows.length - 1]!.id;
        await updateExport(db, exportId, { rowsDone: done });
      }
    } else {
      const { program } = catalog();
      const track = params.track === "community" ? "community" : "campus";
      const year = params.year ?? 1;
      const indicators = program.tracks.find((t) => t.id === track)!.indicators.filter((i) => i.year === year);
      const regions = params.regions ?? [];
      await updateExport(db, exportId, { status: "running", rows_total: regions.length, rowsDone: 0 });
      parts.push(csvLine(["地区", ...indicators.flatMap((i) => [i.title.zh, `${i.title.zh}目标`])]));
      const window = yearWindow(program.programStart, year);
      let done = 0;
      for (const region of regions) {
        const figures = await Promise.all(indicators.map((i) => indicatorFigure(db, i, { track, regionPath: region.path, window })));
        // Exports made before regions carried their id have no own targets to look up.
        const own = region.id ? await regionTargets(db, region.id) : new Map<string, number>();
        const targets = indicators.map((i) => regionTarget(own.get(i.id), i.target, depthOf(region.path) === 1));
        parts.push(csvLine([region.name, ...indicators.flatMap((i, k) => [String(figures[k]), targets[k] === null ? translate("zh-CN", "outcomes.target.unset") : String(targets[k])])].map(spreadsheetSafe)));
        done += 1;
        await updateExport(db, exportId, { rowsDone: done });
      }
    }
    const now = new Date();
    const key = `exports/${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${randomBytes(16).toString("hex")}.csv`;
    await storage().put(key, new TextEncoder().encode(parts.join("")), "text/csv; charset=utf-8");
    await updateExport(db, exportId, { status: "done", file_key: key });
  } catch (error) {
    await updateExport(db, exportId, { status: "failed", error: (error as Error).message.slice(0, 500) });
    throw error;
  }
}

export function exportsProcessor(db: Kysely<Database>) {
  return async (job: Job) => {
    const data = payload.safeParse(job.data);
    if (!data.success) throw new UnrecoverableError("bad export job");
    await buildExport(db, data.data.exportId);
    await markCompleted(db, exportJobId(data.data.exportId));
  };
}
