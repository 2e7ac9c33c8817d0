import { getMDXComponent } from "mdx-bundler/client/index.js";
import { renderToStaticMarkup } from "react-dom/server";
import type { TaskDefinition } from "~/catalog/schema";
import { ModuleContext, mdxComponents } from "~/components/mdx";

// A module's compiled MDX evaluated and rendered to HTML, so the browser never evaluates code with
// `new Function` (docs/decisions/011-http-headers-and-csp.md). `npm run build` does it once per module
// (app/catalog/build-content.ts writes it into the catalog as `html`); requests only read that
// (decision 022).
interface RenderableModule {
  code: string;
  objectives: string[];
  tasks: TaskDefinition[];
}

/** The module body as static HTML. */
export function renderModuleHtml(module: RenderableModule): string {
  const Component = getMDXComponent(module.code);
  return renderToStaticMarkup(
    <ModuleContext.Provider value={{ objectives: module.objectives, tasks: module.tasks }}>
      <Component components={mdxComponents} />
    </ModuleContext.Provider>,
  );
}
