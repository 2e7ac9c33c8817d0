import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createContext, useContext, useEffect, useMemo, useRef, useState, type CSSProperties } from "react";
import { ChoiceField, Field, FormMessage } from "~/components/form";
import { db } from "~/db.server";
import { orgsForm, type OrgsInput } from "~/form-schemas.server";
import { fieldsOf, readForm } from "~/forms.server";
import {
  checkChildTrack,
  checkMove,
  checkOrgName,
  childKindOf,
  cleanOrgName,
  orgNameLength,
  orgNameMaxLength,
  parentKindOf,
  sameOrgName,
  trackRequired,
  type OrgKind,
  type OrgPlacement,
  type OrgTrack,
} from "~/domain/org-tree";
import { auditRefusal, notFound, requireReach } from "~/guards.server";
import { inReach, isProgrammeWide, unitProblem, type Actor, type UnitChange } from "~/domain/reach";
import { actorOf } from "~/services/people.server";
import { useT, type MessageKey } from "~/i18n";
import { recordAudit } from "~/models/audit.server";
import {
  activeMemberCountsBySubtree,
  archiveOrgUnit,
  countActiveMembers,
  createOrgUnit,
  getOrgUnit,
  listActiveChildren,
  listOrgUnits,
  lockOrgUnits,
  moveOrgUnit,
  renameOrgUnit,
} from "~/models/orgs.server";
import type { Db } from "~/models/types";
import type { OrgUnit } from "../../db/schema";
import type { AppLoadContext } from "@remix-run/node";

export const meta: MetaFunction = () => [{ title: "组织架构 · 百城学堂" }];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const me = requireReach(request, context, "orgs.manage");
  const showArchived = new URL(request.url).searchParams.get("archived") === "1";
  const [units, members] = await Promise.all([
    listOrgUnits(db(), { includeArchived: showArchived }),
    activeMemberCountsBySubtree(db()),
  ]);
  return json({
    showArchived,
    canCreateRoot: isProgrammeWide(me.reach) && !units.some((u) => u.parent_id === null && u.archived_at === null),
    // Only the admin's own subtree; their own unit is the top of what they see, and theirs to add to, not to change.
    units: units
      .filter((u) => inReach(me.reach, u.path))
      .map((u) => ({
      own: u.id === me.reach.unitId,
      id: u.id,
      parentId: u.parent_id,
      name: u.name,
      kind: u.kind,
      track: u.track,
      path: u.path,
      archived: u.archived_at !== null,
      members: members.get(u.id) ?? 0,
    })),
  });
}

type Intent = "create" | "rename" | "move" | "archive";
type FormField = "name" | "track" | "newParentId" | "confirm" | "form";
/** A message parameter: plain text, or another message to translate (a kind or track label). */
type MessageParam = string | number | { msg: MessageKey };
type Params = Record<string, MessageParam>;

/**
 * What one submission did. `nodeId` is the unit whose form was used ("" for the root form);
 * `path` is where the change happened, so the page can keep that part of the tree open.
 */
export type OrgOutcome =
  | { ok: true; intent: Intent; nodeId: string; path: string; message: MessageKey; params: Params }
  | {
      ok: false;
      intent: Intent;
      nodeId: string;
      path: string;
      field: FormField;
      message: MessageKey;
      params: Params;
      values: Record<string, string>;
      /** Set when archiving needs the confirmation box: how many active members are affected. */
      confirmCount?: number;
    };

const kindLabel = (kind: OrgKind): { msg: MessageKey } => ({ msg: `orgs.kind.${kind}` });
const trackLabel = (track: OrgTrack): { msg: MessageKey } => ({ msg: `track.${track}` });

function placementOf(unit: OrgUnit): OrgPlacement {
  return { id: unit.id, kind: unit.kind, path: unit.path, archived: unit.archived_at !== null, track: unit.track };
}

/** A unit id from the form: a malformed or unknown id is a 404, never a message. */
function idFrom(id: string): string {
  if (!uuid.test(id)) throw notFound("单位不存在");
  return id;
}

async function mustFind(trx: Db, id: string): Promise<OrgUnit> {
  const unit = await getOrgUnit(trx, id);
  if (!unit) throw notFound("单位不存在");
  return unit;
}

type AuditBase = { actorId: string; targetType: string; ip: string | null; actor: Actor; context: AppLoadContext };

