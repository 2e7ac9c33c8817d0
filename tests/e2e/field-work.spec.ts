import sharp from "sharp";
import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

async function photo(color: string) {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: color } }).jpeg().toBuffer();
}

test("a trainee submits field work with two photos and sees it in My work", async ({ page, consoleErrors }, testInfo) => {
  // The two projects use different trainees: each has one submission per task.
  await signIn(page, testInfo.project.name === "phone" ? demo.campusTrainee2 : demo.campusTrainee);
  await page.goto("/my-work");
  await expect(page.getByRole("heading", { level: 1, name: "我的任务" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "my-work-before", testInfo.project.name);

  await page.goto("/tasks/campus-foundation-emotion-friendly-classroom-field");
  await page.getByRole("button", { name: "开始这个任务" }).click();
  await page.getByLabel("活动名称", { exact: true }).fill("情绪小课堂：认识我的情绪");
  await page.getByLabel("活动日期", { exact: true }).fill("2026-11-20");
  // The unit defaults to the trainee's own; only it and the units below it are offered.
  const ownUnit = testInfo.project.name === "phone" ? "芝罘区第二实验小学" : "运城市盐湖区实验中学";
  await expect(page.getByLabel("开展单位", { exact: true }).locator("option:checked")).toHaveText(ownUnit);
  await expect(page.getByLabel("开展单位", { exact: true }).locator("option", { hasText: ownUnit === "运城市盐湖区实验中学" ? "芝罘区" : "运城市" })).toHaveCount(0);
  await page.getByLabel("服务对象", { exact: true }).selectOption("students");
  await page.getByLabel("服务人数", { exact: true }).fill("42");
  await page.getByLabel("时长（分钟）", { exact: true }).fill("10");
  await page.getByLabel("活动方案", { exact: true }).fill(
    "目标：帮助学生识别并命名常见情绪。流程：导入情境、情绪卡片分类、两人一组练习“我感到……因为……”句式、教师小结。安全预案：如有学生情绪明显波动，课后单独关心并告知心理老师。",
  );
  await page.getByLabel("反思与改进", { exact: true }).fill(
    "学生参与度较高，多数能用情绪词描述自己的感受，个别学生表达困难，需要更多示范。时间控制偏紧，情绪卡片分类环节可以缩短。下一次计划加入身体信号的觉察练习，并用一周的情绪日记巩固。本次没有出现需要转介的情况，我会继续留意近期情绪低落的学生，并与心理老师保持沟通。".repeat(5),
  );
  await page.getByLabel(/我确认/).check();
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByText("草稿已保存。")).toBeVisible();

  // Submitting without evidence is refused with the reason; the typed text stays.
  await page.getByRole("button", { name: "提交给导师" }).click();
  await expect(page.getByText("还不能提交")).toBeVisible();
  await expect(page.getByLabel("活动名称", { exact: true })).toHaveValue("情绪小课堂：认识我的情绪");

  await page.getByLabel("现场照片", { exact: true }).check();
  await page.getByLabel("选择文件（可多选）", { exact: true }).setInputFiles([
    { name: "活动照片1.jpg", mimeType: "image/jpeg", buffer: await photo("#7fb3d5") },
    { name: "活动照片2.jpg", mimeType: "image/jpeg", buffer: await photo("#f5cba7") },
  ]);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByText("已上传 2 个文件。")).toBeVisible();
  await page.getByLabel("签到表", { exact: true }).check();
  await page.getByLabel("选择文件（可多选）", { exact: true }).setInputFiles([{ name: "签到表.jpg", mimeType: "image/jpeg", buffer: await photo("#ffffff") }]);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByText("已上传 3 / 12 个文件")).toBeVisible();
  await expect(page.locator("img[alt^='现场照片']")).toHaveCount(2);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "field-work-draft", testInfo.project.name);

  await page.getByRole("button", { name: "提交给导师" }).click();
  await expect(page.getByText("已提交，导师评阅后会在这里给出反馈。")).toBeVisible();
  await expect(page.getByText("作业已提交，材料现在不能修改。")).toBeVisible();
  await screenshot(page, "field-work-submitted", testInfo.project.name);

  // On a phone the links sit in the header's menu.
  const menu = page.locator(".phone-menu summary");
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("link", { name: "我的任务" }).first().click();
  const row = page.getByRole("row", { name: /在班级中开展一次|情绪/ }).first();
  await expect(row).toContainText("已提交");
  await expect(row).toContainText("42");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "my-work-after", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});
