/**
 * Mail templates: one entry per kind, plain text plus optional HTML, built from the outbox row's payload.
 * A new kind of mail (an invitation, a password reset) is one more entry here. No template may put a
 * secret, a session id or a sign-in link into a message: the payloads carry only who, when, why and how.
 * The one exception is a single-use account link (an invitation, a password reset), which is the message's whole
 * point: it is kept in the payload's `link` field only, which the worker deletes from the row once the mail is sent.
 * An access request links to the user's account page, a plain page that asks them to sign in as usual.
 */
import type { AccessRequestNotice } from "./access-request-notice";
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

/** An invitation: the link sets a first password once, before `expiresAt`; it is not a sign-in link. */
export interface InvitationMailData {
  name: string;
  role: "user" | "support" | "admin";
  link: string;
  expiresAt: string;
  invitedBy: string;
}

const LINK_REMOVED = "[link removed from the outbox after delivery]";
const utcText = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");

/** Text and HTML around a single-use link; rendered again after delivery (the mailbox), when the link is gone. */
function linkMail(subject: string, intro: string, rawLink: unknown, outro: string): RenderedMail {
  const link = typeof rawLink === "string" ? rawLink : null;
  const text = [intro, link ?? LINK_REMOVED, outro].join("\n\n");
  const linkHtml = link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>` : `<p>${LINK_REMOVED}</p>`;
  return { subject, text, html: `${htmlOf(intro)}\n${linkHtml}\n${htmlOf(outro)}` };
}

function invitationMail(d: InvitationMailData): RenderedMail {
  const roleLine = d.role === "user" ? "" : ` as ${d.role === "admin" ? "an administrator" : "support staff"}`;
  const intro = [`Hello ${d.name},`, `${d.invitedBy} invited you to create your account${roleLine}.`, "Choose your password here (the link works once):"].join("\n\n");
  const outro = [`The link expires at ${utcText(d.expiresAt)}. If it has expired, ask for a new invitation.`, "If you did not expect this invitation, ignore this message: no account is usable until a password is chosen."].join("\n\n");
  return linkMail("You are invited: choose your password", intro, d.link, outro);
}

/**
 * A password reset: the link sets a new password once, before `expiresAt`, and signs out every session; it
 * never signs anyone in. `sentBy` names the staff member who sent it from the console (null: the owner asked).
 */
export interface PasswordResetMailData {
  name: string;
  link: string;
  expiresAt: string;
  sentBy: string | null;
}

function passwordResetMail(d: PasswordResetMailData): RenderedMail {
  const why = d.sentBy ? `${d.sentBy} sent you this link from the support console to choose a new password.` : "Someone asked to reset the password of your account.";
  const intro = [`Hello ${d.name},`, why, "Choose a new password here (the link works once):"].join("\n\n");
  const outro = [
    `The link expires at ${utcText(d.expiresAt)}. Choosing a new password signs you out everywhere; then sign in with it.`,
    "If you did not ask for this, ignore this message: your password stays as it is.",
    SUPPORT_LINE,
  ].join("\n\n");
  return linkMail("Reset your password", intro, d.link, outro);
}

/** An access request: who asks, for what and why, and where to answer (the account page, nothing more). */
function accessRequestMail(n: AccessRequestNotice): RenderedMail {
  const facts = [`Who: ${describeActor(n.by)}`, `Access: ${n.mode === "write" ? "read and write (can make changes)" : "read-only"}`];
  if (n.reason) facts.push(`Reason: ${n.reason}`);
  const intro = [`Hello ${n.recipientName},`, `${describeActor(n.by)} asks for access to your account to help you.`, facts.join("\n")].join("\n\n");
  const answer = "Approve or decline it on your account page (sign in as usual):";
  const outro = ["Nobody gets this access unless you approve it, and you can revoke it there at any time.", SUPPORT_LINE].join("\n\n");
  // Only ever the account page: whatever a stored payload says, this mail cannot carry another link.
  const url = typeof n.accountUrl === "string" && /^(https?:\/\/[^/]+)?\/account$/.test(n.accountUrl) ? n.accountUrl : "/account";
  const text = [intro, answer, url, outro].join("\n\n");
  const html = `${htmlOf(`${intro}\n\n${answer}`)}\n<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>\n${htmlOf(outro)}`;
  return { subject: "A staff member asks for access to your account", text, html };
}

export const MAIL_TEMPLATES = {
  access_requested: (n: AccessRequestNotice) => accessRequestMail(n),
  invite: (d: InvitationMailData) => invitationMail(d),
  password_reset: (d: PasswordResetMailData) => passwordResetMail(d),
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
