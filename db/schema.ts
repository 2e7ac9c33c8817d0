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
  last_sign_in_at: Timestamp | null;
  /** The bulk import that created this person, if one did. */
  user_import_id: Generated<string | null>;
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
import type { SubmissionSnapshot } from "../app/domain/resubmission";
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
  /** The import whose handout batch made this link. */
  user_import_id: Generated<string | null>;
  /** The token itself, kept only for an unused handout link so its list and sheet can be downloaded again. */
  handout_token: Generated<string | null>;
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
  /** The org path the event concerns (its target's, else its actor's): regional admins read their subtree's. */
  scope_path: string | null;
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

export type TierColumn = "foundation" | "practitioner" | "specialist" | "supervisor";

export interface CourseModuleTable {
  id: string;
  track: TrackColumn;
  tier: TierColumn;
  position: number;
  slug: string;
  title: string;
  version_hash: string;
  retired_at: Timestamp | null;
  updated_at: DefaultTimestamp;
}

export interface TaskTable {
  id: string;
  version: number;
  module_id: string;
  type: "quiz" | "work_product" | "field_work";
  title: string;
  /** The task as declared in content (instructions, rubric or answer key) at this version. */
  definition: Json<Record<string, unknown>>;
  version_hash: string;
  is_current: Generated<boolean>;
  retired_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface ModuleProgressTable {
  user_id: string;
  module_id: string;
  read_at: DefaultTimestamp;
}

export interface CertificateTable {
  id: Generated<string>;
  number: string;
  user_id: string;
  track: TrackColumn;
  tier: TierColumn;
  status: Generated<"issued" | "revoked" | "superseded">;
  name_on_certificate: string;
  issued_at: DefaultTimestamp;
  issued_by: string | null;
  valid_until: Timestamp | null;
  revoked_at: Timestamp | null;
  /** The public part of a revocation reason: shown on /verify (null: a neutral text is shown). */
  revoked_reason: string | null;
  /** The internal note on a revocation: admins only, never public. */
  revoked_note: string | null;
  superseded_by: string | null;
  batch_id: string | null;
  /** Storage key of the rendered PDF. */
  pdf_key: string | null;
  /** The signed Open Badges 3.0 credential. */
  credential: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  rendered_at: Timestamp | null;
  render_error: string | null;
  /** The credential's place in the revocation status lists (list × 131,072 + index), drawn at random. */
  status_number: Generated<number>;
}

/** One revocation status list: how many of its positions are taken, and how many it may hand out. */
export interface CredentialStatusListTable {
  list: number;
  allocated: Generated<number>;
  capacity: number;
}

export interface EligibilityTable {
  user_id: string;
  track: TrackColumn;
  tier: TierColumn;
  eligible: boolean;
  /** What is still missing, as message keys with parameters. */
  missing: ColumnType<Array<{ key: string; params?: Record<string, string | number> }>, string, string>;
  rule_version: string;
  evaluated_at: DefaultTimestamp;
}

export interface CertificateBatchTable {
  id: Generated<string>;
  created_by: string;
  created_at: DefaultTimestamp;
  total: number;
}

export interface SigningKeyTable {
  kid: string;
  algorithm: string;
  public_jwk: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
  retired_at: Timestamp | null;
}

export type SubmissionStatus = "draft" | "submitted" | "in_review" | "returned" | "resubmitted" | "passed" | "not_passed";
export type TaskType = "quiz" | "work_product" | "field_work";

export interface SubmissionTable {
  id: Generated<string>;
  user_id: string;
  task_id: string;
  task_version: number;
  module_id: string;
  track: TrackColumn;
  tier: TierColumn;
  type: TaskType;
  status: Generated<SubmissionStatus>;
  /** Text parts: { text } for work products, { plan, reflection } for field work. */
  body: ColumnType<Record<string, string>, string | undefined, string>;
  activity_title: string | null;
  /** A calendar date, "YYYY-MM-DD" (pg's date parser is set to return strings). */
  activity_date: ColumnType<string | null, string | null | undefined, string | null>;
  org_unit_id: string | null;
  place: string | null;
  audience_type: string | null;
  people_reached: number | null;
  duration_minutes: number | null;
  consent_confirmed: Generated<boolean>;
  showcase_consent: Generated<boolean>;
  /** Showcased with its photos: the trainee confirmed the people shown agreed (needs showcase_consent). */
  showcase_photos: Generated<boolean>;
  score: number | null;
  attempts_used: Generated<number>;
  submitted_at: Timestamp | null;
  decided_at: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  draft_files_notice_at: Timestamp | null;
  /** Field work at a school or centre outside the tree: its name, the work attached to the trainee's own unit. */
  other_org_name: string | null;
  /** Per-visit entries of a task that logs visits (docs/decisions/017); null for single activities. */
  activity_log: ColumnType<ActivityLogEntry[] | null, string | null | undefined, string | null>;
}

export interface ActivityLogEntry {
  date: string | null;
  place: string | null;
  audienceType: string | null;
  peopleReached: number | null;
  durationMinutes: number | null;
}

export interface SubmissionEventTable {
  id: Generated<number>;
  submission_id: string;
  from_status: SubmissionStatus | null;
  to_status: SubmissionStatus;
  actor_id: string | null;
  note: string | null;
  /** On submit and resubmit: what was sent (see SubmissionSnapshot). */
  snapshot: ColumnType<SubmissionSnapshot | null, string | null | undefined, string | null>;
  created_at: DefaultTimestamp;
}

export interface QuizAttemptTable {
  id: Generated<string>;
  submission_id: string;
  attempt: number;
  answers: Json<Record<string, unknown>>;
  score: number | null;
  result: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  submitted_at: DefaultTimestamp;
  scored_at: Timestamp | null;
}

export type EvidenceKind = "photo" | "sign_in_sheet" | "document";
export type EvidenceMime = "image/jpeg" | "image/png" | "image/webp" | "application/pdf";

export interface EvidenceFileTable {
  id: Generated<string>;
  submission_id: string;
  owner_id: string;
  kind: EvidenceKind;
  storage_key: string;
  thumbnail_key: string | null;
  mime_type: EvidenceMime;
  size_bytes: number;
  sha256: string;
  original_name: string;
  width: number | null;
  height: number | null;
  created_at: DefaultTimestamp;
  deleted_at: Timestamp | null;
  thumbnail_size_bytes: number | null;
  deletion_reason: "removed" | "draft_expired" | null;
  purged_at: Timestamp | null;
  /** The key the trainee's device gave a queued upload (unique per owner), so a repeat stores nothing twice. */
  client_key: string | null;
}

export interface SubmissionAssignmentTable {
  submission_id: string;
  mentor_id: string;
  role: Generated<"marker" | "second_marker" | "moderator">;
  assigned_at: DefaultTimestamp;
  assigned_by: string | null;
  released_at: Timestamp | null;
  /** The submission's status for work products and field work (null otherwise); kept by triggers (migration 2026-11-30-24). */
  queue_status: ColumnType<SubmissionStatus | null, never, never>;
  /** The submission's submitted_at; kept by triggers (migration 2026-11-30-24). */
  submitted_at: ColumnType<Date | null, never, never>;
}

/** Each mentor's open load, kept by triggers (migration 2026-11-30-22); never written by the app. */
/** One row per person: their last module read, submission change or quiz attempt (their account's creation before any), moved by triggers at most once an hour (migration 2026-11-30-28). */
export interface UserActivityTable {
  user_id: string;
  last_active_at: Timestamp;
}

export interface MentorOpenLoadTable {
  mentor_id: string;
  open_count: number;
}

export interface JobOutboxTable {
  job_id: string;
  queue: string;
  name: string;
  payload: Json<Record<string, unknown>>;
  created_at: DefaultTimestamp;
  enqueued_at: Timestamp | null;
  completed_at: Timestamp | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export type ChannelColumn = "email" | "sms";
export type DeliveryStatus = "queued" | "retrying" | "sending" | "sent" | "failed" | "skipped";

/** One message to one person by one channel (docs/decisions/024-message-channels.md). */
export interface DeliveryTable {
  id: Generated<string>;
  /** The event it is about (a notification id, a reminder key): unique with user and channel. */
  event_id: string;
  user_id: string;
  channel: ChannelColumn;
  /** The message template (a notification kind or a reminder kind). */
  template: string;
  /** The phone number or e-mail address it went to, as it was then. */
  address: string;
  payload: Json<Record<string, unknown>>;
  status: Generated<DeliveryStatus>;
  provider_id: string | null;
  error: string | null;
  attempts: Generated<number>;
  /** Quiet hours: not sent before this moment. */
  not_before: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  sent_at: Timestamp | null;
}

export interface MessageChoiceTable {
  user_id: string;
  kind: string;
  channel: ChannelColumn;
  enabled: boolean;
  updated_at: DefaultTimestamp;
}

export interface MessageSettingsTable {
  user_id: string;
  /** Minutes after midnight in Asia/Shanghai; null: no quiet hours. */
  quiet_start: number | null;
  quiet_end: number | null;
  updated_at: DefaultTimestamp;
}

export interface ContactVerificationTable {
  user_id: string;
  channel: ChannelColumn;
  /** The address the code was sent to; verified only while it is still the person's address. */
  address: string;
  code_hash: string | null;
  code_expires_at: Timestamp | null;
  failed_attempts: Generated<number>;
  verified_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** A code sent by SMS to sign in or to complete an invitation (docs/decisions/028-sms-sign-in.md). */
export interface SignInCodeTable {
  user_id: string;
  purpose: "login" | "invite";
  phone: string;
  access_token_id: string | null;
  code_hash: string | null;
  expires_at: Timestamp;
  failed_attempts: Generated<number>;
  used_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface CriterionGrade {
  criterionId: string;
  level: string;
  points: number;
  comment: string;
}

export interface GradeTable {
  id: Generated<string>;
  submission_id: string;
  mentor_id: string;
  role: "marker" | "second_marker" | "moderator";
  task_version: number;
  criteria: ColumnType<CriterionGrade[], string, string>;
  total: number;
  decision: "pass" | "not_pass" | "return";
  comment: string | null;
  seen_version: string;
  round: Generated<number>;
  created_at: DefaultTimestamp;
  /** The submission's current submitted_at; kept by triggers (migration 2026-11-30-24). */
  submitted_at: ColumnType<Date | null, never, never>;
  /** Another mentor marked the same round (kept by a trigger, migration 2026-11-30-24). */
  co_marked: ColumnType<boolean, never, never>;
}

export interface ShowcaseItemTable {
  submission_id: string;
  nominated_by: string;
  nominated_at: DefaultTimestamp;
  reason: string | null;
  status: Generated<"nominated" | "approved" | "rejected">;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export interface CalibrationAnchorTable {
  submission_id: string;
  reference_total: number;
  reference_criteria: ColumnType<CriterionGrade[], string, string>;
  created_by: string;
  created_at: DefaultTimestamp;
}

export interface CalibrationGradeTable {
  id: Generated<string>;
  anchor_submission_id: string;
  mentor_id: string;
  criteria: ColumnType<CriterionGrade[], string, string>;
  total: number;
  created_at: DefaultTimestamp;
}

/** A mentor's pool: the units whose work they may be routed (a mentor may serve several). */
export interface MentorUnitTable {
  mentor_id: string;
  org_unit_id: string;
  added_by: string | null;
  added_at: DefaultTimestamp;
}

export interface OrgMilestoneTable {
  id: Generated<string>;
  org_unit_id: string;
  milestone: "standardised" | "distinctive";
  evidence: string;
  marked_by: string;
  marked_at: DefaultTimestamp;
  withdrawn_at: Timestamp | null;
}

export interface IndicatorTargetTable {
  indicator_id: string;
  org_unit_id: string;
  target: number;
  updated_by: string;
  updated_at: DefaultTimestamp;
}

/**
 * The 百千万 figures kept per unit and ancestor, measure and month (docs/decisions/020): maintained by
 * triggers on the source rows, checked nightly against a recomputation.
 */
export interface OutcomeFigureTable {
  org_unit_id: string;
  track: TrackColumn;
  /** people:<audience type> | certified:<tier> | milestone:<kind> | showcase */
  measure: string;
  /** First day of the calendar month (China), "YYYY-MM-DD". */
  month: ColumnType<string, string, string>;
  /** bigint (db/client.ts reads int8 as a number). */
  value: number;
}

/** One run of the nightly consistency check of outcome_figures. */
export interface OutcomeCheckTable {
  id: Generated<string>;
  started_at: Timestamp;
  finished_at: Timestamp;
  rows_checked: number;
  drifted: number;
  sample: Json<Array<Record<string, unknown>>>;
}

export interface ExportTable {
  id: Generated<string>;
  kind: "trainees" | "indicators";
  params: Json<Record<string, unknown>>;
  status: Generated<"queued" | "running" | "done" | "failed">;
  rows_total: number | null;
  rows_done: Generated<number>;
  file_key: string | null;
  error: string | null;
  created_by: string;
  created_at: DefaultTimestamp;
  finished_at: Timestamp | null;
}

export interface CohortTable {
  id: Generated<string>;
  name: string;
  track: TrackColumn;
  tier: TierColumn;
  /** The unit that runs it: its admins (and those above) manage it. */
  org_unit_id: string;
  programme_year: number;
  /** Calendar dates in Beijing time, "YYYY-MM-DD". */
  starts_on: ColumnType<string, string, string>;
  ends_on: ColumnType<string, string, string>;
  late_work_accepted: Generated<boolean>;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface CohortDueDateTable {
  cohort_id: string;
  /** A catalogue task id. */
  task_id: string;
  /** Due by the end of this day, Beijing time. */
  due_on: ColumnType<string, string, string>;
}

export interface CohortMemberTable {
  id: Generated<string>;
  cohort_id: string;
  user_id: string;
  joined_via: "admin" | "import" | "code";
  added_by: string | null;
  joined_at: DefaultTimestamp;
  /** Set when the person leaves; the row stays as history. */
  left_at: Timestamp | null;
}

export interface CohortJoinCodeTable {
  id: Generated<string>;
  cohort_id: string;
  code: string;
  max_uses: number;
  used_count: Generated<number>;
  revoked_at: Timestamp | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

/** A coordinator's message to a cohort's current members (migration 2026-11-30-18). */
export interface CohortMessageTable {
  /** Made by the page that offered the form: the same post twice is one message. */
  id: string;
  cohort_id: string;
  title: string;
  body: string;
  sent_by: string | null;
  recipients: number;
  sent_at: DefaultTimestamp;
}

export interface CohortJoinRequestTable {
  id: Generated<string>;
  cohort_id: string;
  user_id: string;
  code_id: string;
  status: Generated<"pending" | "approved" | "declined">;
  requested_at: DefaultTimestamp;
  decided_at: Timestamp | null;
  decided_by: string | null;
}

export type SessionKind = "training" | "lecture" | "group_supervision" | "forum" | "live";
export type AttendanceStatus = "present" | "late" | "absent" | "excused";

export interface TrainingSessionTable {
  id: Generated<string>;
  /** The cohort it belongs to; null: open to the region of org_unit_id. */
  cohort_id: string | null;
  /** The unit whose subtree it serves (a cohort session: its cohort's unit). */
  org_unit_id: string;
  kind: SessionKind;
  title: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  place: string | null;
  online_url: string | null;
  capacity: number;
  /** Hours credited for attending; numeric, read as a string. */
  hours: ColumnType<string | null, string | number | null, string | number | null>;
  /** After this moment a trainee can no longer cancel their place themselves. */
  cancel_by: Timestamp | null;
  /** Minutes after the start after which a QR check-in counts as late. */
  late_after_minutes: Generated<number>;
  /** The HMAC key of the rotating check-in codes; never sent to a browser. */
  checkin_secret: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface SessionEnrolmentTable {
  id: Generated<string>;
  session_id: string;
  user_id: string;
  status: "enrolled" | "waitlisted" | "cancelled";
  enrolled_by: string | null;
  created_at: DefaultTimestamp;
  promoted_at: Timestamp | null;
  cancelled_at: Timestamp | null;
}

export interface SessionAttendanceTable {
  session_id: string;
  user_id: string;
  status: AttendanceStatus;
  note: string | null;
  via: "qr" | "manual";
  marked_by: string | null;
  marked_at: DefaultTimestamp;
}

export interface SessionSheetTable {
  id: Generated<string>;
  session_id: string;
  storage_key: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  original_name: string;
  uploaded_by: string | null;
  created_at: DefaultTimestamp;
  thumbnail_key: string | null;
  thumbnail_size_bytes: number | null;
  width: number | null;
  height: number | null;
  deleted_at: Timestamp | null;
  deleted_by: string | null;
  purged_at: Timestamp | null;
}

export interface CalendarFeedTable {
  user_id: string;
  token: string;
  created_at: DefaultTimestamp;
}

/** One reminder that went out: the key makes two workers sweeping at once write it once (decision 027). */
export interface ReminderSentTable {
  kind: string;
  user_id: string;
  /** What it is about: a submission, certificate, training session or task id; "assignments" for the digest. */
  subject: string;
  /** Which occurrence: the moment an idle stretch began, a Beijing date, a certificate's stage. */
  period: string;
  notification_id: string;
  created_at: DefaultTimestamp;
}

/** A reminder kind switched off for a unit and its whole subtree (decision 027). No row: on. */
export interface ReminderSwitchTable {
  org_unit_id: string;
  kind: string;
  switched_off_by: string | null;
  switched_off_at: DefaultTimestamp;
}

/** One row: every decision up to `checked_until` has an evaluation at least as new (decision 026). */
export interface EligibilityCatchupTable {
  id: Generated<boolean>;
  checked_until: Timestamp;
}

export interface Database {
  reminders_sent: ReminderSentTable;
  reminder_switches: ReminderSwitchTable;
  eligibility_catchup: EligibilityCatchupTable;
  training_sessions: TrainingSessionTable;
  session_enrolments: SessionEnrolmentTable;
  session_attendance: SessionAttendanceTable;
  session_sheets: SessionSheetTable;
  calendar_feeds: CalendarFeedTable;
  cohorts: CohortTable;
  cohort_due_dates: CohortDueDateTable;
  cohort_members: CohortMemberTable;
  cohort_join_codes: CohortJoinCodeTable;
  cohort_join_requests: CohortJoinRequestTable;
  cohort_messages: CohortMessageTable;
  deliveries: DeliveryTable;
  message_choices: MessageChoiceTable;
  message_settings: MessageSettingsTable;
  contact_verifications: ContactVerificationTable;
  sign_in_codes: SignInCodeTable;
  exports: ExportTable;
  outcome_figures: OutcomeFigureTable;
  outcome_checks: OutcomeCheckTable;
  org_milestones: OrgMilestoneTable;
  mentor_units: MentorUnitTable;
  indicator_targets: IndicatorTargetTable;
  eligibility: EligibilityTable;
  certificate_batches: CertificateBatchTable;
  signing_keys: SigningKeyTable;
  grades: GradeTable;
  showcase_items: ShowcaseItemTable;
  calibration_anchors: CalibrationAnchorTable;
  calibration_grades: CalibrationGradeTable;
  submissions: SubmissionTable;
  submission_events: SubmissionEventTable;
  quiz_attempts: QuizAttemptTable;
  mentor_open_loads: MentorOpenLoadTable;
  user_activity: UserActivityTable;
  evidence_files: EvidenceFileTable;
  submission_assignments: SubmissionAssignmentTable;
  job_outbox: JobOutboxTable;
  course_modules: CourseModuleTable;
  tasks: TaskTable;
  module_progress: ModuleProgressTable;
  certificates: CertificateTable;
  credential_status_lists: CredentialStatusListTable;
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
