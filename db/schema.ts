import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

// The one typed view of the database. Columns are `T | null`, never optional.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type TrackColumn = "campus" | "community";
export type OrgKind = "national" | "province" | "city" | "district" | "site" | "group";

export interface OrgUnitTable {
  id: Generated<string>;
  parent_id: string | null;
  level: number;
  kind: OrgKind;
  name: string;
  track: TrackColumn | null;
  /** Materialised path of ancestor ids and its own, "/id1/id2/", for subtree queries. */
  path: string;
  archived_at: Timestamp | null;
  created_at: Generated<Timestamp>;
}

export interface UserTable {
  id: Generated<string>;
  name: string;
  phone: string | null;
  email: string | null;
  org_unit_id: string | null;
  track: TrackColumn | null;
  status: Generated<"active" | "deactivated">;
  created_at: Generated<Timestamp>;
  updated_at: Generated<Timestamp>;
}

export interface NotificationTable {
  /** Deterministic id from the event that caused it, so a retried job writes one row. */
  id: string;
  user_id: string;
  kind: string;
  payload: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
  read_at: Timestamp | null;
}

export interface Database {
  org_units: OrgUnitTable;
  users: UserTable;
  notifications: NotificationTable;
}

export type OrgUnit = Selectable<OrgUnitTable>;
export type NewOrgUnit = Insertable<OrgUnitTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type Notification = Selectable<NotificationTable>;
