import { describe, expect, it } from "vitest";
import { isOfflineData, isOfflinePage } from "~/domain/offline";

describe("which pages the device may keep for reading offline", () => {
  it("keeps the learner's course tree, module pages, tasks and my work", () => {
    for (const path of ["/learn", "/learn/campus", "/learn/campus/foundation", "/learn/campus/foundation/student-development", "/tasks/campus-foundation-emotion-friendly-classroom-field", "/my-work"]) {
      expect(isOfflinePage(path), path).toBe(true);
    }
  });

  it("never keeps staff pages, sign-in, files, certificates, search or the evidence action", () => {
    for (const path of ["/", "/admin", "/admin/users", "/mentor", "/mentor/submissions/x", "/login", "/logout", "/invite/abc", "/files/1", "/certificates/1.pdf", "/learn/search", "/tasks/x/evidence", "/notifications", "/profile", "/verify"]) {
      expect(isOfflinePage(path), path).toBe(false);
    }
  });

  it("keeps a page's data requests for its own routes and the root only", () => {
    const q = (data: string) => new URLSearchParams({ _data: data });
    expect(isOfflineData("/tasks/a-task", q("routes/tasks.$taskId"))).toBe(true);
    expect(isOfflineData("/learn/campus/foundation/x", q("routes/learn.$track.$tier.$slug"))).toBe(true);
    expect(isOfflineData("/learn", q("root"))).toBe(true);
    expect(isOfflineData("/tasks/a-task/evidence", q("routes/tasks.$taskId.evidence"))).toBe(false);
    expect(isOfflineData("/admin/users", q("routes/admin.users"))).toBe(false);
    expect(isOfflineData("/tasks/a-task", new URLSearchParams())).toBe(false);
  });
});
