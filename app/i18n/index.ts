import { adminMessages } from "./messages/admin";
import { assignmentMessages } from "./messages/assignments";
import { auditMessages } from "./messages/audit";
import { authMessages } from "./messages/auth";
import { calibrationMessages } from "./messages/calibration";
import { certificateMessages } from "./messages/certificates";
import { coordinatorMessages } from "./messages/coordinator";
import { cohortMessages } from "./messages/cohorts";
import { cohortViewMessages } from "./messages/cohort-view";
import { sessionMessages } from "./messages/sessions";
import { credentialMessages } from "./messages/credentials";
import { eligibilityMessages } from "./messages/eligibility";
import { evidenceMessages } from "./messages/evidence";
import { gradingMessages } from "./messages/grading";
import { importMessages } from "./messages/import";
import { learnMessages } from "./messages/learn";
import { notificationMessages } from "./messages/notifications";
import { offlineMessages } from "./messages/offline";
import { orgMessages } from "./messages/orgs";
import { outcomeMessages } from "./messages/outcomes";
import { quizMessages } from "./messages/quiz";
import { queueMessages } from "./messages/queues";
import { reachMessages } from "./messages/reach";
import { securityMessages } from "./messages/security";
import { shellMessages } from "./messages/shell";
import { showcaseMessages } from "./messages/showcase";
import { submissionMessages } from "./messages/submissions";
import { channelMessages } from "./messages/channels";
import { reminderMessages } from "./messages/reminders";

// Each feature keeps its messages in its own file under messages/; add the file here.
const messages = {
  ...shellMessages,
  ...authMessages,
  ...adminMessages,
  ...orgMessages,
  ...importMessages,
  ...learnMessages,
  ...evidenceMessages,
  ...quizMessages,
  ...submissionMessages,
  ...channelMessages,
  ...certificateMessages,
  ...credentialMessages,
  ...outcomeMessages,
  ...showcaseMessages,
  ...eligibilityMessages,
  ...cohortMessages,
  ...cohortViewMessages,
  ...sessionMessages,
  ...gradingMessages,
  ...assignmentMessages,
  ...calibrationMessages,
  ...queueMessages,
  ...notificationMessages,
  ...reachMessages,
  ...auditMessages,
  ...securityMessages,
  ...coordinatorMessages,
  ...offlineMessages,
  ...reminderMessages,
};

export type MessageKey = keyof typeof messages;
export type Locale = "zh-CN" | "en";
export const defaultLocale: Locale = "zh-CN";
export const allMessages: Record<string, { zh: string; en: string }> = messages;

/** Looks a message up in the locale, falling back to English, then to the key itself. */
export function translate(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  const entry = messages[key];
  const template = (locale === "zh-CN" ? entry?.zh : entry?.en) || entry?.en || key;
  return params ? template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)) : template;
}

export function useT(locale: Locale = defaultLocale) {
  return (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
}
