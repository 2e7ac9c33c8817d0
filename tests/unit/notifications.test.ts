import { describe, expect, it } from "vitest";
import { describeNotification, noteExcerpt, notificationKinds, type DisplayNames } from "~/domain/notifications";
import { translate } from "~/i18n";

const names: DisplayNames = {
  track: (id) => ({ campus: "校园行", community: "社区行" })[id] ?? id,
  tier: (id) => ({ foundation: "普及" })[id] ?? id,
  certificate: (id) => ({ foundation: "心理健康促进员" })[id] ?? id,
};
const submissionId = "6f1c2b9e-3a4d-4e5f-8a7b-1c2d3e4f5a6b";
const certificateId = "0b7e4c1a-9d2f-4a3b-8c5d-6e7f8a9b0c1d";

describe("noteExcerpt", () => {
  it("keeps a short note whole, flattening its whitespace", () => {
    expect(noteExcerpt("  请补充\n\n反思。 ")).toBe("请补充 反思。");
  });
  it("cuts a long note to the given length, ending in an ellipsis, without splitting a character", () => {
    const excerpt = noteExcerpt("评".repeat(300), 120)!;
    expect([...excerpt]).toHaveLength(120);
    expect(excerpt.endsWith("评…")).toBe(true);
    expect(noteExcerpt("😀".repeat(10), 5)).toBe("😀😀😀😀…");
  });
  it("is null for no note", () => {
    expect(noteExcerpt(null)).toBeNull();
    expect(noteExcerpt("   ")).toBeNull();
  });
});

describe("describeNotification", () => {
  it("says in Chinese what happened and links to the thing it is about", () => {
    const passed = describeNotification("submission.passed", { submissionId, taskId: "campus-task", taskTitle: "情绪小课堂", score: 88 }, names)!;
    expect(translate("zh-CN", passed.titleKey, passed.params)).toBe("你提交的「情绪小课堂」已通过评阅，得分 88。");
    expect(passed).toMatchObject({ href: "/tasks/campus-task", linkKey: "notif.link.task", quote: null });

    const returned = describeNotification("submission.returned", { submissionId, taskId: "t", taskTitle: "方案", note: "请补充反思。" }, names)!;
    expect(returned).toMatchObject({ quote: "请补充反思。", href: "/tasks/t" });

    const issued = describeNotification("certificate.issued", { certificateId, number: "BC-2026-7K3M-Q9TX", track: "campus", tier: "foundation" }, names)!;
    expect(translate("zh-CN", issued.titleKey, issued.params)).toBe("你的「心理健康促进员」证书（校园行 · 普及）已颁发，编号 BC-2026-7K3M-Q9TX。");
    expect(issued.href).toBe("/learn#certificates-campus");

    const revoked = describeNotification("certificate.revoked", { certificateId, number: "BC-2026-7K3M-Q9TX", track: "campus", tier: "foundation", reason: "材料不实" }, names)!;
    expect(revoked).toMatchObject({ quote: "材料不实", href: "/verify/BC-2026-7K3M-Q9TX", linkKey: "notif.link.verify" });

    const assigned = describeNotification("assignment.new", { submissionId, taskId: "t", taskTitle: "方案", role: "marker" }, names)!;
    expect(assigned).toMatchObject({ href: `/mentor/submissions/${submissionId}`, linkKey: "notif.link.grade" });
  });

  it("has a Chinese and an English text for every kind", () => {
    for (const kind of notificationKinds) {
      const key = `notif.kind.${kind}` as const;
      expect(translate("zh-CN", key)).not.toBe(key);
      expect(translate("en", key)).not.toBe(key);
    }
  });

  it("is null for a kind it does not know or a payload that does not fit its kind", () => {
    expect(describeNotification("something.new", {}, names)).toBeNull();
    expect(describeNotification("submission.passed", { submissionId, taskId: "t" }, names)).toBeNull();
    expect(describeNotification("certificate.issued", { certificateId, number: "N", track: "elsewhere", tier: "foundation" }, names)).toBeNull();
    expect(describeNotification("toString", {}, names)).toBeNull();
  });
});
