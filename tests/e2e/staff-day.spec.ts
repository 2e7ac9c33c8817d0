import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// The mentor's and the administrator's day, at 1280 px and on a 390 px phone.

test("outcomes: sub-region names stay on one line and no column is cut off", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/outcomes");
  const table = page.locator("table.compare");
  await expect(table).toBeVisible();
  const rowHeaders = table.locator("tbody th[scope=row]");
  expect(await rowHeaders.count()).toBeGreaterThan(0);
  const name = rowHeaders.first();
  const box = (await name.boundingBox())!;
  const lineHeight = await name.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 24);
  expect(box.height, "the region name wraps one character per line").toBeLessThan(lineHeight * 2 + 16);
  const viewport = page.viewportSize()!;
  for (const cell of await table.locator("tbody td").all()) {
    const b = (await cell.boundingBox())!;
    expect(b.x + b.width, "a column runs past the screen").toBeLessThanOrEqual(viewport.width + 1);
  }
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "staff-outcomes", testInfo.project.name);
});