export const intents = ["create", "rename", "move", "archive"] as const;

/**
 * The reach rule for one change: a unit outside the admin's subtree is the 404 of a missing one;
 * their own unit may not be renamed, moved or archived. Either way the attempt is audited.
 */
async function checkUnitReach(audit: AuditBase, change: UnitChange, unit: OrgUnit, fail: () => OrgOutcome): Promise<OrgOutcome | null> {
  const problem = unitProblem(audit.actor, change, unit.path);
  if (!problem) return null;
  await auditRefusal(audit.context, { attempted: `org.${change}`, targetType: "org_unit", targetId: unit.id, details: { problem } });
  if (problem === "outsideReach") throw notFound("单位不存在");
  return fail();
}

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = requireReach(request, context, "orgs.manage");
  const input = fieldsOf(await readForm(request), orgsForm);
  const audit: AuditBase = { actorId: admin.id, targetType: "org_unit", ip: context.ip, actor: actorOf(admin), context };
  const outcome =
    input.intent === "create"
      ? await createUnit(input, audit)
      : input.intent === "rename"
        ? await renameUnit(input, audit)
        : input.intent === "move"
          ? await moveUnit(input, audit)
          : await archiveUnit(input, audit);
  return json(outcome, { status: outcome.ok ? 200 : 400 });
}

/** Creates a child of the next level (or the national root when there is none). */
async function createUnit(input: Extract<OrgsInput, { intent: "create" }>, audit: AuditBase): Promise<OrgOutcome> {
  const parentId = input.parentId ? idFrom(input.parentId) : null;
  const values = { name: input.name, track: input.track };
  const name = cleanOrgName(values.name);
  const rawTrack = values.track;
  return db()
    .transaction()
    .execute(async (trx): Promise<OrgOutcome> => {
      const parent = parentId ? (await lockOrgUnits(trx, [parentId])).get(parentId) : null;
      if (parentId && !parent) throw notFound("单位不存在");
      const fail = (field: FormField, message: MessageKey, params: Params = {}): OrgOutcome => ({
        ok: false, intent: "create", nodeId: parent?.id ?? "", path: parent?.path ?? "", field, message, params, values,
      });
      if (parent) {
        const refused = await checkUnitReach(audit, "createChild", parent, () => fail("form", "reach.error.ownUnit"));
        if (refused) return refused;
      } else if (!isProgrammeWide(audit.actor.reach)) {
        await auditRefusal(audit.context, { attempted: "org.createRoot" });
        throw notFound("单位不存在");
      }
      if (parent?.archived_at) return fail("form", "orgs.error.parentArchived", { name: parent.name });
      const kind: OrgKind | null = parent ? childKindOf(parent.kind) : "national";
      if (!kind) return fail("form", "orgs.error.lastLevel");
      if (!parent && (await listActiveChildren(trx, null)).some((u) => u.kind === "national")) {
        return fail("form", "orgs.error.rootExists");
      }
      const nameProblem = checkOrgName(name);
      if (nameProblem === "empty") return fail("name", "orgs.error.nameEmpty");
      if (nameProblem === "tooLong") return fail("name", "orgs.error.nameTooLong", { max: orgNameMaxLength, length: orgNameLength(name) });
      if (rawTrack !== "" && rawTrack !== "campus" && rawTrack !== "community") return fail("track", "orgs.error.trackInvalid");
      const track: OrgTrack | null = rawTrack === "" ? null : rawTrack;
      const trackProblem = checkChildTrack(kind, track, parent?.track ?? null);
      if (trackProblem === "trackRequired") return fail("track", "orgs.error.trackRequired");
      if (trackProblem === "trackMismatch" && parent?.track) {
        return fail("track", "orgs.error.trackMismatch", { parent: parent.name, parentTrack: trackLabel(parent.track) });
      }
      const siblings = await listActiveChildren(trx, parent?.id ?? null);
      if (siblings.some((s) => sameOrgName(s.name, name))) {
        return parent
          ? fail("name", "orgs.error.nameTaken", { parent: parent.name, name })
          : fail("name", "orgs.error.rootNameTaken", { name });
      }
      const id = await createOrgUnit(trx, { parentId: parent?.id ?? null, kind, name, track });
      await recordAudit(trx, { ...audit, action: "org.created", targetId: id, details: { name, kind, track, parentId: parent?.id ?? null } });
      return { ok: true, intent: "create", nodeId: parent?.id ?? "", path: `${parent?.path ?? "/"}${id}/`, message: "orgs.done.created", params: { name } };
    });
}

