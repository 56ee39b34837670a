import "server-only";
import { redirect } from "next/navigation";
import { accessPolicyOf, accessRefusal } from "@/lib/auth/access";
import { getConfig } from "@/lib/config";
import { requireUser } from "@/lib/next/session";

/**
 * The check every admin page makes for itself: signed in (or off to /login), then the access rule's
 * `staff` area (lib/auth/access.ts). It returns the refusal instead of calling forbidden() because, in a
 * production build of Next 16, forbidden() thrown by a page yields a 403 whose HTML body is empty until
 * JavaScript renders it (vercel/next.js#98295). The page renders <ForbiddenView /> itself, so the message
 * is there without JavaScript; the price is a 200 status on that page (the admin API, the authority for
 * scripts, still answers 403 with a code).
 */
export async function checkStaffPage(returnTo: string) {
  const session = await requireUser(returnTo);
  const refusal = accessRefusal(session, "staff", accessPolicyOf(getConfig()));
  // Staff who still owe a second factor are sent to where they set one up, told why (a page cannot set a flash cookie).
  if (refusal === "MFA_ENROLMENT_REQUIRED") redirect("/account/mfa?required=1");
  return { session, denied: refusal !== null };
}
