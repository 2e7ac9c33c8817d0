import type { Messages } from "../types";

export const importMessages = {
} satisfies Messages;
