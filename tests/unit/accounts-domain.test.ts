import { describe, expect, it } from "vitest";
import { normaliseEmail, normalisePhone, parseLoginIdentifier, profilePhoneProblem } from "~/domain/contact";
import { checkPassword } from "~/domain/passwords";
import { can, homePathFor } from "~/domain/roles";
import { readUserForm, validateUserForm } from "~/domain/user-input";

describe("checkPassword", () => {
  it.each([
    ["short12", "tooShort"],
    ["12345678", "common"],
    ["woaini1314", "common"],
    ["aaaaaaaaaa", "common"],
    ["x".repeat(129), "tooLong"],
    ["my13800001111pw", "sameAsContact"],
  ])("refuses %s as %s", (password, problem) => {
    expect(checkPassword(password, { phone: "13800001111" })).toBe(problem);
  });

  it("accepts a long passphrase of up to 128 characters, Chinese included", () => {
    expect(checkPassword("春眠不觉晓处处闻啼鸟")).toBeNull();
    expect(checkPassword("a".repeat(63) + "b")).toBeNull();
  });
});

describe("contact identifiers", () => {
  it("normalises mainland mobile numbers", () => {
    expect(normalisePhone("+86 138-0000-1111")).toBe("13800001111");
    expect(normalisePhone("12800001111")).toBeNull();
    expect(normalisePhone("1380000111")).toBeNull();
  });
  it("lower-cases e-mail and refuses malformed ones", () => {
    expect(normaliseEmail(" Li.Jing@Example.CN ")).toBe("li.jing@example.cn");
    expect(normaliseEmail("li@jing")).toBeNull();
  });
  it("tells phone from e-mail logins", () => {
    expect(parseLoginIdentifier("13800001111")).toEqual({ phone: "13800001111" });
    expect(parseLoginIdentifier("a@b.cn")).toEqual({ email: "a@b.cn" });
    expect(parseLoginIdentifier("李静")).toBeNull();
  });
});

describe("roles", () => {
  it("maps roles to permissions in one place", () => {
    expect(can(["trainee"], "users.manage")).toBe(false);
    expect(can(["trainee", "admin"], "users.manage")).toBe(true);
    expect(can(["mentor"], "grade")).toBe(true);
    expect(homePathFor(["trainee", "admin"])).toBe("/admin");
    // A mentor's day starts at the grading queue, not at their own courses.
    expect(homePathFor(["mentor"])).toBe("/mentor");
    expect(homePathFor(["trainee", "mentor"])).toBe("/mentor");
    expect(homePathFor(["trainee"])).toBe("/learn");
  });
});

describe("validateUserForm", () => {
  const form = (entries: Record<string, string | string[]>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(entries)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
    return readUserForm(f);
  };
  it("needs a name, a contact and a known role", () => {
    const result = validateUserForm(form({ name: "", roles: ["boss"] }), { requireRoles: true, requireOrg: false });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual({ name: "form.error.name", phone: "form.error.contact", roles: "users.error.roles" });
  });
  it("returns normalised values", () => {
    const result = validateUserForm(form({ name: " 王老师 ", phone: "138 0000 2222", roles: ["mentor"], track: "campus" }), { requireRoles: true, requireOrg: false });
    expect(result).toEqual({ ok: true, user: { name: "王老师", phone: "13800002222", email: null, orgUnitId: null, track: "campus", roles: ["mentor"] } });
  });
});

describe("names in the user form", () => {
  const values = { name: "", phone: "13800001111", email: "", orgUnitId: "", track: "", roles: ["trainee"] };
  it("refuses invisible and direction-control names with their own messages", () => {
    expect(validateUserForm({ ...values, name: "\u200b\u200b" }, { requireRoles: true, requireOrg: false })).toMatchObject({ ok: false, errors: { name: "name.error.invisible" } });
    expect(validateUserForm({ ...values, name: "张\u202e伟" }, { requireRoles: true, requireOrg: false })).toMatchObject({ ok: false, errors: { name: "name.error.controlCharacters" } });
  });

  it("stores the name NFC-normalised", () => {
    expect(validateUserForm({ ...values, name: " Rene\u0301 " }, { requireRoles: true, requireOrg: false })).toMatchObject({ ok: true, user: { name: "René" } });
  });
});

describe("profilePhoneProblem", () => {
  it("calls a typed number that is no mobile number a format problem, even for someone without e-mail", () => {
    expect(profilePhoneProblem("1234", null)).toBe("format");
    expect(profilePhoneProblem("1234", "a@b.cn")).toBe("format");
    expect(profilePhoneProblem("138 0000 0001", null)).toBeNull();
    expect(profilePhoneProblem("", null)).toBe("noContact");
    expect(profilePhoneProblem("  ", "a@b.cn")).toBeNull();
  });
});
