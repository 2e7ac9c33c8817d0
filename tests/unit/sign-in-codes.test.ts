import { describe, expect, it } from "vitest";
import { codeProblem, codeRequestRules, maskedPhone, normaliseCode, receivesLoginCode } from "~/domain/sign-in-codes";

// The pure rules of sign-in by SMS code (docs/decisions/028-sms-sign-in.md).

describe("sign-in code rules", () => {
  it("reads a code as a person types it: full-width digits, spaces and dashes; anything but six digits is no code", () => {
    expect(normaliseCode("１２３４５６")).toBe("123456");
    expect(normaliseCode(" 123 456 ")).toBe("123456");
    expect(normaliseCode("123-456")).toBe("123456");
    expect(normaliseCode("12345")).toBeNull();
    expect(normaliseCode("1234567")).toBeNull();
    expect(normaliseCode("12345a")).toBeNull();
    expect(normaliseCode("١٢٣٤٥٦")).toBeNull();
  });

  it("sends /login codes only to active accounts someone has entered before", () => {
    expect(receivesLoginCode(null)).toBe(false);
    expect(receivesLoginCode({ status: "active", hasPassword: true, hasSignedIn: false })).toBe(true);
    expect(receivesLoginCode({ status: "active", hasPassword: false, hasSignedIn: true })).toBe(true);
    expect(receivesLoginCode({ status: "active", hasPassword: false, hasSignedIn: false })).toBe(false);
    expect(receivesLoginCode({ status: "deactivated", hasPassword: true, hasSignedIn: true })).toBe(false);
  });

  it("names why a stored code no longer works", () => {
    const now = new Date("2026-12-01T04:00:00Z");
    const live = { phone: "13800000001", codeHash: "ab", expiresAt: new Date(now.getTime() + 60_000), failedAttempts: 0, usedAt: null };
    expect(codeProblem(live, "13800000001", now, 5)).toBeNull();
    expect(codeProblem(null, "13800000001", now, 5)).toBe("noCode");
    expect(codeProblem({ ...live, usedAt: now, codeHash: null }, "13800000001", now, 5)).toBe("used");
    expect(codeProblem({ ...live, expiresAt: now }, "13800000001", now, 5)).toBe("expired");
    expect(codeProblem({ ...live, failedAttempts: 5 }, "13800000001", now, 5)).toBe("tooManyTries");
    expect(codeProblem(live, "13800000002", now, 5)).toBe("otherPhone");
  });

  it("counts /login and invitation requests apart per number, together per address", () => {
    const login = codeRequestRules("login", "13800000001", "10.0.0.1").map((r) => r.key);
    const invite = codeRequestRules("invite", "13800000001", "10.0.0.1").map((r) => r.key);
    expect(login.filter((k) => invite.includes(k))).toEqual(["sms-sign-in:network:10.0.0.1"]);
  });

  it("masks a number for whoever holds its link", () => {
    expect(maskedPhone("13800000001")).toBe("138****0001");
    expect(maskedPhone("not a phone")).toBe("***");
  });
});