/** Renames a unit; the name stays unique among its active siblings. */
async function renameUnit(input: Extract<OrgsInput, { intent: "rename" }>, audit: AuditBase): Promise<OrgOutcome> {
  const id = idFrom(input.id);
  const values = { name: input.name };
  const name = cleanOrgName(values.name);
  return db()
    .transaction()
    .execute(async (trx): Promise<OrgOutcome> => {
      const before = await mustFind(trx, id);
      const locked = await lockOrgUnits(trx, before.parent_id ? [id, before.parent_id] : [id]);
      const node = locked.get(id) ?? before;
      const parent = node.parent_id ? locked.get(node.parent_id) : undefined;
      const fail = (field: FormField, message: MessageKey, params: Params = {}): OrgOutcome => ({
        ok: false, intent: "rename", nodeId: id, path: node.path, field, message, params, values,
      });
      const refused = await checkUnitReach(audit, "rename", node, () => fail("form", "reach.error.ownUnit"));
      if (refused) return refused;
      if (node.archived_at) return fail("form", "orgs.error.nodeArchived", { name: node.name });
      const nameProblem = checkOrgName(name);
      if (nameProblem === "empty") return fail("name", "orgs.error.nameEmpty");
      if (nameProblem === "tooLong") return fail("name", "orgs.error.nameTooLong", { max: orgNameMaxLength, length: orgNameLength(name) });
      const done = (message: MessageKey, params: Params): OrgOutcome => ({ ok: true, intent: "rename", nodeId: id, path: node.path, message, params });
      if (name === node.name) return done("orgs.done.unchanged", {});
      const siblings = await listActiveChildren(trx, node.parent_id);
      if (siblings.some((s) => s.id !== node.id && sameOrgName(s.name, name))) {
        return parent
          ? fail("name", "orgs.error.nameTaken", { parent: parent.name, name })
          : fail("name", "orgs.error.rootNameTaken", { name });
      }
      await renameOrgUnit(trx, id, name);
      await recordAudit(trx, { ...audit, action: "org.renamed", targetId: id, details: { from: node.name, to: name } });
      return done("orgs.done.renamed", { from: node.name, to: name });
    });
}

/** Moves a unit and its subtree under another parent of the level above. */
async function moveUnit(input: Extract<OrgsInput, { intent: "move" }>, audit: AuditBase): Promise<OrgOutcome> {
  const id = idFrom(input.id);
  const values = { newParentId: input.newParentId };
  const newParentId = values.newParentId ? idFrom(values.newParentId) : null;
  return db()
    .transaction()
    .execute(async (trx): Promise<OrgOutcome> => {
      const before = await mustFind(trx, id);
      const fail = (node: OrgUnit, field: FormField, message: MessageKey, params: Params = {}): OrgOutcome => ({
        ok: false, intent: "move", nodeId: id, path: node.path, field, message, params, values,
      });
      const refused = await checkUnitReach(audit, "move", before, () => fail(before, "form", "reach.error.ownUnit"));
      if (refused) return refused;
      if (!newParentId) return fail(before, "newParentId", "orgs.error.moveNoParent");
      const locked = await lockOrgUnits(trx, [id, newParentId, ...(before.parent_id ? [before.parent_id] : [])]);
      const node = locked.get(id) ?? before;
      const newParent = locked.get(newParentId);
      if (!newParent) throw notFound("单位不存在");
      // Nothing leaves the admin's subtree: the new parent must be inside it too.
      if (!inReach(audit.actor.reach, newParent.path)) {
        await auditRefusal(audit.context, { attempted: "org.move", targetType: "org_unit", targetId: id, details: { newParentId } });
        return fail(node, "newParentId", "reach.error.outsideReach");
      }
      if (!node.parent_id) return fail(node, "form", "orgs.error.moveRoot");
      const problem = checkMove(placementOf(node), placementOf(newParent));
      const names = { name: node.name, parent: newParent.name };
      switch (problem) {
        case "intoItself":
          return fail(node, "newParentId", "orgs.error.moveIntoItself", names);
        case "wrongLevel": {
          const wanted = parentKindOf(node.kind);
          return fail(node, "newParentId", "orgs.error.moveWrongLevel", {
            ...names,
            kind: kindLabel(node.kind),
            parentKind: wanted ? kindLabel(wanted) : "",
            actualKind: kindLabel(newParent.kind),
          });
        }
        case "archivedNode":
          return fail(node, "form", "orgs.error.nodeArchived", names);
        case "archivedParent":
          return fail(node, "newParentId", "orgs.error.moveArchivedParent", names);
        case "sameParent":
          return fail(node, "newParentId", "orgs.error.moveSameParent", names);
        case "trackMismatch":
          return fail(node, "newParentId", "orgs.error.moveTrackMismatch", {
            ...names,
            track: node.track ? trackLabel(node.track) : "",
            parentTrack: newParent.track ? trackLabel(newParent.track) : "",
          });
        case null:
          break;
      }
      const siblings = await listActiveChildren(trx, newParent.id);
      if (siblings.some((s) => sameOrgName(s.name, node.name))) {
        return fail(node, "newParentId", "orgs.error.nameTaken", names);
      }
      const moved = await moveOrgUnit(trx, node, newParent);
      await recordAudit(trx, {
        ...audit,
        action: "org.moved",
        targetId: id,
        details: { name: node.name, fromParentId: node.parent_id, toParentId: newParent.id, fromPath: node.path, units: moved },
      });
      return {
        ok: true,
        intent: "move",
        nodeId: id,
        path: `${newParent.path}${id}/`,
        message: "orgs.done.moved",
        params: { ...names, count: moved },
      };
    });
}

