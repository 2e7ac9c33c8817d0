import { pino } from "pino";
import { getConfig } from "./config.server";
import { singleton } from "./utils/singleton.server";

export const logger = singleton("logger", () =>
  pino({ level: getConfig().LOG_LEVEL, base: { app: "baicheng" }, timestamp: pino.stdTimeFunctions.isoTime }),
);
