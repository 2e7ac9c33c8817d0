import nodemailer from "nodemailer";
import type { MessageChannel, OutgoingMessage, SendResult } from "./types";

export interface EmailSettings {
  smtpUrl: string;
  from: string;
  /** Milliseconds to wait for the SMTP server at each step. */
  timeoutMs?: number;
  /** Tests reach an SMTP server with a self-signed certificate. */
  allowSelfSigned?: boolean;
}

/** SMTP replies that a later attempt cannot change: a refused address, a refused message. */
function permanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** E-mail over SMTP with nodemailer: HTML and text, with RFC 8058 one-click unsubscribe headers. */
export function emailChannel(settings: EmailSettings): MessageChannel & { close(): void } {
  const timeout = settings.timeoutMs ?? 20_000;
  const transport = nodemailer.createTransport({
    url: settings.smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(settings.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
  });
  return {
    name: "email",
    async send(message: OutgoingMessage): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.email.subject,
          text: message.email.text,
          html: message.email.html,
          headers: {
            "List-Unsubscribe": `<${message.unsubscribeUrl}>`,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          },
        });
        return { ok: true, providerId: info.messageId };
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return { ok: false, retriable: !permanent(error), error: `SMTP: ${text}`.slice(0, 1000) };
      }
    },
    close() {
      transport.close();
    },
  };
}
