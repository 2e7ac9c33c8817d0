import type { Migration } from "kysely";
import * as foundation from "./2026-11-29-01-foundation";
import * as accounts from "./2026-11-29-02-accounts";
import * as curriculum from "./2026-11-29-03-curriculum";
import * as submissions from "./2026-11-29-04-submissions";
import * as grading from "./2026-11-29-05-grading";
import * as certification from "./2026-11-29-06-certification";
import * as outcomes from "./2026-11-29-07-outcomes";
import * as calibration from "./2026-11-29-08-calibration";
import * as exportsMigration from "./2026-11-29-09-exports";
import * as credentials from "./2026-11-29-10-credentials";
import * as notificationsMigration from "./2026-11-29-11-notifications";
import * as statusListIndex from "./2026-11-29-12-status-list-index";
import * as reach from "./2026-11-30-01-reach";
import * as evidenceRetention from "./2026-11-30-02-evidence-retention";
import * as credentialConformance from "./2026-11-30-04-credentials";
import * as onboarding from "./2026-11-30-05-onboarding";
import * as coordinator from "./2026-11-30-06-coordinator";
import * as staffWorkflow from "./2026-11-30-07-staff";
import * as activityLog from "./2026-11-30-08-activity-log";
import * as scale from "./2026-11-30-09-scale";
import * as scaleCatchup from "./2026-11-30-09-scale-catchup";
import * as outcomeFigures from "./2026-11-30-10-outcome-figures";
import * as cohorts from "./2026-11-30-12-cohorts";
import * as trainingSessions from "./2026-11-30-13-sessions";
import * as channels from "./2026-11-30-14-channels";
import * as unitSearch from "./2026-11-30-20-unit-search";
import * as lastActive from "./2026-11-30-21-last-active";
import * as mentorOpenLoads from "./2026-11-30-22-mentor-open-loads";
import * as reminders from "./2026-11-30-23-reminders";
import * as mentorQueueCopies from "./2026-11-30-24-mentor-queue-copies";
import * as outcomeFiguresHot from "./2026-11-30-25-outcome-figures-hot";
import * as searchPendingLists from "./2026-11-30-26-search-pending-lists";
import * as lastActiveHourly from "./2026-11-30-27-last-active-hourly";
import * as userActivity from "./2026-11-30-28-user-activity";
import * as evidenceClientKey from "./2026-11-30-16-evidence-client-key";
import * as signInCodes from "./2026-11-30-17-sign-in-codes";
import * as attendanceRules from "./2026-11-30-18-attendance-rules";
import * as sessionSheets from "./2026-11-30-19-session-sheets";

// Every migration, by name; names sort in the order they run. A test checks each file here is listed.
export const migrations: Record<string, Migration> = {
  "2026-11-29-01-foundation": foundation,
  "2026-11-29-02-accounts": accounts,
  "2026-11-29-03-curriculum": curriculum,
  "2026-11-29-04-submissions": submissions,
  "2026-11-29-05-grading": grading,
  "2026-11-29-06-certification": certification,
  "2026-11-29-07-outcomes": outcomes,
  "2026-11-29-08-calibration": calibration,
  "2026-11-29-09-exports": exportsMigration,
  "2026-11-29-10-credentials": credentials,
  "2026-11-29-11-notifications": notificationsMigration,
  "2026-11-29-12-status-list-index": statusListIndex,
  "2026-11-30-01-reach": reach,
  "2026-11-30-02-evidence-retention": evidenceRetention,
  "2026-11-30-04-credentials": credentialConformance,
  "2026-11-30-05-onboarding": onboarding,
  "2026-11-30-06-coordinator": coordinator,
  "2026-11-30-07-staff": staffWorkflow,
  "2026-11-30-08-activity-log": activityLog,
  "2026-11-30-09-scale": scale,
  "2026-11-30-09-scale-catchup": scaleCatchup,
  "2026-11-30-10-outcome-figures": outcomeFigures,
  "2026-11-30-12-cohorts": cohorts,
  "2026-11-30-13-sessions": trainingSessions,
  "2026-11-30-14-channels": channels,
  "2026-11-30-16-evidence-client-key": evidenceClientKey,
  "2026-11-30-17-sign-in-codes": signInCodes,
  "2026-11-30-18-attendance-rules": attendanceRules,
  "2026-11-30-19-session-sheets": sessionSheets,
  "2026-11-30-20-unit-search": unitSearch,
  "2026-11-30-21-last-active": lastActive,
  "2026-11-30-22-mentor-open-loads": mentorOpenLoads,
  "2026-11-30-23-reminders": reminders,
  "2026-11-30-24-mentor-queue-copies": mentorQueueCopies,
  "2026-11-30-25-outcome-figures-hot": outcomeFiguresHot,
  "2026-11-30-26-search-pending-lists": searchPendingLists,
  "2026-11-30-27-last-active-hourly": lastActiveHourly,
  "2026-11-30-28-user-activity": userActivity,
};
