// `npm run perf`: every benchmark in tests/perf, one after another (they load the same 2 cores).
const benchmarks = ["./page-weight.ts", "./route-matching.ts", "./request-path.ts", "./module-page.ts", "./startup.ts", "./memory.ts", "./outcomes.ts", "./outcomes-at-scale.ts", "./pages-at-scale.ts", "./workers.ts"];
for (const file of benchmarks) {
  console.log(`\n== ${file}`);
  await import(file);
}
export {};
