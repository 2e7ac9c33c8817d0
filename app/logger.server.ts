import { pino } from "pino";
import { singleton } from "./utils/singleton.server";

// Read LOG_LEVEL leniently here: the logger exists before the configuration is validated,
// so a bad variable is reported by the config check, not by a crash while importing.
const levels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const level = levels.includes(process.env.LOG_LEVEL ?? "") ? process.env.LOG_LEVEL! : "info";

export const logger = singleton("logger", () =>
  pino({ level, base: { app: "baicheng" }, timestamp: pino.stdTimeFunctions.isoTime }),
);
