/**
 * How long a Sign In As reason and ticket may be. Pure and import-free, so the dialog shows the same
 * limits the service enforces. A text out of bounds is refused with its own code, never shortened: a
 * reason cut at 500 characters could end mid-word or lose the part that mattered.
 */
import type { ErrorCode } from "../errors";

export const MAX_REASON_LENGTH = 500;
export const MAX_TICKET_LENGTH = 100;
/** The default of IMPERSONATION_REASON_MIN. */
export const DEFAULT_REASON_MIN_LENGTH = 10;

/** Control characters become spaces (they could forge lines in logs and the audit view); ends are trimmed. */
export function cleanText(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  return cleaned || null;
}

/** Length in characters as a person counts them (code points, so an emoji is one). */
export function textLength(text: string): number {
  return [...text].length;
}

/** The refusal for this reason and ticket, or null when both are within bounds. */
export function checkReasonAndTicket(reason: string | null, ticket: string | null, minReasonLength: number): ErrorCode | null {
  if (!reason) return "REASON_REQUIRED";
  if (textLength(reason) < minReasonLength) return "REASON_TOO_SHORT";
  if (textLength(reason) > MAX_REASON_LENGTH) return "REASON_TOO_LONG";
  if (ticket && textLength(ticket) > MAX_TICKET_LENGTH) return "TICKET_TOO_LONG";
  return null;
}
