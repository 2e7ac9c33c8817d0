import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../db/schema";

/** Every model function takes the database or a transaction, so callers compose atomic writes. */
export type Db = Kysely<Database> | Transaction<Database>;
