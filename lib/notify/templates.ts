/**
 * Mail templates: one entry per kind, plain text plus optional HTML, built from the outbox row's payload.
 * A new kind of mail (an invitation, a password reset) is one more entry here. No template may put a
 * secret, a session id or a sign-in link into a message: the payloads carry only who, when, why and how.
 */
import { describeActor, describeDuration, type ImpersonationNotice } from "./impersonation-notice";

export interface RenderedMail {
  subject: string;
  text: string;
  html?: string;
}

const SUPPORT_LINE = "If you did not expect this, contact support.";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML part is the text part, escaped, one paragraph per block: nothing in it is a link. */
function htmlOf(text: string): string {
  return text
    .split("\n\n")
    .map((block) => `<p>${escapeHtml(block).replaceAll("\n", "<br>")}</p>`)
    .join("\n");
}

function impersonationFacts(n: ImpersonationNotice): string {
  const lines = [`Who: ${describeActor(n.by)}`, `When: ${n.at.replace("T", " ").replace(/\.\d+Z$/, " UTC")}`, `Mode: ${n.mode === "write" ? "read and write" : "read-only"}`];
  if (n.reason) lines.push(`Reason: ${n.reason}`);
  if (n.kind === "impersonation_ended" && n.durationS !== null) lines.push(`Duration: ${describeDuration(n.durationS)}`);
  if (n.kind === "impersonation_started" && n.limitS !== null) lines.push(`Time limit: ${describeDuration(n.limitS)}`);
  return lines.join("\n");
}

function impersonationMail(n: ImpersonationNotice, headline: string): RenderedMail {
  const text = [`Hello ${n.recipientName},`, headline, impersonationFacts(n), "You can see every access to your account on your account page.", SUPPORT_LINE].join("\n\n");
  return { subject: n.kind === "impersonation_started" ? "A staff member signed in to your account" : "Staff access to your account ended", text, html: htmlOf(text) };
}

export const MAIL_TEMPLATES = {
  impersonation_started: (n: ImpersonationNotice) => impersonationMail(n, `${describeActor(n.by)} signed in to your account to help you.`),
  impersonation_ended: (n: ImpersonationNotice) => impersonationMail(n, `${describeActor(n.by)} is no longer signed in to your account.`),
} satisfies Record<string, (data: never) => RenderedMail>;

export type MailTemplateName = keyof typeof MAIL_TEMPLATES;
export type MailData<T extends MailTemplateName> = Parameters<(typeof MAIL_TEMPLATES)[T]>[0];

export function isMailTemplate(name: string): name is MailTemplateName {
  return Object.hasOwn(MAIL_TEMPLATES, name);
}

/** Renders an outbox row; throws for a template this version does not know (the worker records the error). */
export function renderMail(template: string, payload: unknown): RenderedMail {
  if (!isMailTemplate(template)) throw new Error(`mail: unknown template "${template}"`);
  return (MAIL_TEMPLATES[template] as (data: unknown) => RenderedMail)(payload);
}
