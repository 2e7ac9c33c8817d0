// A route table shaped like this app's (index, nested, dynamic, splat, dotted file names), for the
// router patch test and its benchmark.
export interface RouteObject {
  id: string;
  path?: string;
  index?: boolean;
  children?: RouteObject[];
}

const flat = [
  "admin", "admin/assignments", "admin/audit", "admin/calibration", "admin/certificates", "admin/exports",
  "admin/exports/:exportId.csv", "admin/orgs", "admin/outcomes", "admin/outcomes/:indicatorId", "admin/search",
  "admin/showcase", "admin/users", "admin/users/:userId", "admin/users/new", "admin/users/import",
  "admin/users/import/:importId", "admin/users/import/:importId/rejected.csv", "admin/users/import/template.csv",
  "achievements/:track/:tier", "achievements/:track/:tier/image.svg", "certificates/:certificateId/credential",
  "certificates/:certificateId.pdf", "credentials/status/:list", "files/:fileId", "invite/:token", "issuer",
  "issuer/keys/:kid", "learn", "learn/search", "learn/:track/:tier", "learn/:track/:tier/:slug", "login", "logout",
  "mentor", "mentor/calibration", "mentor/submissions/:submissionId", "my-work", "notifications", "profile",
  "showcase", "showcase/:submissionId", "tasks/:taskId", "tasks/:taskId/evidence", "verify", "verify/:code",
  ".well-known/jwks.json", ".well-known/jwt-vc-issuer/*",
];

export function routeTable(): RouteObject[] {
  return [
    {
      id: "root",
      path: "",
      children: [{ id: "routes/_index", index: true }, ...flat.map((path) => ({ id: `routes/${path}`, path })), { id: "routes/$", path: "*" }],
    },
  ];
}

export const samplePaths = [
  "/", "/learn", "/learn/search", "/learn/campus/foundation", "/learn/campus/foundation/student-development",
  "/tasks/campus-foundation-emotion-friendly-classroom-field/evidence", "/admin/users/new",
  "/admin/users/0b4e7c1e-1111-4222-8333-944445555666", "/admin/exports/abc.csv", "/certificates/abc.pdf",
  "/.well-known/jwt-vc-issuer/x/y", "/verify/BC-2026-AAAA", "/no/such/page", "/admin/users/import/template.csv",
];
