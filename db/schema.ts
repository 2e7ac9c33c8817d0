import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

// The one typed view of the database. Columns are `T | null`, never optional.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp the database fills in (default now()). */
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export type TrackColumn = "campus" | "community";
export type { OrgKind } from "../app/domain/org-tree";
import type { OrgKind } from "../app/domain/org-tree";

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
  created_at: DefaultTimestamp;
}

export interface UserTable {
  id: Generated<string>;
  name: string;
  phone: string | null;
  email: string | null;
  org_unit_id: string | null;
  track: TrackColumn | null;
  status: Generated<"active" | "deactivated">;
  password_hash: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface NotificationTable {
  /** Deterministic id from the event that caused it, so a retried job writes one row. */
  id: string;
  user_id: string;
  kind: string;
  payload: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
  read_at: Timestamp | null;
}

export type { Role } from "../app/domain/roles";
import type { Role } from "../app/domain/roles";

export interface UserRoleTable {
  user_id: string;
  role: Role;
  granted_at: DefaultTimestamp;
  granted_by: string | null;
}

export interface SessionTable {
  id: string;
  user_id: string;
  expires_at: Timestamp;
  created_at: DefaultTimestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface AccessTokenTable {
  id: Generated<string>;
  user_id: string;
  purpose: "invite" | "reset";
  /** sha256 of the token: the token itself is only ever in the link handed out. */
  token_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface AuditEventTable {
  id: Generated<number>;
  at: DefaultTimestamp;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
}

export interface UserImportTable {
  id: Generated<string>;
  created_by: string;
  created_at: DefaultTimestamp;
  file_name: string;
  status: Generated<"previewed" | "imported">;
  rows: Json<unknown[]>;
  imported_count: Generated<number>;
  rejected_count: Generated<number>;
  imported_at: Timestamp | null;
}

export interface Database {
  org_units: OrgUnitTable;
  users: UserTable;
  user_roles: UserRoleTable;
  sessions: SessionTable;
  access_tokens: AccessTokenTable;
  audit_events: AuditEventTable;
  user_imports: UserImportTable;
  notifications: NotificationTable;
}

export type OrgUnit = Selectable<OrgUnitTable>;
export type NewOrgUnit = Insertable<OrgUnitTable>;
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
export type Notification = Selectable<NotificationTable>;
