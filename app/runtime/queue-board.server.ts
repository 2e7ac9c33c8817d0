// Bull Board at /admin/queues: the live view of every BullMQ queue, for global administrators.
// Mounted by server.ts before the Remix handler, so it guards itself (see docs/decisions/007-queue-board.md).
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { Queue } from "bullmq";
import express, { type NextFunction, type Request, type Response } from "express";
import { Redis } from "ioredis";
import { authenticate, type AuthUser } from "../auth.server";
import { db } from "../db.server";
import { can, type Permission } from "../domain/roles";
import { translate, type MessageKey } from "../i18n";
import { logger } from "../logger.server";
import { recordAudit, type AuditAction } from "../models/audit.server";
import { isProgrammeWide, reachOf } from "../domain/reach";
import { queueNames, type QueueName, type QueueSettings } from "../queue.server";

export const queueBoardPath = "/admin/queues";

/** The permission that already shows failed jobs on /admin/assignments; admin permissions are not scoped by org unit. */
export const queueBoardPermission: Permission = "assignments.manage";

const descriptions: Record<QueueName, MessageKey> = {
  scoring: "queues.description.scoring",
  routing: "queues.description.routing",
  eligibility: "queues.description.eligibility",
  certificates: "queues.description.certificates",
  notifications: "queues.description.notifications",
  maintenance: "queues.description.maintenance",
  exports: "queues.description.exports",
  deliveries: "queues.description.deliveries",
  reminders: "queues.description.reminders",
};

interface BoardAction {
  method: string;
  path: RegExp;
  audit: AuditAction;
  /** A job-level action needs the job to exist in this state (retry a failed job, promote a delayed one). */
  jobState?: "failed" | "delayed";
}

// Every other state-changing call (clean, remove, empty, obliterate, add, edit data, pause,
// schedulers, rate limits) is refused: Postgres decides what work exists, the board only nudges it.
const allowedActions: BoardAction[] = [
  { method: "PUT", path: /^\/api\/queues\/(?<queue>[^/]+)\/retry\/failed$/, audit: "queue.retried" },
  { method: "PUT", path: /^\/api\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/retry$/, audit: "queue.retried", jobState: "failed" },
  { method: "PUT", path: /^\/api\/queues\/(?<queue>[^/]+)\/promote$/, audit: "queue.promoted" },
  { method: "PUT", path: /^\/api\/queues\/(?<queue>[^/]+)\/(?<job>[^/]+)\/promote$/, audit: "queue.promoted", jobState: "delayed" },
];

/**
 * Words of bull-board's own queue routes: `PUT …/clean/promote` matches "promote job `clean`" here
 * but bull-board routes it to "clean the queue", so such a job id is never taken as one.
 */
const boardRouteWords = new Set(["add", "clean", "concurrency", "empty", "job-schedulers", "obliterate", "pause", "promote", "rate-limit", "resume", "retry"]);

const readMethods = new Set(["GET", "HEAD", "OPTIONS"]);

// The board's own scripts, styles and XHR only; job data and error texts are shown by React, this is the second wall.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join("; ");

function bilingual(key: MessageKey): string {
  return `${translate("zh-CN", key)} / ${translate("en", key)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function forbiddenPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>403 · ${escapeHtml(translate("zh-CN", "queues.title"))}</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.6">
<main>
<h1>${escapeHtml(translate("zh-CN", "queues.forbidden"))}</h1>
<p lang="en">${escapeHtml(translate("en", "queues.forbidden"))}</p>
<p><a href="/">${escapeHtml(translate("zh-CN", "queues.home"))}</a> · <a href="/" lang="en">${escapeHtml(translate("en", "queues.home"))}</a></p>
</main>
</body>
</html>`;
}

const accessibilityScriptPath = "/baicheng-a11y.js";

/**
 * The UI's page loads its fonts from fonts.googleapis.com (unreachable from mainland China, and
 * render-blocking while the browser waits), declares lang="en" over Chinese text, and leaves its
 * icon-only buttons without a name; the last is mended by a small script of ours.
 */
