import { inspectPdf } from "./app/domain/pdf-inspection";
import { boundedInflate } from "./app/services/evidence-processing";
const bytes = (...parts: string[]) => new Uint8Array(Buffer.from(parts.join(""), "latin1"));
function objectStreamBody(objects: string[]) {
  let offset = 0; const pairs: string[] = [];
  for (const [i, o] of objects.entries()) { pairs.push(`${10 + i} ${offset}`); offset += o.length + 1; }
  const head = `${pairs.join(" ")}\n`;
  return { body: head + objects.join("\n") + "\n", first: head.length, n: objects.length };
}
const { body, first, n } = objectStreamBody(["<< /Type /Catalog >>", "endstream", "<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"]);
const pdf = bytes("%PDF-1.7\n", `4 0 obj\n<< /Type /ObjStm /N ${n} /First ${first} /Length ${body.length} >>\nstream\n`, body, "\n%padding\nendstream\nendobj\n");
console.log(Buffer.from(pdf).toString("latin1"));
console.log(inspectPdf(pdf, boundedInflate));
