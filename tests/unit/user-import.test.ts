import { describe, expect, it } from "vitest";
import {
  checkImportFile,
  createOrgPathMatcher,
  csvLine,
  decodeCsvBytes,
  importLimits,
  isImportable,
  parseCsv,
  spreadsheetSafe,
  type RowVerdict,
} from "~/domain/user-import";
import { translate } from "~/i18n";

const utf8 = (text: string) => new TextEncoder().encode(text);
const hex = (h: string) => Uint8Array.from(h.trim().split(/\s+/).map((b) => Number.parseInt(b, 16)));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe("decodeCsvBytes", () => {
  it("reads UTF-8 without a BOM", () => {
    expect(decodeCsvBytes(utf8("姓名,手机号\r\n张三,13800001111\r\n"))).toEqual({ ok: true, text: "姓名,手机号\r\n张三,13800001111\r\n", encoding: "utf-8" });
  });

  it("strips the BOM Excel writes in front of CSV UTF-8", () => {
    const result = decodeCsvBytes(concat(hex("ef bb bf"), utf8("姓名\n张三\n")));
    expect(result).toEqual({ ok: true, text: "姓名\n张三\n", encoding: "utf-8-bom" });
  });

  it("recognises GBK from a Chinese Excel's plain CSV", () => {
    // 姓名,手机号 / 张三,13800001111 / 李四 in GBK.
    const bytes = concat(hex("d0 d5 c3 fb"), utf8(",phone\r\n"), hex("d5 c5 c8 fd"), utf8(",13800001111\r\n"), hex("c0 ee cb c4"), utf8(",13800002222\r\n"));
    expect(decodeCsvBytes(bytes)).toEqual({ ok: true, text: "姓名,phone\r\n张三,13800001111\r\n李四,13800002222\r\n", encoding: "gbk" });
  });

  it("refuses binary garbage with the encoding message", () => {
    let seed = 7;
    const garbage = Uint8Array.from({ length: 512 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256);
    expect(decodeCsvBytes(garbage)).toEqual({ ok: false, problem: { key: "import.file.encoding" } });
    expect(decodeCsvBytes(hex("81 20 fe 01 02 a0 ff ff"))).toEqual({ ok: false, problem: { key: "import.file.encoding" } });
  });

  it("refuses Latin-1 text that is neither UTF-8 nor plausible GBK", () => {
    // "José,Müller" in Windows-1252.
    expect(decodeCsvBytes(concat(utf8("Jos"), hex("e9"), utf8(",M"), hex("fc"), utf8("ller\n")))).toMatchObject({ ok: false, problem: { key: "import.file.encoding" } });
  });

  it("names the real problem for a workbook, UTF-16 text, an empty and a too large file", () => {
    expect(decodeCsvBytes(concat(hex("50 4b 03 04"), utf8("xl/workbook.xml")))).toMatchObject({ ok: false, problem: { key: "import.file.workbook" } });
    expect(decodeCsvBytes(concat(hex("ff fe"), utf8("a\u0000")))).toMatchObject({ ok: false, problem: { key: "import.file.utf16" } });
    expect(decodeCsvBytes(new Uint8Array())).toMatchObject({ ok: false, problem: { key: "import.file.empty" } });
    expect(decodeCsvBytes(new Uint8Array(importLimits.maxBytes + 1).fill(0x41))).toMatchObject({ ok: false, problem: { key: "import.file.tooLarge" } });
  });
});

describe("parseCsv", () => {
  it("handles quotes, escaped quotes, commas and line breaks inside quotes, CRLF and LF", () => {
    const parsed = parseCsv('a,"b, c","say ""hi"""\r\n"two\nlines",x,\ny,,z');
    expect(parsed).toEqual({
      ok: true,
      records: [
        { row: 1, fields: ["a", "b, c", 'say "hi"'], malformed: false },
        { row: 2, fields: ["two\nlines", "x", ""], malformed: false },
        { row: 3, fields: ["y", "", "z"], malformed: false },
      ],
    });
  });

  it("does not add a record for the final line break, and keeps an empty quoted field", () => {
    expect(parseCsv('a,b\r\n""\r\n')).toEqual({
      ok: true,
      records: [
        { row: 1, fields: ["a", "b"], malformed: false },
        { row: 2, fields: [""], malformed: false },
      ],
    });
  });

  it("marks text after a closing quote as malformed but takes a quote inside a bare field literally", () => {
    const parsed = parseCsv('"ab"c,d\r\nx"y,z\r\n');
    expect(parsed.ok && parsed.records.map((r) => [r.fields, r.malformed])).toEqual([
      [["abc", "d"], true],
      [['x"y', "z"], false],
    ]);
  });

  it("refuses a quote that is never closed, naming the row where it opened", () => {
    expect(parseCsv('a,b\r\n"c,d\r\ne,f\r\n')).toEqual({ ok: false, problem: { key: "import.file.unclosedQuote", params: { row: 2 } } });
  });

  it("writes lines that it reads back identically", () => {
    const values = ['王"小"明', "a,b", "two\r\nlines", "plain"];
    const parsed = parseCsv(csvLine(values));
    expect(parsed.ok && parsed.records[0]!.fields).toEqual(values);
  });
});

describe("spreadsheetSafe", () => {
  it("defuses formulas but keeps phone numbers", () => {
    expect(spreadsheetSafe('=HYPERLINK("http://x")')).toBe(`'=HYPERLINK("http://x")`);
    expect(spreadsheetSafe("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(spreadsheetSafe("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(spreadsheetSafe("+86 138 0000 1111")).toBe("+86 138 0000 1111");
    expect(spreadsheetSafe("张三")).toBe("张三");
  });
});

const header = "姓名,手机号,邮箱,角色,单位,条线\r\n";
function verdictsOf(body: string): RowVerdict[] {
  const result = checkImportFile(header + body);
  if (!result.ok) throw new Error(`file refused: ${result.problem.key}`);
  return result.verdicts;
}
const keysOf = (v: RowVerdict) => v.reasons.map((r) => r.key);
const zh = (v: RowVerdict) => v.reasons.map((r) => translate("zh-CN", r.key, r.params));

describe("checkImportFile: row verdicts", () => {
  it("accepts a complete row, with several roles and a track, normalising contacts", () => {
    const [v] = verdictsOf("张三,+86 138-0000-1111,Zhang.San@Example.CN,学员、导师,山西省/运城市,校园行\r\n");
    expect(isImportable(v!)).toBe(true);
    expect(v).toMatchObject({
      row: 2,
      reasons: [],
      candidate: { name: "张三", phone: "13800001111", email: "zhang.san@example.cn", roles: ["trainee", "mentor"], orgPath: ["山西省", "运城市"], track: "campus" },
    });
  });

  it("accepts English role and track words, ; and | separators, and an empty track", () => {
    const [a, b] = verdictsOf("Li Lei,13800001112,,trainee;Mentor,北京市,community\r\n韩梅梅,,han@example.cn,admin|学员,北京市,\r\n");
    expect(a!.candidate).toMatchObject({ roles: ["trainee", "mentor"], track: "community" });
    expect(b!.candidate).toMatchObject({ roles: ["admin", "trainee"], track: null, phone: null });
  });

  it("gives one reason per problem, in Chinese", () => {
    const [v] = verdictsOf(`${"名".repeat(51)},12345,not-an-email,学生,,夏令营\r\n`);
    expect(isImportable(v!)).toBe(false);
    expect(keysOf(v!)).toEqual([
      "import.row.nameTooLong",
      "import.row.phoneInvalid",
      "import.row.emailInvalid",
      "import.row.roleUnknown",
      "import.row.trackUnknown",
      "import.row.orgMissing",
    ]);
    expect(zh(v!)).toContain("角色“学生”不存在，可填写：学员、导师、管理员。");
    expect(zh(v!)).toContain("手机号“12345”不是有效的 11 位中国大陆手机号。");
    expect(zh(v!)).toContain("姓名超过 50 个字符（现有 51 个）。");
  });

  it("requires a name, a contact and a role", () => {
    const [v] = verdictsOf(",,,,北京市,\r\n");
    expect(keysOf(v!)).toEqual(["import.row.nameMissing", "import.row.contactMissing", "import.row.rolesMissing"]);
  });

  it("explains a phone number Excel turned into scientific notation", () => {
    const [v] = verdictsOf("张三,1.38E+10,,学员,北京市,\r\n");
    expect(keysOf(v!)).toEqual(["import.row.phoneScientific"]);
  });

  it("rejects every row that shares a phone or an e-mail with another row, naming the rows", () => {
    const verdicts = verdictsOf(
      ["张三,13800001111,,学员,北京市,", "李四,138 0000 1111,,学员,北京市,", "王五,,w@example.cn,学员,北京市,", "赵六,,W@Example.cn,学员,北京市,", "钱七,13800009999,,学员,北京市,"].join("\r\n"),
    );
    expect(verdicts.map(isImportable)).toEqual([false, false, false, false, true]);
    expect(zh(verdicts[0]!)).toEqual(["手机号 13800001111 在文件中重复出现（第 2、3 行），这些行都未导入。"]);
    expect(verdicts[3]!.reasons).toEqual([{ key: "import.row.emailRepeated", params: { value: "w@example.cn", rows: "4、5" } }]);
  });

  it("rejects a row with the wrong number of columns or a misplaced quote", () => {
    const [a, b] = verdictsOf('张三,13800001111,,学员,北京市,,多余\r\n"李四"x,13800002222,,学员,北京市,\r\n');
    expect(a!.reasons).toEqual([{ key: "import.row.columnCount", params: { count: 7, expected: 6 } }]);
    expect(keysOf(b!)).toEqual(["import.row.quotes"]);
  });

  it("numbers rows as a spreadsheet does and skips blank lines", () => {
    const verdicts = verdictsOf("张三,13800001111,,学员,北京市,\r\n,,,,,\r\n\r\n李四,13800002222,,学员,北京市,\r\n");
    expect(verdicts.map((v) => v.row)).toEqual([2, 5]);
  });
});

describe("checkImportFile: the file as a whole", () => {
  it("accepts English headers in any order, with marks like * and (选填)", () => {
    const result = checkImportFile("Track,Org,Role,E-mail,*Name,手机号（选填）\nCampus,北京市,Trainee,,张三,13800001111\n");
    expect(result.ok && result.verdicts[0]!.candidate).toMatchObject({ name: "张三", track: "campus", roles: ["trainee"], orgPath: ["北京市"] });
  });

  it("names missing and repeated columns", () => {
    expect(checkImportFile("姓名,手机号\n张三,13800001111\n")).toEqual({ ok: false, problem: { key: "import.file.missingColumns", params: { columns: "角色、单位" } } });
    expect(checkImportFile("姓名,角色,单位\n张三,学员,北京市\n")).toMatchObject({ ok: false, problem: { key: "import.file.missingContactColumn" } });
    expect(checkImportFile("姓名,手机号,手机,角色,单位\n")).toMatchObject({ ok: false, problem: { key: "import.file.duplicateColumn", params: { column: "手机" } } });
  });

  it("refuses a file with only a header, or with more than the row limit", () => {
    expect(checkImportFile(header)).toMatchObject({ ok: false, problem: { key: "import.file.noRows" } });
    const rows = Array.from({ length: importLimits.maxRows + 1 }, (_, i) => `人${i},,p${i}@example.cn,学员,北京市,`).join("\n");
    expect(checkImportFile(header + rows)).toEqual({ ok: false, problem: { key: "import.file.tooManyRows", params: { rows: 5001, max: 5000 } } });
    expect(checkImportFile(header + rows.split("\n").slice(1).join("\n")).ok).toBe(true);
  });
});

describe("createOrgPathMatcher", () => {
  const root = ["全国工作组"];
  const match = createOrgPathMatcher([
    { id: "n", names: root },
    { id: "sx", names: [...root, "山西省"] },
    { id: "yc", names: [...root, "山西省", "运城市"] },
    { id: "yh", names: [...root, "山西省", "运城市", "盐湖区"] },
    { id: "school", names: [...root, "山西省", "运城市", "盐湖区", "运城市盐湖区实验中学"] },
    { id: "c1", names: [...root, "山西省", "运城市", "盐湖区", "运城市盐湖区实验中学", "初二（3）班"] },
    { id: "c2", names: [...root, "山西省", "运城市", "盐湖区", "运城市第二中学", "初二（3）班"] },
  ]);

  it("finds a unit by its full path or without the national root", () => {
    expect(match(["全国工作组", "山西省", "运城市"])).toEqual({ ok: true, id: "yc", label: "全国工作组/山西省/运城市" });
    expect(match(["山西省", "运城市"])).toMatchObject({ ok: true, id: "yc" });
  });

  it("finds a unit when middle levels are skipped, if only one unit fits", () => {
    expect(match(["山西省", "运城市", "运城市盐湖区实验中学"])).toMatchObject({ ok: true, id: "school" });
    expect(match(["运城市盐湖区实验中学", "初二（3）班"])).toMatchObject({ ok: true, id: "c1" });
    expect(match(["运城市", "初二（3）班"])).toEqual({ ok: false, problem: { key: "import.row.orgAmbiguous", params: { path: "运城市/初二（3）班" } } });
  });

  it("says which part of a path does not exist", () => {
    expect(match(["山西省", "运城市", "不存在中学"])).toEqual({
      ok: false,
      problem: { key: "import.row.orgNotFound", params: { path: "山西省/运城市/不存在中学", parent: "山西省/运城市", missing: "不存在中学" } },
    });
    expect(match(["火星省", "运城市"])).toMatchObject({ ok: false, problem: { key: "import.row.orgRootNotFound", params: { missing: "火星省" } } });
    expect(match(["山东省", "运城市盐湖区实验中学"])).toMatchObject({ ok: false, problem: { key: "import.row.orgRootNotFound" } });
  });
});

describe("names in imported rows", () => {
  const file = (name: string) => `姓名,手机号,角色,单位\n${name},13800001111,学员,全国工作组\n`;
  const reasonsOf = (name: string) => {
    const result = checkImportFile(file(name));
    if (!result.ok) throw new Error("file refused");
    return result.verdicts[0]!.reasons.map((r) => r.key);
  };

  it("refuses a name of nothing visible and one with direction or zero-width characters", () => {
    expect(reasonsOf("\u200b\u200b")).toEqual(["import.row.nameInvisible"]);
    expect(reasonsOf("李\u202e静")).toEqual(["import.row.nameControlCharacters"]);
    expect(reasonsOf("王\u200d敏")).toEqual(["import.row.nameControlCharacters"]);
    expect(translate("zh-CN", "import.row.nameControlCharacters")).toContain("控制字符");
  });

  it("imports the name NFC-normalised with its spaces tidied", () => {
    const result = checkImportFile(file(" Rene\u0301  Li "));
    expect(result.ok && result.verdicts[0]!.candidate?.name).toBe("René Li");
  });
});
