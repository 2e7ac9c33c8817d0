import type { ModuleFrontmatter, ProgramConfig, TierId, TrackId } from "./schema";

export interface CatalogModule extends ModuleFrontmatter {
  track: TrackId;
  tier: TierId;
  order: number;
  slug: string;
  file: string;
  /** First 16 hex digits of the source's sha256: the module's version. */
  hash: string;
  /** Compiled MDX (mdx-bundler output), evaluated by getMDXComponent. */
  code: string;
  /** The module body rendered from `code` at build (renderModuleHtml): what the module page shows. */
  html: string;
}

export interface Catalog {
  program: ProgramConfig;
  modules: CatalogModule[];
}
