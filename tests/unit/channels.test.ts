import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "~/config.server";
import {
  channelRoutes,
  defaultQuietHours,
  fillSmsTemplate,
  inQuietHours,
  parseClock,
  routeOf,
  sendAt,
  smsOptOut,
  smsTemplateNames,
  smsTemplates,
  templateParams,
  wantsChannel,
} from "~/domain/channels";
import { notificationKinds } from "~/domain/notifications";
import { canonicalizedQuery, percentEncode, signRpc } from "~/services/channels/aliyun-sms";
import { readUnsubscribeToken, unsubscribeToken } from "~/services/channels/links";

const beijing = (hhmm: string, day = "2026-12-01") => new Date(`${day}T${hhmm}:00+08:00`);

describe("quiet hours (21:00–08:00 Asia/Shanghai by default)", () => {
  it("holds a message sent at 23:30 or 07:59 until 08:00 Beijing time, and lets 08:00 and 20:59 through", () => {
    expect(sendAt(beijing("23:30"), defaultQuietHours, false).toISOString()).toBe(beijing("08:00", "2026-12-02").toISOString());
    expect(sendAt(beijing("07:59"), defaultQuietHours, false).toISOString()).toBe(beijing("08:00").toISOString());
    expect(sendAt(beijing("21:00"), defaultQuietHours, false).toISOString()).toBe(beijing("08:00", "2026-12-02").toISOString());
    expect(sendAt(beijing("08:00"), defaultQuietHours, false)).toEqual(beijing("08:00"));
    expect(sendAt(beijing("20:59"), defaultQuietHours, false)).toEqual(beijing("20:59"));
  });
  it("an urgent message and a person without quiet hours are never held; a daytime window does not wrap", () => {
    expect(sendAt(beijing("23:30"), defaultQuietHours, true)).toEqual(beijing("23:30"));
    expect(sendAt(beijing("23:30"), null, false)).toEqual(beijing("23:30"));
    const lunch = { start: 12 * 60, end: 14 * 60 };
    expect(inQuietHours(beijing("13:00"), lunch)).toBe(true);
    expect(inQuietHours(beijing("23:00"), lunch)).toBe(false);
  });
  it("reads clock times strictly", () => {
    expect(parseClock("21:00")).toBe(1260);
    expect(parseClock("8:05")).toBe(485);
    expect(parseClock("24:00")).toBeNull();
    expect(parseClock("9点")).toBeNull();
  });
});

describe("routing table", () => {
  it("grading decisions and certificates go by SMS unless a person says otherwise; an unknown kind is in-app only", () => {
    for (const kind of ["submission.passed", "submission.not_passed", "submission.returned", "certificate.issued", "certificate.revoked"]) expect(wantsChannel(kind, "sms", undefined)).toBe(true);
    expect(wantsChannel("submission.passed", "sms", false)).toBe(false);
    expect(routeOf("session.scheduled")).toBeNull();
    expect(wantsChannel("session.scheduled", "email", true)).toBe(false);
  });
  it("lists only kinds the app knows how to word", () => {
    for (const kind of Object.keys(channelRoutes)) expect(notificationKinds).toContain(kind);
  });
});

describe("SMS templates", () => {
  it("every template ends with the way to stop them (回复TD退订) and names its parameters", () => {
    for (const name of smsTemplateNames) expect(smsTemplates[name].endsWith(smsOptOut)).toBe(true);
    expect(templateParams("decision")).toEqual(["task", "result"]);
    expect(fillSmsTemplate("code", { code: "123456" })).toBe("您的验证码为 123456，5 分钟内有效。如非本人操作请忽略。回复TD退订");
  });
});

describe("Aliyun request signing (signature version 1.0)", () => {
  it("percent-encodes as RFC 3986 does, and signs Aliyun's documented example", () => {
    expect(percentEncode("a b*c~d'!()")).toBe("a%20b%2Ac~d%27%21%28%29");
    expect(percentEncode("百城")).toBe("%E7%99%BE%E5%9F%8E");
    // The example in Aliyun's signature documentation (SignatureVersion 1.0, HMAC-SHA1, secret "testsecret").
    const params = {
      AccessKeyId: "testid",
      Action: "DescribeRegions",
      Format: "XML",
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
      SignatureVersion: "1.0",
      Timestamp: "2016-02-23T12:46:24Z",
      Version: "2014-05-26",
    };
    expect(canonicalizedQuery(params)).toBe(
      "AccessKeyId=testid&Action=DescribeRegions&Format=XML&SignatureMethod=HMAC-SHA1&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf&SignatureVersion=1.0&Timestamp=2016-02-23T12%3A46%3A24Z&Version=2014-05-26",
    );
    expect(signRpc("GET", params, "testsecret")).toBe("OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  });
});

describe("unsubscribe links", () => {
  const secret = "s".repeat(40);
  const target = { userId: "0b5e6a9e-6f1c-4c39-9a7e-2f0d5d1c7a11", channel: "email" as const, kind: "submission.returned" };
  it("round-trip, and refuse a forged, altered or malformed token", () => {
    const token = unsubscribeToken(secret, target);
    expect(readUnsubscribeToken(secret, token)).toEqual(target);
    expect(readUnsubscribeToken("t".repeat(40), token)).toBeNull();
    expect(readUnsubscribeToken(secret, token.replace("email", "sms"))).toBeNull();
    expect(readUnsubscribeToken(secret, "not-a-token")).toBeNull();
    expect(readUnsubscribeToken(secret, `${token}x`)).toBeNull();
  });
});

describe("channel configuration", () => {
  it("the app works with no channel; a half-configured channel is an error naming the variable", () => {
    expect(parseConfig({}).channels).toEqual({ email: null, sms: null, linkSecret: null });
    expect(() => parseConfig({ SMTP_URL: "smtp://mail.example.org:587" })).toThrow(/MAIL_FROM/);
    expect(() => parseConfig({ SMTP_URL: "smtp://mail.example.org:587", MAIL_FROM: "x <a@b.cn>" })).toThrow(/MESSAGE_LINK_SECRET/);
    expect(() => parseConfig({ SMS_PROVIDER: "aliyun", ALIYUN_SMS_ACCESS_KEY_ID: "id" })).toThrow(ConfigError);
    const templates = JSON.stringify({ decision: "SMS_1", returned: "SMS_2", certificate: "SMS_3", mentoring: "SMS_4", reminder: "SMS_5", code: "SMS_6" });
    const config = parseConfig({
      SMS_PROVIDER: "aliyun",
      ALIYUN_SMS_ACCESS_KEY_ID: "id",
      ALIYUN_SMS_ACCESS_KEY_SECRET: "secret",
      ALIYUN_SMS_SIGN_NAME: "百城学堂",
      ALIYUN_SMS_TEMPLATES: templates,
      MESSAGE_LINK_SECRET: "x".repeat(32),
    });
    expect(config.channels.sms).toMatchObject({ provider: "aliyun", signName: "百城学堂", templates: { code: "SMS_6" } });
    expect(config.channels.email).toBeNull();
  });
});
