import { createHmac, randomUUID } from "node:crypto";
import type { SmsTemplateCodes } from "~/config.server";
import type { MessageChannel, OutgoingMessage, SendResult } from "./types";

// Aliyun SMS (短信服务) SendSms, API version 2017-05-25, over its RPC-style API with signature
// version 1.0 (HMAC-SHA1) as Aliyun documents it:
//   1. every request parameter except Signature, sorted by name, each name and value percent-encoded
//      (RFC 3986: A–Z a–z 0–9 - _ . ~ stay, everything else %XX of its UTF-8 bytes, space as %20),
//      joined as name=value with &: the canonicalized query string;
//   2. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalized);
//   3. Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
// The answer is JSON: {"Code":"OK","Message":"OK","BizId":"…","RequestId":"…"} on success, else a
// Code such as isv.BUSINESS_LIMIT_CONTROL (throttled) or isv.MOBILE_NUMBER_ILLEGAL.

export interface AliyunSmsSettings {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  /** Template name → approved code; a reminder's own template may have none (then its fallback is sent). */
  templates: SmsTemplateCodes;
  endpoint: string;
  timeoutMs?: number;
  /** For tests: a fixed clock and nonce. */
  now?: () => Date;
  nonce?: () => string;
}

/** Aliyun's percent-encoding: RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join("&");
}

export function stringToSign(method: "GET" | "POST", params: Record<string, string>): string {
  return `${method}&${percentEncode("/")}&${percentEncode(canonicalizedQuery(params))}`;
}

export function signRpc(method: "GET" | "POST", params: Record<string, string>, accessKeySecret: string): string {
  return createHmac("sha1", `${accessKeySecret}&`).update(stringToSign(method, params), "utf8").digest("base64");
}

/** Codes a later attempt may get past: throttling and Aliyun's own faults. Everything else is final. */
const retriableCodes = new Set(["isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.RAM_PERMISSION_DENY", "Throttling.User", "Throttling", "ServiceUnavailable", "InternalError"]);

/** Aliyun's "2026-11-30T07:45:00Z": ISO 8601 in UTC, without milliseconds. */
const timestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export function aliyunSmsChannel(settings: AliyunSmsSettings): MessageChannel {
  const timeout = settings.timeoutMs ?? 15_000;
  return {
    name: "sms",
    async send(message: OutgoingMessage): Promise<SendResult> {
      const codes: Partial<Record<string, string>> = settings.templates;
      const sms = codes[message.sms.template] || !message.sms.fallback ? message.sms : message.sms.fallback;
      const templateCode = codes[sms.template];
      if (!templateCode) return { ok: false, retriable: false, error: `no approved template code for "${sms.template}"` };
      const params: Record<string, string> = {
        AccessKeyId: settings.accessKeyId,
        Action: "SendSms",
        Format: "JSON",
        OutId: message.deliveryId,
        PhoneNumbers: message.to,
        RegionId: "cn-hangzhou",
        SignName: settings.signName,
        SignatureMethod: "HMAC-SHA1",
        SignatureNonce: settings.nonce?.() ?? randomUUID(),
        SignatureVersion: "1.0",
        TemplateCode: templateCode,
        TemplateParam: JSON.stringify(sms.params),
        Timestamp: timestamp(settings.now?.() ?? new Date()),
        Version: "2017-05-25",
      };
      const signature = signRpc("POST", params, settings.accessKeySecret);
      const body = `Signature=${percentEncode(signature)}&${canonicalizedQuery(params)}`;
      let response: Response;
      try {
        response = await fetch(settings.endpoint, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", accept: "application/json" },
          body,
          signal: AbortSignal.timeout(timeout),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        return { ok: false, retriable: true, error: timedOut ? `Aliyun SMS: no answer within ${timeout} ms` : `Aliyun SMS: ${error instanceof Error ? error.message : String(error)}` };
      }
      let answer: { Code?: unknown; Message?: unknown; BizId?: unknown; RequestId?: unknown } = {};
      try {
        answer = (await response.json()) as typeof answer;
      } catch {
        return { ok: false, retriable: response.status >= 500, error: `Aliyun SMS: HTTP ${response.status}, not JSON` };
      }
      if (response.ok && answer.Code === "OK" && typeof answer.BizId === "string") return { ok: true, providerId: answer.BizId };
      const code = typeof answer.Code === "string" ? answer.Code : `HTTP ${response.status}`;
      const text = typeof answer.Message === "string" ? answer.Message : "";
      return { ok: false, retriable: response.status >= 500 || retriableCodes.has(code), error: `Aliyun SMS ${code}: ${text}`.slice(0, 1000) };
    },
  };
}
