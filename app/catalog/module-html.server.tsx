import { getMDXComponent } from "mdx-bundler/client/index.js";
import { createHash } from "node:crypto";
import { renderToStaticMarkup } from "react-dom/server";
import type { TaskDefinition } from "~/catalog/schema";
import { ModuleContext, mdxComponents } from "~/components/mdx";

// A module's compiled MDX evaluated and rendered to HTML here, once per module version, so the
// browser never evaluates code with `new Function` (docs/decisions/011-http-headers-and-csp.md).
interface RenderableModule {
  id: string;
  code: string;
  objectives: string[];
  tasks: TaskDefinition[];
}

const rendered = new Map<string, { key: string; html: string }>();

function versionKey(module: RenderableModule): string {
  return createHash("sha256").update(module.code).update(JSON.stringify([module.objectives, module.tasks])).digest("hex");
}

/** The module body as static HTML; cached by content hash. */
export function moduleHtml(module: RenderableModule): string {
  const key = versionKey(module);
  const cached = rendered.get(module.id);
  if (cached?.key === key) return cached.html;
  const Component = getMDXComponent(module.code);
  const html = renderToStaticMarkup(
    <ModuleContext.Provider value={{ objectives: module.objectives, tasks: module.tasks }}>
      <Component components={mdxComponents} />
    </ModuleContext.Provider>,
  );
  rendered.set(module.id, { key, html });
  return html;
}
