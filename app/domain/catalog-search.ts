// Finding modules by keyword: every word of the query must appear in the module's title, summary,
// objectives or task titles. Pure: the catalogue is small and held in memory.

export interface SearchableModule {
  id: string;
  title: string;
  summary: string;
  objectives: readonly string[];
  tasks: ReadonlyArray<{ title: string }>;
}

export interface ModuleHit<M> {
  module: M;
  score: number;
  /** The text that matched first, to show under the title. */
  excerpt: string;
}

export const maxQueryLength = 50;

/** NFKC folds full-width letters and digits (Ｃ → C); lower case for Latin words. */
export function normaliseQuery(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

export function queryTerms(query: string): string[] {
  return [...new Set(normaliseQuery(query).slice(0, maxQueryLength).split(" ").filter(Boolean))];
}

export function searchModules<M extends SearchableModule>(modules: readonly M[], query: string): Array<ModuleHit<M>> {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const hits: Array<ModuleHit<M>> = [];
  for (const module of modules) {
    const fields = [
      { text: module.title, weight: 5 },
      { text: module.summary, weight: 3 },
      ...module.objectives.map((text) => ({ text, weight: 2 })),
      ...module.tasks.map((t) => ({ text: t.title, weight: 2 })),
    ].map((f) => ({ ...f, folded: normaliseQuery(f.text) }));
    let score = 0;
    let excerpt: string | null = null;
    const everyTerm = terms.every((term) => {
      const matching = fields.filter((f) => f.folded.includes(term));
      if (matching.length === 0) return false;
      score += matching.reduce((s, f) => s + f.weight, 0);
      excerpt ??= matching.find((f) => f.text !== module.title)?.text ?? null;
      return true;
    });
    if (everyTerm) hits.push({ module, score, excerpt: excerpt ?? module.summary });
  }
  return hits.sort((a, b) => b.score - a.score);
}
