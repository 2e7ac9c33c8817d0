import { z } from "zod";

// The one place the environment is read. Fails fast and names the bad variable.
const booleanFlag = z
  .enum(["1", "0", "true", "false", "on", "off"])
  .transform((v) => v === "1" || v === "true" || v === "on");

function urlOrNull(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The address to listen on: 0.0.0.0 (every interface) by default, 127.0.0.1 to serve this machine only. */
  HOST: z.string().min(1).default("0.0.0.0"),
  /**
   * The public origin of the site: every absolute URL (certificates, QR codes, status lists, invite
   * links) and the Origin check come from it, never from a request's Host. Required in production;
   * elsewhere it defaults to http://localhost:PORT.
   */
  APP_URL: z
    .url()
    .refine((v) => /^https?:$/.test(urlOrNull(v)?.protocol ?? ""), "must be an http:// or https:// URL")
    .refine((v) => urlOrNull(v)?.pathname === "/", "must be an origin without a path, e.g. https://lms.example.org")
    .optional(),
  /** Unset: embedded PGlite under DATA_DIR. Set: a real PostgreSQL. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("data"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
    .default("redis://127.0.0.1:6379"),
  /** BullMQ key prefix: separate deployments (and test files) sharing one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, "letters, digits, _ - { } only")
    .default("baicheng"),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Start the BullMQ workers inside the web process (the one-command default). */
  WORKERS_IN_PROCESS: booleanFlag.default(true),
  /** Start a local redis-server when none is reachable (npm start only). */
  REDIS_AUTOSTART: booleanFlag.default(true),
  /** Load demo organisations and accounts at start when the database is empty. Default: on, except in production. */
  SEED_DEMO: booleanFlag.optional(),
  /** Session cookie `Secure` flag. Default: on when APP_URL is https (never on plain http, or logins would not stick). */
  COOKIE_SECURE: booleanFlag.optional(),
  /**
   * The Ed25519 private key that signs certificate credentials (PKCS#8 PEM or JWK). Required in
   * production; in development one is made on first start under DATA_DIR/keys.
   */
  ISSUER_SIGNING_KEY: z.string().optional(),
  /**
   * Behind a load balancer or reverse proxy: which X-Forwarded-For hops to trust for the client's
   * address (sign-in throttling is per address). A number of hops (1) or Express's names and
   * subnets ("loopback", "10.0.0.0/8"). Unset: the socket's address.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, "a hop count (e.g. 1) or addresses/subnets (e.g. loopback, 10.0.0.0/8)")
    .transform((v) => (/^\d+$/.test(v) ? Number(v) : v))
    .optional(),
  /** Days a removed evidence file (or an orphan in storage) stays on disk before the maintenance job purges it. */
  EVIDENCE_PURGE_AFTER_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** Days a draft may go untouched before its owner is told its files will be cleared 30 days later; 0: never. */
  DRAFT_FILES_KEPT_DAYS: z.coerce.number().int().min(0).max(3650).default(180),
  // ── Messages outside the app (docs/decisions/024-message-channels.md). Each channel is off unless configured.
  /** E-mail: an SMTP URL, smtp://user:pass@host:587 or smtps://…:465. Unset: no e-mail. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
  /** The From of every e-mail, e.g. "百城学堂 <noreply@example.org>". Required with SMTP_URL. */
  MAIL_FROM: z.string().min(3).max(200).optional(),
  /** Signs the one-click unsubscribe links (at least 32 characters). Required with SMTP_URL or an SMS provider. */
  MESSAGE_LINK_SECRET: z.string().min(32, "at least 32 characters").optional(),
  /** SMS: the provider. Unset: no SMS (and no sign-in by SMS code). */
  SMS_PROVIDER: z.enum(["aliyun"]).optional(),
  ALIYUN_SMS_ACCESS_KEY_ID: z.string().min(1).optional(),
  ALIYUN_SMS_ACCESS_KEY_SECRET: z.string().min(1).optional(),
  /** The approved signature (签名), e.g. 百城学堂. */
  ALIYUN_SMS_SIGN_NAME: z.string().min(1).max(40).optional(),
  /** The approved template codes, as JSON: {"decision":"SMS_123…","returned":"…","certificate":"…","mentoring":"…","reminder":"…","code":"…"}, and optionally the reminders' own ("reminderSession", …). */
  ALIYUN_SMS_TEMPLATES: z.string().optional(),
  /** The API endpoint; the default is Aliyun's. */
  ALIYUN_SMS_ENDPOINT: z.url().default("https://dysmsapi.aliyuncs.com/"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

type ParsedEnv = z.infer<typeof envSchema>;

const smsTemplateKeys = ["decision", "returned", "certificate", "mentoring", "reminder", "code"] as const;
/** The scheduled reminders' own templates (decision 027): optional; a reminder without one goes by "reminder". */
const optionalSmsTemplateKeys = ["reminderDraft", "reminderReturned", "reminderDue", "reminderSession", "reminderCertificate", "reminderDigest", "reminderWaiting", "reminderEscalation"] as const;
const templateCode = z.string().regex(/^SMS_\w+$/, "an approved template code, SMS_…");
const aliyunTemplates = z.object({
  ...(Object.fromEntries(smsTemplateKeys.map((k) => [k, templateCode])) as Record<(typeof smsTemplateKeys)[number], z.ZodString>),
  ...(Object.fromEntries(optionalSmsTemplateKeys.map((k) => [k, templateCode.optional()])) as Record<(typeof optionalSmsTemplateKeys)[number], z.ZodOptional<z.ZodString>>),
});
/** Template name → approved code: every required one, and those of the reminders that have one. */
export type SmsTemplateCodes = Record<(typeof smsTemplateKeys)[number], string> & Partial<Record<(typeof optionalSmsTemplateKeys)[number], string>>;

/** Which channels are on, and each one's settings; null: off. Secrets stay in here, never logged. */
export interface ChannelConfig {
  email: { smtpUrl: string; from: string } | null;
  sms: { provider: "aliyun"; accessKeyId: string; accessKeySecret: string; signName: string; templates: SmsTemplateCodes; endpoint: string } | null;
  linkSecret: string | null;
}

/** Reads the channel variables: each channel is all there or all absent, and a half-configured one is an error. */
export function channelConfig(parsed: Pick<ParsedEnv, "SMTP_URL" | "MAIL_FROM" | "MESSAGE_LINK_SECRET" | "SMS_PROVIDER" | "ALIYUN_SMS_ACCESS_KEY_ID" | "ALIYUN_SMS_ACCESS_KEY_SECRET" | "ALIYUN_SMS_SIGN_NAME" | "ALIYUN_SMS_TEMPLATES" | "ALIYUN_SMS_ENDPOINT">): ChannelConfig {
  const problems: string[] = [];
  let email: ChannelConfig["email"] = null;
  if (parsed.SMTP_URL || parsed.MAIL_FROM) {
    if (!parsed.SMTP_URL) problems.push("SMTP_URL: required with MAIL_FROM");
    else if (!parsed.MAIL_FROM) problems.push("MAIL_FROM: required with SMTP_URL (the sender, e.g. 百城学堂 <noreply@example.org>)");
    else email = { smtpUrl: parsed.SMTP_URL, from: parsed.MAIL_FROM };
  }
  let sms: ChannelConfig["sms"] = null;
  if (parsed.SMS_PROVIDER === "aliyun") {
    const missing = (["ALIYUN_SMS_ACCESS_KEY_ID", "ALIYUN_SMS_ACCESS_KEY_SECRET", "ALIYUN_SMS_SIGN_NAME", "ALIYUN_SMS_TEMPLATES"] as const).filter((k) => !parsed[k]);
    for (const k of missing) problems.push(`${k}: required with SMS_PROVIDER=aliyun`);
    let templates: SmsTemplateCodes | null = null;
    if (parsed.ALIYUN_SMS_TEMPLATES) {
      let raw: unknown = null;
      try {
        raw = JSON.parse(parsed.ALIYUN_SMS_TEMPLATES);
      } catch {
        problems.push("ALIYUN_SMS_TEMPLATES: must be JSON");
      }
      const result = aliyunTemplates.safeParse(raw);
      if (raw !== null && !result.success) problems.push(`ALIYUN_SMS_TEMPLATES: needs a code for each of ${smsTemplateKeys.join(", ")} (optional: ${optionalSmsTemplateKeys.join(", ")})`);
      if (result.success) templates = result.data;
    }
    if (!missing.length && templates) {
      sms = {
        provider: "aliyun",
        accessKeyId: parsed.ALIYUN_SMS_ACCESS_KEY_ID!,
        accessKeySecret: parsed.ALIYUN_SMS_ACCESS_KEY_SECRET!,
        signName: parsed.ALIYUN_SMS_SIGN_NAME!,
        templates,
        endpoint: parsed.ALIYUN_SMS_ENDPOINT,
      };
    }
  }
  if ((email || sms) && !parsed.MESSAGE_LINK_SECRET) problems.push("MESSAGE_LINK_SECRET: required when e-mail or SMS is configured (signs unsubscribe links; 32+ characters)");
  if (problems.length) throw new ConfigError(`Invalid environment / 环境变量无效:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  return { email, sms, linkSecret: parsed.MESSAGE_LINK_SECRET ?? null };
}
export type Config = Omit<ParsedEnv, "APP_URL" | "SEED_DEMO"> & { APP_URL: string; SEED_DEMO: boolean; channels: ChannelConfig };

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment / 环境变量无效:\n${lines.join("\n")}`);
  }
  const parsed = result.data;
  const production = parsed.NODE_ENV === "production";
  if (production && !parsed.APP_URL) {
    throw new ConfigError(
      "Invalid environment / 环境变量无效:\n  APP_URL: required in production (the public address, e.g. APP_URL=https://lms.example.org); " +
        "certificates, QR codes and links are built from it / 生产环境必须设置 APP_URL（站点的公开地址）",
    );
  }
  const channels = channelConfig(parsed);
  return {
    ...parsed,
    channels,
    APP_URL: new URL(parsed.APP_URL ?? `http://localhost:${parsed.PORT}`).origin,
    // Demo accounts have a published password: production loads them only when asked by name.
    SEED_DEMO: parsed.SEED_DEMO ?? !production,
  };
}

/** The session (and known-device) cookies' `Secure` flag: COOKIE_SECURE, else on when APP_URL is https. */
export function sessionCookieSecure(config: Pick<Config, "APP_URL" | "COOKIE_SECURE">): boolean {
  return config.COOKIE_SECURE ?? config.APP_URL.startsWith("https://");
}

const loopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

/**
 * Origins whose forms we accept (the CSRF check): APP_URL's, and outside production its loopback
 * spellings, so http://127.0.0.1:3000 works in development as http://localhost:3000 does.
 */
export function trustedOrigins(config: Pick<Config, "APP_URL" | "NODE_ENV">): string[] {
  const app = new URL(config.APP_URL);
  if (config.NODE_ENV === "production" || !loopbackHosts.includes(app.hostname)) return [app.origin];
  return loopbackHosts.map((host) => `${app.protocol}//${host}${app.port ? `:${app.port}` : ""}`);
}

let cached: Config | undefined;
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
