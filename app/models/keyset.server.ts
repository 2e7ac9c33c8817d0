import { sql, type RawBuilder } from "kysely";
import { readPageRequest, type CursorKind, type CursorValue, type PageRequest } from "~/domain/keyset";

// Keyset pagination in SQL (app/domain/keyset.ts does the cursor and page math): a row comparison on
// the list's sort key and id, so one index walk finds the page wherever it is in the list.

export interface KeyColumn {
  /** The column, as the query names it ("c.issued_at"). */
  ref: string;
  kind: CursorKind;
}

const casts: Record<CursorKind, string> = { timestamp: "timestamptz", uuid: "uuid", int: "bigint", text: "text" };

/**
 * A timestamp as a cursor carries it: UTC with microseconds, so the row at a page's edge compares
 * equal to itself (a JavaScript Date would drop the microseconds PostgreSQL keeps).
 */
export function cursorTime(ref: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(ref)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** The key columns of a list as the kinds its cursor holds. */
export function cursorShape(columns: readonly KeyColumn[]): CursorKind[] {
  return columns.map((c) => c.kind);
}

/**
 * Applies a page request to a query sorted by `columns`, all in one direction: rows past the cursor,
 * in the list's order after it and in reverse before it, size + 1 of them (the extra one tells
 * whether there is more). Feed the rows to `pageOf`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any select query: only where, orderBy and limit are used
export function keysetPage<Q extends { where: any; orderBy: any; limit: any }>(q: Q, columns: readonly KeyColumn[], order: "asc" | "desc", request: PageRequest): Q {
  const reversed = request.direction === "before";
  const direction = (order === "asc") !== reversed ? "asc" : "desc";
  let query = q;
  if (request.direction !== "first") {
    const op = direction === "asc" ? ">" : "<";
    const left = sql.join(columns.map((c) => sql.ref(c.ref)));
    const right = sql.join(request.key.map((v: CursorValue, i) => sql`${v}::${sql.raw(casts[columns[i]!.kind])}`));
    query = query.where(sql<boolean>`(${left}) ${sql.raw(op)} (${right})`);
  }
  for (const c of columns) query = query.orderBy(sql.ref(c.ref), direction);
  return query.limit(request.size + 1);
}

/**
 * The page a list's query string asks for. A cursor that is not one of this list's (edited, cut
 * short, from another list) is the client's mistake: a 400, never a 500 from the database.
 */
export function requirePageRequest(url: URL, columns: readonly KeyColumn[], options: { prefix?: string; size?: number } = {}): PageRequest {
  const request = readPageRequest(url.searchParams, cursorShape(columns), options);
  if (!request) throw new Response("分页参数无效。", { status: 400 });
  return request;
}
