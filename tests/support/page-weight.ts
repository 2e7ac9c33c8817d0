import type { Page } from "@playwright/test";

/** What one first load of a page costs on the wire: bytes as sent (compressed when the server compresses). */
export interface PageWeight {
  url: string;
  htmlBytes: number;
  htmlEncoding: string | null;
  scriptBytes: number;
  scriptFiles: number;
}

/**
 * Loads `url` in `page` (a fresh context, so nothing is cached) and adds up the encoded body sizes
 * of the document and of every script it loads.
 */
export async function measurePageWeight(page: Page, url: string): Promise<PageWeight> {
  const scripts: Array<Promise<number>> = [];
  const onResponse = (response: import("@playwright/test").Response) => {
    if (response.request().resourceType() === "script") scripts.push(response.request().sizes().then((s) => s.responseBodySize));
  };
  page.on("response", onResponse);
  try {
    const document = await page.goto(url, { waitUntil: "load" });
    if (!document || document.status() !== 200) throw new Error(`${url} answered ${document?.status()}`);
    await page.waitForLoadState("networkidle");
    const sizes = await document.request().sizes();
    const encoding = (await document.allHeaders())["content-encoding"] ?? null;
    const scriptSizes = await Promise.all(scripts);
    return {
      url,
      htmlBytes: sizes.responseBodySize,
      htmlEncoding: encoding,
      scriptBytes: scriptSizes.reduce((a, b) => a + b, 0),
      scriptFiles: scriptSizes.length,
    };
  } finally {
    page.off("response", onResponse);
  }
}

/** The pages a trainee opens on a first visit, signed in. */
export const learnerPages = [
  "/",
  "/learn",
  "/learn/campus/foundation",
  "/learn/campus/foundation/student-development",
  "/tasks/campus-foundation-emotion-friendly-classroom-field",
  "/my-work",
  "/verify",
] as const;
