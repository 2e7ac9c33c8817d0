import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

// Local stand-ins for the SMTP relay and Aliyun's SMS API, listening on free ports, so channel tests
// send real e-mail over SMTP and real signed HTTP requests.

export interface SmtpSink {
  url: string;
  messages: ParsedMail[];
  close(): Promise<void>;
}

/** An SMTP server (smtp-server, from the nodemailer project) that keeps every message it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Aliyun's signature v1.0, written here from Aliyun's documentation and independently of the adapter:
 * sort the parameters (all but Signature) by name, percent-encode names and values (RFC 3986: only
 * A-Z a-z 0-9 - _ . ~ unencoded, upper-case hex), join with = and &, then
 * StringToSign = METHOD&%2F&percentEncode(that); Signature = base64(HMAC-SHA1(secret + "&", StringToSign)).
 */
export function aliyunSignature(method: string, params: Record<string, string>, secret: string): string {
  const encode = (s: string) =>
    [...Buffer.from(s, "utf8")]
      .map((b) => {
        const c = String.fromCharCode(b);
        return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
      })
      .join("");
  const canonical = Object.keys(params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${encode(k)}=${encode(params[k]!)}`)
    .join("&");
  return createHmac("sha1", `${secret}&`).update(`${method}&${encode("/")}&${encode(canonical)}`).digest("base64");
}

export type SmsBehaviour = "ok" | "throttled" | "illegal-number" | "hang";

export interface AliyunSmsStub {
  endpoint: string;
  /** Every request whose signature held: its parameters. */
  accepted: Record<string, string>[];
  /** Requests refused for a bad signature. */
  refused: number;
  /** How the stub answers a phone number (default "ok"). */
  behaviour: Map<string, SmsBehaviour>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Aliyun SendSms (2017-05-25) as documented: checks the signature, answers the documented bodies. */
export async function startAliyunSmsStub(accessKeyId: string, accessKeySecret: string, options: { onAccepted?: (params: Record<string, string>) => void } = {}): Promise<AliyunSmsStub> {
  const stub: Omit<AliyunSmsStub, "endpoint" | "close"> = { accepted: [], refused: 0, behaviour: new Map() };
  const sockets = new Set<import("node:net").Socket>();
  let biz = 900619746936498;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const params = Object.fromEntries(new URLSearchParams(body));
    const requestId = `F655A8D5-B967-440B-8683-${String(biz).slice(-12)}`;
    const reply = (status: number, json: unknown) => {
      res.writeHead(status, { "content-type": "application/json;charset=utf-8" });
      res.end(JSON.stringify(json));
    };
    const fresh = params.Timestamp && Math.abs(Date.now() - Date.parse(params.Timestamp)) < 15 * 60_000;
    if (
      req.method !== "POST" ||
      params.AccessKeyId !== accessKeyId ||
      params.SignatureMethod !== "HMAC-SHA1" ||
      params.SignatureVersion !== "1.0" ||
      !params.SignatureNonce ||
      !fresh ||
      params.Signature !== aliyunSignature("POST", params, accessKeySecret)
    ) {
      stub.refused += 1;
      return reply(400, {
        RequestId: requestId,
        HostId: "dysmsapi.aliyuncs.com",
        Code: "SignatureDoesNotMatch",
        Message: "Specified signature is not matched with our calculation.",
      });
    }
    if (params.Action !== "SendSms" || params.Version !== "2017-05-25" || !params.PhoneNumbers || !params.SignName || !/^SMS_\w+$/.test(params.TemplateCode ?? "")) {
      return reply(400, { RequestId: requestId, Code: "MissingParameter", Message: "a required parameter is missing" });
    }
    stub.accepted.push(params);
    options.onAccepted?.(params);
    const behaviour = stub.behaviour.get(params.PhoneNumbers) ?? "ok";
    if (behaviour === "hang") return; // never answers: the adapter's timeout fires
    if (behaviour === "throttled") return reply(200, { RequestId: requestId, Code: "isv.BUSINESS_LIMIT_CONTROL", Message: "触发分钟级流控Permits:1" });
    if (behaviour === "illegal-number") return reply(200, { RequestId: requestId, Code: "isv.MOBILE_NUMBER_ILLEGAL", Message: "非法手机号" });
    biz += 1;
    return reply(200, { RequestId: requestId, Message: "OK", BizId: `${biz}^0`, Code: "OK" });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...stub,
    get accepted() {
      return stub.accepted;
    },
    get refused() {
      return stub.refused;
    },
    endpoint: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