/** Archives a unit and its subtree; people in it need an explicit confirmation. */
async function archiveUnit(input: Extract<OrgsInput, { intent: "archive" }>, audit: AuditBase): Promise<OrgOutcome> {
  const id = idFrom(input.id);
  const confirmed = input.confirm === "yes";
  return db()
    .transaction()
    .execute(async (trx): Promise<OrgOutcome> => {
      const node = (await lockOrgUnits(trx, [id])).get(id);
      if (!node) throw notFound("单位不存在");
      const fail = (field: FormField, message: MessageKey, params: Params, confirmCount?: number): OrgOutcome => ({
        ok: false, intent: "archive", nodeId: id, path: node.path, field, message, params, values: {}, confirmCount,
      });
      const refused = await checkUnitReach(audit, "archive", node, () => fail("form", "reach.error.ownUnit", {}));
      if (refused) return refused;
      if (node.archived_at) return fail("form", "orgs.error.alreadyArchived", { name: node.name });
      const members = Number(await countActiveMembers(trx, node));
      if (members > 0 && !confirmed) return fail("confirm", "orgs.error.archiveConfirm", { name: node.name, count: members }, members);
      const archived = await archiveOrgUnit(trx, node);
      await recordAudit(trx, { ...audit, action: "org.archived", targetId: id, details: { name: node.name, units: archived, members } });
      return { ok: true, intent: "archive", nodeId: id, path: node.path, message: "orgs.done.archived", params: { name: node.name, count: archived } };
    });
}

type UnitView = SerializeFrom<typeof loader>["units"][number];
type Outcome = SerializeFrom<typeof action>;
type Refusal = Extract<Outcome, { ok: false }>;

interface TreeState {
  units: UnitView[];
  byId: Map<string, UnitView>;
  children: Map<string, UnitView[]>;
  roots: UnitView[];
  result: Outcome | undefined;
}

const TreeContext = createContext<TreeState | null>(null);
function useTree(): TreeState {
  const tree = useContext(TreeContext);
  if (!tree) throw new Error("useTree outside the organisation tree");
  return tree;
}

function byName(a: { name: string }, b: { name: string }) {
  return a.name.localeCompare(b.name, "zh-CN");
}

function buildTree(units: UnitView[]) {
  const byId = new Map(units.map((u) => [u.id, u]));
  const children = new Map<string, UnitView[]>();
  const roots: UnitView[] = [];
  for (const unit of units) {
    // A unit whose parent is not listed still shows (as a root), so nothing active is ever hidden.
    if (unit.parentId && byId.has(unit.parentId)) children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit]);
    else roots.push(unit);
  }
  for (const list of children.values()) list.sort(byName);
  return { byId, children, roots: roots.sort(byName) };
}

