import type { Messages } from "../types";

export const orgMessages = {
} satisfies Messages;
