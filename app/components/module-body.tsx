import { useNavigate } from "@remix-run/react";
import type { MouseEvent } from "react";

/**
 * A module's body as the server rendered it from MDX (app/catalog/module-html.server.tsx): no MDX
 * runtime in the browser, so the CSP needs no 'unsafe-eval'. Links inside stay client-side navigations.
 */
export function ModuleBody({ html }: { html: string }) {
  const navigate = useNavigate();
  const followInApp = (event: MouseEvent<HTMLDivElement>) => {
    const link = (event.target as Element).closest?.("a[href^='/']");
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(link.getAttribute("href")!);
  };
  // The click handler only upgrades ordinary links; keyboard users follow them as plain anchors.
  return <div className="prose" onClick={followInApp} dangerouslySetInnerHTML={{ __html: html }} />;
}