function namePath(unit: UnitView, byId: Map<string, UnitView>): string {
  return unit.path
    .split("/")
    .filter(Boolean)
    .flatMap((id) => byId.get(id)?.name ?? [])
    .join(" / ");
}

function useSay() {
  const t = useT();
  return (message: MessageKey, params: Params) =>
    t(message, Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === "object" ? t(v.msg) : v])));
}

const nestedList: CSSProperties = { listStyle: "none", margin: ".25rem 0 0", paddingLeft: ".9rem", borderLeft: "2px solid var(--c-border)" };
const topList: CSSProperties = { listStyle: "none", margin: 0, padding: 0 };
const nodeItem: CSSProperties = { margin: ".4rem 0" };
// Summaries are the tree's main controls: give them a comfortable touch target on phones.
const summaryStyle: CSSProperties = { cursor: "pointer", padding: ".35rem 0", width: "fit-content" };
const panelGrid: CSSProperties = { display: "grid", gap: ".75rem", gridTemplateColumns: "repeat(auto-fit, minmax(min(100%, 240px), 1fr))", margin: ".5rem 0" };

export default function OrgTreePage() {
  const { units, showArchived, canCreateRoot } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const t = useT();
  const say = useSay();
  const tree = useMemo(() => ({ units, ...buildTree(units), result }), [units, result]);
  return (
    <div className="stack">
      <p>
        <Link to="/admin">← {t("orgs.back")}</Link>
      </p>
      <div className="page-header">
        <h1>{t("orgs.title")}</h1>
        <Link to={showArchived ? "/admin/orgs" : "/admin/orgs?archived=1"} className="button secondary">
          {showArchived ? t("orgs.hideArchived") : t("orgs.showArchived")}
        </Link>
      </div>
      <p className="lead">{t("orgs.lead")}</p>
      {result?.ok ? <FormMessage kind="success">{say(result.message, result.params)}</FormMessage> : null}
      <TreeContext.Provider value={tree}>
        {tree.roots.length ? (
          <ul style={topList}>
            {tree.roots.map((root) => (
              <OrgNode key={root.id} node={root} depth={0} />
            ))}
          </ul>
        ) : (
          <p className="empty">{t("orgs.empty")}</p>
        )}
        {!canCreateRoot ? null : (
          <div className="card">
            <CreateForm parent={null} />
          </div>
        )}
      </TreeContext.Provider>
    </div>
  );
}

function OrgNode({ node, depth }: { node: UnitView; depth: number }) {
  const t = useT();
  const { children, result } = useTree();
  const kids = children.get(node.id) ?? [];
  const leadsToResult = (r: Outcome | undefined) => Boolean(r && r.path !== node.path && r.path.startsWith(node.path));
  const [open, setOpen] = useState(depth < 2 || leadsToResult(result));
  useEffect(() => {
    if (leadsToResult(result)) setOpen(true);
  }, [result]); // only a new submission result may open a branch, never a re-render
  return (
    <li id={`org-${node.id}`} style={nodeItem}>
      <div>
        <strong>{node.name}</strong> <span className="badge">{t(`orgs.kind.${node.kind}`)}</span>
        {node.track ? <span className="badge">{t(`track.${node.track}`)}</span> : null}
        {node.archived ? <span className="badge warn">{t("orgs.archived")}</span> : null}
        <span className="muted">{t("orgs.members", { count: node.members })}</span>
      </div>
      {node.archived ? null : <ManagePanel node={node} />}
      {kids.length ? (
        <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
          <summary style={summaryStyle}>
            {t("orgs.children", { count: kids.length })}
            <span className="sr-only">（{node.name}）</span>
          </summary>
          <ul style={nestedList}>
            {kids.map((kid) => (
              <OrgNode key={kid.id} node={kid} depth={depth + 1} />
            ))}
          </ul>
        </details>
      ) : null}
    </li>
  );
}