export function localiseBoardPage(html: string): string {
  return html
    .replace(/<link[^>]*fonts\.googleapis\.com[^>]*>/g, "")
    .replace(/<html lang="en"/, '<html lang="zh-CN"')
    // Upstream keeps the misc links in a menu; a visible way back to 管理后台 on every board page.
    .replace(/<body([^>]*)>/, `<body$1><nav class="bc-back" aria-label="${translate("zh-CN", "queues.backToAdmin")}" style="padding:.5rem 1rem;background:#0a4f44;font:14px/1.5 system-ui,sans-serif"><a href="/admin" style="color:#fff">← ${translate("zh-CN", "queues.backToAdmin")}</a></nav>`)
    .replace("</body>", `<script defer src="${accessibilityScriptPath.slice(1)}"></script></body>`);
}

/**
 * Names bull-board's icon-only buttons after their (lucide) icon as they appear (the Redis logo is an
 * unnamed role="img"), and unwraps counts in full-width brackets from link labels ("调度器（1）" reads
 * "调度器 1" on screen, and a spoken name must contain the visible words).
 */
function accessibilityScript(): string {
  const names = {
    redis: translate("zh-CN", "queues.icon.redis"),
    "lucide-maximize": translate("zh-CN", "queues.icon.fullscreen"),
    "lucide-minimize": translate("zh-CN", "queues.icon.fullscreen"),
    "lucide-settings": translate("zh-CN", "queues.icon.settings"),
    "lucide-circle-user": translate("zh-CN", "queues.icon.menu"),
    "lucide-ellipsis-vertical": translate("zh-CN", "queues.icon.moreActions"),
    "lucide-files": translate("zh-CN", "queues.icon.duplicateJob"),
    "lucide-trash-2": translate("zh-CN", "queues.icon.removeJob"),
    "lucide-copy": translate("zh-CN", "queues.icon.copy"),
  };
  const queueTitles = Object.fromEntries(queueNames.map((name) => [name, translate("zh-CN", `queues.name.${name}`)]));
  return `(function (names, queues) {
  function mend() {
    // The phone layout's queue picker prints the queue's code name; show its Chinese name as elsewhere.
    document.querySelectorAll("button").forEach(function (button) {
      var walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var code = node.nodeValue.trim();
        if (Object.prototype.hasOwnProperty.call(queues, code)) node.nodeValue = queues[code];
      }
    });
    document.querySelectorAll("button:not([aria-label])").forEach(function (button) {
      var icon = button.querySelector("svg");
      if (!icon || button.innerText.trim()) return;
      var logo = icon.getAttribute("role") === "img";
      var key = logo ? "redis" : Object.keys(names).find(function (k) { return icon.classList.contains(k); });
      if (!key) return;
      if (logo) icon.setAttribute("aria-hidden", "true");
      button.setAttribute("aria-label", names[key]);
      button.setAttribute("title", names[key]);
    });
    document.querySelectorAll("a[aria-label*='（']").forEach(function (link) {
      link.setAttribute("aria-label", link.getAttribute("aria-label").replace(/（(.*?)）/g, " $1"));
    });
  }
  new MutationObserver(mend).observe(document.body, { childList: true, subtree: true, characterData: true });
  mend();
})(${JSON.stringify(names)}, ${JSON.stringify(queueTitles)});
`;
}

type ViewEngine = (file: string, options: object, done: (error: Error | null, html?: string) => void) => void;
/** The part of bull-board's own Express app (typed `any` upstream) that is touched here. */
interface BoardApp {
  engines: Record<string, ViewEngine | undefined>;
  engine(extension: string, render: ViewEngine): unknown;
  disable(setting: string): unknown;
}

