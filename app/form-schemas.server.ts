import { z } from "zod";
import { field } from "~/forms.server";

// One schema per form an action reads (docs/decisions/016-form-input.md). A route with several
// forms posts an `intent`, and its schema is a union on it: a post without one, or with one no page
// offers, is a 400. Every value is bounded, so an over-long value is a 400 with a Chinese message
// before anything is looked up or written. Limits sit well above what the domain rules allow: text a
// person typed is judged there, with the friendly message next to the field and the form kept.
// Ids are `field.ref()`: bounded here, and judged by the action, which answers a malformed id like an
// unknown one or one outside reach (404), as the reach rules require (docs/decisions/008-reach.md).
// Declared here, in a server-only module, so that neither zod schemas nor `field` reach the browser.

/** Text a person types into a one-line field (names, titles, places, phone numbers). */
const line = () => field.text(1_000);
/** Text a person types into a text area (reasons, notes, comments, plans). */
const prose = () => field.text(100_000);
/** A password as typed: bounded far above any rule, so that the rules (not a 400) judge it. */
const password = () => field.text(4_096);
/** A select or radio group whose value the domain rules check (and answer with a field message). */
const picked = () => field.text(100);

// ── /admin/assignments ──────────────────────────────────────────────────────────────────────────
export const assignmentsForm = z.object({
  submissionId: field.list(z.string().trim().max(100), 1_000),
  mentorId: field.ref(),
  role: picked(),
});

// ── /admin/calibration ──────────────────────────────────────────────────────────────────────────
export const calibrationAnchorForm = z.object({ submissionId: field.ref() });

// ── /admin/certificates ─────────────────────────────────────────────────────────────────────────
const certificateFilters = { region: field.ref(), track: picked(), tier: picked(), q: line(), status: picked() };
export const certificatesForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("issue"),
    ...certificateFilters,
    candidate: field.list(z.string().max(200), 5_000),
    confirmName: field.list(z.string().max(100), 5_000),
  }),
  z.object({ intent: z.literal("issueAll"), ...certificateFilters, confirmName: field.list(z.string().max(100), 5_000) }),
  z.object({ intent: z.literal("revoke"), certificateId: field.ref(), reason: field.text(10_000), note: field.text(40_000) }),
  z.object({ intent: z.literal("reissue"), certificateId: field.ref() }),
]);

// ── /admin/cohorts ──────────────────────────────────────────────────────────────────────────────
const cohortDates = { name: line(), startsOn: picked(), endsOn: picked() };
export const cohortCreateForm = z.object({ ...cohortDates, orgUnitId: field.ref(), track: picked(), tier: picked(), programmeYear: picked() });

// ── /admin/cohorts/:cohortId (`due.<taskId>` per task when saving; the roster upload is multipart) ─
export const cohortForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), ...cohortDates, lateWorkAccepted: field.checkbox() }).catchall(field.rest(100)),
  z.object({ intent: z.literal("add"), userId: field.list(z.string().trim().max(100), 200), q: line() }),
  z.object({ intent: z.literal("remove"), userId: field.ref() }),
  z.object({ intent: z.literal("code"), maxUses: picked() }),
  z.object({ intent: z.literal("revoke"), codeId: field.ref() }),
  z.object({ intent: z.literal("decide"), requestId: field.ref(), decision: field.choice(["approve", "decline"]) }),
  z.object({ intent: z.literal("import") }),
]);

// ── /admin/cohorts/:cohortId/progress (a message to the cohort; the id is made by the page) ──────
export const cohortProgressForm = z.object({ intent: z.literal("message"), messageId: field.ref(), title: line(), body: prose() });

// ── /cohorts (a trainee's join code) ────────────────────────────────────────────────────────────
export const cohortJoinForm = z.object({ code: line() });

// ── /admin/sessions ─────────────────────────────────────────────────────────────────────────────
export const sessionCreateForm = z.object({
  title: line(),
  kind: picked(),
  for: field.ref(200),
  date: picked(),
  start: picked(),
  end: picked(),
  place: line(),
  onlineUrl: line(),
  capacity: picked(),
  hours: picked(),
  cancelHours: picked(),
  lateMinutes: picked(),
});