/** The forms of one unit, rendered only while its "管理" disclosure is open: a big tree stays light. */
function ManagePanel({ node }: { node: UnitView }) {
  const t = useT();
  const { result } = useTree();
  const refused = (r: Outcome | undefined) => Boolean(r && !r.ok && r.nodeId === node.id);
  const [open, setOpen] = useState(refused(result));
  useEffect(() => {
    if (refused(result)) setOpen(true);
  }, [result]); // only a new submission result may open the panel
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary style={summaryStyle}>
        {t("orgs.manage")}
        <span className="sr-only">“{node.name}”</span>
      </summary>
      {open ? (
        <div style={panelGrid}>
          {node.own ? null : <RenameForm node={node} />}
          {childKindOf(node.kind) ? <CreateForm parent={node} /> : null}
          {node.parentId && !node.own ? <MoveForm node={node} /> : null}
          {node.own ? null : <ArchiveForm node={node} />}
        </div>
      ) : null}
    </details>
  );
}

/** The outcome of this form's last submission, with focus on the field it refused and a reset after success. */
function useFormOutcome(intent: Intent, nodeId: string) {
  const { result } = useTree();
  const formRef = useRef<HTMLFormElement>(null);
  const mine = result && result.intent === intent && result.nodeId === nodeId ? result : undefined;
  const idOf = (field: FormField) => `${intent}-${field}-${nodeId || "root"}`;
  useEffect(() => {
    if (!mine) return;
    if (mine.ok) formRef.current?.reset();
    else document.getElementById(idOf(mine.field))?.focus();
  }, [mine]); // react to a new result only
  const refusal = mine && !mine.ok ? mine : undefined;
  const success = mine?.ok ? mine : undefined;
  return { formRef, refusal, success, idOf };
}

/** A refusal that belongs to no single field, focusable so the form can move focus to it. */
function FormProblem({ refusal, id }: { refusal: Refusal | undefined; id: string }) {
  const say = useSay();
  if (!refusal || refusal.field !== "form") return null;
  return (
    <div id={id} tabIndex={-1}>
      <FormMessage kind="error">{say(refusal.message, refusal.params)}</FormMessage>
    </div>
  );
}

function FormDone({ success }: { success: Extract<Outcome, { ok: true }> | undefined }) {
  const say = useSay();
  return success ? <FormMessage kind="success">{say(success.message, success.params)}</FormMessage> : null;
}

function useFieldError(refusal: Refusal | undefined, field: FormField): string | undefined {
  const say = useSay();
  return refusal && refusal.field === field ? say(refusal.message, refusal.params) : undefined;
}

function SubmitButton({ label, danger }: { label: string; danger?: boolean }) {
  const busy = useNavigation().state === "submitting";
  return (
    <button type="submit" className={`button ${danger ? "danger" : "secondary"}`} disabled={busy}>
      {label}
    </button>
  );
}

function RenameForm({ node }: { node: UnitView }) {
  const t = useT();
  const { formRef, refusal, success, idOf } = useFormOutcome("rename", node.id);
  const nameError = useFieldError(refusal, "name");
  return (
    <Form method="post" ref={formRef} noValidate>
      <input type="hidden" name="intent" value="rename" />
      <input type="hidden" name="id" value={node.id} />
      <fieldset className="field">
        <legend>{t("orgs.rename.legend")}</legend>
        <FormProblem refusal={refusal} id={idOf("form")} />
        <Field
          id={idOf("name")}
          label={t("orgs.name")}
          name="name"
          required
          autoComplete="off"
          defaultValue={refusal?.values.name ?? node.name}
          error={nameError}
        />
        <FormDone success={success} />
        <SubmitButton label={t("orgs.rename.submit")} />
      </fieldset>
    </Form>
  );
}