function decoded(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

type AdapterOptions = NonNullable<ConstructorParameters<typeof BullMQAdapter>[1]>;

function adapterOptions(name: QueueName): AdapterOptions {
  // The base adapter honours allowCompletedRetries; BullMQAdapter's constructor type omits it.
  const options: AdapterOptions & { allowCompletedRetries: boolean } = {
    allowRetries: true,
    allowCompletedRetries: false,
    description: translate("zh-CN", descriptions[name]),
    displayName: translate("zh-CN", `queues.name.${name}`),
  };
  return options;
}

export interface QueueBoard {
  /** An Express 4 app; mount it with `app.use(queueBoardPath, board.app)` after the Origin check. */
  app: express.Express;
  close(): Promise<void>;
}

/** Builds the board over its own Redis connection and BullMQ queue handles. */
export function createQueueBoard(settings: QueueSettings, basePath = queueBoardPath): QueueBoard {
  // Fail fast like the producers: a board poll must not hang a request when Redis is away.
  const connection = new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  connection.on("error", () => undefined); // /healthz reports Redis; the board shows its own error
  const queues = new Map<string, Queue>(
    queueNames.map((name) => {
      const queue = new Queue(name, { connection, prefix: settings.prefix });
      queue.on("error", () => undefined);
      return [name, queue];
    }),
  );

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: queueNames.map(
      (name) =>
        new BullMQAdapter(queues.get(name)!, adapterOptions(name)),
    ),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: translate("zh-CN", "queues.boardTitle"),
        boardLogo: { path: "/favicon.svg", width: 28, height: 28 },
        favIcon: { default: "/favicon.svg", alternative: "/favicon.svg" },
        locale: { lng: "zh-CN" },
        hideDocsLink: true,
        miscLinks: [{ text: translate("zh-CN", "queues.backToAdmin"), url: "/admin" }],
        // Our dark brand green and a darker muted text: upstream's small print and selected items miss WCAG AA contrast.
        theme: { light: { primary: "#0a4f44", "muted-foreground": "#4a5553" } },
      },
    },
  });

  // bull-board's adapter is an Express 5 app (its own dependency); mounting it with app.use makes
  // it inherit our Express 4 request/response, and restores them when it passes a request on.
  const bullApp = serverAdapter.getRouter() as BoardApp;
  bullApp.disable("x-powered-by");
  const renderEjs = bullApp.engines[".ejs"];
  if (renderEjs) {
    bullApp.engine("ejs", (file, options, done) => renderEjs(file, options, (error, html) => done(error, html === undefined ? html : localiseBoardPage(html))));
  }

  const app = express();
  app.disable("x-powered-by");
  app.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { auth, setCookie } = await authenticate(req.headers.cookie);
      if (setCookie) res.append("Set-Cookie", setCookie);
      const isApi = req.path.startsWith("/api/");
      const user = auth.user;
      if (!user) {
        const page = readMethods.has(req.method) && !isApi && !req.path.startsWith("/static/");
        res.redirect(302, `/login?redirectTo=${encodeURIComponent(page ? req.originalUrl : basePath)}`);
        return;
      }
      res.setHeader("Content-Security-Policy", contentSecurityPolicy);
      res.setHeader("X-Content-Type-Options", "nosniff");
      // Jobs of every region pass through one set of queues: regional admins do not see them.
      if (!can(user.roles, queueBoardPermission) || !isProgrammeWide(reachOf(user))) {
        res.status(403);
        if (isApi) res.json({ error: { key: "ERRORS.FORBIDDEN" }, message: bilingual("queues.forbidden") });
        else res.type("html").send(forbiddenPage());
        return;
      }
      if (!req.path.startsWith("/static/")) res.setHeader("Cache-Control", "no-store");
      if (readMethods.has(req.method)) return next();

      const action = allowedActions.find((a) => a.method === req.method && a.path.test(req.path));
      const match = action?.path.exec(req.path)?.groups ?? {};
      const queueName = decoded(match.queue);
      const jobId = decoded(match.job);
      const refused = () => {
        logger.warn({ userId: user.id, method: req.method, path: req.path }, "queue board action refused");
        res.status(403).json({ error: { key: "ERRORS.FORBIDDEN" }, message: bilingual("queues.actionRefused") });
      };
      const queue = queueName ? queues.get(queueName) : undefined;
      if (!action || !queueName || !queue) return refused();
      if (action.jobState) {
        if (!jobId || boardRouteWords.has(jobId) || (await queue.getJobState(jobId)) !== action.jobState) return refused();
      }
      res.on("finish", () => {
        if (res.statusCode >= 300) return;
        recordBoardAction(user, action.audit, queueName, jobId, req.ip ?? null);
      });
      next();
    } catch (error) {
      next(error);
    }
  });
  const accessibilityFixes = accessibilityScript();
  app.get(accessibilityScriptPath, (_req, res) => {
    res.type("text/javascript").send(accessibilityFixes);
  });
  app.use(bullApp as unknown as express.Express);

  return {
    app,
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
      connection.disconnect();
    },
  };
}

function recordBoardAction(user: AuthUser, action: AuditAction, queueName: string, jobId: string | undefined, ip: string | null) {
  logger.info({ userId: user.id, action, queue: queueName, jobId }, "queue board action");
  recordAudit(db(), {
    actorId: user.id,
    action,
    targetType: "queue",
    targetId: queueName,
    ip,
    details: jobId ? { jobId } : { scope: "all" },
  }).catch((error: unknown) => logger.error({ err: error, action, queue: queueName }, "could not audit a queue board action"));
}
