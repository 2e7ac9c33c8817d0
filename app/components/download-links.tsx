/**
 * One table offered as CSV and as Excel: `<base>.csv` and `<base>.xlsx`, each with the page's query
 * (its filters), downloaded rather than opened.
 */
export function DownloadLinks({ base, label, query = "" }: { base: string; label: string; query?: string }) {
  return (
    <>
      <a className="button secondary" href={`${base}.csv${query}`} download>
        {label} (CSV)
      </a>
      <a className="button secondary" href={`${base}.xlsx${query}`} download>
        {label} (Excel)
      </a>
    </>
  );
}