// ── /admin/sessions/:sessionId ──────────────────────────────────────────────────────────────────
export const sessionAdminForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("mark"), userId: field.ref(), status: field.choice(["present", "late", "absent", "excused"]), note: field.text(2_000) }),
  z.object({ intent: z.literal("enrol"), userId: field.ref() }),
  z.object({ intent: z.literal("cancelFor"), userId: field.ref() }),
  // A paper sign-in sheet: multipart, the file in "file" (read by the route, not here).
  z.object({ intent: z.literal("sheet") }),
  z.object({ intent: z.literal("removeSheet"), sheetId: field.ref() }),
]);

// ── /sessions (a trainee's sign-up and cancellation) ───────────────────────────────────────────
export const sessionSignUpForm = z.object({ intent: field.choice(["signUp", "cancel"]), sessionId: field.ref() });
// ── /sessions/:sessionId (the same, for the session in the address) ──────────────────────────────
export const sessionPageForm = z.object({ intent: field.choice(["signUp", "cancel"]) });

// ── /admin/exports ──────────────────────────────────────────────────────────────────────────────
export const exportForm = z.object({
  kind: field.choice(["trainees", "indicators"]),
  region: field.optionalUuid(),
  track: z.union([field.choice(["campus", "community"]), z.literal("")]).default(""),
  year: z.union([field.choice(["1", "2", "3"]), z.literal("")]).default(""),
});

// ── /admin/orgs ─────────────────────────────────────────────────────────────────────────────────
export const orgsForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("create"), parentId: field.ref(), name: line(), track: picked() }),
  z.object({ intent: z.literal("rename"), id: field.ref(), name: line() }),
  z.object({ intent: z.literal("move"), id: field.ref(), newParentId: field.ref() }),
  z.object({ intent: z.literal("archive"), id: field.ref(), confirm: picked() }),
]);
export type OrgsInput = z.infer<typeof orgsForm>;

// ── /admin/outcomes ─────────────────────────────────────────────────────────────────────────────
export const outcomesForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("target"), indicatorId: field.ref(200), target: line() }),
  z.object({ intent: z.literal("milestone"), orgUnitId: field.ref(), milestone: picked(), evidence: prose() }),
]);

// ── /admin/showcase ─────────────────────────────────────────────────────────────────────────────
export const showcaseDecisionForm = z.object({ intent: field.choice(["approve", "reject"]), submissionId: field.ref() });

// ── the person form: /admin/users/new and /admin/users/:userId (save) ───────────────────────────
const personFields = { name: line(), phone: line(), email: line(), orgUnitId: field.ref(), track: picked(), roles: field.list(z.string().max(100), 20) };
export const newUserForm = z.object(personFields);

// ── /admin/users/:userId ────────────────────────────────────────────────────────────────────────
export const userForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), ...personFields }),
  z.object({ intent: z.literal("deactivate") }),
  z.object({ intent: z.literal("reactivate") }),
  z.object({ intent: z.literal("unlock") }),
  z.object({ intent: z.literal("link") }),
  z.object({ intent: z.literal("addUnit"), orgUnitId: field.ref() }),
  z.object({ intent: z.literal("removeUnit"), orgUnitId: field.ref() }),
]);

// ── /admin/users/import (the CSV upload: its one part is the file, checked by the action) ──────
export const userImportForm = z.object({});

// ── /admin/users/import/:importId: confirm the import, or make everyone's invite links ──
export const importConfirmForm = z.object({ intent: z.enum(["import", "links"]) });

// ── /invite/:token ──────────────────────────────────────────────────────────────────────────────
// The password form posts no intent (as before SMS sign-in); the code forms name theirs.
export const inviteForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("password").default("password"), password: password(), confirm: password() }),
  z.object({ intent: z.literal("sendCode") }),
  z.object({ intent: z.literal("verifyCode"), code: line() }),
]);

// ── /learn/:track/:tier/:slug ───────────────────────────────────────────────────────────────────
export const markReadForm = z.object({ intent: z.literal("read") });

// ── /login ──────────────────────────────────────────────────────────────────────────────────────
// The password form posts no intent (as it always has); the SMS code forms name theirs.
const redirectTo = () => field.text(4_096);
export const loginForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("password").default("password"), identifier: line(), password: password(), redirectTo: redirectTo() }),
  z.object({ intent: z.literal("sendCode"), phone: line(), redirectTo: redirectTo() }),
  z.object({ intent: z.literal("verifyCode"), phone: line(), code: line(), redirectTo: redirectTo() }),
]);

