/** One message in both languages; keeping them side by side keeps them in step. */
export type Messages = Record<string, { zh: string; en: string }>;
