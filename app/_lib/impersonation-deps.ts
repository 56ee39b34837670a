import "server-only";
import type { ImpersonationDeps } from "@/lib/impersonation/service";
import type { Runtime } from "@/lib/runtime";

/**
 * The impersonation service's dependencies with IMPERSONATION_REASON_MIN from the config. (The runtime's
 * own `impersonation` object predates that setting; once lib/runtime.ts passes it, this is the identity.)
 */
export function impersonationDeps(runtime: Runtime): ImpersonationDeps {
  return { reasonMinLength: runtime.config.impersonation.reasonMinLength, ...runtime.impersonation };
}
