import { deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { handoutStateOf, needsNewLink } from "~/domain/onboarding";
import { sniffRoster, workbookProblem, zipDirectory } from "~/domain/roster-file";
import { checkImportRecords, isImportable } from "~/domain/user-import";
import { cellText, readRosterWorkbook } from "~/services/roster-reading";

async function workbookBytes(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A roster the way coordinators keep it: Chinese headers, phones typed as numbers, blank rows, a formula and rich text. */
const roster = (wb: ExcelJS.Workbook) => {
  wb.addWorksheet("说明").state = "hidden";
  const sheet = wb.addWorksheet("学员名单");
  sheet.addRow(["姓名", "手机号", "角色", "单位", "条线"]);
  sheet.addRow(["张三", 13800138001, "学员", "山西省/运城市", "校园行"]);
  sheet.addRow([]);
  sheet.addRow([{ richText: [{ text: "李" }, { text: "四", font: { bold: true } }] }, { formula: "13800138000+2", result: 13800138002 }, "导师", "山西省/运城市"]);
  sheet.addRow(["", "", "", "", ""]);
  sheet.addRow(["王五", "138 0013 8003", "学员", "山西省", null]);
};

describe("reading a roster workbook", () => {
  it("reads the first visible sheet: numbers stay digits, formulas give their result, rich text its plain text, row numbers as Excel shows them", async () => {
    const result = await readRosterWorkbook(await workbookBytes(roster));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.sheetName).toBe("学员名单");
    expect(result.records.map((r) => [r.row, r.fields])).toEqual([
      [1, ["姓名", "手机号", "角色", "单位", "条线"]],
      [2, ["张三", "13800138001", "学员", "山西省/运城市", "校园行"]],
      [4, ["李四", "13800138002", "导师", "山西省/运城市", ""]],
      [5, ["", "", "", "", ""]],
      [6, ["王五", "138 0013 8003", "学员", "山西省", ""]],
    ]);
    const checked = checkImportRecords(result.records);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.verdicts.map((v) => [v.row, v.candidate?.name, v.candidate?.phone, isImportable(v)])).toEqual([
      [2, "张三", "13800138001", true],
      [4, "李四", "13800138002", true],
      [6, "王五", "13800138003", true],
    ]);
  });

  it("names the missing column of a workbook the same way as for CSV", async () => {
    const result = await readRosterWorkbook(await workbookBytes((wb) => wb.addWorksheet("名单").addRows([["姓名", "手机号"], ["张三", 13800138001]])));
    expect(result.ok && checkImportRecords(result.records)).toMatchObject({ ok: false, problem: { key: "import.file.missingColumns", params: { columns: "角色、单位" } } });
  });

  it("refuses a zip that is not a workbook, a damaged workbook, an old .xls and an empty workbook, each with its own message", async () => {
    const good = await workbookBytes(roster);
    expect(sniffRoster(good)).toBe("xlsx");
    expect(sniffRoster(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]))).toBe("xls");
    expect(sniffRoster(new TextEncoder().encode("姓名,手机号\n"))).toBe("text");

    // A zip with other contents (a Word file looks like this): its directory has no xl/workbook.xml.
    const renamed = new TextDecoder("latin1").decode(good).replaceAll("xl/workbook.xml", "xl/notebook.xml");
    const notWorkbook = Uint8Array.from(renamed, (c) => c.charCodeAt(0));
    expect(await readRosterWorkbook(notWorkbook)).toEqual({ ok: false, problem: { key: "import.file.notWorkbook" } });

    const truncated = good.subarray(0, Math.floor(good.length / 2));
    expect(await readRosterWorkbook(truncated)).toEqual({ ok: false, problem: { key: "import.file.notWorkbook" } });

    const damaged = Uint8Array.from(good);
    damaged.fill(0x41, 200, 1200); // the first entry's compressed data
    expect(await readRosterWorkbook(damaged)).toMatchObject({ ok: false, problem: { key: "import.file.workbookUnreadable" } });

    const empty = await workbookBytes((wb) => wb.addWorksheet("空"));
    expect(await readRosterWorkbook(empty)).toEqual({ ok: false, problem: { key: "import.file.empty" } });
  });

  it("refuses a workbook whose directory says it unpacks to more than a roster ever does", async () => {
    const entries = zipDirectory(await workbookBytes(roster))!;
    expect(entries.map((e) => e.name)).toContain("xl/workbook.xml");
    expect(workbookProblem(entries)).toBeNull();
    expect(workbookProblem([...entries, { name: "xl/sharedStrings.xml", method: 8, compressedSize: 60_000, uncompressedSize: 900_000_000, localOffset: 0 }])).toBe("tooBig");
  });

  it("refuses a zip bomb that lies about its sizes, without unpacking more than the budget", async () => {
    // 80 MB of one letter deflates to ~80 kB; the directory claims 100 bytes.
    const bomb = zipOf([
      { name: "[Content_Types].xml", data: Buffer.from("<Types/>") },
      { name: "xl/workbook.xml", data: Buffer.alloc(80 * 1024 * 1024, 0x41), claimedSize: 100 },
    ]);
    expect(workbookProblem(zipDirectory(bomb))).toBeNull();
    const started = Date.now();
    expect(await readRosterWorkbook(bomb)).toEqual({ ok: false, problem: { key: "import.file.workbookTooBig" } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("turns every kind of cell into the text a person sees", () => {
    expect(cellText(13800138001)).toBe("13800138001");
    expect(cellText(2.5)).toBe("2.5");
    expect(cellText(null)).toBe("");
    expect(cellText({ formula: "A1", result: "山西省" } as ExcelJS.CellFormulaValue)).toBe("山西省");
    expect(cellText({ formula: "1/0", result: { error: "#DIV/0!" } } as ExcelJS.CellFormulaValue)).toBe("");
    expect(cellText({ text: "张三", hyperlink: "mailto:a@b.cn" })).toBe("张三");
    expect(cellText(new Date("2026-11-30T00:00:00Z"))).toBe("2026-11-30");
  });
});

describe("handout link states", () => {
  const now = new Date("2026-11-30T12:00:00Z");
  const link = (hoursLeft: number, used = false) => ({ expiresAt: new Date(now.getTime() + hoursLeft * 3600_000), usedAt: used ? now : null, readable: !used });
  it("expires an unused link after its 72 hours; a password means no new link", () => {
    expect(handoutStateOf({ hasPassword: false, active: true, link: link(1) }, now)).toBe("active");
    expect(handoutStateOf({ hasPassword: false, active: true, link: link(0) }, now)).toBe("expired");
    expect(handoutStateOf({ hasPassword: false, active: true, link: null }, now)).toBe("none");
    expect(handoutStateOf({ hasPassword: false, active: true, link: link(5, true) }, now)).toBe("none");
    expect(handoutStateOf({ hasPassword: true, active: true, link: link(-5) }, now)).toBe("signedUp");
    expect(handoutStateOf({ hasPassword: false, active: false, link: null }, now)).toBe("inactive");
    expect((["active", "expired", "none", "signedUp", "inactive"] as const).filter(needsNewLink)).toEqual(["expired", "none"]);
  });
});

/** A zip written by hand (deflated entries), so a test can make one lie about its sizes. */
function zipOf(files: Array<{ name: string; data: Buffer; claimedSize?: number }>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const packed = deflateRawSync(f.data);
    const size = f.claimedSize ?? f.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}
