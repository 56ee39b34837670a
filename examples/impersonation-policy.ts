// Changing who may impersonate whom: canImpersonate (lib/impersonation/policy.ts) is one pure function with an
// exhaustive test table. Tighten it there, or wrap it: the wrapper keeps every built-in refusal and adds yours.
import { canImpersonate, type PolicyActor, type PolicyTarget } from "@/lib/impersonation/policy";

/** Example: support staff may only help users of their own region (a field of your own user model). */
export function canImpersonateInRegion(actor: PolicyActor & { region: string }, target: PolicyTarget & { region: string }) {
  const decision = canImpersonate(actor, target);
  if (!decision.allowed) return decision;
  if (actor.role === "support" && actor.region !== target.region) return { allowed: false as const, code: "NOT_ALLOWED" as const };
  return decision;
}
