import { parseRole } from "@/lib/users/users";
import type { StaffAction } from "@/lib/auth/step-up-rule";
import type { UserRole } from "@/lib/db/schema";
import { firstParam } from "../../../../_lib/params";

/** The destructive user actions that go through a confirmation page first. */
export type ConfirmedAction = { kind: "ban" } | { kind: "unban" } | { kind: "revoke-all" } | { kind: "role"; role: UserRole };

/** `?do=ban|unban|revoke-all|role&role=…` as the user page's forms send it; null for anything else. */
export function parseConfirmedAction(params: Record<string, string | string[] | undefined>): ConfirmedAction | null {
  const kind = firstParam(params, "do");
  if (kind === "ban" || kind === "unban" || kind === "revoke-all") return { kind };
  if (kind === "role") {
    const role = parseRole(firstParam(params, "role"));
    return role ? { kind, role } : null;
  }
  return null;
}

/** The action as the step-up rule names it. */
export function staffActionOf(action: ConfirmedAction): StaffAction {
  const names = { ban: "user.ban", unban: "user.unban", "revoke-all": "session.revoke_all", role: "user.role" } as const;
  return names[action.kind];
}
