import "server-only";
import { requireUser } from "@/lib/next/session";
import { staffRefusal } from "../../_lib/action-session";

/**
 * The check every admin page makes for itself: signed in (or off to /login), then staff and not
 * impersonating, the same rule as requireStaff(). A refusal is returned rather than thrown so the page
 * can render <AccessDenied /> (see app/_components/interrupts.tsx for why).
 */
export async function checkStaffPage(returnTo: string) {
  const session = await requireUser(returnTo);
  return { session, denied: staffRefusal(session) !== null };
}