// ── /logout (read leniently: signing out never fails on what came with it) ─────────────────────
export const logoutForm = z.object({ scope: z.union([z.literal("all"), z.literal("")]).default("") });

// ── /mentor/calibration (`level.<criterionId>` per criterion) ───────────────────────────────────
export const practiceGradeForm = z.object({ anchorId: field.ref() }).catchall(field.rest(1_000));

// ── /mentor/submissions/:submissionId (`level.<id>` and `comment.<id>` per criterion) ──────────
export const gradingForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("nominate"), reason: field.text(10_000) }),
  z
    .object({ intent: z.literal("grade"), decision: picked(), role: picked(), seenVersion: field.text(100), comment: prose() })
    .catchall(field.rest(100_000)),
]);
export type GradeInput = Extract<z.infer<typeof gradingForm>, { intent: "grade" }>;

// ── /notifications ──────────────────────────────────────────────────────────────────────────────
export const notificationsForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("read"), id: field.ref(1_000) }),
  z.object({ intent: z.literal("readAll"), seenAt: field.text(100) }),
]);

// ── /admin/deliveries ─────────────────────────────────────────────────────────────────────────────
export const deliveriesForm = z.object({ intent: z.literal("resend"), id: field.ref() });

// ── /admin/reminders (one kind switched off or on again for one unit) ────────────────────────────
export const reminderSwitchForm = z.object({ intent: z.literal("set"), orgUnitId: field.ref(), kind: picked(), to: field.choice(["on", "off"]) });

// ── /unsubscribe/:token (RFC 8058 one-click: mail clients post List-Unsubscribe=One-Click) ────────
export const unsubscribeForm = z.object({ "List-Unsubscribe": field.text(100) });

// ── /profile ────────────────────────────────────────────────────────────────────────────────────
export const profileForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("profile"), name: line(), phone: line() }),
  z.object({ intent: z.literal("password"), current: password(), password: password(), confirm: password() }),
  // Messages outside the app: verify a phone or address by a code, pick kind × channel, quiet hours.
  z.object({ intent: z.literal("sendCode"), channel: picked() }),
  z.object({ intent: z.literal("verifyCode"), channel: picked(), code: line() }),
  z.object({ intent: z.literal("choices"), on: field.list(z.string().max(100), 100) }),
  z.object({ intent: z.literal("quiet"), quietOn: field.checkbox(), quietStart: picked(), quietEnd: picked() }),
]);

// ── /tasks/:taskId (a quiz posts `q.<questionId>`; written work its draft fields) ──────────────
const writtenFields = {
  activityTitle: line(),
  activityDate: picked(),
  orgUnitId: field.ref(),
  otherOrgName: line(),
  place: line(),
  audienceType: picked(),
  peopleReached: picked(),
  durationMinutes: picked(),
  plan: prose(),
  reflection: prose(),
  text: prose(),
  consentConfirmed: field.checkbox(),
  showcaseConsent: field.checkbox(),
  showcasePhotos: field.checkbox(),
  // A task that logs visits posts one row per visit (app/domain/submission-input.ts readVisitRows).
  "visit.date": field.list(z.string().max(1_000), 60),
  "visit.place": field.list(z.string().max(1_000), 60),
  "visit.audienceType": field.list(z.string().max(1_000), 60),
  "visit.peopleReached": field.list(z.string().max(1_000), 60),
  "visit.durationMinutes": field.list(z.string().max(1_000), 60),
};
export const taskForm = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("quiz-submit") }).catchall(field.rest(1_000)),
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("save"), ...writtenFields }),
  z.object({ intent: z.literal("autosave"), ...writtenFields }),
  z.object({ intent: z.literal("submit"), ...writtenFields }),
]);
export type WrittenInput = z.infer<z.ZodObject<typeof writtenFields>>;

// ── /tasks/:taskId/evidence (multipart: these are its text parts; the files are read apart) ────
export const evidenceForm = z.discriminatedUnion("intent", [
  // clientKey: a queued upload's key from the device (decision 025); empty for uploads sent from the page.
  z.object({ intent: z.literal("upload"), kind: picked(), clientKey: field.ref(100) }),
  z.object({ intent: z.literal("delete"), fileId: field.ref() }),
]);

// ── /verify/:code (a pasted credential; past maxCredentialLength the page says "too large") ───
export const verifyPasteForm = z.object({ jws: field.text(200_000) });
