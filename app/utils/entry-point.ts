import path from "node:path";

/**
 * Whether this process was started on the given source file (`tsx db/migrate.ts`). Comparing with
 * import.meta.url would also be true inside a compiled bundle that merely contains the module.
 */
export function startedAs(sourceFile: string): boolean {
  const started = process.argv[1];
  return started !== undefined && path.resolve(started).split(path.sep).join("/").endsWith(`/${sourceFile}`);
}