function CreateForm({ parent }: { parent: UnitView | null }) {
  const t = useT();
  const { formRef, refusal, success, idOf } = useFormOutcome("create", parent?.id ?? "");
  const kind = parent ? childKindOf(parent.kind) : "national";
  const trackError = useFieldError(refusal, "track");
  const nameError = useFieldError(refusal, "name");
  if (!kind) return null;
  const required = trackRequired(kind);
  const trackId = idOf("track");
  const tracks: OrgTrack[] = parent?.track ? [parent.track] : ["campus", "community"];
  return (
    <Form method="post" ref={formRef} noValidate>
      <input type="hidden" name="intent" value="create" />
      <input type="hidden" name="parentId" value={parent?.id ?? ""} />
      <fieldset className="field">
        <legend>{parent ? t("orgs.create.legend", { kind: t(`orgs.kind.${kind}`) }) : t("orgs.create.root")}</legend>
        <FormProblem refusal={refusal} id={idOf("form")} />
        <Field
          id={idOf("name")}
          label={t("orgs.name")}
          name="name"
          required
          autoComplete="off"
          hint={t("orgs.name.hint")}
          defaultValue={refusal?.values.name ?? ""}
          error={nameError}
        />
        <ChoiceField
          id={trackId}
          label={t("orgs.track")}
          name="track"
          hint={required ? t("orgs.track.requiredHint") : t("orgs.track.optionalHint")}
          required={required}
          defaultValue={refusal?.values.track ?? parent?.track ?? ""}
          error={trackError}
          placeholder={required && tracks.length === 1 ? undefined : required ? t("orgs.move.choose") : t("track.none")}
          options={tracks.map((track) => ({ value: track, label: t(`track.${track}`) }))}
        />
        <FormDone success={success} />
        <SubmitButton label={t("orgs.create.submit")} />
      </fieldset>
    </Form>
  );
}

function MoveForm({ node }: { node: UnitView }) {
  const t = useT();
  const { units, byId } = useTree();
  const { formRef, refusal, idOf } = useFormOutcome("move", node.id);
  const error = useFieldError(refusal, "newParentId");
  const parentKind = parentKindOf(node.kind);
  const candidates = useMemo(
    () =>
      units
        .filter(
          (u) =>
            !u.archived &&
            u.kind === parentKind &&
            u.id !== node.parentId &&
            !(u.track && node.track && u.track !== node.track),
        )
        .map((u) => ({ value: u.id, label: namePath(u, byId) }))
        .sort((a, b) => a.label.localeCompare(b.label, "zh-CN")),
    [units, byId, node, parentKind],
  );
  if (!parentKind) return null;
  const kindName = t(`orgs.kind.${parentKind}`);
  const selectId = idOf("newParentId");
  if (candidates.length === 0) {
    return (
      <fieldset className="field">
        <legend>{t("orgs.move.legend")}</legend>
        <p className="hint">{t("orgs.move.none", { kind: kindName })}</p>
      </fieldset>
    );
  }
  return (
    <Form method="post" ref={formRef} noValidate>
      <input type="hidden" name="intent" value="move" />
      <input type="hidden" name="id" value={node.id} />
      <fieldset className="field">
        <legend>{t("orgs.move.legend")}</legend>
        <FormProblem refusal={refusal} id={idOf("form")} />
        <ChoiceField
          id={selectId}
          label={t("orgs.move.parent", { kind: kindName })}
          name="newParentId"
          hint={t("orgs.move.hint")}
          required
          defaultValue={refusal?.values.newParentId ?? ""}
          error={error}
          placeholder={t("orgs.move.choose")}
          options={candidates}
        />
        <SubmitButton label={t("orgs.move.submit")} />
      </fieldset>
    </Form>
  );
}

function ArchiveForm({ node }: { node: UnitView }) {
  const t = useT();
  const { formRef, refusal, idOf } = useFormOutcome("archive", node.id);
  const error = useFieldError(refusal, "confirm");
  const members = refusal?.confirmCount ?? node.members;
  const confirmId = idOf("confirm");
  return (
    <Form method="post" ref={formRef} noValidate>
      <input type="hidden" name="intent" value="archive" />
      <input type="hidden" name="id" value={node.id} />
      <fieldset className="field">
        <legend>{t("orgs.archive.legend")}</legend>
        <FormProblem refusal={refusal} id={idOf("form")} />
        <p id={`${confirmId}-hint`} className="hint">
          {t("orgs.archive.hint")}
        </p>
        {members > 0 ? (
          <label className="check" htmlFor={confirmId}>
            <input
              id={confirmId}
              type="checkbox"
              name="confirm"
              value="yes"
              aria-invalid={error ? true : undefined}
              aria-describedby={[`${confirmId}-hint`, error ? `${confirmId}-error` : null].filter(Boolean).join(" ")}
            />{" "}
            {t("orgs.archive.confirm", { count: members })}
          </label>
        ) : null}
        {error ? (
          <p id={`${confirmId}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <SubmitButton label={t("orgs.archive.submit")} danger />
      </fieldset>
    </Form>
  );
}
