import { z } from "zod";

// The one place the environment is read. Fails fast and names the bad variable.
const booleanFlag = z
  .enum(["1", "0", "true", "false", "on", "off"])
  .transform((v) => v === "1" || v === "true" || v === "on");

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  /** Public origin of the site, used for links, QR codes and the Origin check. */
  APP_URL: z.url().optional(),
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
  /** Load demo organisations and accounts at start when the database is empty. */
  SEED_DEMO: booleanFlag.default(true),
  /** Session cookie `Secure` flag. Default: on when APP_URL is https (never on plain http, or logins would not stick). */
  COOKIE_SECURE: booleanFlag.optional(),
  /**
   * The Ed25519 private key that signs certificate credentials (PKCS#8 PEM or JWK). Required in
   * production; in development one is made on first start under DATA_DIR/keys.
   */
  ISSUER_SIGNING_KEY: z.string().optional(),
  /** Days a removed evidence file (or an orphan in storage) stays on disk before the maintenance job purges it. */
  EVIDENCE_PURGE_AFTER_DAYS: z.coerce.number().int().min(0).max(3650).default(7),
  /** Days a draft may go untouched before its owner is told its files will be cleared 30 days later; 0: never. */
  DRAFT_FILES_KEPT_DAYS: z.coerce.number().int().min(0).max(3650).default(180),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid environment / 环境变量无效:\n${lines.join("\n")}`);
  }
  return result.data;
}

let cached: Config | undefined;
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
