/** The SMTP side of mail: nodemailer's transport from SMTP_URL, bounded by MAIL_SEND_TIMEOUT_MS. */
import nodemailer from "nodemailer";
import type { RenderedMail } from "./templates";

export interface OutgoingMail extends RenderedMail {
  /** The outbox row id: the Message-ID is derived from it, so a resent duplicate is recognisable. */
  id: string;
  to: string;
}

/** What the worker needs from a mail server (nodemailer in the app; tests may wrap it). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The domain of the From address (for the Message-ID); "localhost" when it has none. */
function domainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? "localhost";
}

export function messageIdFor(outboxId: string, from: string): string {
  return `<outbox-${outboxId}@${domainOf(from)}>`;
}

export function createSmtpTransport(options: { smtpUrl: string; from: string; sendTimeoutMs: number }): MailTransport {
  const transporter = nodemailer.createTransport({
    url: options.smtpUrl,
    connectionTimeout: options.sendTimeoutMs,
    greetingTimeout: options.sendTimeoutMs,
    socketTimeout: options.sendTimeoutMs,
  });
  return {
    async send(mail) {
      await transporter.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: messageIdFor(mail.id, options.from),
        // RFC 3834: automatic mail, so out-of-office replies stay away.
        headers: { "Auto-Submitted": "auto-generated" },
      });
    },
    close() {
      transporter.close();
    },
  };
}
